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
  binomial (shares) distribution around the observed one, the numerator and the size are
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
from typing import Any

import numpy as np

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
    if not any(i in at for i in spec.ids):
        return panel
    steps = replicate_steps(panel, spec) if steps is None else steps
    values = panel.values.copy()
    for ind in spec.indicators:
        if ind.id not in at:
            continue
        k = at[ind.id]
        x = values[:, :, k]
        present = np.isfinite(x)
        if not present.any():
            continue
        factor = ind.rate_factor
        size = ind.size if ind.size in at else None
        if factor is not None and size is not None and not ind.model_estimate:
            x = _recount(x, panel.values[:, :, at[size]], factor, ind, steps, rng)
        step = steps[ind.id][:, None]
        x = x + np.where(step > 0, rng.uniform(-0.5, 0.5, size=x.shape) * step, 0.0)
        low = 0.0 if np.nanmin(panel.values[:, :, k]) >= 0 else -np.inf
        high = factor if factor is not None else np.inf
        values[:, :, k] = np.where(present, np.clip(x, low, high), np.nan)
    replicate = copy.copy(panel)
    replicate.values = values
    return replicate


def _recount(
    rate: np.ndarray,
    size: np.ndarray,
    factor: float,
    ind: Any,
    steps: dict[str, np.ndarray],
    rng: np.random.Generator,
) -> np.ndarray:
    """The rate recomputed from a redrawn count and a size moved within its rounding."""
    n = np.where(size > 0, size, np.nan)
    count = np.clip(rate, 0.0, factor) * n / factor
    known = np.isfinite(count)
    drawn = np.full(rate.shape, np.nan)
    if ind.unit == "percent":
        trials = np.maximum(np.round(n[known]), 1.0).astype(np.int64)
        p = np.clip(count[known] / trials, 0.0, 1.0)
        drawn[known] = rng.binomial(trials, p)
    else:
        drawn[known] = rng.poisson(count[known])
    num_step = steps.get(ind.numerator or "", np.zeros(rate.shape[0]))[:, None]
    size_step = steps.get(ind.size or "", np.zeros(rate.shape[0]))[:, None]
    drawn = drawn + rng.uniform(-0.5, 0.5, size=rate.shape) * num_step
    moved = n + rng.uniform(-0.5, 0.5, size=rate.shape) * size_step
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
