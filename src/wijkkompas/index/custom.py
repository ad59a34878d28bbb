"""Custom areas: a plan area of several buurten, scored as one place.

Averaging buurt scores would weigh a buurt of 90 inhabitants like one of 9,000 and mix
nonlinear transforms. Instead the area's *indicator values* are rebuilt from additive parts and
then scored like any region, against the same fixed reference:

* a rate with a numerator and denominator in the catalogue: Σ numerators / Σ denominators;
* a share or mean with a size count (the catalogue ``weight``, e.g. households): the
  size-weighted mean, which equals summing the implied numerators;
* counts (sizes, numerators, population): sums;
* anything else (e.g. a density without its area) cannot be rebuilt exactly: it is left missing
  and named in the run log.

A buurt with a missing value is left out of that indicator's sums; when the buurten with a value
hold less than half of the area's size the indicator is missing. The area's gemeente is added as
its parent, so imputation works as for a buurt; ranks and deciles compare custom areas only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from wijkkompas.index.engine import options_of, score
from wijkkompas.index.options import EngineOptions
from wijkkompas.index.panel import Panel
from wijkkompas.index.reference import Reference
from wijkkompas.index.result import IndexResult
from wijkkompas.index.spec import IndexSpec, as_spec

MIN_SIZE_SHARE = 0.5


def score_custom_areas(
    panel: Panel,
    catalogue: Any,
    reference: Reference,
    areas: Mapping[str, Sequence[str]],
    options: EngineOptions | None = None,
) -> IndexResult:
    """Score plan areas built from buurten (see module notes).

    Parameters
    ----------
    panel
        The panel holding the buurten (and their gemeente, for imputation).
    areas
        Area name → buurt codes.

    Returns
    -------
    IndexResult
        Rows for every custom area (level ``custom``) and, as imputation parents, their
        gemeenten.
    """
    options = options or options_of(reference)
    spec = as_spec(catalogue, options.expert_weights)
    index = pd.Index(panel.codes)
    counts = _count_ids(spec, panel)
    ids = (*spec.ids, *counts)
    X = panel.matrix(ids)
    P = panel.period_matrix(ids)
    rows: list[tuple[str, str, str | None, None]] = []
    values: list[np.ndarray] = []
    periods: list[np.ndarray] = []
    population: list[np.ndarray] = []
    log: list[dict[str, Any]] = []
    for name, members in areas.items():
        r = index.get_indexer(list(members))
        if (r < 0).any():
            unknown = [m for m, i in zip(members, r, strict=True) if i < 0]
            raise ValueError(f"area {name!r}: unknown region(s) {unknown[:3]}")
        gemeenten = panel.regions["gemeente_code"].to_numpy()[r]
        gm = gemeenten[0] if len(set(gemeenten)) == 1 else None
        rows.append((name, "custom", gm, None))
        v, skipped = _rebuild(X[:, r, :], spec, ids)
        values.append(v)
        periods.append(_periods(P[:, r, :], v))
        if panel.population is not None:
            population.append(np.nansum(panel.population[:, r], axis=1))
        if skipped:
            log.append({"step": "custom_area", "area": name, "not_additive": skipped})
    parents = sorted({row[2] for row in rows if row[2] is not None} & set(panel.codes))
    p = index.get_indexer(parents)
    regions = pd.DataFrame(
        rows
        + [
            tuple(x)
            for x in panel.regions.iloc[p][
                ["region_code", "level", "gemeente_code", "wijk_code"]
            ].to_numpy()
        ],
        columns=["region_code", "level", "gemeente_code", "wijk_code"],
    )
    stacked = np.concatenate([np.stack(values, axis=1), X[:, p, :]], axis=1)
    stacked_periods = np.concatenate([np.stack(periods, axis=1), P[:, p, :]], axis=1)
    pop_all = None
    if panel.population is not None:
        pop_all = np.concatenate([np.stack(population, axis=1), panel.population[:, p]], axis=1)
    area_panel = Panel(regions, panel.years, ids, stacked, pop_all, stacked_periods)
    result = score(area_panel, spec, reference, options)
    result.log.extend(log)
    return result


def _periods(P: np.ndarray, values: np.ndarray) -> np.ndarray:
    """(years, ids) reference period of an area's rebuilt values: the newest of its buurten's
    (buurten of one table year share their periods), so money is deflated at its own period."""
    known = ~np.isnan(P).all(axis=1)
    out = np.full(values.shape, np.nan)
    out[known] = np.nanmax(np.where(np.isnan(P), -np.inf, P), axis=1)[known]
    out[np.isnan(values)] = np.nan
    return out


def _count_ids(spec: IndexSpec, panel: Panel) -> tuple[str, ...]:
    """Numerators, denominators and sizes the panel has, beyond the scored indicators, and the
    counts the non-residential rule reads (an area's address density is no sum: left out)."""
    wanted: list[str | None] = ["establishments", "dwellings", "land_area"]
    for ind in spec.indicators:
        wanted += [ind.numerator, ind.denominator, ind.size]
    seen = dict.fromkeys(w for w in wanted if w and w in panel.indicators and w not in spec.ids)
    return tuple(seen)


def _rebuild(X: np.ndarray, spec: IndexSpec, ids: tuple[str, ...]) -> tuple[np.ndarray, list[str]]:
    """(years, len(ids)) values of one area from its buurten's (years, buurten, ids)."""
    pos = {name: j for j, name in enumerate(ids)}
    out = np.full((X.shape[0], len(ids)), np.nan)
    skipped = []
    for j in range(len(spec.ids), len(ids)):  # counts: sums (missing if any buurt lacks it)
        out[:, j] = np.where(np.isnan(X[:, :, j]).any(axis=1), np.nan, X[:, :, j].sum(axis=1))
    for k, ind in enumerate(spec.indicators):
        num, den = pos.get(ind.numerator or ""), pos.get(ind.denominator or "")
        size = pos.get(ind.size or "")
        if num is not None and den is not None:
            n, d = X[:, :, num], X[:, :, den]
            ok = ~np.isnan(n) & ~np.isnan(d)
            total_d = np.where(ok, d, 0).sum(axis=1)
            with np.errstate(divide="ignore", invalid="ignore"):
                rate = np.where(ok, n, 0).sum(axis=1) / total_d * (ind.rate_factor or 1.0)
            out[:, k] = np.where(_enough(ok, d), rate, np.nan)
        elif size is not None:
            x, s = X[:, :, k], X[:, :, size]
            ok = ~np.isnan(x) & ~np.isnan(s)
            with np.errstate(divide="ignore", invalid="ignore"):
                mean = np.where(ok, x * s, 0).sum(axis=1) / np.where(ok, s, 0).sum(axis=1)
            out[:, k] = np.where(_enough(ok, s), mean, np.nan)
        else:
            skipped.append(ind.id)
    return out, skipped


def _enough(ok: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Whether the buurten with a value hold at least half of the area's known size."""
    have = np.where(ok, size, 0).sum(axis=1)
    known = np.nansum(size, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (known > 0) & (have / known >= MIN_SIZE_SHARE)
