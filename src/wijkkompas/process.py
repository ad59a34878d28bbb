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
import os
import sys

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
KEEP_BYTES = 1 << 30
"""Arrays up to 1 GiB come from (and return to) the process's own heap."""


def reuse_freed_memory() -> bool:
    """Ask glibc to keep large freed blocks for reuse, and numpy not to ask the kernel for
    huge pages (see :func:`small_pages`); False where glibc cannot (another C library, another
    system), which changes speed only."""
    if not sys.platform.startswith("linux"):
        return False
    small_pages()
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


def small_pages() -> bool:
    """Stop numpy advising the kernel to back its large arrays with transparent huge pages.

    numpy marks every array of 4 MB and more ``MADV_HUGEPAGE``. Where the kernel then compacts
    memory to find a free 2 MB page at the first touch (``defrag`` set to ``madvise``, as on
    the 2-core machines the budgets are measured on), each fresh array waits for it: a 160 MB
    array of rank draws took 0.58 s to fill, and the whole-country ``index`` took 15.5 s
    against 12.6 s without the advice (three runs each, alternating). numpy reads its own
    switch, ``NUMPY_MADVISE_HUGEPAGE``, only when it is imported, so this uses the runtime
    toggle numpy keeps for it; whoever set that variable keeps their choice. Returns whether
    the advice is now off.
    """
    if "NUMPY_MADVISE_HUGEPAGE" in os.environ:
        return os.environ["NUMPY_MADVISE_HUGEPAGE"] == "0"
    import numpy as np

    toggle = getattr(getattr(np, "_core", None), "multiarray", None)
    switch = getattr(toggle, "_set_madvise_hugepage", None)
    if switch is None:
        return False
    switch(False)
    return True
