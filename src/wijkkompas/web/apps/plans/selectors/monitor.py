"""Opening the monitor for the plans module: the store's regions and figures, the catalogue.

One reader per request, like the monitor's pages, so a new import is seen without a restart. No
store is not an error here: plans can still be read, only checks against the monitor (codes,
baselines) and progress figures are unavailable, and the pages say so.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from functools import lru_cache
from pathlib import Path

import duckdb

from wijkkompas.catalogue import Catalogue, load_catalogue
from wijkkompas.errors import StoreError
from wijkkompas.services.plan_progress import IndexRuns, StoreProgressSource
from wijkkompas.web.apps.monitor.selectors.data import store_holds_gemeente
from wijkkompas.web.apps.plans.checks import Monitor
from wijkkompas.web.common.store import site_store

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    return load_catalogue()


@contextmanager
def open_monitor() -> Iterator[Monitor]:
    """The monitor while the block runs; ``areas``/``source`` are None without a usable store."""
    with ExitStack() as stack:
        monitor = Monitor(areas=None, source=None, catalogue=catalogue())
        try:
            store = site_store()
            reader = stack.enter_context(store.reader())
            source = StoreProgressSource(reader, monitor.catalogue)
            index = IndexRuns(reader, monitor.catalogue, store, source.areas)
            monitor = Monitor(
                areas=source.areas, source=source, catalogue=monitor.catalogue, index=index
            )
        except (StoreError, duckdb.Error) as exc:
            log.warning("plans: no usable analytic store (%s)", type(exc).__name__)
        yield monitor


def store_has_gemeente(code: str, store: Path | None = None) -> bool:
    """Whether the store holds regions of ``code`` (the demo guard)."""
    return store_holds_gemeente(site_store(store), code)
