"""Trends: change between two years, its uncertainty, and which indicators drove it.

The change of a score is only news when it exceeds its noise. The engine propagates
indicator-level uncertainty into every total with the delta method and treats indicators and
years as independent (a simplification; correlated errors would mostly cancel in a change):

* every present value carries ``indicator_noise_sd`` reference standard deviations of noise
  (rounding, definitions, geocoding — administrative data are not exact);
* a rate adds its sampling variance (binomial for percentages, Poisson per 1000, from its size;
  after shrinkage the posterior variance ``B·v``);
* an imputed value adds the reference's mean squared gap between regions and their parents.

``Var(total) = Σ_i coef_i² · (dterm_i/dx_i)² · Var(x_i)`` (times total² for geometric); a change
is *climbing* or *sliding* when it exceeds ``trend_z`` standard errors of the difference, and
*stable* otherwise. By default a year is compared with the earliest panel year at least
``trend_min_gap`` years before it. Because contributions add up exactly to each year's score,
their year-on-year differences attribute the change exactly to indicators.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.special import ndtr

from wijkkompas.index.normalise import Z_METHODS, pick, slope

if TYPE_CHECKING:
    from wijkkompas.index.engine import IndexResult
    from wijkkompas.index.pipeline import Computed, Prepared
    from wijkkompas.index.reference import Reference


def baseline_rows(years: np.ndarray, min_gap: int) -> np.ndarray:
    """For each panel year, the earliest panel year at least ``min_gap`` years before (−1)."""
    out = np.full(len(years), -1)
    for t, year in enumerate(years):
        earlier = np.flatnonzero(years <= year - min_gap)
        if earlier.size:
            out[t] = earlier[0]
    return out


def total_variance(
    prepared: Prepared,
    computed: Computed,
    weights: np.ndarray,
    reference: Reference,
    rows: np.ndarray,
    signs: np.ndarray,
    noise_sd: float,
) -> np.ndarray:
    """Variance of each row's total from indicator noise (see module notes); (N,).

    ``Σ_i coef_i² τ_i`` is evaluated without forming ``coef``: with ``coef_i = Σ_g W_ig β_g``,
    it equals ``Σ_{g,h} β_g β_h Σ_i W_ig W_ih τ_i``, so only a few products over the
    (mostly constant, sparsely corrected) term variances ``τ`` are needed.
    """
    Y, R, K = prepared.X.shape
    N = Y * R
    method = reference.method["normalisation"]
    G = weights.shape[1]
    pairs = [(g, h) for g in range(G) for h in range(g, G) if (weights[:, g] * weights[:, h]).any()]
    M = (
        np.column_stack([weights[:, g] * weights[:, h] for g, h in pairs])
        if pairs
        else np.zeros((K, 0))
    )
    rates = prepared.rates
    imp_var = np.nan_to_num(reference.imputation_var)
    if computed.aggregation == "arithmetic" and method in (*Z_METHODS, "minmax"):
        d2 = slope(prepared.X[:, :1], method, reference.params(), rows, signs)[:, 0, :] ** 2
        d2 = np.nan_to_num(d2)
        noise = (noise_sd * np.nan_to_num(pick(reference.sd, rows))) ** 2 * d2
        Q = np.repeat(noise @ M, R, axis=0)
        Q -= _reweighted(computed.absent, lambda y, k: noise[y, k], R) @ M
        Q += _reweighted(computed.imputed, lambda y, k: imp_var[k] * d2[y, k], R) @ M
        cols = rates.columns
        for t in range(Y) if cols.size else ():
            Q[t * R : (t + 1) * R] += (rates.variance[t] * d2[t, cols]) @ M[cols]
    else:
        tau = _dense_term_variance(prepared, computed, reference, rows, signs, noise_sd)
        Q = np.where(computed.present, tau, 0.0) @ M
    beta = computed.beta
    var = np.zeros(N)
    for p, (g, h) in enumerate(pairs):
        var += (1.0 if g == h else 2.0) * beta[:, g] * beta[:, h] * Q[:, p]
    if computed.aggregation == "geometric":
        return computed.total**2 * var
    return var


def _reweighted(
    mask: sparse.csr_array, value: Callable[[np.ndarray, np.ndarray], np.ndarray], regions: int
) -> sparse.csr_array:
    """The same sparse cells with data ``value(year, indicator)`` instead of ones."""
    rows = np.repeat(np.arange(mask.shape[0]), np.diff(mask.indptr))
    return sparse.csr_array(
        (value(rows // regions, mask.indices), mask.indices, mask.indptr), shape=mask.shape
    )


def _dense_term_variance(
    prepared: Prepared,
    computed: Computed,
    reference: Reference,
    rows: np.ndarray,
    signs: np.ndarray,
    noise_sd: float,
) -> np.ndarray:
    """Per-cell variance of each aggregated term when the slope varies per cell (rank
    normalisation, geometric aggregation)."""
    X = prepared.X
    Y, R, K = X.shape
    method = reference.method["normalisation"]
    var_x = np.broadcast_to((noise_sd * pick(reference.sd, rows))[:, None, :] ** 2, X.shape).copy()
    var_x += np.where(prepared.imputed, np.nan_to_num(reference.imputation_var), 0.0)
    cols = prepared.rates.columns
    if cols.size:
        var_x[:, :, cols] += prepared.rates.variance
    d = np.array(slope(X, method, reference.params(), rows, signs)).reshape(Y * R, K)
    if computed.aggregation == "geometric":
        V = computed.V
        if method in Z_METHODS:
            du, u = np.exp(-0.5 * V**2) / np.sqrt(2 * np.pi), ndtr(V)
        else:
            du, u = ((V >= 0) & (V <= 1)).astype(float), np.clip(V, 0, 1)
        d = d * 99.0 * du / (1.0 + 99.0 * u)
    return np.nan_to_num(d**2 * var_x.reshape(Y * R, K))


TREND_LABELS = ("sliding", "stable", "climbing")


def trend_labels(change: np.ndarray, se: np.ndarray, z: float) -> pd.Categorical[str]:
    """``climbing`` / ``stable`` / ``sliding`` (missing where the change is unknown).

    A categorical, not strings: a whole-country table has a quarter of a million rows.
    """
    codes = np.full(change.shape, -1, dtype=np.int8)
    ok = ~np.isnan(change) & ~np.isnan(se)
    codes[ok] = 1
    codes[ok & (change > z * se)] = 2
    codes[ok & (change < -z * se)] = 0
    return pd.Categorical.from_codes(codes, categories=pd.Index(TREND_LABELS))


def trends(result: IndexResult, year: int, compare_year: int | None = None) -> pd.DataFrame:
    """Change of the total between ``compare_year`` and ``year`` for every region.

    Parameters
    ----------
    result
        An :class:`~wijkkompas.index.engine.IndexResult`.
    year
        The later year.
    compare_year
        The earlier year; default: the earliest panel year at least ``trend_min_gap`` years
        before ``year``.

    Returns
    -------
    pandas.DataFrame
        One row per region: totals of both years, ``change``, ``change_se``, ``trend`` and the
        indicators whose contributions rose (``driver_up``) and fell (``driver_down``) most.
        For geometric aggregation the attribution is of the change in log(total).
    """
    years = result.panel.years
    if year not in years:
        raise ValueError(f"{year} is not a panel year ({years.min()}–{years.max()})")
    t = int(np.flatnonzero(years == year)[0])
    if compare_year is None:
        b = int(baseline_rows(years, result.options.trend_min_gap)[t])
        if b < 0:
            raise ValueError(
                f"no panel year lies {result.options.trend_min_gap}+ years before {year}"
            )
    elif compare_year in years:
        b = int(np.flatnonzero(years == compare_year)[0])
    else:
        raise ValueError(f"{compare_year} is not a panel year")
    R = len(result.panel.regions)
    state = result.state
    now, then = slice(t * R, (t + 1) * R), slice(b * R, (b + 1) * R)
    change = state.total[now] - state.total[then]
    se = np.sqrt(state.total_var[now] + state.total_var[then])
    delta = state.contributions(now) - state.contributions(then)
    ids = np.asarray(result.spec.ids, dtype=object)
    filled = np.nan_to_num(delta)
    has = ~np.isnan(change)
    return pd.DataFrame(
        {
            "region_code": result.panel.codes,
            "level": result.panel.levels,
            "year_from": int(years[b]),
            "year_to": int(year),
            "total_from": state.total[then],
            "total_to": state.total[now],
            "change": change,
            "change_se": se,
            "trend": trend_labels(change, se, result.options.trend_z),
            "driver_up": np.where(has & (filled.max(axis=1) > 0), ids[filled.argmax(axis=1)], None),
            "driver_down": np.where(
                has & (filled.min(axis=1) < 0), ids[filled.argmin(axis=1)], None
            ),
        }
    )
