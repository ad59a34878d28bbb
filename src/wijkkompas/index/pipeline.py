"""The scoring core shared by fitting and scoring: values → terms → group and total scores.

Fitting and scoring must treat values identically, or the reference would describe a different
scale from the one scores are put on. Both therefore call these two functions: :func:`prepare`
(carry a region's own figures forward, withhold rates that mean nothing for non-residential
buurten, shrink small-area rates, express money in base-year prices, borrow from the parent,
transform) and :func:`compute` (normalise, aggregate). Everything is vectorised over the whole
``(years × regions) × indicators`` matrix.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from scipy import sparse

from wijkkompas.index.aggregate import (
    Aggregated,
    aggregate,
    combine,
    sparse_mask,
)
from wijkkompas.index.exposure import CARRY_YEARS, LAND_USE_IDS, non_residential, rural
from wijkkompas.index.impute import carry_forward, impute
from wijkkompas.index.normalise import levels, normalise, transform
from wijkkompas.index.panel import LEVEL_DEPTH, Panel
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
    """(years, regions, K) on the engine's scale (deflated, transformed)."""
    observed: np.ndarray
    """The region's own figure (published in that year, or carried forward)."""
    carried: np.ndarray
    """Own figures carried forward from an earlier year (subset of ``observed``)."""
    imputed: np.ndarray
    """Borrowed from the parent area."""
    periods: np.ndarray
    """Reference-period year of each own or carried figure (NaN otherwise)."""
    rates: RateInfo
    suppressed: np.ndarray
    """(years, regions) not scored: too few inhabitants, or inhabitants unknown."""
    unknown_population: np.ndarray
    non_residential: np.ndarray
    """(years, regions) mainly a place of work, shopping or green (see ``exposure``)."""
    rural: np.ndarray
    """(years, regions) buurten in rural surroundings (a flag only; see ``exposure``)."""
    withheld: np.ndarray
    """Figures withheld because they mean nothing for a non-residential buurt."""
    unpriced: np.ndarray
    """Money figures without a price index for their period (left unscored)."""


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


def land_use(panel: Panel) -> dict[str, np.ndarray | None]:
    """The context figures the non-residential rule reads (``exposure``), by its argument
    names, a gap filled from the newest of ``CARRY_YEARS`` years before (the same
    carry-forward as scored figures get); None where the panel lacks the indicator."""
    present = {arg: ind for arg, ind in LAND_USE_IDS.items() if ind in panel.indicators}
    values = panel.matrix(list(present.values()))
    periods = np.full(values.shape, np.nan)  # not asked for: the rule reads values only
    carry_forward(values, periods, panel.years, np.full(len(present), CARRY_YEARS))
    found = {arg: values[:, :, j] for j, arg in enumerate(present)}
    return {arg: found.get(arg) for arg in LAND_USE_IDS}


def prepare(
    panel: Panel,
    spec: IndexSpec,
    *,
    tau2: np.ndarray | None,
    imputation: str,
    shrinkage: str,
    suppression_threshold: float,
    carry: bool = True,
    log: list[dict[str, Any]] | None = None,
    watch: Stopwatch | None = None,
) -> Prepared:
    """Carry, withhold, shrink, deflate, impute and transform (see module notes).

    ``tau2`` is (years × levels × K) from ``Reference.tau2_for``; None skips shrinkage.
    """
    watch = watch or Stopwatch()
    Y, R, K = len(panel.years), len(panel.regions), len(spec.ids)
    X = panel.matrix(spec.ids)
    periods = panel.period_matrix(spec.ids)
    watch.lap("select indicators")
    carry_years = np.array([i.carry_years for i in spec.indicators], dtype=float)
    carried = (
        carry_forward(X, periods, panel.years, carry_years)
        if carry
        else np.zeros(X.shape, dtype=bool)
    )
    context = land_use(panel)
    buurt = panel.depth == LEVEL_DEPTH["buurt"]
    nonres = np.broadcast_to(
        np.asarray(non_residential(panel.population, **context, buurt=buurt), dtype=bool), (Y, R)
    ).copy()
    withheld = np.zeros(X.shape, dtype=bool)
    for k, ind in enumerate(spec.indicators):
        if ind.residential_only:
            cut = nonres & ~np.isnan(X[:, :, k])
            withheld[:, :, k] = cut
            X[:, :, k][cut] = np.nan
    watch.lap("carry forward, exposure")
    rates = shrink(
        X,
        panel,
        spec,
        tau2 if tau2 is not None else np.full((Y, 2, K), np.nan),
        apply=shrinkage == "empirical_bayes" and tau2 is not None,
    )
    watch.lap("small-area shrinkage")
    unpriced = _deflate(X, periods, spec, log)
    missing = np.isnan(X)
    np.copyto(periods, np.nan, where=missing)
    observed = ~missing
    X, imputed = impute(X, panel, imputation, missing)
    transform(X, [i.transform for i in spec.indicators])
    observed &= ~np.isnan(X)  # a transform may refuse a value (log of 0)
    watch.lap("deflation, imputation, transforms")
    unknown = np.zeros((Y, R), dtype=bool)
    if suppression_threshold > 0:
        unknown = (
            np.ones((Y, R), dtype=bool) if panel.population is None else np.isnan(panel.population)
        )
    mask = suppressed(panel.population, (Y, R), suppression_threshold) | unknown
    watch.lap("suppression")
    return Prepared(
        X, observed, carried & observed, imputed, periods, rates, mask, unknown, nonres,
        np.broadcast_to(rural(context.get("address_density"), buurt), (Y, R)), withheld,
        unpriced,
    )  # fmt: skip


