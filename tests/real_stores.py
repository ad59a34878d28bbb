"""Building a store from real public files the way a person would: with the command line.

The files live in ``../shared/data`` beside the repository, never in it; tests that need them
skip, naming what is missing, when that folder is absent.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def wijkkompas(store: Path, *args: str | Path) -> None:
    """Run ``wijkkompas --store STORE ARGS…`` and fail the test with its output if it fails."""
    argv = [sys.executable, "-m", "wijkkompas", "--store", str(store), *map(str, args)]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
