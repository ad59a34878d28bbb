"""Holding the PDF render slots from another process, as a second gunicorn worker would."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_HOLD = (
    "import fcntl, sys\n"
    "handles = [open(p, 'a+') for p in sys.argv[1:]]\n"
    "for h in handles: fcntl.flock(h, fcntl.LOCK_EX)\n"
    "print('held', flush=True)\n"
    "sys.stdin.read()\n"
)


@contextmanager
def slots_held_by_another_process(paths: list[Path]) -> Iterator[None]:
    """Every slot in ``paths`` busy until the block ends (the other process then lets go)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, *map(str, paths)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=20)
