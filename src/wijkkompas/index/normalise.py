"""Normalisation: put indicators on one scale, oriented so that higher is always better.

Every method reads its parameters from the fixed reference, never from the regions being
scored (OECD/JRC Handbook 2008, §5; COINr's ``global`` purse normalisation): a score is a
function of the region's own values, so adding or removing another region changes nothing.

* ``reference`` (default): distance from the Dutch average in spreads between buurten,
  ``sign · (x − centre) / spread``, clipped to ±``clip``. 0 is the national figure of the
  reference year (Leefbaarometer: deviation from the national average).
* ``zscore``: the same against the fit data's own mean and standard deviation.
* ``minmax``: position between the fit data's minimum and maximum, clipped to [0, 1].
* ``rank``: percentile in the fit data's distribution (mid-rank for ties, linear between
  stored percentiles): the Leefbaarometer users' ECDF and the IMD's rank logic.

Values are first put on the engine's scale by :func:`transform` (deflated money already;
the catalogue's ``log``/``log1p``). Clipping makes every method non-decreasing in the raw value,
so raising a figure in its good direction can never lower a score.

Geometric aggregation needs positive inputs, so each value also has a *level*
``1 + 99·u`` with ``u`` = Φ(z) for the z-methods, the min-max position, or the percentile.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.special import ndtr

from wijkkompas.index.parallel import for_each_chunk

Z_METHODS = ("reference", "zscore")


def transform(X: np.ndarray, transforms: Sequence[str | None]) -> np.ndarray:
    """Apply each indicator's transform in place on the last axis (``log`` of a non-positive
    value is missing: an income of 0 is not a figure)."""
    for k, name in enumerate(transforms):
        if name is None:
            continue
        column = X[..., k]
        with np.errstate(divide="ignore", invalid="ignore"):
            if name == "log":
                column[~(column > 0)] = np.nan
                np.log(column, out=column)
            elif name == "log1p":
                column[~(column > -1)] = np.nan
                np.log1p(column, out=column)
            else:
                raise ValueError(f"unknown transform {name!r}")
    return X


def inverse_transform(value: float, name: str | None) -> float:
    """Back from the engine's scale to the indicator's unit (for showing a centre)."""
    return float(inverse_transform_all(np.asarray(value), name))


def inverse_transform_all(values: np.ndarray, name: str | None) -> np.ndarray:
    """:func:`inverse_transform` of every value, as one array operation (a whole-country
    panel flags hundreds of thousands of region-years)."""
    values = np.asarray(values, dtype=float)
    if name == "log":
        return np.exp(values)
    if name == "log1p":
        return np.expm1(values)
    return values.copy()


def _shift_scale(
    method: str, params: dict[str, Any], signs: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    if method == "reference":
        return params["centre"], signs / params["spread"]
    if method == "zscore":
        return params["mean"], signs / params["sd"]
    lo, hi = params["min"], params["max"]
    return np.where(signs > 0, lo, hi), signs / (hi - lo)


def normalise(X: np.ndarray, method: str, params: dict[str, Any], signs: np.ndarray) -> np.ndarray:
    """Normalised, oriented values of ``X`` (``(..., indicators)``), a new array.

    Parameters
    ----------
    params
        The reference's tables (:meth:`Reference.params`): ``centre``, ``spread``, ``mean``,
        ``sd``, ``min``, ``max`` per indicator, ``quantiles`` (indicators × Q) at ``probs``,
        and ``clip``.
    signs
        +1 (higher is better) or −1 per indicator.
    """
    if X.size == 0:  # no region or no indicator: nothing to normalise
        return np.full(X.shape, np.nan)
    if method in (*Z_METHODS, "minmax"):
        shift, scale = _shift_scale(method, params, signs)
        V = np.empty_like(X)
        flat_x, flat_v = X.reshape(-1, X.shape[-1]), V.reshape(-1, X.shape[-1])
        if method in Z_METHODS:
            clip = float(params.get("clip", np.inf))
            lo, hi = -clip, clip
        else:
            lo, hi = 0.0, 1.0

        def rows(part: slice) -> None:
            v = flat_v[part]
            np.subtract(flat_x[part], shift, out=v)
            v *= scale
            np.clip(v, lo, hi, out=v)

        for_each_chunk(flat_x.shape[0], rows, flat_x.size)
        return V
    if method == "rank":
        probs = np.asarray(params["probs"])
        V = np.full(X.shape, np.nan)
        for k in range(X.shape[-1]):
            xq, pq = _midrank_grid(params["quantiles"][k], probs)
            if not xq.size:
                continue
            p = np.interp(X[..., k], xq, pq)
            V[..., k] = p if signs[k] > 0 else 1.0 - p
        V[np.isnan(X)] = np.nan
        return V
    raise ValueError(f"unknown normalisation {method!r}")


PER_INDICATOR = ("centre", "spread", "mean", "sd", "min", "max", "quantiles")
"""The tables of :meth:`Reference.params` with one entry (row) per indicator."""


def for_indicators(params: dict[str, Any], columns: np.ndarray) -> dict[str, Any]:
    """``params`` for the indicators ``columns`` only, to normalise those columns alone (each
    indicator is normalised on its own, so the figures are the same)."""
    return {
        key: np.asarray(value)[columns] if key in PER_INDICATOR else value
        for key, value in params.items()
    }


def levels(V: np.ndarray, method: str) -> np.ndarray:
    """Positive levels in (1, 100) for geometric aggregation (see module notes)."""
    u = ndtr(V) if method in Z_METHODS else np.clip(V, 0.0, 1.0)
    return 1.0 + 99.0 * u


def slope(method: str, params: dict[str, Any], signs: np.ndarray) -> np.ndarray:
    """dV/dx per indicator on the engine's scale, ignoring the clip (delta method for trends).

    Defined for the linear methods; for ``rank`` the local density at the median is used.
    """
    if method in (*Z_METHODS, "minmax"):
        return np.abs(_shift_scale(method, params, signs)[1])
    q = params["quantiles"]
    with np.errstate(divide="ignore", invalid="ignore"):
        return 0.5 / (q[:, 75] - q[:, 25])


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
