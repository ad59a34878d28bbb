"""``score``: the index for every region and year, measured against a fixed reference."""

from __future__ import annotations

from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd

from wijkkompas.index.averages import averages_frame, averages_hide
from wijkkompas.index.basket_labels import mask_labels
from wijkkompas.index.classify import CLASS_LABELS_NL, classify, rank_within, reference_percentile
from wijkkompas.index.cumulation import cumulate
from wijkkompas.index.exposure import small_population
from wijkkompas.index.options import EngineOptions
from wijkkompas.index.panel import Panel
from wijkkompas.index.parallel import for_each_block
from wijkkompas.index.pipeline import Computed, Prepared, Stopwatch, compute, prepare
from wijkkompas.index.reference import Reference
from wijkkompas.index.result import IndexResult, ScoringState
from wijkkompas.index.smallarea import RELIABLE_B
from wijkkompas.index.spec import DOMAINS, GROUPS, IndexSpec, as_spec
from wijkkompas.index.trends import baseline_rows, like_for_like, total_variance, trend_labels


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
        A :class:`Panel` (derived: see ``index.inputs``) or the long panel table
        (``region_code``, ``level``, ``gemeente_code``, ``wijk_code``, ``year``,
        ``indicator_id``, ``value`` and optionally ``period``, ``source``, ``population``).
    catalogue
        The catalogue the reference was fitted on (checked by its scoring hash).
    reference
        A fitted, named reference (``fit_reference``, ``Reference.from_json``, or the one
        shipped with the catalogue).
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
    Higher is better in every score; 0 is the Dutch average of the reference. A region-year
    gets every group that has one of its own direct figures, and a total when at least
    ``options.min_groups`` groups have a score; the basket behind it is kept
    (``basket``, ``basket_imputed``). Suppressed region-years get a ``reason`` instead.
    """
    watch = Stopwatch(timings)
    options = options or options_of(reference)
    panel = panel if isinstance(panel, Panel) else Panel.from_long(panel)
    spec = as_spec(catalogue, options.expert_weights)
    reference.check(spec.catalogue_hash, spec.ids, options.method())
    watch.lap("checks")
    log: list[dict[str, Any]] = []
    prepared = prepare(
        panel,
        spec,
        tau2=reference.tau2_for(panel.years),
        imputation=options.imputation,
        shrinkage=reference.method["shrinkage"],
        suppression_threshold=options.suppression_threshold,
        log=log,
        watch=watch,
    )
    computed = compute(
        prepared.X,
        prepared.observed,
        normalisation=reference.method["normalisation"],
        aggregation=reference.method["aggregation"],
        params=reference.params(),
        signs=spec.signs,
        weights=reference.weights,
        proxies=spec.proxies,
        min_groups=options.min_groups,
        watch=watch,
    )
    if panel.population is None and options.suppression_threshold > 0:
        log.append({"step": "suppression", "note": "inhabitants unknown: nothing is scored"})
    # Labels, classes and ranks are single-threaded work: done on a thread of their own beside
    # the year-by-year steps, which use the other processors only part of the time.
    with ThreadPoolExecutor(1) as beside:
        return _assemble(panel, spec, reference, options, prepared, computed, log, watch, beside)


def _assemble(
    panel: Panel,
    spec: IndexSpec,
    reference: Reference,
    options: EngineOptions,
    prepared: Prepared,
    computed: Computed,
    log: list[dict[str, Any]],
    watch: Stopwatch,
    beside: Executor,
) -> IndexResult:
    Y, R, _ = prepared.X.shape
    hidden = prepared.suppressed.reshape(-1)
    groups = computed.groups
    groups[hidden] = np.nan
    total = computed.total
    total[hidden] = np.nan
    W = np.column_stack([reference.weights.indicator, reference.weights.domain])
    baskets = beside.submit(_baskets, spec, prepared, computed, total, hidden)
    classes = beside.submit(_class_columns, total, reference, panel)
    # The single-threaded columns first, while the thread beside is busy; the year-by-year
    # steps (uncertainty, trends), which take both processors, after.
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
    cols["groups_scored"] = np.where(hidden, 0, (~np.isnan(groups)).sum(axis=1))
    imputed = computed.agg.imputed_share
    group_imputed = np.where(np.isnan(groups), np.nan, imputed[:, : len(GROUPS)])
    for g, name in enumerate(GROUPS):
        cols[f"{name}_imputed"] = group_imputed[:, g]
    share = (computed.group_share * np.nan_to_num(imputed[:, : len(GROUPS)])).sum(axis=1)
    cols["total_imputed"] = np.where(np.isnan(total), np.nan, share)
    cols["total_se"] = None  # its place, filled below
    cols.update(dict.fromkeys((*BASKET_COLUMNS, *CLASS_COLUMNS)))  # their places, filled below
    reliability = prepared.rates.reliability.reshape(-1)
    cols["reliability"] = reliability
    cols["reliable"] = ~(reliability < RELIABLE_B)
    cols["small_population"] = np.broadcast_to(small_population(panel.population), (Y, R)).reshape(
        -1
    )
    cols["non_residential"] = np.broadcast_to(prepared.non_residential, (Y, R)).reshape(-1)
    cols["rural"] = np.broadcast_to(prepared.rural, (Y, R)).reshape(-1)
    watch.lap("flags")

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
    judged = np.zeros(flag.shape, dtype=bool)
    for mean_id, share_id, _flag, _median, _bound in found:
        m, s = spec.position(mean_id), spec.position(share_id)
        judged |= prepared.observed[:, :, m] & prepared.observed[:, :, s]
    judged[prepared.suppressed] = False
    cols["averages_hide_known"] = judged.reshape(-1)
    averages = averages_frame(found, prepared.X, spec, codes, panel.years)
    watch.lap("what averages hide")

    total_var, term_var = total_variance(prepared, computed, reference, spec)
    total_var[np.isnan(total)] = np.nan
    cols["total_se"] = np.sqrt(total_var)
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
        prepared.periods,
        prepared.carried,
        term_var,
    )
    watch.lap("score uncertainty")
    cols.update(_default_trend(state, spec, reference, panel.years, R, options, hidden))
    watch.lap("trends")
    cols.update(baskets.result())
    cols.update(classes.result())
    watch.lap("classes, ranks, baskets (what is left to wait for)")
    cols["suppressed"] = hidden
    cols["reason"] = _reasons(prepared, total, options)
    frame, cumulation = pd.DataFrame(cols), pd.DataFrame(per_domain)
    watch.lap("result tables")
    _log_prepared(prepared, spec, log)
    return IndexResult(frame, cumulation, averages, log, reference, options, spec, panel, state)


BASKET_COLUMNS = ("basket", "basket_imputed", "basket_carried")
CLASS_COLUMNS = ("class", "class_label", "decile", "rank", "ranked_among", "reference_percentile")


def _baskets(
    spec: IndexSpec, prepared: Prepared, computed: Computed, total: np.ndarray, hidden: np.ndarray
) -> dict[str, Any]:
    """Which indicators each total rests on: the region's own figures (those carried forward
    from an earlier year also listed apart), and those borrowed from its parent, as
    categoricals (few distinct baskets, hundreds of thousands of rows)."""
    # A term is in the total when one of its groups is: OR over the few groups, on booleans
    # (a float matrix product here would write eight bytes for every cell of the panel).
    member = spec.group_membership
    G = member.shape[1]
    group_present = np.zeros((total.size, G + 1), dtype=bool)  # column G: "no group"
    group_present[:, :G] = computed.agg.present[:, :G]
    first = np.where(member.any(axis=1), member.argmax(axis=1), G)
    in_total = np.take(group_present, first, axis=1)
    for k in np.flatnonzero(member.sum(axis=1) > 1):  # an indicator in several groups
        in_total[:, k] = group_present[:, :G][:, member[k]].any(axis=1)
    present = computed.present & in_total
    own = present & prepared.observed.reshape(present.shape)
    borrowed = present & ~own
    carried = own & prepared.carried.reshape(present.shape)
    out: dict[str, Any] = {}
    for name, mask in (("basket", own), ("basket_imputed", borrowed)):
        mask = mask & ~(np.isnan(total) | hidden)[:, None]
        out[name] = mask_labels(mask, spec.ids)
    # Carried figures are listed wherever a group uses them, with or without a total.
    out["basket_carried"] = mask_labels(carried & ~hidden[:, None], spec.ids)
    return out


def _class_columns(total: np.ndarray, reference: Reference, panel: Panel) -> dict[str, Any]:
    """Fixed classes, relative deciles and ranks (within year and level), and the position in
    the reference's distribution of totals."""
    Y, R = len(panel.years), len(panel.regions)
    klass = classify(total, reference.cuts)
    labels = pd.Index([CLASS_LABELS_NL[c] for c in range(1, 10)])
    label_codes = np.nan_to_num(klass, nan=0).astype(np.int64) - 1
    year_level = np.repeat(np.arange(Y), R) * 10 + np.tile(panel.depth, Y)
    rank, decile = rank_within(total, year_level)
    grid = np.asarray(reference.score_stats.get("total", {}).get("quantiles", []), dtype=float)
    probs = np.linspace(0, 1, grid.size) if grid.size else np.zeros(0)
    return {
        "class": pd.array(klass, dtype="Int64"),
        "class_label": pd.Categorical.from_codes(label_codes, categories=labels),
        "decile": pd.array(decile, dtype="Int64"),
        "rank": pd.array(rank, dtype="Int64"),
        "ranked_among": _ranked_among(total, year_level),
        "reference_percentile": reference_percentile(total, grid, probs)
        if grid.size
        else np.full(total.shape, np.nan),
    }


