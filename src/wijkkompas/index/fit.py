"""Fitting the reference: once, on purpose, on data the fitter names — never per run.

See :mod:`wijkkompas.index.reference` for what a reference holds and ADR 0010 for why. The fit
reads the buurten of the fit panel with at least ``MIN_RESIDENTS`` inhabitants (fewer makes
a figure too noisy to describe the spread between buurten), pooled over all years, on the
engine's scale (money in base-year prices, transformed):

1. centre: the national figure of ``reference_year`` where the caller gives one (the KWB's
   NL00 row, the RIVM's NL01), else the size-weighted mean of the fit data (which for
   whole-country files is the national figure);
2. spread: the standard deviation between buurten; the pooled distribution for the
   alternative normalisations;
3. τ² per level and year for shrinkage; the year-on-year noise of each indicator in regions
   present in consecutive years (a robust spread of their changes, an upper bound because it
   includes real change);
4. the weights; then the fit panel is scored with the new reference to fix the scale of every
   score (class cut-points, the worst fifth of each cumulation domain) and the effective
   weights.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from wijkkompas import __version__
from wijkkompas.index.classify import cut_points
from wijkkompas.index.exposure import MIN_RESIDENTS
from wijkkompas.index.normalise import transform
from wijkkompas.index.options import EngineOptions
from wijkkompas.index.panel import Panel
from wijkkompas.index.pipeline import _factor, compute, prepare
from wijkkompas.index.reference import PROBS, Reference
from wijkkompas.index.smallarea import estimate_tau2
from wijkkompas.index.spec import DOMAINS, GROUPS, IndexSpec, as_spec
from wijkkompas.index.weights import effective_weights, nominal_weights, pca_weights

MIN_N = 2
"""Fewer fit figures than this show no spread: the indicator gets no parameters (unscored)."""
MAX_NOISE_GAP = 4
"""Year-on-year noise is measured on the smallest gap between a region's own figures, up to
this many years."""


def fit_reference(
    panel: Panel | pd.DataFrame,
    catalogue: Any,
    options: EngineOptions | None = None,
    *,
    national: Mapping[str, tuple[float, float]] | None = None,
    name: str = "fitted",
    fitted_on: Mapping[str, Any] | None = None,
) -> Reference:
    """Fit the yardstick that :func:`~wijkkompas.index.score` measures against.

    Parameters
    ----------
    panel
        A :class:`Panel` (or the long panel table) of the fit data, derived as for scoring.
    catalogue
        The indicator catalogue (or an :class:`~wijkkompas.index.spec.IndexSpec`).
    options
        The methodological fields (``EngineOptions.method()``) are fixed into the reference;
        ``reference_year`` picks the national figures that centre it.
    national
        Indicator id → (national figure in its published unit, period year).
    name
        The reference's name (``wijkkompas reference use NAME``).
    fitted_on
        A description of the fit data for the record (files, gemeenten, years).
    """
    options = options or EngineOptions()
    panel = panel if isinstance(panel, Panel) else Panel.from_long(panel)
    spec = as_spec(catalogue, options.expert_weights)
    log: list[dict[str, Any]] = []
    rows = _fit_rows(panel, options, log)
    raw_rates = panel.matrix(spec.ids)
    # τ² per level: buurten around their wijk, and wijken around their gemeente.
    tau2 = estimate_tau2(raw_rates, panel, spec, _fit_rows(panel, options, log, all_levels=True))
    own = prepare(
        panel,
        spec,
        tau2=None,
        imputation="none",
        shrinkage="none",
        suppression_threshold=0.0,
        carry=False,
        log=log,
    )
    use = own.observed & rows[:, :, None]
    stats = _pooled_stats(own.X, use)
    year = _reference_year(national, options)
    centre, centre_from = _centres(spec, own.X, use, panel, stats, national, year)
    spread = stats["sd"].copy()
    noise_sd, noise_from = _noise(spec, own, panel, rows, spread)
    centre_se, spread_log_se = _cluster_bootstrap(own.X, use, panel, centre_from, options.seed)
    weights = nominal_weights(spec, options.weighting, dict(options.group_weights))
    reference = Reference(
        name=name,
        catalogue_hash=spec.catalogue_hash,
        catalogue_version=spec.catalogue_version,
        indicators=spec.ids,
        method=options.method(),
        fitted_on=dict(fitted_on or {}),
        centre=centre,
        spread=spread,
        centre_from=centre_from,
        noise_sd=noise_sd,
        noise_from=noise_from,
        tau2=tau2,
        tau_years=panel.years.copy(),
        imputation_var=_parent_variance(own.X, panel, rows),
        weights=weights,
        score_stats={},
        cuts=np.full(8, np.nan),
        clip=options.clip,
        centre_se=centre_se,
        spread_log_se=spread_log_se,
        reference_year=int(year) if year is not None else int(panel.years.max()),
        log=log,
        created_with=f"wijkkompas {__version__}",
        created_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        mean=stats["mean"],
        sd=stats["sd"],
        min=stats["min"],
        max=stats["max"],
        n=stats["n"],
        quantiles=stats["quantiles"],
    )
    reference.fitted_on.setdefault("regions", len(panel.regions))
    reference.fitted_on.setdefault("years", [int(y) for y in panel.years])
    reference.fitted_on["figures_per_indicator"] = {
        i: int(n) for i, n in zip(spec.ids, stats["n"], strict=True)
    }
    if options.weighting == "pca":
        _pca(reference, spec, own, use, log)
    _score_scale(reference, panel, spec, options, rows)
    return reference


def _fit_rows(
    panel: Panel, options: EngineOptions, log: list[dict[str, Any]], all_levels: bool = False
) -> np.ndarray:
    """(years, regions) buurt rows with at least ``MIN_RESIDENTS`` inhabitants in that year or,
    for a file without population (the RIVM monitor, police crime), in the region's nearest
    year within ``MAX_NOISE_GAP`` years: whole-country files then enter the fit too."""
    level = np.ones(len(panel.regions), dtype=bool) if all_levels else panel.levels == "buurt"
    if not level.any():
        level = np.ones(len(panel.regions), dtype=bool)
        log.append({"step": "fit_rows", "fallback": "all levels (no buurten)"})
    rows = np.broadcast_to(level[None, :], (len(panel.years), len(panel.regions))).copy()
    if panel.population is not None and options.suppression_threshold > 0:
        population = _nearest_population(panel.population, panel.years, MAX_NOISE_GAP)
        with np.errstate(invalid="ignore"):
            rows &= population >= MIN_RESIDENTS
    return rows


def _nearest_population(population: np.ndarray, years: np.ndarray, reach: int) -> np.ndarray:
    """Each region's inhabitants in the year, else in its nearest year within ``reach``."""
    out = population.copy()
    best = np.where(np.isnan(population), np.inf, 0.0)
    for t in range(len(years)):
        for s in range(len(years)):
            gap = abs(int(years[s]) - int(years[t]))
            if s == t or gap > reach:
                continue
            take = ~np.isnan(population[s]) & (gap < best[t])
            out[t][take] = population[s][take]
            best[t][take] = gap
    return out


