"""Inequality between neighbourhoods: Gini, Theil (decomposed) and S80/S20 of scores.

A city can improve on average while its weakest buurten fall further behind. Following the
inequality literature (Theil 1967; Shorrocks 1980 for the decomposition) and PySAL's
``inequality`` package, the engine reports per year:

* the Gini coefficient;
* the Theil T index and its exact split into *within* and *between* parts for wijken and
  gemeenten: ``T = Σ_g s_g T_g + Σ_g s_g ln(μ_g / μ)`` with ``s_g = N_g μ_g / (N μ)``;
* the S80/S20 ratio: the sum of the best fifth of scores over the sum of the worst fifth.

All three need positive values, so they are computed on the fixed 0–100 reference scale
(``IndexResult.scaled``), never on z-scores. They describe areas, not people: a small buurt
counts as much as a large one (the ecological caveat of the IoD 2019 report).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from wijkkompas.index.result import IndexResult


def gini(x: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 = all equal)."""
    x = np.sort(np.asarray(x, dtype=float))
    n = x.size
    if n == 0 or x.sum() <= 0:
        return float("nan")
    i = np.arange(1, n + 1)
    return float(np.sum((2 * i - n - 1) * x) / (n * x.sum()))


def theil(x: np.ndarray) -> float:
    """Theil T index of positive values (0 = all equal)."""
    x = np.asarray(x, dtype=float)
    mu = x.mean() if x.size else np.nan
    if not mu > 0:
        return float("nan")
    r = x / mu
    return float(np.mean(np.where(r > 0, r * np.log(np.where(r > 0, r, 1.0)), 0.0)))


def theil_decomposition(x: np.ndarray, groups: np.ndarray) -> tuple[float, float, float]:
    """(total, within, between) Theil T; within + between equals total exactly."""
    x = np.asarray(x, dtype=float)
    codes = pd.factorize(groups, use_na_sentinel=False)[0]
    n, mu = x.size, x.mean()
    if n == 0 or not mu > 0:
        return (float("nan"),) * 3
    size = np.bincount(codes)
    mean_g = np.bincount(codes, weights=x) / size
    share = size * mean_g / (n * mu)
    r = x / mean_g[codes]
    t_g = (
        np.bincount(codes, weights=np.where(r > 0, r * np.log(np.where(r > 0, r, 1.0)), 0.0)) / size
    )
    within = float(np.sum(share * t_g))
    between = float(np.sum(np.where(share > 0, share * np.log(mean_g / mu), 0.0)))
    return within + between, within, between


def s80_s20(x: np.ndarray) -> float:
    """Sum of the highest fifth of values over the sum of the lowest fifth."""
    x = np.sort(np.asarray(x, dtype=float))
    q = round(0.2 * x.size)
    if q < 1 or x[:q].sum() <= 0:
        return float("nan")
    return float(x[-q:].sum() / x[:q].sum())


def inequality(result: IndexResult, column: str = "total", level: str = "buurt") -> pd.DataFrame:
    """Inequality of a score between regions of one level, per year.

    Parameters
    ----------
    result
        From :func:`~wijkkompas.index.score`.
    column
        ``total`` or a group score.
    level
        Which regions to compare (``buurt``, ``wijk`` or ``gemeente``).

    Returns
    -------
    pandas.DataFrame
        Per year: ``n``, ``mean`` (0–100 scale), ``gini``, ``theil``, ``theil_within_wijk``,
        ``theil_between_wijk``, ``theil_within_gemeente``, ``theil_between_gemeente``,
        ``s80_s20``.
    """
    scores = result.scores
    value = result.scaled(column)
    keep = (scores["level"] == level).to_numpy() & ~np.isnan(value)
    years = scores["year"].to_numpy()[keep]
    wijk = scores["wijk_code"].to_numpy(dtype=object)[keep]
    gemeente = scores["gemeente_code"].to_numpy(dtype=object)[keep]
    value = value[keep]
    rows = []
    for year in np.unique(years):
        at = years == year
        x = value[at]
        _, w_in, w_between = theil_decomposition(x, wijk[at])
        total, g_in, g_between = theil_decomposition(x, gemeente[at])
        rows.append(
            {
                "year": int(year),
                "n": int(x.size),
                "mean": float(x.mean()),
                "gini": gini(x),
                "theil": total,
                "theil_within_wijk": w_in,
                "theil_between_wijk": w_between,
                "theil_within_gemeente": g_in,
                "theil_between_gemeente": g_between,
                "s80_s20": s80_s20(x),
            }
        )
    return pd.DataFrame(rows)
