"""Carry a series of figures across boundary years with a code crosswalk.

Buurten are redrawn and recoded almost every year, so a figure for ``BU03630000`` (2019) cannot
be set beside one for ``BU0363AE01`` (2024) until it is expressed in the 2024 indeling. This
module does that with a crosswalk of shares (which share of an old region went into a new one),
and nothing more: it is pure (no I/O), and it never guesses. Where a region has no crosswalk
row, or a new region's parts are not all known, the series breaks and the break is listed, so
a chart can say plainly "no comparable figure before 2022" instead of drawing a false line.

Counts (inhabitants, dwellings) are share-weighted sums. Rates and means (percentages, average
income) are share-weighted means: with only shares to go on, a region is weighted by how much
of it moved, not by its population; that is exact for 1:1 recodings, the most common change,
and an approximation for splits and merges. Every converted value carries ``converted=True``
(the "berekend" flag of the methodology).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection
from typing import NamedTuple

import numpy as np
import pandas as pd

BREAK_COLUMNS = ["region_code", "region_year", "indicator_id", "target_year", "reason"]
"""One row per series (region, boundary year, indicator) that cannot be carried, and why."""

_MAPPING_COLUMNS = ["old_code", "new_code", "share"]


class CarriedSeries(NamedTuple):
    """Figures in the target year's indeling, and where a series could not be carried."""

    observations: pd.DataFrame
    """The input's columns plus ``converted`` (bool) and ``from_year`` (source boundary year)."""
    breaks: pd.DataFrame
    """:data:`BREAK_COLUMNS`."""


def _year_path(pairs: set[tuple[int, int]], start: int, target: int) -> list[tuple[int, int]]:
    """The shortest chain of forward crosswalks from ``start`` to ``target`` (empty if none).

    A crosswalk ``a → b`` describes the codes in use from ``a`` until the change in ``b``, so it
    also serves figures of the years in between (KWB 2019 still used Amsterdam's 2015 codes).
    Among usable crosswalks the one with the latest ``a`` is tried first.
    """
    previous: dict[int, tuple[int, int, int]] = {}  # reached year -> (old, new, from year)
    queue, seen = deque([start]), {start}
    while queue:
        year = queue.popleft()
        if year == target:
            path = []
            while year != start:
                step = previous[year]
                path.append(step)
                year = step[2]
            return [(old, new) for old, new, _from in path[::-1]]
        for old, new in sorted(pairs, key=lambda p: (-p[0], p[1])):
            if old <= year < new <= target and new not in seen:
                seen.add(new)
                previous[new] = (old, new, year)
                queue.append(new)
    return []


def _mapping(crosswalk: pd.DataFrame, start: int, target: int) -> pd.DataFrame | None:
    """Old code (``start``) → new code (``target``) with shares, composing chained years."""
    pairs = {
        (int(a), int(b))
        for a, b in zip(crosswalk["old_year"], crosswalk["new_year"], strict=True)
        if a < b
    }
    path = _year_path(pairs, start, target)
    if not path:
        return None
    mapping: pd.DataFrame | None = None
    for old_year, new_year in path:
        step = crosswalk.loc[
            (crosswalk["old_year"] == old_year) & (crosswalk["new_year"] == new_year),
            _MAPPING_COLUMNS,
        ]
        if mapping is None:
            mapping = step.copy()
            continue
        joined = mapping.merge(step, left_on="new_code", right_on="old_code", suffixes=("", "_2"))
        joined["share"] = joined["share"] * joined["share_2"]
        summed = joined.groupby(["old_code", "new_code_2"])["share"].sum().reset_index()
        mapping = summed.rename(columns={"new_code_2": "new_code"})
    assert mapping is not None
    return mapping[_MAPPING_COLUMNS]