def _ranked_among(total: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """How many regions of the same year and level have a total: ranks and deciles are relative
    to that set, so the table says which set it was."""
    has = ~np.isnan(total)
    counts = np.bincount(groups, weights=has.astype(float))  # groups: small whole numbers
    return np.where(has, counts[groups], np.nan)


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
    cols["cumulation_known"] = cum.known.reshape(-1)
    cols["cumulation_persistent"] = cum.persistent.reshape(-1)
    cols["structureel_onder_druk"] = cum.structural.reshape(-1)
    cols["structureel_onder_druk_known"] = cum.decided.reshape(-1)
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
    state: ScoringState,
    spec: IndexSpec,
    reference: Reference,
    years: np.ndarray,
    R: int,
    options: EngineOptions,
    hidden: np.ndarray,
) -> dict[str, Any]:
    """Like-for-like change against the default baseline year (see ``trends``)."""
    scored = ~np.isnan(state.total.reshape(len(years), R)).all(axis=1)
    base = baseline_rows(years, options.trend_min_gap, scored)
    N = len(years) * R
    change = np.full(N, np.nan)
    se = np.full(N, np.nan)
    start = np.full(N, np.nan)
    basket: list[np.ndarray] = [np.zeros((R, len(spec.ids)), dtype=bool)] * len(years)

    def year(t: int) -> None:
        b = base[t]
        if b < 0:
            return
        now, then = slice(t * R, (t + 1) * R), slice(b * R, (b + 1) * R)
        found = like_for_like(state, spec, reference, now, then, options.trend_min_groups)
        change[now], se[now], basket[t] = found.change, found.se, found.basket
        start[now] = np.where(np.isnan(found.change), np.nan, years[b])

    for_each_block(len(years), year, N * len(spec.ids))
    change[hidden] = np.nan
    se[hidden] = np.nan
    start[hidden] = np.nan
    mask = np.concatenate(basket) & ~np.isnan(change)[:, None]
    return {
        "trend_from": pd.array(start, dtype="Int64"),
        "change": change,
        "change_se": se,
        "trend": trend_labels(change, se, options.trend_z),
        "trend_basket": mask_labels(mask, spec.ids),
    }


