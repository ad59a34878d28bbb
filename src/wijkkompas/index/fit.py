"""Fitting the reference: one pass over the reference regions, stored for every later run."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from wijkkompas import __version__
from wijkkompas.index.classify import cut_points
from wijkkompas.index.normalise import parameter_rows
from wijkkompas.index.options import EngineOptions
from wijkkompas.index.outliers import fit_bounds
from wijkkompas.index.panel import Panel
from wijkkompas.index.pipeline import compute, prepare
from wijkkompas.index.reference import PROBS, Reference
from wijkkompas.index.smallarea import estimate_tau2
from wijkkompas.index.spec import DOMAINS, GROUPS, as_spec
from wijkkompas.index.weights import effective_weights, nominal_weights, pca_weights

MIN_N = 2
"""Fewer observed reference regions than this and an indicator-year gets no parameters."""


def fit_reference(
    panel: Panel | pd.DataFrame, catalogue: Any, options: EngineOptions | None = None
) -> Reference:
    """Fit the yardstick that :func:`~wijkkompas.index.score` measures against.

    Parameters
    ----------
    panel
        A :class:`Panel` or the long panel table. The reference regions are its regions at
        ``options.reference_level`` (all regions when there are none at that level) that are
        not suppressed; their *observed* values define the parameters.
    catalogue
        The indicator catalogue (or an :class:`~wijkkompas.index.spec.IndexSpec`).
    options
        The methodological fields (see ``EngineOptions.method()``) are fixed into the reference.

    Returns
    -------
    Reference
        Per-year means, spreads, percentiles and winsorisation bounds; the reference year
        (``options.reference_year``, else the earliest year whose observed indicators carry at
        least ``min_coverage`` of the catalogue weight); fitted weights with their effective
        weights; and the reference-year scale of every score (class cut-points, cumulation
        thresholds).

    Notes
    -----
    Steps follow the OECD/JRC Handbook (2008): imputation, outlier treatment, normalisation,
    weighting, aggregation; the reference year's own scores then fix the class cut-points.
    """
    options = options or EngineOptions()
    panel = panel if isinstance(panel, Panel) else Panel.from_long(panel)
    spec = as_spec(catalogue, options.expert_weights)
    log: list[dict[str, Any]] = []
    level_rows = panel.levels == options.reference_level
    if not level_rows.any():
        level_rows = np.ones(len(panel.regions), dtype=bool)
        log.append({"step": "reference_level", "fallback": "all levels"})
        reference_level = None
    else:
        reference_level = options.reference_level
    prepared = prepare(
        panel,
        spec,
        tau2=np.full(len(spec.ids), np.nan),
        lower=None,
        upper=None,
        imputation="none",
        shrinkage="none",
        carry_max_years=0,
        suppression_threshold=options.suppression_threshold,
    )
    rows = level_rows[None, :] & ~prepared.suppressed
    raw = prepared.X
    tau2 = estimate_tau2(raw, panel, spec, rows)
    imputation_var = _parent_variance(raw, panel, rows)
    prepared = prepare(
        panel,
        spec,
        tau2=tau2,
        lower=None,
        upper=None,
        imputation=options.imputation,
        shrinkage=options.shrinkage,
        carry_max_years=options.carry_max_years,
        suppression_threshold=options.suppression_threshold,
    )
    X, observed = prepared.X, prepared.observed
    if options.outliers == "winsorise":
        lower, upper, wlog = fit_bounds(
            X,
            observed,
            rows,
            spec.ids,
            panel.years,
            options.winsor_max_points,
            options.skew_threshold,
            options.kurt_threshold,
        )
        log.extend(wlog)
        np.clip(X, lower[:, None, :], upper[:, None, :], out=X)
    else:
        lower = np.full((len(panel.years), len(spec.ids)), -np.inf)
        upper = -lower
    stats = _year_stats(X, observed & rows[:, :, None])
    weights = nominal_weights(spec, options.weighting, dict(options.group_weights))
    year, fixed_rows = _reference_year(
        stats["n"], panel.years, weights.total_coefficients(), options, log
    )
    t = int(np.flatnonzero(panel.years == year)[0])
    ref = rows[t]
    method: dict[str, Any] = {
        "normalisation": options.normalisation,
        "params": {**stats, "probs": PROBS},
        "rows": parameter_rows(options.normalisation, np.array([t]), fixed_rows),
        "signs": spec.signs,
    }
    Xr, Or = X[t : t + 1, ref], observed[t : t + 1, ref]
    if options.weighting == "pca":
        first = compute(
            Xr, Or, aggregation="arithmetic", weights=weights, min_coverage=0.0, **method
        )
        V = np.where(first.present, first.V, np.nan)
        weights.indicator = pca_weights(V, spec.group_membership, log)
        weights.domain = pca_weights(V, spec.domain_membership, log)
        weights.method = "pca"
    done = compute(
        Xr,
        Or,
        aggregation=options.aggregation,
        weights=weights,
        min_coverage=options.min_coverage,
        **method,
    )
    coef = done.coefficients(weights.indicator)
    weights.effective = effective_weights(np.where(done.present, coef * done.terms, np.nan))
    score_stats = {"total": _score_stats(done.total)}
    for g, name in enumerate(GROUPS):
        score_stats[name] = _score_stats(done.groups[:, g])
    for d, name in enumerate(DOMAINS):
        score_stats[f"domain_{name}"] = _score_stats(done.domains[:, d])
    total = score_stats["total"]
    return Reference(
        catalogue_hash=spec.catalogue_hash,
        catalogue_version=spec.catalogue_version,
        indicators=spec.ids,
        method=options.method(),
        scope=options.reference_scope,
        reference_year=int(year),
        reference_level=reference_level,
        years=panel.years.copy(),
        lower=lower,
        upper=upper,
        fixed_rows=fixed_rows,
        tau2=tau2,
        imputation_var=imputation_var,
        weights=weights,
        score_stats=score_stats,
        cuts=cut_points(total["mean"], total["sd"]),
        log=log,
        created_with=f"wijkkompas {__version__}",
        **stats,
    )


def _year_stats(X: np.ndarray, use: np.ndarray) -> dict[str, np.ndarray]:
    """Mean, sd (n−1), min, max, count and percentiles per (year, indicator)."""
    Y = np.where(use, X, np.nan)
    n = use.sum(axis=1).astype(float)
    enough = n >= MIN_N
    Y[:, :, :] = np.where(enough[:, None, :], Y, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns are expected
        mean = np.nanmean(Y, axis=1)
        sd = np.nanstd(Y, axis=1, ddof=1)
        lo, hi = np.nanmin(Y, axis=1), np.nanmax(Y, axis=1)
        quantiles = np.moveaxis(np.nanquantile(Y, PROBS, axis=1), 0, -1)
    sd[~(sd > 0)] = np.nan  # no spread: the indicator cannot be normalised that year
    flat = ~(hi > lo)
    lo[flat], hi[flat] = np.nan, np.nan
    return {"mean": mean, "sd": sd, "min": lo, "max": hi, "n": n, "quantiles": quantiles}


def _reference_year(
    n: np.ndarray,
    years: np.ndarray,
    coef: np.ndarray,
    options: EngineOptions,
    log: list[dict[str, Any]],
) -> tuple[int, np.ndarray]:
    """The fixed reference year, and per indicator the year row its fixed parameters come from
    (the nearest year with data when the reference year has none)."""
    has = n >= MIN_N
    covered = (has * coef).sum(axis=1) / max(coef.sum(), 1e-12)
    if options.reference_year is not None:
        if options.reference_year not in years:
            raise ValueError(
                f"reference_year {options.reference_year} is not in the panel "
                f"({years.min()}–{years.max()})"
            )
        year = options.reference_year
    else:
        enough = np.flatnonzero(covered >= options.min_coverage - 1e-12)
        year = int(years[enough[0]] if enough.size else years[np.argmax(covered)])
    t = int(np.flatnonzero(years == year)[0])
    fixed = np.full(n.shape[1], -1, dtype=int)
    for k in range(n.shape[1]):
        candidates = np.flatnonzero(has[:, k])
        if candidates.size:
            fixed[k] = candidates[np.argmin(np.abs(candidates - t) * 2 + (candidates > t))]
            if fixed[k] != t:
                log.append(
                    {
                        "step": "reference_year_fallback",
                        "indicator_index": k,
                        "year_used": int(years[fixed[k]]),
                    }
                )
    fixed[fixed < 0] = t  # no data in any year: its parameters are NaN, it stays missing
    return year, fixed


def _parent_variance(X: np.ndarray, panel: Panel, rows: np.ndarray) -> np.ndarray:
    """Mean squared gap between a region's observed value and its parent's: the error made when
    a missing value is borrowed from the parent (used for trend uncertainty)."""
    total = np.zeros(X.shape[2])
    count = np.zeros(X.shape[2])
    for t in range(X.shape[0]):
        child = np.flatnonzero(rows[t] & (panel.parent >= 0))
        diff = X[t, child] - X[t, panel.parent[child]]
        ok = ~np.isnan(diff)
        total += np.where(ok, diff * diff, 0.0).sum(axis=0)
        count += ok.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / count, np.nan)


def _score_stats(values: np.ndarray) -> dict[str, Any]:
    v = values[~np.isnan(values)]
    if v.size < 2:
        return {
            "mean": np.nan,
            "sd": np.nan,
            "n": int(v.size),
            "quantiles": np.full(PROBS.size, np.nan),
        }
    return {
        "mean": float(v.mean()),
        "sd": float(v.std(ddof=1)),
        "n": int(v.size),
        "quantiles": np.quantile(v, PROBS),
    }
