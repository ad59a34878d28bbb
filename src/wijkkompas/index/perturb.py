"""Perturbed copies of the published figures and of the reference, for uncertainty analysis.

A rank is uncertain for more reasons than the method: the figures themselves are counts of
events in small populations, the KWB rounds what it publishes, and the yardstick was fitted on
the gemeenten someone happened to import. Each function here draws one plausible alternative;
:mod:`wijkkompas.index.uncertainty` scores many of them.

* **Rounding.** The KWB rounds buurt and wijk counts of persons and households to fives,
  education and benefit counts to tens, and most shares and means to whole units. Rather than
  keeping a table per column and year, the step is read from the figures: the largest of
  ``STEPS`` that at least ``ROUND_SHARE`` of a year's non-zero wijk and buurt figures are whole
  multiples of. A figure rounded to step ``s`` was anything within ``± s/2``: a uniform draw.
* **Counts.** A rate is a count over a size (crimes per 1000 inhabitants, households with a low
  income as a share of households). The count is redrawn from a Poisson (rates per 1000) or
  binomial (shares) distribution around the observed one (its normal approximation from an
  expected count of ``EXACT_BELOW``), the numerator and the size are
  moved within their rounding, and the rate is recomputed: a parametric bootstrap of the counts
  (as the English IMD's shrinkage assumes). Shrinkage then runs on the replicate as usual.
* **Model estimates** (the RIVM health monitor) come without a standard error in the files we
  read: only their rounding is redrawn, and the analysis says that their model error is missing.
* **The reference.** Centre and spread move by their gemeente-bootstrap standard errors
  (``Reference.centre_se``, ``spread_log_se``): the whole fitted distribution is shifted and
  scaled, so every normalisation sees the same alternative yardstick.
"""

from __future__ import annotations

import copy
import warnings
from typing import Any

import numpy as np

from wijkkompas.index.impute import carry_forward
from wijkkompas.index.panel import Panel
from wijkkompas.index.spec import IndexSpec

STEPS = (10.0, 5.0, 1.0, 0.1)
ROUND_SHARE = 0.99
MIN_FIGURES = 20
"""Fewer non-zero figures than this in a year and no rounding step is claimed."""


def publication_steps(panel: Panel, ids: tuple[str, ...] | list[str]) -> np.ndarray:
    """(years, indicators) rounding step of each indicator's wijk and buurt figures; 0: none."""
    X = panel.matrix(ids)
    local = panel.depth >= 1
    out = np.zeros((X.shape[0], X.shape[2]))
    for t in range(X.shape[0]):
        for k in range(X.shape[2]):
            v = X[t, local, k]
            v = v[np.isfinite(v) & (v != 0)]
            if v.size < MIN_FIGURES:
                continue
            for step in STEPS:
                r = v / step
                if np.mean(np.abs(r - np.round(r)) < 1e-6) >= ROUND_SHARE:
                    out[t, k] = step
                    break
    return out


def replicate_steps(panel: Panel, spec: IndexSpec) -> dict[str, np.ndarray]:
    """Rounding steps (per panel year) of the scored indicators and of their counts."""
    at = set(panel.indicators)
    ids = sorted(
        {
            name
            for i in spec.indicators
            if i.id in at
            for name in (i.id, i.numerator, i.size)
            if name is not None and name in at
        }
    )
    return dict(zip(ids, publication_steps(panel, ids).T, strict=True))


def data_replicate(
    panel: Panel,
    spec: IndexSpec,
    rng: np.random.Generator,
    steps: dict[str, np.ndarray] | None = None,
) -> Panel:
    """One bootstrap replicate of the panel's scored figures (see module notes).

    Only the scored indicators change; population, sizes for shrinkage and periods stay as
    published, so the replicate differs from the panel by the data noise alone. ``steps``
    (from :func:`replicate_steps`) saves reading the rounding again for every replicate.
    """
    at = {ind: k for k, ind in enumerate(panel.indicators)}
    chosen = [i for i in spec.indicators if i.id in at]
    if not chosen:
        return panel
    steps = replicate_steps(panel, spec) if steps is None else steps
    Y = panel.values.shape[0]
    none = np.zeros(Y)
    columns = np.array([at[i.id] for i in chosen])
    X = panel.values[:, :, columns]  # a copy (fancy indexing)
    present = np.isfinite(X)
    factor = np.array([i.rate_factor if i.rate_factor is not None else np.nan for i in chosen])
    recount = np.array(
        [i.rate_factor is not None and i.size in at and not i.model_estimate for i in chosen],
        dtype=bool,
    )
    if recount.any():
        rc = np.flatnonzero(recount)
        rated = [chosen[j] for j in rc]
        n = panel.values[:, :, [at[str(i.size)] for i in rated]]
        X[:, :, rc] = _recount(
            X[:, :, rc],
            n,
            factor[rc],
            np.array([i.unit == "percent" for i in rated]),
            np.stack([steps.get(i.numerator or "", none) for i in rated], axis=1),
            np.stack([steps.get(str(i.size), none) for i in rated], axis=1),
            rng,
        )
    own = np.stack([steps.get(i.id, none) for i in chosen], axis=1)[:, None, :]
    X += rng.uniform(-0.5, 0.5, size=X.shape) * own
    original = panel.values[:, :, columns]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns
        low = np.where(np.nanmin(original, axis=(0, 1)) >= 0, 0.0, -np.inf)
    high = np.where(np.isnan(factor), np.inf, factor)
    values = panel.values.copy()
    values[:, :, columns] = np.where(present, np.clip(X, low, high), np.nan)
    replicate = copy.copy(panel)
    replicate.values = values
    return replicate


