"""Outlier treatment: COINr's skew/kurtosis-triggered winsorisation, fitted once.

A handful of extreme buurten (a business park with three residents and a huge WOZ value) would
otherwise stretch an indicator's spread and flatten everyone else's score. COINr (Becker et al.
2022, after the JRC COIN practice) winsorises an indicator only when its distribution is
clearly heavy-tailed: |skew| ≥ 2 *and* kurtosis ≥ 3.5 (sample-adjusted, as Excel and e1071
type 2), then repeatedly replaces the most extreme value(s) on the skewed side by the next one,
up to 5 points. The resulting bounds are stored in the reference and applied as clips at scoring
time, so a region's treatment never depends on which other regions are scored.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def skew_kurt(x: np.ndarray) -> tuple[float, float]:
    """Sample-adjusted skewness G1 and excess kurtosis G2 (COINr ``skew``/``kurt``)."""
    n = x.size
    if n < 4:
        return float("nan"), float("nan")
    d = x - x.mean()
    d2 = d * d
    m2 = float(d2.mean())
    if m2 == 0.0:
        return 0.0, 0.0
    # Products, not powers (``**`` is slow on arrays) and no BLAS (thread start-up dominates).
    g1 = float((d2 * d).sum()) / n / m2**1.5
    g2 = float((d2 * d2).sum()) / n / m2**2 - 3.0
    skew = g1 * np.sqrt(n * (n - 1)) / (n - 2)
    kurt = ((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3))
    return float(skew), float(kurt)


def winsor_bounds(
    x: np.ndarray, max_points: int = 5, skew_threshold: float = 2.0, kurt_threshold: float = 3.5
) -> tuple[float, float, dict[str, Any]]:
    """Clip bounds (−inf/inf when untouched) for one indicator in one year.

    Returns
    -------
    lower, upper, details
        ``details`` has the points treated and skew/kurtosis before and after, for the log.
    """
    x = np.sort(x[~np.isnan(x)])
    lower, upper = -np.inf, np.inf
    skew, kurt = skew_kurt(x)
    details: dict[str, Any] = {"points": 0, "skew_before": skew, "kurt_before": kurt}
    lo_i, hi_i = 0, x.size - 1  # current extreme positions in the sorted array
    treated = 0
    while (
        treated < max_points
        and hi_i > lo_i
        and abs(skew) >= skew_threshold
        and kurt >= kurt_threshold
    ):
        if skew >= 0:
            top = x[hi_i]
            nxt = np.flatnonzero(x[lo_i:hi_i] < top)
            if nxt.size == 0:
                break
            new_hi = lo_i + int(nxt[-1])
            treated += hi_i - new_hi
            hi_i, upper = new_hi, float(x[new_hi])
        else:
            bottom = x[lo_i]
            nxt = np.flatnonzero(x[lo_i + 1 : hi_i + 1] > bottom)
            if nxt.size == 0:
                break
            new_lo = lo_i + 1 + int(nxt[0])
            treated += new_lo - lo_i
            lo_i, lower = new_lo, float(x[new_lo])
        skew, kurt = skew_kurt(np.clip(x, lower, upper))
    details.update(points=treated, skew_after=skew, kurt_after=kurt, lower=lower, upper=upper)
    return lower, upper, details


def fit_bounds(
    X: np.ndarray,
    observed: np.ndarray,
    rows: np.ndarray,
    ids: tuple[str, ...],
    years: np.ndarray,
    max_points: int = 5,
    skew_threshold: float = 2.0,
    kurt_threshold: float = 3.5,
) -> tuple[np.ndarray, np.ndarray, list[dict[str, Any]]]:
    """Bounds per (year, indicator) from the observed values of the reference rows
    (``rows`` is a (years, regions) mask).

    Returns ``(lower, upper, log)``; the log has one entry per treated indicator-year.
    """
    n_years, _, n_ind = X.shape
    lower = np.full((n_years, n_ind), -np.inf)
    upper = np.full((n_years, n_ind), np.inf)
    log: list[dict[str, Any]] = []
    for t in range(n_years):
        block = X[t][rows[t]]
        seen = observed[t][rows[t]]
        for k in range(n_ind):
            lo, hi, details = winsor_bounds(
                block[seen[:, k], k], max_points, skew_threshold, kurt_threshold
            )
            lower[t, k], upper[t, k] = lo, hi
            if details["points"]:
                log.append(
                    {"step": "winsorise", "indicator": ids[k], "year": int(years[t]), **details}
                )
    return lower, upper, log


def clip(X: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Apply per-(year, indicator) bounds in place; NaN stays NaN."""
    np.clip(X, lower[:, None, :], upper[:, None, :], out=X)
    return X
