"""The scoring core shared by fitting and scoring: values → terms → group and total scores.

Fitting and scoring must treat values identically, or the reference would describe a different
scale from the one scores are put on. Both therefore call these two functions: :func:`prepare`
(shrink small-area rates, impute, clip outliers) and :func:`compute` (normalise, aggregate).
Everything is vectorised over the whole ``(years × regions) × indicators`` matrix.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from scipy import sparse

from wijkkompas.index.aggregate import Aggregated, aggregate, combine, sparse_mask
from wijkkompas.index.impute import impute
from wijkkompas.index.normalise import levels, normalise
from wijkkompas.index.outliers import clip
from wijkkompas.index.panel import Panel
from wijkkompas.index.smallarea import RateInfo, shrink, suppressed
from wijkkompas.index.spec import GROUPS, IndexSpec
from wijkkompas.index.weights import Weights


class Stopwatch:
    """Adds the seconds spent per step to a caller's dict (for benchmarks); a no-op without."""

    def __init__(self, sink: dict[str, float] | None = None) -> None:
        self.sink = sink
        self.last = time.perf_counter()

    def lap(self, step: str) -> None:
        if self.sink is None:
            return
        now = time.perf_counter()
        self.sink[step] = self.sink.get(step, 0.0) + now - self.last
        self.last = now


@dataclass
class Prepared:
    """Values ready for normalisation, with where they came from."""

    X: np.ndarray
    observed: np.ndarray
    imputed: np.ndarray
    rates: RateInfo
    suppressed: np.ndarray


@dataclass
class Computed:
    """Normalised values, aggregation terms and scores for every region-year row.

    Large matrices are zero where a value is absent, with ``present`` saying which cells are
    real: that saves a NaN-cleaning copy of the whole panel before each matrix product.
    """

    V: np.ndarray
    """(N × K) normalised values, 0 where absent."""
    terms: np.ndarray
    """What is averaged: ``V`` (arithmetic) or log-levels (geometric); 0 where absent."""
    present: np.ndarray
    agg: Aggregated
    """Groups then domains, as columns of one aggregation."""
    total_mean: np.ndarray
    group_share: np.ndarray
    aggregation: str
    absent: sparse.csr_array
    """Sparse mask of the cells without a normalised value."""
    imputed: sparse.csr_array
    """Sparse mask of the present cells that were imputed."""

    @cached_property
    def beta(self) -> np.ndarray:
        """(N × groups) factor per group such that coef = present · (beta @ W.T)."""
        den = self.agg.denominator[:, : self.group_share.shape[1]]
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(den > 0, self.group_share / den, 0.0)

    def coefficients(
        self, weights: np.ndarray, rows: slice | np.ndarray = slice(None)
    ) -> np.ndarray:
        """Coefficients of the total on each term for some rows (see ``row_coefficients``)."""
        return self.present[rows] * (self.beta[rows] @ weights.T)

    def scale(self, means: np.ndarray) -> np.ndarray:
        """From the averaged terms to the published scale (exp for geometric)."""
        return np.exp(means) if self.aggregation == "geometric" else means

    @property
    def groups(self) -> np.ndarray:
        return self.scale(self.agg.means[:, : len(GROUPS)])

    @property
    def domains(self) -> np.ndarray:
        return self.scale(self.agg.means[:, len(GROUPS) :])

    @property
    def total(self) -> np.ndarray:
        return self.scale(self.total_mean)


def prepare(
    panel: Panel,
    spec: IndexSpec,
    *,
    tau2: np.ndarray,
    lower: np.ndarray | None,
    upper: np.ndarray | None,
    imputation: str,
    shrinkage: str,
    carry_max_years: int,
    suppression_threshold: float,
    watch: Stopwatch | None = None,
) -> Prepared:
    """Shrink, impute and clip. ``lower``/``upper`` are per panel year; None skips clipping."""
    watch = watch or Stopwatch()
    X = panel.matrix(spec.ids)
    missing = np.isnan(X)
    watch.lap("select indicators")
    rates = shrink(X, panel, spec, tau2, apply=shrinkage == "empirical_bayes")
    watch.lap("small-area shrinkage")
    X, imputed = impute(X, panel, imputation, carry_max_years, missing)
    observed = ~missing
    watch.lap("imputation")
    if lower is not None and upper is not None:
        clip(X, lower, upper)
    mask = suppressed(panel.population, X.shape[:2], suppression_threshold)
    watch.lap("outliers and suppression")
    return Prepared(X, observed, imputed, rates, mask)


def compute(
    X: np.ndarray,
    observed: np.ndarray,
    *,
    normalisation: str,
    aggregation: str,
    params: dict[str, Any],
    rows: np.ndarray,
    signs: np.ndarray,
    weights: Weights,
    min_coverage: float,
    watch: Stopwatch | None = None,
) -> Computed:
    """Normalise and aggregate ``X`` ((years, regions, K) or (1, rows, K))."""
    watch = watch or Stopwatch()
    V3 = normalise(X, normalisation, params, rows, signs)
    absent3 = np.empty(V3.shape, dtype=bool)
    terms3 = np.empty_like(V3) if aggregation == "geometric" else V3
    for t in range(V3.shape[0]):  # year blocks: see ``normalise``
        np.isnan(V3[t], out=absent3[t])
        if aggregation == "geometric":
            np.log(levels(V3[t], normalisation), out=terms3[t])
            np.copyto(terms3[t], 0.0, where=absent3[t])
        np.copyto(V3[t], 0.0, where=absent3[t])
    n = V3.shape[0] * V3.shape[1]
    V, terms, absent = V3.reshape(n, -1), terms3.reshape(n, -1), absent3.reshape(n, -1)
    present = ~absent
    watch.lap("normalisation")
    absent_csr = sparse_mask(absent)
    imputed_csr = sparse_mask(present & ~observed.reshape(n, -1))
    W = np.column_stack([weights.indicator, weights.domain])
    agg = aggregate(terms, absent_csr, imputed_csr, W, weights.total_coefficients(), min_coverage)
    g = len(GROUPS)
    total_mean, share = combine(agg.means[:, :g], agg.present[:, :g], weights.group)
    total_mean[~(agg.coverage >= min_coverage - 1e-12)] = np.nan
    watch.lap("weighting and aggregation")
    return Computed(V, terms, present, agg, total_mean, share, aggregation, absent_csr, imputed_csr)
