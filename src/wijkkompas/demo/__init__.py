"""The built-in demo municipality Voorbeeldstad (GM9999): FICTIONAL, seeded and plausible.

A newcomer should see what wijkkompas does before importing anything, and tests and pages need
a town whose story is known in advance. Voorbeeldstad is generated from a seed into exactly the
:class:`~wijkkompas.store.batch.ImportBatch` shape a real loader produces, so it flows through
the same store, index and pages as real CBS data. It is labelled as fictional in its name, its
description and its provenance; none of its figures are CBS figures.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from wijkkompas.catalogue import Catalogue, load_catalogue
from wijkkompas.demo.aggregate import Aggregator
from wijkkompas.demo.geography import simplify_coverage, to_wgs84
from wijkkompas.demo.names import GEMEENTE_NAME
from wijkkompas.demo.national import national_figures
from wijkkompas.demo.observations import BuurtFigures, buurt_figures
from wijkkompas.demo.town import (
    CHANGE_BOUNDARY,
    GEMEENTE_CODE,
    YEARS,
    Buurt,
    DemoNarrative,
    Town,
    build_town,
    release_of,
)
from wijkkompas.store.batch import (
    BOUNDARY_CHANGE_COLUMNS,
    GEOMETRY_COLUMNS,
    OBSERVATION_COLUMNS,
    REGION_COLUMNS,
    UNMATCHED_COLUMNS,
    ImportBatch,
)

__all__ = [
    "GEMEENTE_CODE",
    "GEMEENTE_NAME",
    "YEARS",
    "DemoMunicipality",
    "DemoNarrative",
    "build_demo",
    "build_demo_batch",
]

SOURCE = "demo"
UNMATCHED_KWB = ("ste_mvs", "pst_mvp")
"""Columns a real kwb file has that the catalogue does not use: kept, as a loader keeps them."""


@dataclass(frozen=True)
class DemoMunicipality:
    """The batch to import plus what generated it, so tests and pages can check the story."""

    batch: ImportBatch
    narrative: DemoNarrative
    town: Town


def build_demo_batch(seed: int = 2024, catalogue: Catalogue | None = None) -> ImportBatch:
    """Voorbeeldstad as an import batch; the same seed gives byte-identical tables."""
    return build_demo(seed, catalogue).batch


def build_demo(seed: int = 2024, catalogue: Catalogue | None = None) -> DemoMunicipality:
    """Voorbeeldstad with its story (:class:`DemoNarrative`) and its map, for tests and pages."""
    if catalogue is None:
        catalogue = load_catalogue()
    registers = _registers(catalogue)
    rng = np.random.default_rng(seed)
    town = build_town(rng, seed)
    figures = buurt_figures(rng, town, registers)
    observations = _observations(town, registers, figures)
    batch = ImportBatch(
        source=SOURCE,
        description=(
            f"FICTIONAL demo municipality {GEMEENTE_NAME} ({GEMEENTE_CODE}), generated from seed "
            f"{seed}: invented but plausible figures for {YEARS[0]}-{YEARS[-1]}. "
            "Not CBS data; do not use for any real decision."
        ),
        regions=_regions(town),
        observations=observations,
        unmatched=_unmatched(town, figures),
        geometries=_geometries(town),
        boundary_changes=_boundary_changes(town),
        national=national_figures(registers),
        provenance={
            "fictional": True,
            "name": GEMEENTE_NAME,
            "gemeente_code": GEMEENTE_CODE,
            "generator": "wijkkompas.demo.build_demo_batch",
            "seed": seed,
            "years": list(YEARS),
            "catalogue_version": catalogue.version,
            "catalogue_sha256": catalogue.sha256,
            "narrative": asdict(town.narrative),
            "note": (
                "Voorbeeldstad is FICTIONAL: every figure and boundary is generated, the "
                "figures for Nederland (NL00) too."
            ),
        },
    )
    batch.validate()
    return DemoMunicipality(batch, town.narrative, town)


def _registers(catalogue: Catalogue) -> Catalogue:
    """The catalogue without survey and participation indicators: the demo plays a KWB-like
    register, and felt livability only exists where residents were asked."""
    return Catalogue(
        version=catalogue.version,
        indicators=[i for i in catalogue.indicators if not i.tags],
        price_indices=catalogue.price_indices,
    )


def _region_rows(town: Town, year: int) -> list[tuple[str, str, str, str | None, list[Buurt]]]:
    """(code, name, level, wijk_code, buurten) for every region of one boundary year."""
    buurten = town.buurten_in(year)
    rows: list[tuple[str, str, str, str | None, list[Buurt]]] = [
        (GEMEENTE_CODE, GEMEENTE_NAME, "gemeente", None, buurten)
    ]
    for code, name in town.wijken.items():
        rows.append((code, name, "wijk", code, [b for b in buurten if b.wijk_code == code]))
    rows.extend((b.code, b.name, "buurt", b.wijk_code, [b]) for b in sorted(buurten, key=_code))
    return rows


def _code(buurt: Buurt) -> str:
    return buurt.code


def _regions(town: Town) -> pd.DataFrame:
    records = [
        (code, name, level, year, GEMEENTE_CODE, wijk)
        for year in YEARS
        for code, name, level, wijk, _ in _region_rows(town, year)
    ]
    return pd.DataFrame.from_records(records, columns=REGION_COLUMNS)


def _observations(town: Town, catalogue: Catalogue, figures: BuurtFigures) -> pd.DataFrame:
    aggregate = Aggregator(catalogue)
    meta = [(i.id, i.source_column()) for i in catalogue.indicators]
    columns: dict[str, list[Any]] = {c: [] for c in OBSERVATION_COLUMNS}
    for year in YEARS:
        frame = figures.values[year]
        values, hidden = frame.to_numpy(), figures.suppressed[year].to_numpy()
        row_of = {code: k for k, code in enumerate(frame.index)}
        areas = np.array([town.buurt(code).area_km2 for code in frame.index])
        periods = [i.period_label(year) for i in catalogue.indicators]
        release = release_of(year)
        for code, _, level, _, buurten in _region_rows(town, year):
            rows = [row_of[b.code] for b in buurten]
            if level == "buurt":
                region_values = values[rows[0]].tolist()
                region_hidden = hidden[rows[0]].tolist()
            else:
                figures_of = aggregate(values[rows], areas[rows])
                region_values = [figures_of[i] for i, _ in meta]
                region_hidden = [False] * len(meta)
            columns["region_code"] += [code] * len(meta)
            columns["region_year"] += [year] * len(meta)
            columns["indicator_id"] += [i for i, _ in meta]
            columns["period"] += periods
            columns["value"] += region_values
            columns["suppressed"] += region_hidden
            columns["source_column"] += [s for _, s in meta]
            columns["release"] += [release] * len(meta)
    frame = pd.DataFrame(columns, columns=OBSERVATION_COLUMNS)
    return frame.astype({"value": "float64", "suppressed": "bool", "region_year": "int64"})


def _unmatched(town: Town, figures: BuurtFigures) -> pd.DataFrame:
    """Urbanity and postcode columns, as text the way a kwb file has them ('.' when secret).

    ``pst_mvp`` is the kwb's most common postcode (PC4) of a region: the map's search finds a
    buurt by it. A wijk or the gemeente takes the postcode of its most populous buurt.
    """
    records: list[tuple[str, int, str, str, str]] = []
    for year in YEARS:
        population = figures.values[year]["population"].to_dict()
        for code, _, _, _, buurten in _region_rows(town, year):
            people = float(sum(population[b.code] for b in buurten))
            area = sum(b.area_km2 for b in buurten)
            secret = len(buurten) == 1 and buurten[0].code in town.narrative.tiny
            density = people / area
            urbanity = 1 if density > 7500 else 2 if density > 4500 else 3 if density > 3000 else 4
            texts = {
                "ste_mvs": "5" if secret else str(urbanity),
                "pst_mvp": demo_postcode(max(buurten, key=lambda b: population[b.code]).code),
            }
            records.extend((code, year, str(year), col, texts[col]) for col in UNMATCHED_KWB)
    return pd.DataFrame.from_records(records, columns=UNMATCHED_COLUMNS)


def demo_postcode(buurt_code: str) -> str:
    """A fictional but plausible PC4 for a demo buurt: neighbouring buurten share one, as in
    real towns (about four buurten per postcode, numbered by wijk)."""
    wijk, buurt = int(buurt_code[6:8]), int(buurt_code[8:10])
    return str(7900 + 10 * wijk + buurt // 4)


def _wkb(geometry: BaseGeometry) -> bytes:
    return bytes(shapely.to_wkb(to_wgs84(geometry)))


def _geometries(town: Town) -> pd.DataFrame:
    records: list[tuple[str, int, bytes, bytes]] = []
    cache: dict[tuple[str, ...], dict[str, tuple[bytes, bytes]]] = {}
    for year in YEARS:
        buurten = sorted(town.buurten_in(year), key=_code)
        key = tuple(b.code for b in buurten)
        if key not in cache:
            exact = {b.code: b.polygon for b in buurten}
            web = dict(zip(exact, simplify_coverage(list(exact.values())), strict=True))
            shapes: dict[str, tuple[bytes, bytes]] = {}
            for code, _, _, _, members in _region_rows(town, year):
                codes = [b.code for b in members]
                shape = shapely.coverage_union_all([exact[c] for c in codes])
                shape_web = shapely.coverage_union_all([web[c] for c in codes])
                shapes[code] = (_wkb(shape), _wkb(shape_web))
            cache[key] = shapes
        records.extend((code, year, *wkbs) for code, wkbs in cache[key].items())
    return pd.DataFrame.from_records(records, columns=GEOMETRY_COLUMNS)


def _boundary_changes(town: Town) -> pd.DataFrame:
    new_in = {b.code: b.first_year for b in town.buurten if b.parent is not None}
    records = [
        (code, year, CHANGE_BOUNDARY if new_in.get(code) == year else 1)
        for year in YEARS
        for code, *_ in _region_rows(town, year)
    ]
    return pd.DataFrame.from_records(records, columns=BOUNDARY_CHANGE_COLUMNS)