EXACT_BELOW = 20.0
"""Expected counts from this size up are redrawn from the normal approximation of their
Poisson or binomial distribution (close there: the skew of a Poisson of 20 is 0.22, and the
draws are several times cheaper)."""


def _recount(
    rate: np.ndarray,
    size: np.ndarray,
    factor: np.ndarray,
    binomial: np.ndarray,
    num_step: np.ndarray,
    size_step: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Rates (years, regions, k) recomputed from redrawn counts and sizes moved within their
    rounding; ``binomial`` per column: a share of its size rather than a rate per 1000."""
    n = np.where(size > 0, size, np.nan)
    count = np.clip(rate, 0.0, factor) * n / factor
    known = np.isfinite(count)
    shape = np.broadcast_to(binomial, rate.shape)
    drawn = np.full(rate.shape, np.nan)
    with np.errstate(invalid="ignore"):
        variance = np.where(shape, count * (1.0 - count / n), count)
        large = known & (count >= EXACT_BELOW)
    drawn[large] = count[large] + np.sqrt(np.maximum(variance[large], 0.0)) * (
        rng.standard_normal(int(large.sum()))
    )
    small = known & ~large
    exact_share = small & shape
    trials = np.maximum(np.round(n[exact_share]), 1.0).astype(np.int64)
    drawn[exact_share] = rng.binomial(trials, np.clip(count[exact_share] / trials, 0.0, 1.0))
    exact_rate = small & ~shape
    drawn[exact_rate] = rng.poisson(count[exact_rate])
    drawn += rng.uniform(-0.5, 0.5, size=rate.shape) * num_step[:, None, :]
    moved = n + rng.uniform(-0.5, 0.5, size=rate.shape) * size_step[:, None, :]
    moved = np.where(moved > 0, moved, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        recounted = np.maximum(drawn, 0.0) * factor / moved
    return np.where(known, recounted, rate)


def reference_params(
    params: dict[str, Any],
    centre_se: np.ndarray,
    spread_log_se: np.ndarray,
    rng: np.random.Generator,
) -> dict[str, Any]:
    """The reference's normalisation tables, shifted and scaled by one draw of its own error.

    Indicators whose error could not be judged (NaN) keep their fitted values.
    """
    K = len(params["centre"])
    if centre_se.size != K or spread_log_se.size != K:
        return params
    shift = np.nan_to_num(rng.normal(0.0, 1.0, K) * centre_se)
    scale = np.exp(np.nan_to_num(rng.normal(0.0, 1.0, K) * spread_log_se))
    centre = params["centre"]
    out = dict(params)
    out["centre"] = centre + shift
    out["spread"] = params["spread"] * scale
    out["mean"] = centre + shift + (params["mean"] - centre) * scale
    out["sd"] = params["sd"] * scale
    for key in ("min", "max"):
        out[key] = centre + shift + (params[key] - centre) * scale
    out["quantiles"] = (centre + shift)[:, None] + (params["quantiles"] - centre[:, None]) * (
        scale[:, None]
    )
    return out


def collapsed(panel: Panel, spec: Any, t: int) -> Panel:
    """Year ``t`` of ``panel`` alone, with older own figures already carried into it.

    Scoring one year needs only the newest figure of each region and indicator, so a data
    replicate perturbs one year rather than the whole carry window, and preparing it skips the
    carry (``prepare(..., carry=False)`` on this panel gives the same figures for year ``t``).
    """
    X = panel.matrix(spec.ids)[: t + 1]
    periods = panel.period_matrix(spec.ids)[: t + 1]
    carry = np.array([i.carry_years for i in spec.indicators], dtype=float)
    carry_forward(X, periods, panel.years[: t + 1], carry)
    at = {ind: k for k, ind in enumerate(panel.indicators)}
    indicators = list(panel.indicators) + [i for i in spec.ids if i not in at]
    values = np.full((1, len(panel.regions), len(indicators)), np.nan)
    values[0, :, : len(panel.indicators)] = panel.values[t]
    year_periods = np.full(values.shape, np.nan)
    year_periods[0, :, : len(panel.indicators)] = panel.period_matrix(panel.indicators)[t]
    for k, ind in enumerate(spec.ids):
        j = indicators.index(ind)
        values[0, :, j] = X[t, :, k]
        year_periods[0, :, j] = periods[t, :, k]
    return Panel(
        panel.regions,
        panel.years[t : t + 1],
        tuple(indicators),
        values,
        None if panel.population is None else panel.population[t : t + 1],
        year_periods,
        None,
        panel.source_names,
    )
