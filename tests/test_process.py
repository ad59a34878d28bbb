"""The command line's process settings (see ``wijkkompas.process``)."""

import ctypes.util
import sys

import pytest

from wijkkompas.process import reuse_freed_memory


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or ctypes.util.find_library("c") is None,
    reason="glibc's mallopt exists on Linux only",
)
def test_glibc_is_asked_to_keep_large_freed_blocks() -> None:
    assert reuse_freed_memory() is True
