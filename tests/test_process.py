"""The command line's process settings (see ``wijkkompas.process``)."""

import ctypes.util
import sys

import pytest

from wijkkompas.process import reuse_freed_memory, small_pages


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or ctypes.util.find_library("c") is None,
    reason="glibc's mallopt exists on Linux only",
)
def test_glibc_is_asked_to_keep_large_freed_blocks() -> None:
    assert reuse_freed_memory() is True


def test_numpy_stops_asking_for_huge_pages_unless_the_user_chose() -> None:
    import numpy as np

    switch = np._core.multiarray._set_madvise_hugepage
    before = switch(True)
    try:
        assert small_pages() is True
        assert switch(True) is False  # the advice was off
    finally:
        switch(before)


def test_a_user_s_choice_of_huge_pages_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    switch = np._core.multiarray._set_madvise_hugepage
    before = switch(True)
    try:
        monkeypatch.setenv("NUMPY_MADVISE_HUGEPAGE", "1")
        assert small_pages() is False
        assert switch(True) is True  # left on, as chosen
    finally:
        switch(before)
