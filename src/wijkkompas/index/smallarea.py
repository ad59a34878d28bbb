"""Small areas: empirical-Bayes shrinkage of rates, reliability, and suppression.

A buurt of 80 inhabitants with two burglaries has a burglary rate of 25 per 1000, which is mostly
noise. Following the English Indices of Deprivation (shrinkage toward a larger area) and Marshall
(1991), each rate is replaced by a precision-weighted mean of its own value and its parent area's
rate: ``θ̂ = θ_parent + B (r − θ_parent)`` with ``B = τ² / (τ² + v)``, where ``v`` is the sampling
variance of the area's rate (binomial for percentages, Poisson for rates per 1000, computed from
the *parent's* rate so that B does not depend on the area's own value and improving a rate can
never lower a score) and ``τ²`` the between-area variance, fitted once into the reference per
level (buurten around their wijk, wijken around their gemeente) and year. Model-based estimates
(the RIVM health monitor) are already smoothed by their model and are never shrunk again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wijkkompas.index.panel import Panel
from wijkkompas.index.parallel import for_each_block
from wijkkompas.index.spec import IndexSpec

RELIABLE_B = 0.5
"""Below this, more than half of a shrunk rate comes from the parent: flagged as unreliable."""


@dataclass
class RateInfo:
    """Which columns are rates, the lowest reliability ``B`` per region-year, and the sampling
    variance of the rate the engine goes on to use (posterior variance ``B·v`` when shrunk)."""

    columns: np.ndarray
    reliability: np.ndarray
    """(years, regions) lowest B over the region's rates; NaN when none could be judged."""
    variance: np.ndarray
    """(years, regions, rate columns); 0 where the rate was not observed."""


def rate_columns(spec: IndexSpec, panel: Panel) -> list[tuple[int, int, float, str]]:
    """(column, size column in the panel, rate factor, variance model) for each rate."""
    out = []
    for k, ind in enumerate(spec.indicators):
        factor = ind.rate_factor
        if factor is None or ind.size is None or ind.size not in panel.indicators:
            continue
        if ind.model_estimate:
            continue
        model = "binomial" if ind.unit == "percent" else "poisson"
        out.append((k, panel.indicators.index(ind.size), factor, model))
    return out


def sampling_variance(theta: np.ndarray, n: np.ndarray, factor: float, model: str) -> np.ndarray:
    """Variance of an observed rate given the true rate ``theta`` and size ``n``."""
    theta = np.clip(theta, 0.0, factor)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = theta * (factor - theta) / n if model == "binomial" else theta * factor / n
    v[~(n > 0)] = np.nan
    return v


SHRINK_DEPTHS = (2, 1)
"""Region depth of each level of ``tau2``: buurten (2, toward their wijk), wijken (1)."""
MIN_PAIRS = 10
"""Fewer child-parent pairs than this in a level and year and τ² falls back to all years."""


def estimate_tau2(X: np.ndarray, panel: Panel, spec: IndexSpec, rows: np.ndarray) -> np.ndarray:
    """Method-of-moments between-area variance of each rate around its parent (NaN: no rate).

    Returns (levels × years × indicators): per level (``SHRINK_DEPTHS``) and panel year,
    τ² = mean((r − θ_parent)²) − mean(v), floored just above zero; a level-year with fewer than
    ``MIN_PAIRS`` pairs takes the level's value pooled over all years. ``rows`` is the
    (years, regions) mask of rows that may enter the fit.
    """
    Y = X.shape[0]
    tau2 = np.full((len(SHRINK_DEPTHS), Y, len(spec.indicators)), np.nan)
    for level, depth in enumerate(SHRINK_DEPTHS):
        child = (panel.parent >= 0) & (panel.depth == depth)
        parent = panel.parent[child]
        use = rows[:, child]
        for k, size, factor, model in rate_columns(spec, panel):
            own = X[:, child, k]
            theta = X[:, parent, k]
            v = sampling_variance(theta, panel.values[:, child, size], factor, model)
            ok = use & ~np.isnan(own) & ~np.isnan(theta) & ~np.isnan(v)
            squared = np.where(ok, (own - theta) ** 2 - np.nan_to_num(v), 0.0)
            if ok.sum() >= MIN_PAIRS:
                pooled = max(float(squared.sum() / ok.sum()), 1e-12)
                tau2[level, :, k] = pooled
            for t in range(Y):
                n = int(ok[t].sum())
                if n >= MIN_PAIRS:
                    tau2[level, t, k] = max(float(squared[t].sum() / n), 1e-12)
    return tau2


