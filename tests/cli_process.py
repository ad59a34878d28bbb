"""Running the command line as a user does: a separate process, a wide terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def wijkkompas(*args: str | Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    """``python -m wijkkompas ARGS…`` with its output captured; the caller judges the result.

    ``COLUMNS=200`` keeps tables side by side, as on an analyst's screen."""
    return subprocess.run(
        [sys.executable, "-m", "wijkkompas", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "COLUMNS": "200"},
    )
