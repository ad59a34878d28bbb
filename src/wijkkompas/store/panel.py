"""The engine's panel built from dictionary codes: ``index.panel.build_panel`` without a string
per row.

``build_panel`` normalises every row's region code as text and parses every row's period: on
eight million figures that is most of its time. The figures of :mod:`wijkkompas.store.figures`
arrive as categoricals, so here each distinct code and period is handled once and the rows
only carry integers. The result is the same panel (tests compare every array), so the engine
cannot tell which path built it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wijkkompas.index.panel import Panel, build_panel, period_years


def _codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes per row (-1: missing) and the distinct values they stand for."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy(), column.cat.categories.to_numpy(dtype=object)
    codes, uniques = pd.factorize(column)
    return codes, np.asarray(uniques, dtype=object)


def assemble_panel(figures: pd.DataFrame, regions: pd.DataFrame) -> Panel:
    """``build_panel(figures, regions)`` for chosen figures (``region_code``, ``year``,
    ``indicator_id``, ``value``, ``period``, ``source``)."""
    known = set(regions["region_code"])
    region_codes, region_values = _codes(figures["region_code"])
    present = np.unique(region_codes[region_codes >= 0])
    stray = sorted(set(region_values[present]) - known)
    if stray:
        raise ValueError(
            f"{len(stray)} observation region(s) are not in the regions table, e.g. {stray[:3]}"
        )
    # The regions as the engine orders and normalises them (no figures: nothing to parse).
    regions_frame = build_panel(figures.iloc[:0], regions).regions
    normalised = pd.Series(region_values, dtype=object).astype(str).str.strip().str.upper()
    position = pd.Index(regions_frame["region_code"]).get_indexer(normalised)
    r = position[region_codes]
    years, y = _years(figures["year"])
    k, indicators = _sorted_codes(figures["indicator_id"])
    shape = (len(years), len(regions_frame), len(indicators))
    flat = (y * shape[1] + r) * shape[2] + k
    if np.bincount(flat, minlength=int(np.prod(shape))).max(initial=0) > 1:
        raise ValueError("the panel has more than one value for a region, year and indicator")
    values = np.full(shape, np.nan)
    values.reshape(-1)[flat] = figures["value"].to_numpy(dtype=float)
    periods = None
    if "period" in figures:
        period_codes, period_values = _codes(figures["period"])
        per_value = np.append(period_years(pd.Series(period_values, dtype=object)), np.nan)
        periods = np.full(shape, np.nan)
        periods.reshape(-1)[flat] = per_value[period_codes]
    sources: np.ndarray | None = None
    source_names: tuple[str, ...] = ()
    if "source" in figures:
        source_codes, names = _first_seen(figures["source"])
        sources = np.full(shape, -1, dtype=np.int16)
        sources.reshape(-1)[flat] = source_codes.astype(np.int16)
        source_names = tuple(str(n) for n in names)
    population = None
    if "population" in indicators:
        population = values[:, :, list(indicators).index("population")].copy()
    return Panel(
        regions_frame, years, tuple(indicators), values, population, periods, sources,
        source_names,
    )  # fmt: skip


def _sorted_codes(column: pd.Series) -> tuple[np.ndarray, list[str]]:
    """``pd.factorize(column, sort=True)`` for text: codes into the sorted present values."""
    codes, values = _codes(column)
    present = np.flatnonzero(np.bincount(codes[codes >= 0], minlength=len(values)))
    names = values[present]
    order = np.argsort(names.astype(str), kind="stable")
    code_of = np.full(len(values), -1, dtype=np.int64)
    code_of[present[order]] = np.arange(len(present))
    return code_of[codes], [str(n) for n in names[order]]


def _first_seen(column: pd.Series) -> tuple[np.ndarray, list[str]]:
    """``pd.factorize(column.astype(object).fillna(""))``: codes in order of first appearance."""
    codes, values = _codes(column)
    text = pd.Series(np.append(values, ""), dtype=object)  # a missing value counts as ""
    canonical, uniques = pd.factorize(text)  # values equal as text share a code
    rows = canonical[np.where(codes < 0, len(values), codes)]
    present = [u for u in range(len(uniques)) if (rows == u).any()]
    seen = sorted(present, key=lambda u: int(np.argmax(rows == u)))
    rank = np.full(len(uniques), -1, dtype=np.int64)
    rank[seen] = np.arange(len(seen))
    return rank[rows], [str(uniques[u]) for u in seen]


def _years(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(column, return_inverse=True)`` for years, counted instead of sorted."""
    values = column.to_numpy(dtype=np.int64)
    if not len(values):
        return np.zeros(0, dtype=int), np.zeros(0, dtype=np.int64)
    low = int(values.min())
    present = np.bincount(values - low) > 0
    return np.flatnonzero(present) + low, (np.cumsum(present) - 1)[values - low]
