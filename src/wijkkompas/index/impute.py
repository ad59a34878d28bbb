"""Filling gaps: a region's own earlier figure first, then its parent area's.

* **Carried forward** (always): a figure missing in a year is taken from the region's own most
  recent earlier year, at most the indicator's ``carry_years`` back, with its own period kept
  and shown (the KWB publishes income two years late; the RIVM health monitor runs every four
  years). A carried figure is the region's own, so it counts as observed — but a trend never
  compares a figure with itself (see ``trends``).
* **From the parent** (``imputation="parent"``, the default): a figure still missing is
  borrowed from the wijk, else the gemeente (COINr's group imputation; OECD/JRC 2008 §3):
  conservative, because it pulls the buurt toward its surroundings rather than inventing a
  contrast. It is marked as imputed and never counts toward a score's coverage.
"""

from __future__ import annotations

import numpy as np

from wijkkompas.index.panel import Panel
from wijkkompas.index.parallel import for_each_block, threads_for


def carry_forward(
    X: np.ndarray, periods: np.ndarray, years: np.ndarray, carry_years: np.ndarray
) -> np.ndarray:
    """Fill ``X`` and ``periods`` in place from earlier years; return the carried mask.

    ``carry_years`` (indicators,) is how many panel years back a figure may come from; a
    figure is never taken from a later year.
    """
    carried = np.zeros(X.shape, dtype=bool)
    if X.shape[0] < 2 or not (carry_years > 0).any():
        return carried
    # Regions do not borrow from each other here: ranges of them go to separate threads.
    R = X.shape[1]
    parts = threads_for(X.size, R)
    bounds = np.linspace(0, R, parts + 1).astype(int)

    def block(i: int) -> None:
        rows = slice(bounds[i], bounds[i + 1])
        _carry(X[:, rows], periods[:, rows], carried[:, rows], years, carry_years)

    for_each_block(parts, block, X.size)
    return carried


def _carry(
    X: np.ndarray,
    periods: np.ndarray,
    carried: np.ndarray,
    years: np.ndarray,
    carry_years: np.ndarray,
) -> None:
    """``carry_forward`` on one range of regions, in place.

    Only the panel year of each cell's latest own figure travels through the years (two bytes
    a cell); the values and periods are gathered for the cells that are filled, not copied
    through every year (on a whole-country panel that moved hundreds of megabytes of floats
    to fill a few per cent of the cells).
    """
    Y = X.shape[0]
    values = np.reshape(X, (Y, -1), copy=False)  # views: the fills below write through
    period = np.reshape(periods, (Y, -1), copy=False)
    filled = np.reshape(carried, (Y, -1), copy=False)
    # The first panel year a figure may come from, per year and indicator: carrying is then
    # "the latest own figure is from that year or later", a comparison of small integers.
    age = years[:, None] - years[None, :]  # (to, from)
    allowed = (age >= 0)[:, :, None] & (age[:, :, None] <= carry_years[None, None, :])
    earliest = np.where(allowed.any(axis=1), allowed.argmax(axis=1), Y).astype(np.int16)
    K = X.shape[2]
    source = np.full(values.shape[1], -1, dtype=np.int16)  # none yet
    missing = np.isnan(values[0])
    own = ~missing
    np.copyto(source, 0, where=own)
    for t in range(1, Y):
        np.isnan(values[t], out=missing)
        gap = filled[t]
        np.greater_equal(source.reshape(-1, K), earliest[t], out=gap.reshape(-1, K))
        gap &= missing
        cells = np.flatnonzero(gap)
        if cells.size:
            earlier = source[cells]
            values[t, cells] = values[earlier, cells]
            period[t, cells] = period[earlier, cells]
        np.logical_not(missing, out=own)  # the year's own figures, as they were before the fill
        np.copyto(source, t, where=own)


def impute(
    X: np.ndarray, panel: Panel, method: str, missing: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Fill what is still missing from the parent area; return ``X`` and the imputed mask.

    Parameters
    ----------
    X
        ``(years, regions, indicators)`` values; NaN is missing.
    panel
        Supplies the hierarchy (``parent``, ``depth``).
    method
        ``parent`` (nearest area above that is in the panel, top-down so a buurt falls back to
        the gemeente when its wijk is missing too) or ``none``.
    missing
        ``isnan(X)`` when the caller has it already.
    """
    missing = np.isnan(X) if missing is None else missing
    if method == "none":
        return X, np.zeros_like(missing)
    if method != "parent":
        raise ValueError(f"unknown imputation method {method!r}")
    _from_parent(X, panel, missing)
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
