"""``score``: the index for every region and year, measured against a fitted reference."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from wijkkompas.index.averages import averages_frame, averages_hide
from wijkkompas.index.classify import CLASS_LABELS_NL, classify, rank_within, reference_percentile
from wijkkompas.index.cumulation import cumulate
from wijkkompas.index.normalise import parameter_rows
from wijkkompas.index.options import EngineOptions
from wijkkompas.index.panel import Panel
from wijkkompas.index.pipeline import Computed, Prepared, Stopwatch, compute, prepare
from wijkkompas.index.reference import Reference
from wijkkompas.index.result import IndexResult, ScoringState
from wijkkompas.index.smallarea import RELIABLE_B
from wijkkompas.index.spec import DOMAINS, GROUPS, IndexSpec, as_spec
from wijkkompas.index.trends import baseline_rows, total_variance, trend_labels


def options_of(reference: Reference) -> EngineOptions:
    """Default options with the reference's methodological choices."""
    return EngineOptions.from_dict({**EngineOptions().to_dict(), **reference.method})


def score(
    panel: Panel | pd.DataFrame,
    catalogue: Any,
    reference: Reference,
    options: EngineOptions | None = None,
    *,
    timings: dict[str, float] | None = None,
) -> IndexResult:
    """Score every region-year of a panel against a fixed reference.

    Parameters
    ----------
    panel
        A :class:`Panel` or the long panel table (``region_code``, ``level``,
        ``gemeente_code``, ``wijk_code``, ``year``, ``indicator_id``, ``value`` and optionally
        ``population``).
    catalogue
        The catalogue the reference was fitted on (checked by hash).
    reference
        From :func:`fit_reference` or ``Reference.from_json``.
    options
        Scoring policies; the methodological fields must equal the reference's (default: the
        reference's own).
    timings
        When given, seconds per step are added to it (for benchmarks and run manifests).

    Returns
    -------
    IndexResult

    Notes
    -----
    Vectorised over the whole (years × regions) × indicators matrix; no per-region Python.
    Higher is better in every score. Suppressed region-years (fewer inhabitants than
    ``suppression_threshold``) and totals below ``min_coverage`` are NaN with a ``reason``.
    """
    watch = Stopwatch(timings)
    options = options or options_of(reference)
    panel = panel if isinstance(panel, Panel) else Panel.from_long(panel)
    spec = as_spec(catalogue, options.expert_weights)
    reference.check(spec.catalogue_hash, spec.ids, options.method())
    watch.lap("checks")
    year_rows, log = reference.year_rows(panel.years)
    method = reference.method
    rows = parameter_rows(method["normalisation"], year_rows, reference.fixed_rows)
    clip = method["outliers"] == "winsorise"
    prepared = prepare(
        panel,
        spec,
        tau2=reference.tau2,
        lower=reference.lower[year_rows] if clip else None,
        upper=reference.upper[year_rows] if clip else None,
        imputation=options.imputation,
        shrinkage=method["shrinkage"],
        carry_max_years=options.carry_max_years,
        suppression_threshold=options.suppression_threshold,
        watch=watch,
    )
    computed = compute(
        prepared.X,
        prepared.observed,
        normalisation=method["normalisation"],
        aggregation=method["aggregation"],
        params=reference.params(),
        rows=rows,
        signs=spec.signs,
        weights=reference.weights,
        min_coverage=options.min_coverage,
        watch=watch,
    )
    if panel.population is None:
        log.append({"step": "suppression", "note": "population unknown: nothing suppressed"})
    return _assemble(panel, spec, reference, options, prepared, computed, rows, log, watch)


def _assemble(
    panel: Panel,
    spec: IndexSpec,
    reference: Reference,
    options: EngineOptions,
    prepared: Prepared,
    computed: Computed,
    rows: np.ndarray,
    log: list[dict[str, Any]],
    watch: Stopwatch,
) -> IndexResult:
    Y, R, _ = prepared.X.shape
    G = len(GROUPS)
    hidden = prepared.suppressed.reshape(-1)
    groups = computed.groups
    groups[hidden] = np.nan
    total = computed.total
    total[hidden] = np.nan
    W = np.column_stack([reference.weights.indicator, reference.weights.domain])
    total_var = total_variance(
        prepared,
        computed,
        reference.weights.indicator,
        reference,
        rows,
        spec.signs,
        options.indicator_noise_sd,
    )
    total_var[np.isnan(total)] = np.nan
    state = ScoringState(
        prepared.X,
        prepared.observed,
        prepared.imputed,
        computed.V,
        computed.present,
        computed.terms,
        computed.beta,
        W,
        computed.agg.denominator,
        computed.agg.present,
        total,
        total_var,
        computed.aggregation,
    )
    watch.lap("score uncertainty")

    codes, levels = panel.codes, panel.levels
    cols: dict[str, Any] = {
        "region_code": _repeated(codes, Y),
        "level": _repeated(levels, Y),
        "gemeente_code": _repeated(panel.regions["gemeente_code"].to_numpy(), Y),
        "wijk_code": _repeated(panel.regions["wijk_code"].to_numpy(), Y),
        "year": np.repeat(panel.years, R),
        "population": np.full(Y * R, np.nan)
        if panel.population is None
        else panel.population.reshape(-1),
    }
    for g, name in enumerate(GROUPS):
        cols[name] = groups[:, g]
    cols["total"] = total
    cols["coverage"] = computed.agg.coverage
    imputed = computed.agg.imputed_share
    for g, name in enumerate(GROUPS):
        cols[f"{name}_imputed"] = np.where(np.isnan(groups[:, g]), np.nan, imputed[:, g])
    share = (computed.group_share * np.nan_to_num(imputed[:, :G])).sum(axis=1)
    cols["total_imputed"] = np.where(np.isnan(total), np.nan, share)
    cols["total_se"] = np.sqrt(total_var)
    cols.update(_class_columns(total, reference, panel))
    reliability = prepared.rates.reliability.reshape(-1)
    cols["reliability"] = reliability
    cols["reliable"] = ~(reliability < RELIABLE_B)
    watch.lap("classes, ranks, deciles")

    per_domain = _cumulation_columns(computed, hidden, reference, options, panel, cols)
    watch.lap("cumulation")

    flag, found = averages_hide(
        prepared.X,
        prepared.observed,
        spec,
        reference,
        options.mean_share_pairs,
        options.cumulation_worst_share,
    )
    flag[prepared.suppressed] = False
    cols["averages_hide"] = flag.reshape(-1)
    averages = averages_frame(found, prepared.X, spec, codes, panel.years)
    watch.lap("what averages hide")

    cols.update(_default_trend(total, total_var, panel.years, R, options))
    watch.lap("trends")
    cols["suppressed"] = hidden
    cols["reason"] = _reasons(hidden, total, options)
    frame, cumulation = pd.DataFrame(cols), pd.DataFrame(per_domain)
    watch.lap("result tables")
    return IndexResult(frame, cumulation, averages, log, reference, options, spec, panel, state)


