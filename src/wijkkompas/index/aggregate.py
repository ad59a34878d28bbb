"""Aggregation: indicators → group scores → total, with exact additive contributions.

A group score is the weighted mean of the group's *present* normalised values, the weights
renormalised over what is present; the total is the weighted mean of the groups that have a
score (OECD/JRC 2008 §6.2). ``arithmetic`` aggregation is fully compensatory (Leefbaarometer,
Wijkprofiel). ``geometric`` aggregation averages the logarithms of positive levels (see
``normalise.levels``) and exponentiates, so a very poor indicator is harder to offset (COINr
``a_gmean``; the IMD's exponential transform serves the same purpose).

Because both are weighted means of per-indicator terms, every score decomposes exactly:
``score = Σ_i coef_i · a_i`` with ``a_i`` the normalised value (arithmetic) or its log-level
(geometric, where the sum is ``log(score)``), with
``coef[n, i] = present[n, i] · Σ_g W[i, g] · share[n, g] / den[n, g]`` (``share``: the group's
weight in the row's total); ``Computed.coefficients`` evaluates it for the rows asked for.

"Never invented": a group (or cumulation domain) has a score only when at least one of its
direct measures is the region's own figure (observed or carried forward); imputed values fill
in but never make a score, and a proxy never makes one on its own. The total is the mean of the
groups that have a score, when at least ``min_groups`` of them do (see ``combine``). Every
score's basket — which indicators it rests on — is kept with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import sparse


@dataclass
class Aggregated:
    """Scores for N rows (region-years) and the quantities explanations need."""

    means: np.ndarray
    """(N, columns) weighted means (of values, or of log-levels for geometric)."""
    present: np.ndarray
    """(N, columns) whether the column has a score (coverage rule met)."""
    denominator: np.ndarray
    """(N, columns) present weight (Σ w over present indicators)."""
    imputed_share: np.ndarray
    """(N, columns) share of the present weight that was imputed."""
    coverage: np.ndarray
    """(N,) observed share of the catalogue weight of the total."""
    anchored: np.ndarray
    """(N, columns) number of the region's own direct (non-proxy) figures in each column."""


def sparse_mask(
    mask: np.ndarray, values: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None
) -> sparse.csr_array:
    """A (rows × indicators) boolean mask as a sparse matrix, with ones or ``values(rows, cols)``.

    Missing cells are few, so weights of what is *absent* are summed sparsely and subtracted
    from the full weight: far cheaper than a dense product with a float copy of the mask.
    """
    flat = np.flatnonzero(mask)  # row-major order: the CSR layout needs no sort
    rows, cols = np.divmod(flat, mask.shape[1])
    indptr = np.zeros(mask.shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=mask.shape[0]), out=indptr[1:])
    data = np.ones(rows.size) if values is None else values(rows, cols)
    return sparse.csr_array((data, cols, indptr), shape=mask.shape)


def spread_to_terms(factors: np.ndarray, W: np.ndarray) -> np.ndarray:
    """``factors @ W.T``: a (rows × columns) factor per score column spread to each term
    (rows × K), as a new array.

    Where each indicator weighs in one column at most (the usual case) this is a gather and
    one product, with the same numbers: a matrix product with an inner dimension of eight is
    mostly overhead on a whole-country panel.
    """
    nonzero = W != 0
    if (nonzero.sum(axis=1) > 1).any():
        return factors @ W.T
    column = nonzero.argmax(axis=1)
    out = np.take(factors, column, axis=1)
    out *= W[np.arange(W.shape[0]), column]
    return out


def aggregate(
    terms: np.ndarray,
    absent: sparse.csr_array,
    imputed: sparse.csr_array,
    W: np.ndarray,
    total_coef: np.ndarray,
    anchors: np.ndarray,
) -> Aggregated:
    """Weighted means of ``terms`` (N × K, zero where absent) for each column of ``W``.

    ``absent`` and ``imputed`` are sparse masks (see :func:`sparse_mask`) of the cells without a
    value and of the present cells that were imputed; ``total_coef`` (K,) is the catalogue
    weight of each indicator in the total, for the coverage of the total; ``anchors`` (N × K)
    marks the region's own direct figures: a column needs one to have a score.
    """
    num = (W.T @ terms.T).T  # same product; this orientation is faster in OpenBLAS for K ≫ C
    Wc = np.column_stack([W, total_coef])
    full = Wc.sum(axis=0)
    den_c = full - absent @ Wc
    obs_c = den_c - imputed @ Wc
    den, obs, obs_total = den_c[:, :-1], obs_c[:, :-1], obs_c[:, -1]
    full = full[:-1]
    tiny = 1e-12 * np.maximum(full, 1e-300)
    anchored = anchors.astype(np.float32) @ (W > 0).astype(np.float32)
    with np.errstate(divide="ignore", invalid="ignore"):
        has = (den > tiny) & (anchored >= 1) & (full > 0)
        means = np.where(has, num / den, np.nan)
        share_imputed = np.where(den > tiny, (den - obs) / den, np.nan)
        coverage = obs_total / total_coef.sum() if total_coef.sum() > 0 else obs_total * np.nan
    den[den <= tiny] = 0.0
    return Aggregated(means, has, den, np.clip(share_imputed, 0.0, 1.0), coverage, anchored)


def combine(
    means: np.ndarray, present: np.ndarray, group_weights: np.ndarray, min_groups: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """The total as the weighted mean of the groups that have a score, where at least
    ``min_groups`` (with a positive weight) do; NaN otherwise.

    Returns ``(total_mean, beta_total)`` where ``beta_total[n, g] = a_g / Σ a_present`` is each
    group's share in row n's total (0 for absent groups).
    """
    counted = present & (group_weights[None, :] > 0)
    enough = counted.sum(axis=1) >= min_groups
    present = present & enough[:, None]
    a = np.where(present, group_weights[None, :], 0.0)
    asum = a.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(asum[:, None] > 0, a / asum[:, None], 0.0)
    # ``share`` is 0 outside ``present``; the means of present groups are numbers, so a
    # plain sum (not nansum, which copies the array to mask it) adds the same terms.
    weighted = np.where(present, means, 0.0)
    weighted *= share
    total = np.where(asum > 0, weighted.sum(axis=1), np.nan)
    return total, share
