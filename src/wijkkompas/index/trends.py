"""Change between two years: like for like, with an error calibrated on real data.

A total compares two years honestly only when both rest on the same indicators. So a change is
computed on the *like-for-like basket*: the indicators that are the region's own figure in both
years, with a different reference period (a figure carried forward is not compared with
itself), leaving out model-based estimates (the RIVM health monitor's change follows its
register covariates and, in 2020, COVID-19). Each group is recomputed on that basket in both
years, the total over the groups both years have, and the change is their difference; the
basket is kept with the change.

The change is only news when it exceeds its noise. Each indicator's noise is the reference's
year-on-year noise, measured in regions present in consecutive years (a robust spread of their
changes: an upper bound, since it includes real change); a rate's sampling error counts where it
is larger; a value borrowed from the parent adds the reference's parent gap. With the delta
method, ``Var(Δ) = Σ_i c_i² (Var_now,i + Var_then,i)``. A change is *climbing* or *sliding* beyond
``trend_z`` standard errors and *stable* otherwise. Because contributions add up exactly, their
differences attribute the change to indicators.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy.special import ndtr

from wijkkompas.index.aggregate import spread_to_terms
from wijkkompas.index.normalise import Z_METHODS, slope
from wijkkompas.index.parallel import for_each_block
from wijkkompas.index.spec import IndexSpec

if TYPE_CHECKING:
    from wijkkompas.index.pipeline import Computed, Prepared
    from wijkkompas.index.reference import Reference
    from wijkkompas.index.result import IndexResult, ScoringState


def baseline_rows(years: np.ndarray, min_gap: int, scored: np.ndarray | None = None) -> np.ndarray:
    """For each panel year, the latest panel year at least ``min_gap`` years before it (−1 when
    there is none), counting only years that have scores (``scored``): a year that holds only
    figures to carry forward (the RIVM monitor's 2016) is no baseline."""
    usable = np.ones(len(years), dtype=bool) if scored is None else scored
    out = np.full(len(years), -1)
    for t, year in enumerate(years):
        earlier = np.flatnonzero((years <= year - min_gap) & usable)
        if earlier.size:
            out[t] = earlier[-1]
    return out


def term_variance(
    prepared: Prepared,
    computed: Computed,
    reference: Reference,
    spec: IndexSpec,
    t: int,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """(regions × K) variance of each aggregated term in year ``t`` (0 where absent); see
    module notes. One year at a time: a year's block stays in the processor's cache through
    the chain of operations below, the whole panel would not. Written into ``out`` when given
    (the caller's slice of the whole panel's array, so the block is not copied there after)."""
    R, K = prepared.X.shape[1:]
    rows = slice(t * R, (t + 1) * R)
    method = reference.method["normalisation"]
    d = np.nan_to_num(slope(method, reference.params(), spec.signs))
    own = (np.nan_to_num(reference.noise_sd) * d) ** 2
    borrowed = np.nan_to_num(reference.imputation_var) * d**2
    observed = prepared.observed[t]
    var = np.empty((R, K)) if out is None else out
    var[:] = borrowed
    np.copyto(var, own, where=observed)
    cols = prepared.rates.columns
    if cols.size:
        # All rate columns at once, through flat positions: one 1-d gather and scatter beat a
        # strided pass per column and 2-d fancy indexing alike.
        sampling = prepared.rates.variance[t].copy()
        for j, k in enumerate(cols):
            if spec.indicators[k].transform in ("log", "log1p"):
                # d(transform)/dx on the engine's scale: exp(-x) for log and log1p.
                sampling[:, j] *= np.exp(-np.nan_to_num(prepared.X[t, :, k])) ** 2
        sampling *= d[cols] ** 2
        flat = (np.arange(R)[:, None] * K + cols[None, :]).reshape(-1)
        np.copyto(sampling, 0.0, where=~observed.reshape(-1)[flat].reshape(sampling.shape))
        cells = np.reshape(var, -1, copy=False)  # a view: the scatter writes through
        cells[flat] = np.maximum(cells[flat], sampling.reshape(-1))
    if computed.aggregation == "geometric":
        V = computed.V[rows]
        if method in Z_METHODS:
            du, u = np.exp(-0.5 * V**2) / np.sqrt(2 * np.pi), ndtr(V)
        else:
            du, u = ((V >= 0) & (V <= 1)).astype(float), np.clip(V, 0, 1)
        var *= (99.0 * du / (1.0 + 99.0 * u)) ** 2
    np.copyto(var, 0.0, where=~computed.present[rows])
    return var


def total_variance(
    prepared: Prepared, computed: Computed, reference: Reference, spec: IndexSpec
) -> tuple[np.ndarray, np.ndarray]:
    """Variance of each row's total (N,) from its terms' noise, and the terms' variances
    (N × K, kept for like-for-like changes)."""
    Y, R, K = prepared.X.shape
    var = np.empty((Y * R, K))
    out = np.empty(Y * R)

    def year(t: int) -> None:
        rows = slice(t * R, (t + 1) * R)
        block = term_variance(prepared, computed, reference, spec, t, out=var[rows])
        # The coefficients without the mask of present terms: ``block`` is 0 wherever a term is
        # absent, so the products below are the same and one pass over the block is saved.
        weighted = spread_to_terms(computed.beta[rows], reference.weights.indicator)
        np.square(weighted, out=weighted)
        weighted *= block
        out[rows] = weighted.sum(axis=1)

    for_each_block(Y, year, var.size)
    if computed.aggregation == "geometric":
        out = computed.total**2 * out
    return out, var


@dataclass
class Change:
    """Like-for-like change of the total for a block of regions."""

    change: np.ndarray
    se: np.ndarray
    total_from: np.ndarray
    total_to: np.ndarray
    basket: np.ndarray
    """(regions × K) the indicators both totals rest on."""
    coef: np.ndarray
    """(regions × K) each term's coefficient on the common basket (0 outside it)."""
    in_basket: np.ndarray
    terms_from: np.ndarray
    terms_to: np.ndarray

    @property
    def contributions_from(self) -> np.ndarray:
        """(regions × K) each indicator's part of ``total_from`` (NaN outside the basket);
        computed on demand, since the default trend of a run needs only the totals."""
        return np.where(self.in_basket, self.coef * self.terms_from, np.nan)

    @property
    def contributions_to(self) -> np.ndarray:
        return np.where(self.in_basket, self.coef * self.terms_to, np.nan)


def like_for_like(
    state: ScoringState,
    spec: IndexSpec,
    reference: Reference,
    now: slice,
    then: slice,
    min_groups: int,
) -> Change:
    """The change of the total between two blocks of rows on their common basket."""
    W = reference.weights.indicator
    a = reference.weights.group
    observed = state.observed.reshape(state.present.shape)
    basket = state.present[now] & observed[now]
    basket &= state.present[then]
    basket &= observed[then]
    periods = state.periods.reshape(state.present.shape)
    basket &= periods[now] != periods[then]
    basket &= ~spec.model_estimates[None, :]
    Bf = basket.astype(float)
    # The basket's weight per group and its count of non-proxy terms in one product (counts
    # of whole numbers are exact).
    G = W.shape[1]
    both = Bf @ np.column_stack([W, (W > 0) & ~spec.proxies[:, None]])
    den, anchored = both[:, :G], both[:, G:]
    ok = (den > 0) & (anchored >= 1)
    enough = ok.sum(axis=1) >= min_groups
    ok &= enough[:, None]
    ga = np.where(ok, a[None, :], 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(ga.sum(axis=1, keepdims=True) > 0, ga / ga.sum(axis=1, keepdims=True), 0.0)
        beta = np.where(ok, share / den, 0.0)
    coef = spread_to_terms(beta, W)
    coef *= Bf
    terms_now, terms_then = state.terms[now], state.terms[then]
    t_now = np.einsum("rk,rk->r", coef, terms_now)
    t_then = np.einsum("rk,rk->r", coef, terms_then)
    if state.aggregation == "geometric":
        t_now, t_then = np.exp(t_now), np.exp(t_then)
    missing = ~enough
    t_now[missing], t_then[missing] = np.nan, np.nan
    var = np.add(state.term_var[now], state.term_var[then], out=Bf)  # Bf is done with: reuse it
    var *= coef
    v = np.einsum("rk,rk->r", var, coef)
    if state.aggregation == "geometric":
        v = v * t_now * t_then
    change = t_now - t_then
    se = np.sqrt(v)
    se[missing] = np.nan
    return Change(
        change, se, t_then, t_now, basket & enough[:, None], coef, basket, terms_then, terms_now
    )


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
    """Like-for-like change of the total between ``compare_year`` and ``year`` per region.

    Parameters
    ----------
    result
        An :class:`~wijkkompas.index.engine.IndexResult`.
    year
        The later year.
    compare_year
        The earlier year; default: the latest scored panel year at least ``trend_min_gap``
        years before ``year``.

    Returns
    -------
    pandas.DataFrame
        One row per region: totals of both years *on the common basket* (``total_from``,
        ``total_to``), ``change``, ``change_se``, ``trend``, the basket (``basket``, space-
        separated ids) and the indicators whose contributions rose (``driver_up``) and fell
        (``driver_down``) most. For geometric aggregation the attribution is of log(total).
    """
    years = result.panel.years
    if year not in years:
        raise ValueError(f"{year} is not a panel year ({years.min()}–{years.max()})")
    t = int(np.flatnonzero(years == year)[0])
    if compare_year is None:
        scored = ~np.isnan(result.state.total.reshape(len(years), -1)).all(axis=1)
        b = int(baseline_rows(years, result.options.trend_min_gap, scored)[t])
        if b < 0:
            raise ValueError(
                f"no panel year lies {result.options.trend_min_gap}+ years before {year}"
            )
    elif compare_year in years:
        b = int(np.flatnonzero(years == compare_year)[0])
    else:
        raise ValueError(f"{compare_year} is not a panel year")
    R = len(result.panel.regions)
    now, then = slice(t * R, (t + 1) * R), slice(b * R, (b + 1) * R)
    found = like_for_like(
        result.state, result.spec, result.reference, now, then, result.options.trend_min_groups
    )
    hidden = result.scores["suppressed"].to_numpy()
    for arr in (found.change, found.se, found.total_from, found.total_to):
        arr[hidden[now] | hidden[then]] = np.nan
    delta = found.contributions_to - found.contributions_from
    ids = np.asarray(result.spec.ids, dtype=object)
    filled = np.nan_to_num(delta)
    has = ~np.isnan(found.change)
    basket = np.array([" ".join(ids[row]) for row in found.basket], dtype=object)
    return pd.DataFrame(
        {
            "region_code": result.panel.codes,
            "level": result.panel.levels,
            "year_from": int(years[b]),
            "year_to": int(year),
            "total_from": found.total_from,
            "total_to": found.total_to,
            "change": found.change,
            "change_se": found.se,
            "trend": trend_labels(found.change, found.se, result.options.trend_z),
            "basket": np.where(has, basket, ""),
            "driver_up": np.where(has & (filled.max(axis=1) > 0), ids[filled.argmax(axis=1)], None),
            "driver_down": np.where(
                has & (filled.min(axis=1) < 0), ids[filled.argmin(axis=1)], None
            ),
        }
    )
