"""Settings of the whole process that the command line makes once, at start.

Whole-country scoring works on arrays of a hundred megabytes and more, made and dropped dozens
of times per run. glibc hands allocations that large straight to the kernel (``mmap``) and gives
them back on free, so every new array pays for tens of thousands of page faults before the first
number is written: on a 2-core machine that was half the time of many array operations. Raising
glibc's mmap and trim thresholds keeps freed memory in the process for the next array. It holds
the peak memory of the run a little longer and changes no result.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
KEEP_BYTES = 1 << 30
"""Arrays up to 1 GiB come from (and return to) the process's own heap."""


def reuse_freed_memory() -> bool:
    """Ask glibc to keep large freed blocks for reuse; False where that is not possible
    (another C library, another system), which changes speed only."""
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl and others have no mallopt
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, KEEP_BYTES)) and bool(
        mallopt(M_TRIM_THRESHOLD, KEEP_BYTES)
    )