def shrink(X: np.ndarray, panel: Panel, spec: IndexSpec, tau2: np.ndarray, apply: bool) -> RateInfo:
    """Shrink the rates in ``X`` in place (when ``apply``) and report their reliability.

    ``tau2`` is (years × levels × indicators), one level per ``SHRINK_DEPTHS`` entry; regions at
    other depths (gemeenten, custom areas) are not shrunk.

    Vectorised over regions and rate columns, one year at a time: year-sized blocks are small
    enough for the allocator to reuse, which at national scale is several times faster than
    one pass over the whole panel.
    """
    cols = rate_columns(spec, panel)
    Y, R = X.shape[:2]
    reliability = np.full((Y, R), np.nan)
    variance = np.zeros((Y, R, len(cols)))
    if not cols:
        return RateInfo(np.zeros(0, dtype=int), reliability, variance)
    k = np.array([c[0] for c in cols])
    size = np.array([c[1] for c in cols])
    factor = np.array([c[2] for c in cols])
    binomial = np.array([c[3] == "binomial" for c in cols], dtype=float)
    level_of = np.full(R, -1)
    for level, depth in enumerate(SHRINK_DEPTHS):
        level_of[panel.depth == depth] = level
    orphan = (panel.parent < 0) | (level_of < 0)
    level = np.maximum(level_of, 0)
    parent = np.where(orphan, np.arange(R), panel.parent)
    K = X.shape[2]
    flat = (np.arange(R)[:, None] * K + k[None, :]).ravel()  # 1-d gathers beat 2-d fancy ones
    sizes = (np.arange(R)[:, None] * panel.values.shape[2] + size[None, :]).ravel()

    def year(t: int) -> None:  # year blocks: see the docstring
        block = X[t].reshape(-1)
        own = block[flat].reshape(R, -1)
        theta = own[parent]
        unjudged = np.isnan(theta) | np.isnan(own)
        unjudged[orphan] = True
        # Without a parent value the area is its own target: θ = r, so nothing moves, and the
        # sampling variance is still that of its own rate.
        np.copyto(theta, own, where=unjudged)
        n = np.reshape(panel.values[t], -1)[sizes].reshape(R, -1)
        t2 = tau2[t][:, k][level]
        with np.errstate(divide="ignore", invalid="ignore"):
            # The variance, computed in place in the year's slice of ``variance``: θ(f − bθ)/n.
            v = np.multiply(binomial, theta, out=variance[t])
            np.subtract(factor, v, out=v)
            v *= theta
            v /= n
            np.maximum(v, 0.0, out=v)
            np.copyto(v, np.nan, where=~(n > 0))
            b = t2 + v
            np.divide(t2, b, out=b)
        shrinkable = ~np.isnan(b)
        if apply:
            moved = own - theta  # θ + B(r − θ), in place
            moved *= b
            moved += theta
            np.copyto(moved, own, where=~shrinkable)
            block[flat] = moved.reshape(-1)
            np.multiply(v, b, out=v, where=shrinkable & ~unjudged)
        np.nan_to_num(v, copy=False, nan=0.0, posinf=0.0)
        np.copyto(v, 0.0, where=np.isnan(own))
        np.copyto(b, np.nan, where=unjudged)
        with np.errstate(invalid="ignore"):
            reliability[t] = np.fmin.reduce(b, axis=1)

    for_each_block(Y, year, X.size)
    return RateInfo(k, reliability, variance)


def suppressed(
    population: np.ndarray | None, shape: tuple[int, int], threshold: float
) -> np.ndarray:
    """(years, regions) mask of region-years below the publication threshold.

    Unknown population suppresses nothing: the caller is told in the run log instead.
    """
    if population is None:
        return np.zeros(shape, dtype=bool)
    return population < threshold