def _pooled_stats(X: np.ndarray, use: np.ndarray) -> dict[str, np.ndarray]:
    """Mean, sd (n−1), min, max, count and percentiles per indicator, pooled over years."""
    K = X.shape[2]
    Y = np.where(use, X, np.nan).reshape(-1, K)
    n = use.reshape(-1, K).sum(axis=0).astype(float)
    Y[:, n < MIN_N] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns are expected
        mean = np.nanmean(Y, axis=0)
        sd = np.nanstd(Y, axis=0, ddof=1)
        lo, hi = np.nanmin(Y, axis=0), np.nanmax(Y, axis=0)
        quantiles = np.nanquantile(Y, PROBS, axis=0).T
    sd[~(sd > 0)] = np.nan  # no spread: the indicator cannot be normalised
    flat = ~(hi > lo)
    lo[flat], hi[flat] = np.nan, np.nan
    return {"mean": mean, "sd": sd, "min": lo, "max": hi, "n": n, "quantiles": quantiles}


BOOTSTRAP_DRAWS = 400


def _cluster_bootstrap(
    X: np.ndarray, use: np.ndarray, panel: Panel, centre_from: list[str], seed: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """Standard errors of each indicator's centre and log spread under a bootstrap of gemeenten.

    Buurten of one gemeente share a housing market, a policy and a statistics office, so the
    gemeente, not the buurt, is the unit to resample (a cluster bootstrap): a yardstick fitted on
    four gemeenten moves a lot more than one fitted on three hundred, and the uncertainty
    analysis should say so. Per draw each gemeente gets a multinomial count, and the pooled mean
    and standard deviation follow from per-gemeente sums. A centre taken from a published
    national figure does not depend on the fit data (se 0). With figures from a single gemeente
    the spread cannot be judged this way (NaN; the analysis then says so).
    """
    K = X.shape[2]
    cluster = np.where(panel.gemeente_index >= 0, panel.gemeente_index, np.arange(X.shape[1]))
    labels, member = np.unique(cluster, return_inverse=True)
    C = labels.size
    n = np.zeros((C, K))
    s1 = np.zeros((C, K))
    s2 = np.zeros((C, K))
    for t in range(X.shape[0]):
        x = np.where(use[t], X[t], 0.0)
        np.add.at(n, member, use[t].astype(float))
        np.add.at(s1, member, x)
        np.add.at(s2, member, x * x)
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(C, np.full(C, 1.0 / C), size=BOOTSTRAP_DRAWS).astype(float)
    N, S1, S2 = counts @ n, counts @ s1, counts @ s2
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = S1 / N
        var = (S2 - N * mean**2) / (N - 1)
        log_sd = 0.5 * np.log(np.where(var > 0, var, np.nan))
    clusters_with = (n > 0).sum(axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        centre_se = np.nanstd(mean, axis=0, ddof=1)
        spread_log_se = np.nanstd(log_sd, axis=0, ddof=1)
    unjudged = clusters_with < 2
    centre_se[unjudged] = np.nan
    spread_log_se[unjudged] = np.nan
    national = np.array([origin.startswith("national") for origin in centre_from])
    centre_se[national] = 0.0
    return centre_se, spread_log_se


def _reference_year(
    national: Mapping[str, tuple[float, float]] | None, options: EngineOptions
) -> int | None:
    if options.reference_year is not None:
        return options.reference_year
    if not national:
        return None
    return int(max(period for _, period in national.values()))


def _centres(
    spec: IndexSpec,
    X: np.ndarray,
    use: np.ndarray,
    panel: Panel,
    stats: dict[str, np.ndarray],
    national: Mapping[str, tuple[float, float]] | None,
    year: int | None,
) -> tuple[np.ndarray, list[str]]:
    """The national figure on the engine's scale where given, else the size-weighted mean."""
    centre = np.full(len(spec.ids), np.nan)
    origin: list[str] = []
    for k, ind in enumerate(spec.indicators):
        given = (national or {}).get(ind.id)
        if given is not None and not np.isnan(stats["sd"][k]):
            value, period = given
            if ind.deflator:
                value = value * _factor(dict(ind.deflator), float(period), ind.date_period)
            scaled = transform(np.array([[value]], dtype=float), [ind.transform])[0, 0]
            if np.isfinite(scaled):
                centre[k] = scaled
                origin.append(f"national figure, period {int(period)}")
                continue
        x, w = X[:, :, k][use[:, :, k]], _sizes(panel, ind.size, use[:, :, k])
        if x.size >= MIN_N and not np.isnan(stats["sd"][k]):
            ok = ~np.isnan(w) & (w > 0)
            if ok.sum() >= max(MIN_N, 0.9 * x.size):
                centre[k] = float(np.average(x[ok], weights=w[ok]))
                origin.append(f"mean of {int(ok.sum())} buurt figures weighted by {ind.size}")
            else:
                centre[k] = float(x.mean())
                origin.append(f"mean of {x.size} buurt figures")
        else:
            origin.append("no fit data")
    return centre, origin


def _sizes(panel: Panel, size: str | None, mask: np.ndarray) -> np.ndarray:
    """The count each fit figure refers to, from its own year or the region's nearest year
    (a rate of a whole-country file without population divides by the nearest count)."""
    if size is None or size not in panel.indicators:
        return np.full(int(mask.sum()), np.nan)
    sizes = _nearest_population(panel.matrix([size])[:, :, 0], panel.years, MAX_NOISE_GAP)
    return sizes[mask]


def _noise(
    spec: IndexSpec, own: Any, panel: Panel, rows: np.ndarray, spread: np.ndarray
) -> tuple[np.ndarray, list[str]]:
    """Robust year-on-year noise per indicator (see module notes), with where it comes from."""
    K = len(spec.ids)
    noise = np.full(K, np.nan)
    origin = ["" for _ in range(K)]
    years = panel.years
    for k in range(K):
        for gap in range(1, MAX_NOISE_GAP + 1):
            diffs = []
            for t in range(len(years)):
                s = np.flatnonzero(years == years[t] - gap)
                if not s.size:
                    continue
                a, b = own.X[t, :, k], own.X[s[0], :, k]
                pa, pb = own.periods[t, :, k], own.periods[s[0], :, k]
                ok = rows[t] & rows[s[0]] & ~np.isnan(a) & ~np.isnan(b) & (pa != pb)
                diffs.append((a - b)[ok])
            d = np.concatenate(diffs) if diffs else np.zeros(0)
            if d.size >= 20:
                noise[k] = _robust_sd(d) / np.sqrt(2.0)
                origin[k] = f"year-on-year changes over {gap} year(s), {d.size} pairs"
                break
    with np.errstate(invalid="ignore", divide="ignore"):
        relative = noise / spread
    typical = float(np.nanmedian(relative)) if np.isfinite(relative).any() else 0.1
    for k in range(K):
        if not np.isfinite(noise[k]) or noise[k] <= 0:
            noise[k] = typical * spread[k]
            origin[k] = f"no pairs: {typical:.3f} spreads, the median of the measured indicators"
    return noise, origin


def _robust_sd(d: np.ndarray) -> float:
    """1.4826 × the median absolute deviation; where most changes are exactly zero (a distance
    that did not move) the standard deviation of the middle 90% instead."""
    mad = float(np.median(np.abs(d - np.median(d))))
    if mad > 0:
        return 1.4826 * mad
    low, high = np.quantile(d, [0.05, 0.95])
    middle = d[(d >= low) & (d <= high)]
    return float(middle.std(ddof=1)) if middle.size > 2 else 0.0


def _parent_variance(X: np.ndarray, panel: Panel, rows: np.ndarray) -> np.ndarray:
    """Mean squared gap between a region's own value and its parent's: the error made when a
    missing value is borrowed from the parent (used for trend uncertainty)."""
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


def _pca(
    reference: Reference, spec: IndexSpec, own: Any, use: np.ndarray, log: list[dict[str, Any]]
) -> None:
    """Refine the weights with each group's first principal component on the fit data."""
    params = reference.params()
    Xr = np.where(use, own.X, np.nan).reshape(1, -1, own.X.shape[2])
    first = compute(
        Xr,
        ~np.isnan(Xr),
        normalisation=reference.method["normalisation"],
        aggregation="arithmetic",
        params=params,
        signs=spec.signs,
        weights=reference.weights,
        proxies=spec.proxies,
        min_groups=1,
    )
    V = np.where(first.present, first.V, np.nan)
    reference.weights.indicator = pca_weights(V, spec.group_membership, log)
    reference.weights.domain = pca_weights(V, spec.domain_membership, log)
    reference.weights.method = "pca"


def _score_scale(
    reference: Reference,
    panel: Panel,
    spec: IndexSpec,
    options: EngineOptions,
    rows: np.ndarray,
) -> None:
    """Score the fit panel with the new reference; fix class cut-points, score percentiles
    and effective weights from the scores of the fit buurten."""
    from wijkkompas.index.engine import score  # the engine imports this module's callers

    result = score(panel, spec, reference, options)
    state = result.state
    keep = rows.reshape(-1) & ~np.isnan(state.total)
    stats: dict[str, dict[str, Any]] = {"total": _score_stats(state.total[keep])}
    scores = result.scores
    for name in GROUPS:
        stats[name] = _score_stats(scores[name].to_numpy(dtype=float)[rows.reshape(-1)])
    per_domain = result.cumulation
    for name in DOMAINS:
        stats[f"domain_{name}"] = _score_stats(
            per_domain[name].to_numpy(dtype=float)[rows.reshape(-1)]
        )
    reference.score_stats = stats
    reference.cuts = cut_points(stats["total"]["mean"], stats["total"]["sd"])
    contributions = state.contributions(np.flatnonzero(keep))
    reference.weights.effective = effective_weights(contributions)
    reference.fitted_on["scored_buurt_years"] = int(keep.sum())


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
