"""Normalisation: put indicators on one scale, oriented so that higher is always better.

Every method reads its parameters from the reference, never from the regions being scored
(OECD/JRC Handbook 2008, §5; COINr's ``global`` purse normalisation). So a score is a pure
function of the region's own values: adding or removing another region changes nothing, and a
stored reference keeps history from moving with each release.

* ``reference`` (default): z-score against one fixed reference year — 0 is that year's mean,
  1 is one of its standard deviations. Change over time is absolute (Wijkprofiel's base year).
* ``zscore``: z-score against each year's own reference mean and spread (relative position,
  like the Leefbaarometer's deviation from that year's national average).
* ``minmax``: position between each year's reference minimum and maximum (after winsorising).
* ``rank``: percentile in each year's reference distribution (mid-rank for ties, linear between
  stored percentiles), the Leefbaarometer users' ECDF and the IMD's rank logic.

Geometric aggregation needs positive inputs, so each value also has a *level*
``1 + 99·u`` with ``u`` = Φ(z) for the z-methods, the clipped min-max position, or the
percentile: all three map the reference distribution to (1, 100) monotonically.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import ndtr

Z_METHODS = ("reference", "zscore")


def parameter_rows(method: str, year_rows: np.ndarray, fixed_rows: np.ndarray) -> np.ndarray:
    """(years × indicators) index into the reference's per-year parameter tables."""
    if method == "reference":
        return np.broadcast_to(fixed_rows[None, :], (year_rows.size, fixed_rows.size))
    return np.broadcast_to(year_rows[:, None], (year_rows.size, fixed_rows.size))


def pick(table: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``table[rows[t, k], k]``: per-(year, indicator) parameters from a per-year table."""
    return table[rows, np.arange(table.shape[1])[None, :]]


def normalise(
    X: np.ndarray, method: str, params: dict[str, Any], rows: np.ndarray, signs: np.ndarray
) -> np.ndarray:
    """Normalised, oriented values of ``X`` (``(years, regions, indicators)``), a new array.

    Parameters
    ----------
    params
        The reference's per-year tables: ``mean``, ``sd``, ``min``, ``max`` (years ×
        indicators) and ``quantiles`` (years × indicators × Q) at probabilities ``probs``.
    rows
        Output of :func:`parameter_rows` for this panel.
    signs
        +1 (higher is better) or −1 per indicator.
    """
    V = np.empty_like(X)
    if method in Z_METHODS:
        shift = pick(params["mean"], rows)
        scale = signs / pick(params["sd"], rows)
    elif method == "minmax":
        lo, hi = pick(params["min"], rows), pick(params["max"], rows)
        shift = np.where(signs > 0, lo, hi)
        scale = signs / (hi - lo)
    if method in (*Z_METHODS, "minmax"):
        # One year at a time: year-sized temporaries are reused by the allocator.
        for t in range(X.shape[0]):
            np.subtract(X[t], shift[t], out=V[t])
            V[t] *= scale[t]
        return V
    if method == "rank":
        probs = np.asarray(params["probs"])
        for t in range(X.shape[0]):
            for k in range(X.shape[2]):
                xq, pq = _midrank_grid(params["quantiles"][rows[t, k], k], probs)
                p = np.interp(X[t, :, k], xq, pq) if xq.size else np.full(X.shape[1], np.nan)
                V[t, :, k] = p if signs[k] > 0 else 1.0 - p
        V[np.isnan(X)] = np.nan
        return V
    raise ValueError(f"unknown normalisation {method!r}")


def levels(V: np.ndarray, method: str) -> np.ndarray:
    """Positive levels in (1, 100) for geometric aggregation (see module notes)."""
    u = ndtr(V) if method in Z_METHODS else np.clip(V, 0.0, 1.0)
    return 1.0 + 99.0 * u


def slope(
    X: np.ndarray, method: str, params: dict[str, Any], rows: np.ndarray, signs: np.ndarray
) -> np.ndarray:
    """dV/dX, for propagating indicator noise into scores (delta method)."""
    if method in Z_METHODS:
        return np.broadcast_to((signs / pick(params["sd"], rows))[:, None, :], X.shape)
    if method == "minmax":
        span = pick(params["max"], rows) - pick(params["min"], rows)
        return np.broadcast_to((signs / span)[:, None, :], X.shape)
    h = 0.05 * pick(params["sd"], rows)[:, None, :]
    up = normalise(X + h, method, params, rows, signs)
    down = normalise(X - h, method, params, rows, signs)
    return (up - down) / (2 * h)


def _midrank_grid(q: np.ndarray, probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Collapse tied quantiles to one point at the middle of their probability run, so a value
    shared by many regions gets the mid-rank instead of an arbitrary end of the tie."""
    ok = ~np.isnan(q)
    q, probs = q[ok], probs[ok]
    if q.size == 0:
        return q, probs
    values, start = np.unique(q, return_index=True)
    end = np.append(start[1:], q.size) - 1
    return values, (probs[start] + probs[end]) / 2.0
