"""Classes, deciles and ranks: three ways to read a total, each labelled for what it is.

``class`` (1–9, 9 = best) uses FIXED cut-points on the total's reference scale, so the share of
regions per class can be followed over years (as the Leefbaarometer 2.0 did). The cut-points are
the reference-year mean of the total plus ``CLASS_OFFSETS`` reference standard deviations; they
are computed once, when the reference is fitted, and stored with it. Class 5 (*voldoende*) is
the band within a quarter standard deviation of the reference mean. The labels follow the
Leefbaarometer's order (note *zwak* ranks above *onvoldoende*), but the cut-points are ours:
the Leefbaarometer's own are not published.

``decile`` (10 = best) and ``rank`` (1 = best) are relative, within one year and level: they
move when other regions change and say nothing about absolute change (IoD 2019 technical report).
"""

from __future__ import annotations

import numpy as np

CLASS_OFFSETS: tuple[float, ...] = (-2.0, -1.25, -0.75, -0.25, 0.25, 0.75, 1.25, 2.0)
CLASS_LABELS_NL: dict[int, str] = {
    1: "zeer onvoldoende",
    2: "ruim onvoldoende",
    3: "onvoldoende",
    4: "zwak",
    5: "voldoende",
    6: "ruim voldoende",
    7: "goed",
    8: "zeer goed",
    9: "uitstekend",
}
CLASS_LABELS_EN: dict[int, str] = {
    1: "very insufficient",
    2: "largely insufficient",
    3: "insufficient",
    4: "weak",
    5: "sufficient",
    6: "amply sufficient",
    7: "good",
    8: "very good",
    9: "excellent",
}


def cut_points(mean: float, sd: float) -> np.ndarray:
    """The eight fixed class boundaries for a reference mean and spread of the total."""
    return mean + sd * np.asarray(CLASS_OFFSETS)


def classify(total: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    """Class 1–9 (float, NaN where the total is NaN); a value on a boundary goes up."""
    out = (np.searchsorted(cuts, total, side="right") + 1).astype(float)
    out[np.isnan(total)] = np.nan
    return out


def rank_within(values: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rank (1 = best, ties share the best rank) and decile (10 = best) within each group.

    ``groups`` labels the comparison set of each value (year and level); NaN values get NaN.
    """
    rank = np.full(values.shape, np.nan)
    decile = np.full(values.shape, np.nan)
    ok = np.flatnonzero(~np.isnan(values))
    if not ok.size:
        return rank, decile
    # One sort by (group, value) serves every group: no per-group Python beyond slicing.
    order = ok[np.lexsort((values[ok], groups[ok]))]
    g_sorted, v_sorted = groups[order], values[order]
    starts = np.flatnonzero(np.r_[True, g_sorted[1:] != g_sorted[:-1]])
    ends = np.r_[starts[1:], order.size]
    # Ties are runs of equal values in the sorted order: the first position of a value's run
    # is how many lie strictly below it, the last how many lie below or at it. One pass over
    # the sorted values, not a binary search per value.
    new_run = np.r_[True, (v_sorted[1:] != v_sorted[:-1]) | (g_sorted[1:] != g_sorted[:-1])]
    run = np.cumsum(new_run) - 1
    firsts = np.flatnonzero(new_run)
    run_first, run_end = firsts[run], np.r_[firsts[1:], order.size][run]  # end: one past
    group_of = np.repeat(np.arange(starts.size), ends - starts)
    start, n = starts[group_of], (ends - starts)[group_of]
    below = run_first - start  # regions strictly below
    above = n - (run_end - start)  # regions strictly above
    rank[order] = above + 1  # 1 = best; ties share the better rank
    decile[order] = np.floor(10.0 * below / n) + 1
    return rank, decile


def reference_percentile(values: np.ndarray, grid: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Position (0–100) of each value in the reference year's distribution of the same score."""
    ok = ~np.isnan(grid)
    if ok.sum() < 2:
        return np.full(values.shape, np.nan)
    values_q, first = np.unique(grid[ok], return_index=True)
    out = 100.0 * np.interp(values, values_q, probs[ok][first])
    out[np.isnan(values)] = np.nan
    return out
