"""What the monitor pages show, read from one open store reader.

Kept apart from the views so the queries can be tested (and reused by the API) without HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

import duckdb

from wijkkompas.catalogue import Catalogue, load_catalogue
from wijkkompas.catalogue.schema import Indicator
from wijkkompas.errors import StoreError
from wijkkompas.store import AnalyticStore, StoreReader
from wijkkompas.store.identity import Lru, store_identity
from wijkkompas.web.common.geojson import feature_collection

DEMO_GEMEENTE_CODE = "GM9999"
"""The fictional demo municipality Voorbeeldstad; not a real CBS code, so it cannot clash."""


@cache
def _catalogue() -> Catalogue:
    return load_catalogue()


_HOLDS = Lru(16)


def store_holds_gemeente(store: AnalyticStore, code: str) -> bool:
    """Whether the store holds regions of gemeente ``code`` (the demo guard: demo plan, demo
    accounts and codes only where the store is the demo). Cached per live store file, so a
    request pays a ``stat``, not a DuckDB open; a missing or unreadable store holds nothing."""
    try:
        key = (*store_identity(store), code)
    except StoreError:
        return False

    def holds() -> bool:
        try:
            with store.reader() as reader:
                return reader.latest_year(code) is not None
        except (StoreError, duckdb.Error):
            return False

    return _HOLDS.get_or_make(key, holds)


class GemeenteNotFound(LookupError):
    """The store has no regions for this gemeente code."""


@dataclass(frozen=True)
class Gemeente:
    code: str
    name: str
    year: int

    @property
    def is_demo(self) -> bool:
        return self.code == DEMO_GEMEENTE_CODE


@dataclass(frozen=True)
class Buurt:
    code: str
    name: str
    wijk_code: str | None
    wijk_name: str | None


@dataclass(frozen=True)
class BuurtOverview:
    """One gemeente's buurten in its newest boundary year, plus the gemeenten to choose from."""

    gemeente: Gemeente
    buurten: list[Buurt]
    gemeenten: list[Gemeente] = field(default_factory=list)


def gemeenten(reader: StoreReader) -> list[Gemeente]:
    """Every gemeente in the store, in its newest boundary year, sorted by code.

    Asked per year because ``regions(year=None)`` means "the store's newest year", and a store
    may hold one gemeente only for an older year.
    """
    newest: dict[str, Gemeente] = {}
    for year in reader.years():
        frame = reader.regions(level="gemeente", year=year)
        for code, name in zip(frame["code"], frame["name"], strict=True):
            newest[str(code)] = Gemeente(str(code), str(name), year)
    return [newest[code] for code in sorted(newest)]


def gemeente(reader: StoreReader, code: str) -> Gemeente:
    year = reader.latest_year(code)
    if year is None:
        raise GemeenteNotFound(code)
    frame = reader.regions(level="gemeente", gemeente=code, year=year)
    name = str(frame["name"].iloc[0]) if len(frame) else code
    return Gemeente(code, name, year)


def buurt_overview(
    reader: StoreReader, code: str, all_gemeenten: list[Gemeente] | None = None
) -> BuurtOverview:
    chosen = gemeente(reader, code)
    wijken = reader.regions(level="wijk", gemeente=code, year=chosen.year)
    wijk_names = dict(zip(wijken["code"], wijken["name"], strict=True))
    frame = reader.regions(level="buurt", gemeente=code, year=chosen.year)
    buurten = [
        Buurt(
            code=str(row.code),
            name=str(row.name),
            wijk_code=row.wijk_code if isinstance(row.wijk_code, str) else None,
            wijk_name=wijk_names.get(row.wijk_code),
        )
        for row in frame.itertuples(index=False)
    ]
    if all_gemeenten is None:
        all_gemeenten = gemeenten(reader)
    return BuurtOverview(gemeente=chosen, buurten=buurten, gemeenten=all_gemeenten)


_mapped = Lru(16)


def mapped_indicators(
    store: AnalyticStore, reader: StoreReader, gemeente_code: str
) -> dict[str, Indicator]:
    """Catalogue indicators with at least one figure in this gemeente (what the map offers).

    One query per store file and gemeente: the answer changes only with an import.
    """

    def find() -> dict[str, Indicator]:
        present = reader.indicator_ids(gemeente_code)
        return {i.id: i for i in _catalogue().indicators if i.id in present}

    return _mapped.get_or_make((store_identity(store), gemeente_code), find)


def region_names(overview: BuurtOverview) -> dict[str, str]:
    """Code to name for the buurten and wijken of one overview."""
    names = {b.wijk_code: b.wijk_name for b in overview.buurten if b.wijk_code and b.wijk_name}
    names.update({b.code: b.name for b in overview.buurten})
    return names


def buurten_geojson(reader: StoreReader, code: str, level: str = "buurt") -> dict[str, Any]:
    """Boundaries of one level (buurt or wijk) of a gemeente, in its newest boundary year."""
    chosen = gemeente(reader, code)
    frame = reader.geometries(
        "wijk" if level == "wijk" else "buurt", gemeente=code, year=chosen.year, simplified=True
    )
    return feature_collection(frame)
