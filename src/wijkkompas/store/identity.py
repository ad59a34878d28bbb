"""Caches keyed on *which* store file is live, so a swapped store can never serve stale numbers.

An import renames a new file over the store path (see :mod:`wijkkompas.store.store`): the path
stays, the inode changes. A key of path + inode + mtime + size therefore changes with every
import or saved index run, and what was computed from the old file simply ages out of a small
LRU. Opening a DuckDB reader costs milliseconds; a ``stat`` costs microseconds, which is what
lets a warm web request skip the store entirely.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from wijkkompas.store.store import AnalyticStore

V = TypeVar("V")

StoreIdentity = tuple[str, int, int, int]


def store_identity(store: AnalyticStore) -> StoreIdentity:
    """Path, inode, mtime and size of the live store file (the store's StoreError when absent,
    so every caller handles a missing store the one way it handles an unreadable one)."""
    try:
        stat = os.stat(store.path)
    except FileNotFoundError:
        raise store.missing() from None
    return (str(store.path), stat.st_ino, stat.st_mtime_ns, stat.st_size)


class Lru:
    """A small, thread-safe, bounded cache.

    Bounded because every import leaves the previous file's keys behind; thread-safe because
    gunicorn threads (or a test server) may share a process. Two threads missing the same key
    may both compute it: harmless, the values are equal, and it avoids holding a lock while
    computing.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: Hashable, make: Callable[[], V]) -> V:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                found: V = self._items[key]
                return found
        value = make()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