def _class_columns(total: np.ndarray, reference: Reference, panel: Panel) -> dict[str, Any]:
    """Fixed classes, relative deciles and ranks (within year and level), and the position in
    the reference distribution."""
    Y, R = len(panel.years), len(panel.regions)
    klass = classify(total, reference.cuts)
    labels = pd.Index([CLASS_LABELS_NL[c] for c in range(1, 10)])
    label_codes = np.nan_to_num(klass, nan=0).astype(np.int64) - 1
    year_level = np.repeat(np.arange(Y), R) * 10 + np.tile(panel.depth, Y)
    rank, decile = rank_within(total, year_level)
    grid = np.asarray(reference.score_stats["total"]["quantiles"], dtype=float)
    return {
        "class": pd.array(klass, dtype="Int64"),
        "class_label": pd.Categorical.from_codes(label_codes, categories=labels),
        "decile": pd.array(decile, dtype="Int64"),
        "rank": pd.array(rank, dtype="Int64"),
        "reference_percentile": reference_percentile(total, grid, np.linspace(0, 1, 101)),
    }


def _cumulation_columns(
    computed: Computed,
    hidden: np.ndarray,
    reference: Reference,
    options: EngineOptions,
    panel: Panel,
    cols: dict[str, Any],
) -> dict[str, Any]:
    """Add the cumulation summaries to ``cols``; return the per-domain table's columns."""
    Y, R = len(panel.years), len(panel.regions)
    domains = computed.domains
    domains[hidden] = np.nan
    thresholds = np.array(
        [reference.score_quantile(f"domain_{d}", options.cumulation_worst_share) for d in DOMAINS]
    )
    cum = cumulate(
        domains.reshape(Y, R, -1),
        thresholds,
        panel.years,
        options.cumulation_min_domains,
        options.cumulation_min_years,
    )
    cols["cumulation_count"] = cum.count.reshape(-1)
    cols["cumulation_persistent"] = cum.persistent.reshape(-1)
    cols["structureel_onder_druk"] = cum.structural.reshape(-1)
    per_domain: dict[str, Any] = {"region_code": cols["region_code"], "year": cols["year"]}
    for d, name in enumerate(DOMAINS):
        per_domain[name] = domains[:, d]
        per_domain[f"{name}_worst"] = cum.worst[:, :, d].reshape(-1)
        per_domain[f"{name}_years"] = cum.years[:, :, d].reshape(-1)
    return per_domain


def _repeated(values: np.ndarray, times: int) -> pd.Categorical:
    """A region attribute repeated for every year, as a categorical: building hundreds of
    thousands of Python strings would cost more than all the arithmetic."""
    codes, uniques = pd.factorize(values)
    return pd.Categorical.from_codes(np.tile(codes, times), categories=pd.Index(uniques))


def _default_trend(
    total: np.ndarray, var: np.ndarray, years: np.ndarray, R: int, options: EngineOptions
) -> dict[str, Any]:
    base = baseline_rows(years, options.trend_min_gap)
    change = np.full(total.shape, np.nan)
    se = np.full(total.shape, np.nan)
    start = np.full(total.shape, np.nan)
    for t, b in enumerate(base):
        if b < 0:
            continue
        now, then = slice(t * R, (t + 1) * R), slice(b * R, (b + 1) * R)
        change[now] = total[now] - total[then]
        se[now] = np.sqrt(var[now] + var[then])
        start[now] = years[b]
    return {
        "trend_from": pd.array(start, dtype="Int64"),
        "change": change,
        "change_se": se,
        "trend": trend_labels(change, se, options.trend_z),
    }


def _reasons(hidden: np.ndarray, total: np.ndarray, options: EngineOptions) -> pd.Categorical[str]:
    """Why a score is missing (missing when it is not), as a categorical."""
    codes = np.full(hidden.shape, -1, dtype=np.int8)
    codes[np.isnan(total) & ~hidden] = 0
    codes[hidden] = 1
    reasons = pd.Index(
        [
            f"observed coverage below {options.min_coverage:g}",
            f"suppressed: fewer than {options.suppression_threshold:g} inhabitants",
        ]
    )
    return pd.Categorical.from_codes(codes, categories=reasons)