def _one_figure_per_key(observations: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Definitief wins over voorlopig, so a figure is never counted twice."""
    if "release" not in observations.columns:
        return observations
    rank = observations["release"].map({"definitief": 0, "voorlopig": 1}).fillna(2)
    ordered = observations.assign(_rank=rank).sort_values("_rank", kind="stable")
    return ordered.drop_duplicates(keys, keep="first").drop(columns="_rank")


def _join_text(values: pd.Series) -> str | None:
    unique = sorted({str(v) for v in values.dropna()})
    return ", ".join(unique) if unique else None


def _convert_year(
    rows: pd.DataFrame,
    mapping: pd.DataFrame,
    group: list[str],
    counts: Collection[str],
    year: int,
    target_year: int,
) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    breaks: list[pd.DataFrame] = []
    known = rows["region_code"].isin(mapping["old_code"])
    if (~known).any():
        missing = rows.loc[~known, ["region_code", "indicator_id"]].drop_duplicates()
        breaks.append(
            missing.assign(
                region_year=year,
                target_year=target_year,
                reason=f"no crosswalk row from {year} to {target_year}",
            )
        )
    merged = rows[known].merge(mapping, left_on="region_code", right_on="old_code")
    if merged.empty:
        return merged, breaks
    merged["weighted"] = merged["share"] * merged["value"]
    merged["valid_share"] = merged["share"].where(merged["value"].notna(), 0.0)
    aggregations: dict[str, tuple[str, object]] = {
        "total": ("weighted", lambda s: s.sum(min_count=1)),
        "share_sum": ("valid_share", "sum"),
        "parts": ("old_code", "nunique"),
        "nan_parts": ("value", lambda s: int(s.isna().sum())),
    }
    for column in ("suppressed",):
        if column in merged.columns:
            aggregations[column] = (column, "any")
    for column in ("source_column", "release"):
        if column in merged.columns:
            aggregations[column] = (column, _join_text)
    out = merged.groupby(group, dropna=False).agg(**aggregations)
    out = out.reset_index().rename(columns={"new_code": "region_code"})
    is_count = out["indicator_id"].isin(list(counts))
    mean = out["total"] / out["share_sum"].replace(0.0, np.nan)
    out["value"] = np.where(is_count, out["total"], mean)
    out.loc[out["nan_parts"] > 0, "value"] = np.nan
    # A new region whose parts are not all in the data: the sum would silently be too small.
    expected = mapping.groupby("new_code")["old_code"].nunique()
    out["expected"] = out["region_code"].map(expected)
    incomplete = out["parts"] < out["expected"]
    if incomplete.any():
        out.loc[incomplete, "value"] = np.nan
        breaks.append(
            out.loc[incomplete, ["region_code", "indicator_id"]]
            .drop_duplicates()
            .assign(
                region_year=target_year,
                target_year=target_year,
                reason=f"not all {year} regions that make up this region have a figure",
            )
        )
    if "release" in out.columns:
        out["release"] = np.where(
            out["release"].fillna("").str.contains("voorlopig"), "voorlopig", "definitief"
        )
    out["region_year"] = target_year
    out["converted"] = True
    out["from_year"] = year
    return out, breaks


def carry_series(
    observations: pd.DataFrame,
    crosswalk: pd.DataFrame,
    target_year: int,
    counts: Collection[str] = (),
    keep: Collection[str] = (),
) -> CarriedSeries:
    """Express every figure in the regions of ``target_year``.

    ``observations`` has at least region_code, region_year, indicator_id, period and value
    (the store's observation columns; ``source`` is kept apart when present). ``crosswalk`` has
    the store's crosswalk columns; chains (2015→2022→2024) are composed. ``counts`` lists the
    indicator ids that are counts; every other indicator is treated as a rate or mean. Figures
    already in ``target_year`` pass through unchanged and win over converted ones; among
    converted figures for the same period the newest boundary year wins. Conversion runs
    forward only: shares cannot be inverted. ``keep`` names further columns that tell figures
    apart and survive the conversion (the index year of a figure, for the engine).
    """
    group_extra = [c for c in ("source", *keep) if c in observations.columns]
    keys = ["region_code", "region_year", "indicator_id", "period", *group_extra]
    obs = _one_figure_per_key(observations, keys)
    obs = obs.assign(value=pd.to_numeric(obs["value"], errors="coerce").astype(float))
    native = obs[obs["region_year"] == target_year].assign(converted=False, from_year=target_year)
    parts: list[pd.DataFrame] = [native]
    breaks: list[pd.DataFrame] = []
    group = ["new_code", "indicator_id", "period", *group_extra]
    for year in sorted({int(y) for y in obs["region_year"].dropna()} - {target_year}):
        rows = obs[obs["region_year"] == year]
        mapping = _mapping(crosswalk, year, target_year)
        if mapping is None:
            breaks.append(
                rows[["region_code", "indicator_id"]]
                .drop_duplicates()
                .assign(
                    region_year=year,
                    target_year=target_year,
                    reason=f"no crosswalk leads from {year} to {target_year}",
                )
            )
            continue
        converted, year_breaks = _convert_year(rows, mapping, group, counts, year, target_year)
        breaks.extend(year_breaks)
        parts.append(converted)
    columns = list(dict.fromkeys([*observations.columns, "converted", "from_year"]))
    filled = [p.reindex(columns=columns) for p in parts if len(p)]
    result = pd.concat(filled, ignore_index=True) if filled else pd.DataFrame(columns=columns)
    result = result.sort_values(["converted", "from_year"], ascending=[True, False], kind="stable")
    result = result.drop_duplicates(
        ["region_code", "indicator_id", "period", *group_extra], keep="first"
    )
    result["converted"] = result["converted"].astype(bool)
    result["region_year"] = result["region_year"].astype(int)
    result = result.sort_values(["region_code", "indicator_id", "period"]).reset_index(drop=True)
    break_frame = (
        pd.concat(breaks, ignore_index=True)[BREAK_COLUMNS]
        if breaks
        else pd.DataFrame({c: pd.Series(dtype=object) for c in BREAK_COLUMNS})
    )
    return CarriedSeries(result, break_frame.sort_values(BREAK_COLUMNS[:3]).reset_index(drop=True))


class CurrentCodes(NamedTuple):
    """Figures on the codes of the newest indeling where a crosswalk leads there."""

    figures: pd.DataFrame
    """The figures, old codes replaced by current ones where converted (``converted_from``
    names the old code(s) and their indeling year; empty for figures that were not moved)."""
    converted: pd.DataFrame
    """One row per current code and index year that holds converted figures: ``region_code``,
    ``year``, ``converted_from``."""
    breaks: pd.DataFrame
    """Old codes whose figures stay on their own code, and why (``region_code``,
    ``region_year``, ``reason``)."""


def _decoded(frame: pd.DataFrame) -> pd.DataFrame:
    """Categorical columns (the store's fast read hands text over so) as plain text: the
    conversion groups and joins per code, which is slow and odd on categoricals."""
    categorical = [c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)]
    if not categorical:
        return frame
    return frame.astype({c: frame[c].cat.categories.dtype for c in categorical})


def to_current_codes(
    figures: pd.DataFrame,
    crosswalk: pd.DataFrame,
    current: Collection[str],
    target_year: int,
    counts: Collection[str] = (),
) -> CurrentCodes:
    """Move figures on older codes to the codes of ``target_year`` with the crosswalks.

    ``figures`` are the engine's chosen figures (``region_code``, ``region_year``, ``year`` —
    the index year, which stays —, ``indicator_id``, ``period``, ``value``, ``source``);
    ``current`` the region codes of ``target_year``. A crosswalk ``a → b`` says which codes
    replaced which in ``b``; codes stay valid until a later crosswalk changes them, so a
    chain may end before ``target_year`` (Amsterdam's 2015 → 2022 serves a 2024 map) — but
    only codes that really exist in ``target_year`` are accepted. Figures of an old code that
    no crosswalk moves stay on that code, listed in ``breaks``: never silently dropped.
    """
    empty_breaks = pd.DataFrame(columns=["region_code", "region_year", "reason"])
    empty_converted = pd.DataFrame(columns=["region_code", "year", "converted_from"])
    out = figures.assign(converted_from="")
    if crosswalk.empty or figures.empty:
        return CurrentCodes(out, empty_converted, empty_breaks)
    current = set(current)
    old = (~figures["region_code"].isin(current)) & (figures["region_year"] < target_year)
    pairs = {
        (int(a), int(b))
        for a, b in zip(crosswalk["old_year"], crosswalk["new_year"], strict=True)
        if a < b
    }
    ends = sorted({b for _, b in pairs if b <= target_year}, reverse=True)
    kept, moved, breaks, converted = [figures[~old]], [], [], []
    for year in sorted({int(y) for y in figures.loc[old, "region_year"]}):
        rows = _decoded(figures[old & (figures["region_year"] == year)])
        end = next((b for b in ends if _year_path(pairs, year, b)), None)
        mapping = _mapping(crosswalk, year, end) if end is not None else None
        if mapping is None:
            kept.append(rows)
            breaks.append(_reasons(rows, f"no crosswalk leads from the {year} codes to today's"))
            continue
        mapping = mapping[mapping["new_code"].isin(current)]
        unmapped = ~rows["region_code"].isin(mapping["old_code"])
        if unmapped.any():
            kept.append(rows[unmapped])
            breaks.append(
                _reasons(
                    rows[unmapped],
                    f"the crosswalk {year} → {end} has no row for this code that leads to a "
                    f"region of {target_year}",
                )
            )
        rows = rows[~unmapped]
        if rows.empty:
            continue
        assert end is not None
        crosswalk_rows = mapping.assign(old_year=year, new_year=end)
        carried = carry_series(rows, crosswalk_rows, end, counts, keep=("year",))
        done = carried.observations
        done = done[done["converted"].astype(bool)]
        origin = mapping.groupby("new_code")["old_code"].agg(lambda s: ", ".join(sorted(s)))
        done = done.assign(
            region_year=target_year,
            converted_from=done["region_code"].map(origin) + f" ({year})",
        )
        # Level and gemeente of a new code: those of the old codes it came from.
        first_old = mapping.groupby("new_code")["old_code"].first()
        for column in ("level", "gemeente_code"):
            if column in rows.columns:
                of_old = rows.drop_duplicates("region_code").set_index("region_code")[column]
                done[column] = done["region_code"].map(first_old).map(of_old)
        moved.append(done.drop(columns=["converted", "from_year"], errors="ignore"))
        converted.append(done[["region_code", "year", "converted_from"]].drop_duplicates())
        if len(carried.breaks):
            breaks.append(
                carried.breaks.assign(region_year=year)[["region_code", "region_year", "reason"]]
            )
    columns = list(out.columns)
    parts = [p.reindex(columns=columns) for p in [*kept, *moved] if len(p)]
    result = pd.concat(parts, ignore_index=True)
    result["converted_from"] = result["converted_from"].fillna("")
    # A figure on the current code itself wins over one converted into it.
    result = result.sort_values("converted_from", key=lambda s: s != "", kind="stable")
    result = result.drop_duplicates(["region_code", "year", "indicator_id"], keep="first")
    return CurrentCodes(
        result.reset_index(drop=True),
        pd.concat(converted, ignore_index=True).drop_duplicates(["region_code", "year"])
        if converted
        else empty_converted,
        pd.concat(breaks, ignore_index=True).drop_duplicates() if breaks else empty_breaks,
    )


def _reasons(rows: pd.DataFrame, reason: str) -> pd.DataFrame:
    codes = rows[["region_code", "region_year"]].drop_duplicates()
    return codes.assign(reason=reason)
