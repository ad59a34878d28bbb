"""Store access and value conversion for the monitor API, cached per store file.

What is expensive to compute is cached under the store file's identity (inode, mtime, size): a
swapped or rewritten store is a new key, so a cache can never serve numbers from a store that
is no longer there.
"""

from __future__ import annotations

import math
import os
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd
from django.conf import settings
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from wijkkompas.catalogue import load_catalogue
from wijkkompas.catalogue.schema import Catalogue
from wijkkompas.errors import StoreError
from wijkkompas.store import AnalyticStore, StoreReader

V = TypeVar("V")


class Lru(OrderedDict[Any, Any]):
    """A tiny bounded cache: a store swap leaves old keys behind, so they must age out."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def get_or_make(self, key: Any, make: Callable[[], V]) -> V:
        if key in self:
            self.move_to_end(key)
            return self[key]
        value = make()
        self[key] = value
        while len(self) > self.size:
            self.popitem(last=False)
        return value


scores_cache = Lru(4)


@cache
def catalogue() -> Catalogue:
    """The packaged catalogue changes only with a release, so read it once per process."""
    return load_catalogue()


def current_store() -> AnalyticStore:
    return AnalyticStore(Path(settings.WIJKKOMPAS_STORE))


def store_identity(store: AnalyticStore) -> tuple[str, int, int, int]:
    stat = os.stat(store.path)
    return (str(store.path), stat.st_ino, stat.st_mtime_ns, stat.st_size)


@contextmanager
def open_reader() -> Iterator[tuple[AnalyticStore, StoreReader]]:
    """A reader for this request; a missing or unreadable store is a 503, not a 500."""
    store = current_store()
    try:
        with store.reader() as reader:
            yield store, reader
    except (StoreError, duckdb.Error, FileNotFoundError) as exc:
        raise HttpError(503, _("Er zijn nog geen gegevens om te tonen.")) from exc


def as_float(value: Any) -> float | None:
    if value is None or pd.isna(value):
        return None
    number = float(value)
    return None if math.isinf(number) else number


def as_int(value: Any) -> int | None:
    number = as_float(value)
    return None if number is None else int(number)


def as_str(value: Any) -> str | None:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def not_found(what: str) -> HttpError:
    return HttpError(404, what)


def region_row(row: Any) -> dict[str, Any]:
    return {
        "code": row.code,
        "naam": row.name,
        "niveau": row.level,
        "jaar": int(row.year),
        "gemeente": as_str(row.gemeente_code),
        "wijk": as_str(row.wijk_code),
    }


regions_cache = Lru(4)


def region_index(store: AnalyticStore, reader: StoreReader) -> dict[str, dict[str, Any]]:
    """Every code with its newest row and its years: one query per store file, not per request."""

    def build() -> dict[str, dict[str, Any]]:
        index: dict[str, dict[str, Any]] = {}
        for row in reader.all_regions().itertuples(index=False):  # sorted by code, then year
            record = region_row(row)
            entry = index.setdefault(record["code"], {"jaren": []})
            entry.update(record)
            entry["jaren"].append(record["jaar"])
        return index

    return regions_cache.get_or_make(store_identity(store), build)


def region_or_404(store: AnalyticStore, reader: StoreReader, code: str) -> dict[str, Any]:
    """The region in its newest boundary year, with every year it exists; 404 if never."""
    found = region_index(store, reader).get(code)
    if found is None:
        raise not_found(_("Regio %(code)s komt niet voor in de gegevens.") % {"code": code})
    return {**found, "jaren": list(found["jaren"])}
