"""Store access and value conversion for the monitor API, cached per store file.

What is expensive to compute is cached under the store file's identity (inode, mtime, size): a
swapped or rewritten store is a new key, so a cache can never serve numbers from a store that
is no longer there.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any, TypeVar

import pandas as pd
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from wijkkompas.catalogue import load_catalogue
from wijkkompas.catalogue.schema import Catalogue
from wijkkompas.services.scoring import latest_run_scores
from wijkkompas.store import AnalyticStore, StoreReader
from wijkkompas.store.identity import Lru, store_identity
from wijkkompas.web.common.store import site_store

V = TypeVar("V")
scores_cache = Lru(4)


@cache
def catalogue() -> Catalogue:
    """The packaged catalogue changes only with a release, so read it once per process."""
    return load_catalogue()


@contextmanager
def open_reader() -> Iterator[tuple[AnalyticStore, StoreReader]]:
    """A reader for this request; a missing or unreadable store is a 503, not a 500
    (:func:`wijkkompas.web.common.problems.no_data_yet` answers every store read error)."""
    store = site_store()
    with store.reader() as reader:
        yield store, reader


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


def live_store() -> AnalyticStore:
    """The store for this request, or a 503 when there is none yet (never a 500)."""
    store = site_store()
    if not store.exists():
        raise store.missing()
    return store


def _cached(store: AnalyticStore, cache: Lru, make: Callable[[], V]) -> V:
    """``make`` once per store file; an unreadable or vanished store is a 503 (see above)."""
    return cache.get_or_make(store_identity(store), make)


def region_index(store: AnalyticStore) -> dict[str, dict[str, Any]]:
    """Every code with its newest row and its years: one query per store file, not per request."""

    def build() -> dict[str, dict[str, Any]]:
        index: dict[str, dict[str, Any]] = {}
        with store.reader() as reader:
            frame = reader.all_regions()  # sorted by code, then year
        for row in frame.itertuples(index=False):
            record = region_row(row)
            entry = index.setdefault(record["code"], {"jaren": []})
            entry.update(record)
            entry["jaren"].append(record["jaar"])
        return index

    return _cached(store, regions_cache, build)


def region_or_404(store: AnalyticStore, code: str) -> dict[str, Any]:
    """The region in its newest boundary year, with every year it exists; 404 if never."""
    found = region_index(store).get(code)
    if found is None:
        raise not_found(_("Regio %(code)s komt niet voor in de gegevens.") % {"code": code})
    return {**found, "jaren": list(found["jaren"])}


def run_scores(store: AnalyticStore) -> pd.DataFrame | None:
    """The newest saved run's scores indexed by region code (None before the first run)."""

    def load() -> pd.DataFrame | None:
        scores = latest_run_scores(store)
        return None if scores is None else scores.set_index("code", drop=False)

    return _cached(store, scores_cache, load)