def _reasons(prepared: Prepared, total: np.ndarray, options: EngineOptions) -> pd.Categorical[str]:
    """Why a score is missing (missing when it is not), as a categorical."""
    hidden = prepared.suppressed.reshape(-1)
    unknown = prepared.unknown_population.reshape(-1)
    codes = np.full(hidden.shape, -1, dtype=np.int8)
    codes[np.isnan(total) & ~hidden] = 0
    codes[hidden] = 1
    codes[unknown] = 2
    reasons = pd.Index(
        [
            f"fewer than {options.min_groups} groups with an own figure",
            f"suppressed: fewer than {options.suppression_threshold:g} inhabitants",
            "not scored: the number of inhabitants is unknown for this year",
        ]
    )
    return pd.Categorical.from_codes(codes, categories=reasons)


def _log_prepared(prepared: Prepared, spec: IndexSpec, log: list[dict[str, Any]]) -> None:
    """What a reader of the run should know: figures withheld or carried, per indicator."""
    for k, indicator in enumerate(spec.indicators):  # only these rates are ever withheld
        figures = int(prepared.withheld[:, :, k].sum()) if indicator.residential_only else 0
        if figures:
            log.append(
                {"step": "withheld_non_residential", "indicator": spec.ids[k], "figures": figures}
            )
    K = len(spec.ids)
    carried = np.add.reduce(prepared.carried.reshape(-1, K).view(np.uint8), axis=0, dtype=np.int64)
    for j in np.flatnonzero(carried):
        log.append(
            {"step": "carried_forward", "indicator": spec.ids[j], "figures": int(carried[j])}
        )
