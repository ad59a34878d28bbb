"""What the analytic store holds, for the data page: its imports, gemeenten and index runs."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any

from wijkkompas.catalogue import load_catalogue
from wijkkompas.store import STORE_READ_ERRORS, AnalyticStore
from wijkkompas.store.identity import Lru, store_identity
from wijkkompas.web.apps.monitor.selectors import data


@dataclass(frozen=True)
class StoredImport:
    number: int
    file: str
    source: str
    finished: datetime
    regions: int
    observations: int
    geometries: int
    years: list[int]


@dataclass(frozen=True)
class IndexRunInfo:
    run_id: str
    created: datetime
    scope: str


@dataclass(frozen=True)
class StoreOverview:
    exists: bool
    imports: list[StoredImport] = field(default_factory=list)
    gemeenten: list[data.Gemeente] = field(default_factory=list)
    latest_run: IndexRunInfo | None = None
    indicators: set[str] = field(default_factory=set)
    unreadable: bool = False
    """The file is there but is no store wijkkompas can read."""


_overviews = Lru(8)


def overview(store: AnalyticStore) -> StoreOverview:
    """Read once per store file: an import or a saved run is a new file, so a new key."""
    if not store.exists():
        return StoreOverview(exists=False)
    try:
        return _overviews.get_or_make(store_identity(store), lambda: _read(store))
    except STORE_READ_ERRORS:
        return StoreOverview(exists=True, unreadable=True)


def _utc(value: object) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _read(store: AnalyticStore) -> StoreOverview:
    with store.reader() as reader:
        frame = reader.imports()
        years = reader.import_years()
        gemeenten = data.gemeenten(reader)
        runs = reader.index_runs()
        indicators = reader.indicator_ids()
    imports = []
    row: dict[Any, Any]
    for row in frame.to_dict("records"):
        try:
            provenance = json.loads(str(row["provenance"] or "{}"))
        except ValueError:
            provenance = {}
        number = int(row["import_id"])
        imports.append(
            StoredImport(
                number=number,
                file=str(provenance.get("file") or row["description"]),
                source=str(row["source"]),
                finished=_utc(row["finished_at"]),
                regions=int(row["n_regions"]),
                observations=int(row["n_observations"]),
                geometries=int(row["n_geometries"]),
                years=years.get(number, []),
            )
        )
    latest = None
    if not runs.empty:
        last = runs.iloc[-1]
        latest = IndexRunInfo(str(last["run_id"]), _utc(last["created_at"]), str(last["scope"]))
    return StoreOverview(
        exists=True,
        imports=imports[::-1],
        gemeenten=gemeenten,
        latest_run=latest,
        indicators=indicators,
    )


@cache
def indicator_names() -> dict[str, tuple[str, str, str]]:
    """Catalogue id → (Dutch name, English name, unit)."""
    return {i.id: (i.name_nl, i.name_en, i.unit) for i in load_catalogue().indicators}