def _deflate(
    X: np.ndarray, periods: np.ndarray, spec: IndexSpec, log: list[dict[str, Any]] | None
) -> np.ndarray:
    """Money into base-year prices, each figure by the price level of its own period; a figure
    whose period has no price level becomes missing (and is counted)."""
    unpriced = np.zeros(X.shape, dtype=bool)
    for k, ind in enumerate(spec.indicators):
        if not ind.deflator:
            continue
        table = dict(ind.deflator)
        column, when = X[:, :, k], periods[:, :, k]
        have = ~np.isnan(column)
        years = np.unique(when[have])
        factor = np.full(column.shape, np.nan)
        for year in years:
            f = _factor(table, float(year), ind.date_period)
            factor[when == year] = f
        column *= factor
        lost = have & np.isnan(column)
        unpriced[:, :, k] = lost
        if lost.any() and log is not None:
            missing = sorted({int(y) for y in when[lost]})
            log.append(
                {
                    "step": "no_price_index",
                    "indicator": ind.id,
                    "periods": missing,
                    "figures": int(lost.sum()),
                }
            )
    return unpriced


def _factor(table: dict[int, float], year: float, date_period: bool) -> float:
    """Base-year factor for money of ``year``; a 1 January value date takes the mean price
    level of the year before and the year itself."""
    if not date_period:
        return table.get(int(year), np.nan)
    before, this = table.get(int(year) - 1), table.get(int(year))
    if before is None or this is None:
        return np.nan
    return 2.0 / (1.0 / before + 1.0 / this)


def compute(
    X: np.ndarray,
    observed: np.ndarray,
    *,
    normalisation: str,
    aggregation: str,
    params: dict[str, Any],
    signs: np.ndarray,
    weights: Weights,
    proxies: np.ndarray,
    min_groups: int,
    watch: Stopwatch | None = None,
) -> Computed:
    """Normalise and aggregate ``X`` ((years, regions, K) or (1, rows, K))."""
    watch = watch or Stopwatch()
    V3 = normalise(X, normalisation, params, signs)
    absent3 = np.isnan(V3)
    if aggregation == "geometric":
        terms3 = np.log(levels(V3, normalisation))
        terms3[absent3] = 0.0
    else:
        terms3 = V3
    np.copyto(V3, 0.0, where=absent3)
    n = V3.shape[0] * V3.shape[1]
    V, terms, absent = V3.reshape(n, -1), terms3.reshape(n, -1), absent3.reshape(n, -1)
    present = ~absent
    watch.lap("normalisation")
    absent_csr = sparse_mask(absent)
    observed2 = observed.reshape(n, -1)
    imputed_csr = sparse_mask(present & ~observed2)
    anchors = present & observed2 & ~proxies[None, :]
    W = np.column_stack([weights.indicator, weights.domain])
    agg = aggregate(terms, absent_csr, imputed_csr, W, weights.total_coefficients(), anchors)
    g = len(GROUPS)
    total_mean, share = combine(agg.means[:, :g], agg.present[:, :g], weights.group, min_groups)
    watch.lap("weighting and aggregation")
    return Computed(V, terms, present, agg, total_mean, share, aggregation, absent_csr, imputed_csr)
