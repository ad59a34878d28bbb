"""Imputation: fill a missing value from the parent area or the region's own past.

CBS suppresses small-buurt figures, so a buurt score would otherwise rest on whichever
indicators happen to be published. The default borrows the wijk's value, else the gemeente's
(COINr's group imputation, Becker et al. 2022; OECD/JRC 2008 §3): conservative, because it pulls
the buurt toward its surroundings rather than inventing a contrast. Every filled cell is marked,
so each score reports its imputed share, and coverage counts observed values only.
"""

from __future__ import annotations

import numpy as np

from wijkkompas.index.panel import Panel


def impute(
    X: np.ndarray,
    panel: Panel,
    method: str,
    carry_max_years: int = 3,
    missing: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Fill ``X`` in place; return it with the mask of cells that were filled.

    Parameters
    ----------
    X
        ``(years, regions, indicators)`` values; NaN is missing.
    panel
        Supplies the hierarchy (``parent``, ``depth``) and the years.
    method
        ``none``, ``parent`` (nearest area above that is in the panel, top-down so a buurt
        falls back to the gemeente when its wijk is missing too) or ``previous_year`` (the
        region's last value at most ``carry_max_years`` earlier; never a future value).
    missing
        ``isnan(X)`` when the caller has it already (saves a pass over a large panel).

    Returns
    -------
    X, imputed
    """
    missing = np.isnan(X) if missing is None else missing
    if method == "parent":
        _from_parent(X, panel, missing)
    elif method == "previous_year":
        _carry_forward(X, panel.years, carry_max_years)
    elif method != "none":
        raise ValueError(f"unknown imputation method {method!r}")
    if method == "none":
        return X, np.zeros_like(missing)
    return X, missing & ~np.isnan(X)


def _from_parent(X: np.ndarray, panel: Panel, missing: np.ndarray) -> None:
    R, K = X.shape[1:]
    flat = np.flatnonzero(missing)  # flat indices: far cheaper than 3-d nonzero
    r = (flat // K) % R
    keep = panel.parent[r] >= 0
    flat, r = flat[keep], r[keep]
    source = flat + (panel.parent[r] - r) * K
    depth = panel.depth[r]
    values = X.reshape(-1)
    # Top-down: a wijk is filled from its gemeente before its buurten borrow from it.
    for level in np.unique(depth):
        at = depth == level
        values[flat[at]] = values[source[at]]


def _carry_forward(X: np.ndarray, years: np.ndarray, max_years: int) -> None:
    last_year = np.where(np.isnan(X[0]), -(10**6), years[0])
    for t in range(1, X.shape[0]):
        gap = np.isnan(X[t]) & ~np.isnan(X[t - 1]) & (years[t] - last_year <= max_years)
        X[t][gap] = X[t - 1][gap]
        last_year = np.where(~np.isnan(X[t]) & ~gap, years[t], last_year)
