"""The text of a PDF as a reader (or a screen reader) gets it, through Debian's pdftotext.

Missing, it fails the run in CI (a silently skipped check of what a report says would be a lie)
and skips elsewhere, like the browser tests do without chromium.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest


def require_pdftotext() -> str:
    found = shutil.which("pdftotext")
    if found:
        return found
    message = "Debian's pdftotext is not installed; install it: apt-get install poppler-utils"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page, in reading order."""
    tool = require_pdftotext()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(pdf)
        result = subprocess.run(
            [tool, "-enc", "UTF-8", str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
    return result.stdout.split("\f")[:-1] if "\f" in result.stdout else [result.stdout]
