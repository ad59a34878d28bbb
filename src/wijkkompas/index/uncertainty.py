"""Uncertainty: how much a region's rank depends on the method and on the data.

Monte Carlo over uncertain inputs (Saisana, Saltelli & Tarantola 2005; OECD/JRC 2008 §7; COINr
``get_sensitivity``). The interval it reports is a **sensitivity interval of the rank**: the
ranks a region gets under the alternatives drawn, 5th to 95th percentile. It is not a
confidence interval of a true rank: only the sources listed in ``UncertaintyResult.sources``
vary, and anything else (an indicator nobody measured, the model error of the RIVM estimates)
is not in it.

Two levels, because the full analysis costs more than a page load can wait for:

* **default** (``full=False``): methodological choices and weights. Each draw picks an
  imputation, a normalisation and an aggregation uniformly and multiplies every indicator and
  group weight by an independent factor from U(1 − noise, 1 + noise). The data, the reference
  and the coverage rule are fixed.
* **full** (``full=True``): also the data, the reference, one indicator left out and the
  coverage rule. Draws are grouped into ``replicates``; each replicate is a bootstrap of the
  published figures (counts redrawn, rounding undone: :mod:`wijkkompas.index.perturb`), a draw
  of the reference within its gemeente-bootstrap error, one imputation and one normalisation
  (so each replicate is prepared and normalised once). Within a replicate
  each draw picks an aggregation, weight noise, with probability
  ``leave_out_share`` one scored indicator to leave out, and the minimum number of groups a
  total needs from ``coverage_rules``. A region that falls below the drawn rule is not ranked in
  that draw (``ranked_share`` says how often it was).

Per choice the first-order sensitivity index ``Var(E[rank | choice]) / Var(rank)`` is pooled
over regions; in the full analysis ``data_and_reference`` is the replicate's index minus the
imputation's and the normalisation's (both are drawn per replicate), and it carries a small
upward bias from the finite draws per replicate.

For speed at national scale the normalised matrices of each replicate, imputation and
normalisation are computed once and reused, so 1,000 draws cost a few batched matrix products.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from wijkkompas.index.draw_ranks import ranks_within
from wijkkompas.index.engine import options_of
from wijkkompas.index.normalise import for_indicators, levels, normalise
from wijkkompas.index.options import AGGREGATIONS, IMPUTATIONS, NORMALISATIONS, EngineOptions
from wijkkompas.index.panel import Panel
from wijkkompas.index.parallel import one_ahead
from wijkkompas.index.perturb import collapsed, data_replicate, reference_params, replicate_steps
from wijkkompas.index.pipeline import compute, prepare
from wijkkompas.index.rank_draws import Blocks, summarise
from wijkkompas.index.reference import Reference
from wijkkompas.index.result import IndexResult
from wijkkompas.index.spec import GROUPS, as_spec

BATCH = 64
METHOD_SOURCES = ("method", "weights")
FULL_SOURCES = ("method", "weights", "data", "reference", "leave_one_out", "coverage")
INTERVAL_NAME = "sensitivity interval of the rank (5–95% of draws), not a confidence interval"


@dataclass
class UncertaintyResult:
    """Rank intervals per region, sensitivity per choice, and the choices of every draw."""

    ranks: pd.DataFrame
    sensitivity: pd.DataFrame
    draws: pd.DataFrame
    year: int
    """The (latest) year ranked; ``ranks`` has a ``year`` column for each row."""
    sources: tuple[str, ...] = METHOD_SOURCES
    """What varied between draws; anything else is held fixed and is not in the interval."""
    notes: list[str] = field(default_factory=list)
    """What the interval leaves out, in words for the report."""


def uncertainty(
    panel: Panel | pd.DataFrame,
    catalogue: Any,
    reference: Reference,
    options: EngineOptions | None = None,
    *,
    year: int | Sequence[int],
    draws: int = 1000,
    weight_noise: float = 0.25,
    imputations: tuple[str, ...] = IMPUTATIONS,
    normalisations: tuple[str, ...] = NORMALISATIONS,
    aggregations: tuple[str, ...] = AGGREGATIONS,
    seed: int | None = None,
    full: bool = False,
    replicates: int = 30,
    coverage_rules: tuple[int, ...] = (3, 4, 5),
    leave_out_share: float = 0.5,
    scored: IndexResult | None = None,
) -> UncertaintyResult:
    """Rank uncertainty of the total in one year (see module notes).

    Parameters
    ----------
    panel, catalogue, reference, options
        As for :func:`~wijkkompas.index.score`.
    year
        The year to rank, or several years: the method-only analysis then ranks every year in
        one pass with the same draws (each year's ranks are what a call for that year alone
        gives; the sensitivity indices are pooled over the years).
    draws
        Monte Carlo draws.
    weight_noise
        Half-width of the uniform multiplicative noise on every weight.
    imputations, normalisations, aggregations
        The alternatives drawn from, uniformly.
    seed
        Default ``options.seed``.
    full
        Also vary the data, the reference, one left-out indicator and the coverage rule.
    replicates
        Data-and-reference replicates in the full analysis (draws are spread over them).
    coverage_rules
        Minimum numbers of groups a total needs, drawn uniformly in the full analysis.
    leave_out_share
        Share of full-analysis draws that leave one scored indicator out.
    scored
        ``score(panel, catalogue, reference, options)`` when the caller has it: the
        method-only analysis over every panel year then starts from its prepared figures and
        nominal totals instead of preparing them again (the same arrays; seconds at
        whole-country scale).

    Returns
    -------
    UncertaintyResult
        ``ranks``: ``region_code``, ``level``, ``rank_nominal``, ``rank_median``,
        ``rank_mean``, ``rank_p05``, ``rank_p95``, ``ranked_share``. ``sensitivity``:
        first-order index per choice (the remainder is due to weights and interactions).
    """
    options = options or options_of(reference)
    panel = panel if isinstance(panel, Panel) else Panel.from_long(panel)
    spec = as_spec(catalogue, options.expert_weights)
    reference.check(spec.catalogue_hash, spec.ids, options.method())
    rng = np.random.default_rng(options.seed if seed is None else seed)
    wanted = [int(year)] if isinstance(year, int | np.integer) else sorted({int(y) for y in year})
    if not wanted or any(y not in panel.years for y in wanted):
        raise ValueError(f"not a panel year: {year} (panel: {panel.years.tolist()})")
    if full and len(wanted) > 1:
        raise ValueError("the full analysis ranks one year at a time")
    carry = max((i.carry_years for i in spec.indicators), default=0)
    keep = (panel.years <= wanted[-1]) & (panel.years >= wanted[0] - carry)
    sub = panel if keep.all() else panel.select(years=panel.years[keep].tolist())
    ts = np.flatnonzero(np.isin(sub.years, wanted))
    t = int(ts[-1])
    T, R = ts.size, len(sub.regions)
    method = reference.method
    params = reference.params()
    w = reference.weights
    K, G = len(spec.ids), len(GROUPS)

    def prepared(imputation: str, source: Panel) -> np.ndarray:
        """The year's prepared figures; a one-year (collapsed) source is already carried."""
        one_year = len(source.years) == 1
        p = prepare(
            source,
            spec,
            tau2=reference.tau2_for(source.years),
            imputation=imputation,
            shrinkage=method["shrinkage"],
            suppression_threshold=options.suppression_threshold,
            carry=not one_year,
        )
        X = p.X[:1] if one_year else p.X[ts]
        return X.reshape(1, T * R, -1) if T > 1 else X

    # Several years are stacked as the rows of one block: ranks are taken within year and level.
    if scored is not None and not full and sub is panel and len(panel.years) == T:
        X0 = scored.state.X.reshape(1, T * R, K)
        imputed0 = scored.state.imputed.reshape(1, T * R, K)
        # The score already withheld suppressed region-years from its totals.
        nominal_total = scored.state.total
        hidden = np.zeros(T * R, dtype=bool)
        present_all = scored.state.column_present[:, :G]
    else:
        nominal_prep = prepare(
            sub,
            spec,
            tau2=reference.tau2_for(sub.years),
            imputation=options.imputation,
            shrinkage=method["shrinkage"],
            suppression_threshold=options.suppression_threshold,
        )
        X0 = nominal_prep.X[ts].reshape(1, T * R, K)
        imputed0 = nominal_prep.imputed[ts].reshape(1, T * R, K)
        hidden = nominal_prep.suppressed[ts].reshape(-1)
        nominal = compute(
            X0,
            nominal_prep.observed[ts].reshape(1, T * R, K),
            normalisation=method["normalisation"],
            aggregation=method["aggregation"],
            params=params,
            signs=spec.signs,
            weights=w,
            proxies=spec.proxies,
            min_groups=options.min_groups,
        )
        nominal_total = nominal.total
        present_all = nominal.agg.present[:, :G]
    ranked = ~np.isnan(nominal_total) & ~hidden
    rules = tuple(sorted(set(coverage_rules))) if full else (options.min_groups,)
    candidate = ~hidden & (present_all.sum(axis=1) >= min(rules))
    if not full:
        candidate = ranked.copy()
    level = sub.depth - sub.depth.min()
    depth_all = np.repeat(np.arange(T), R) * (level.max() + 1) + np.tile(level, T)
    # The candidates in order of year and level, so each level's ranks are a slice of a draw's.
    rows = np.flatnonzero(candidate)
    rows = rows[np.argsort(depth_all[rows], kind="stable")]
    group_present = present_all[rows]
    depth = depth_all[rows]
    scored_k = np.flatnonzero(np.isfinite(params["spread"]) & (w.indicator.sum(axis=1) > 0))

    n_rep = max(1, min(replicates, draws)) if full else 1
    replicate = np.arange(draws) % n_rep
    if full:  # drawn once per replicate: each one is then prepared and normalised once
        imputation_of = rng.choice(list(imputations), n_rep)[replicate]
        normalisation_of = rng.choice(list(normalisations), n_rep)[replicate]
    else:
        imputation_of = rng.choice(list(imputations), draws)
        normalisation_of = rng.choice(list(normalisations), draws)
    choices = pd.DataFrame(
        {
            "imputation": imputation_of,
            "normalisation": normalisation_of,
            "aggregation": rng.choice(list(aggregations), draws),
        }
    )
    k_noise = rng.uniform(1 - weight_noise, 1 + weight_noise, size=(draws, K))
    g_noise = rng.uniform(1 - weight_noise, 1 + weight_noise, size=(draws, G))
    min_groups = np.full(draws, options.min_groups)
    left_out = np.full(draws, -1)
    if full:
        choices["replicate"] = replicate
        min_groups = rng.choice(list(rules), draws)
        leave = rng.random(draws) < leave_out_share
        if scored_k.size:
            left_out[leave] = rng.choice(scored_k, int(leave.sum()))
        k_noise[left_out >= 0, left_out[left_out >= 0]] = 0.0
        choices["coverage"] = min_groups
        choices["left_out"] = np.where(
            left_out >= 0, np.asarray(spec.ids, dtype=object)[np.maximum(left_out, 0)], "none"
        )

    weighted = np.flatnonzero(w.indicator.sum(axis=1) > 0)
    base = collapsed(sub, spec, t) if full else sub
    steps = replicate_steps(base, spec) if full else {}

    def choice_blocks() -> Iterator[tuple[np.ndarray, Blocks]]:
        """The draws of each choice of imputation, normalisation and aggregation, with that
        choice's terms split by group; in a fixed order, so the random draws of the full
        analysis come out the same whichever thread runs this."""
        for r in range(n_rep):
            in_rep = replicate == r
            if full:
                source = data_replicate(base, spec, rng, steps)
                p_r = reference_params(params, reference.centre_se, reference.spread_log_se, rng)
            else:
                source, p_r = sub, params
            for imp in np.unique(choices["imputation"][in_rep]):
                reuse = not full and imp == options.imputation
                if reuse:
                    X = X0
                elif not full and imp == "none" and options.imputation == "parent":
                    # Imputing only fills cells that were missing, before the transforms: the
                    # figures without it are the nominal ones with the filled cells emptied.
                    X = np.where(imputed0, np.nan, X0)
                else:
                    X = prepared(str(imp), source)
                # Only weighted indicators with a figure somewhere can enter a total; the rest
                # are absent from every term and need no normalising.
                Xw = X[0][np.ix_(rows, weighted)]
                some = ~np.isnan(Xw).all(axis=0)
                live, Xl = weighted[some], Xw[:, some]
                p_live = for_indicators(p_r, live)
                earlier: Blocks | None = None
                for norm in np.unique(choices["normalisation"][in_rep]):
                    # Single precision from here: only the ranks of the totals are used.
                    V = normalise(Xl, str(norm), p_live, spec.signs[live]).astype(np.float32)
                    for agg in np.unique(choices["aggregation"][in_rep]):
                        idx = np.flatnonzero(
                            in_rep
                            & (choices["imputation"] == imp).to_numpy()
                            & (choices["normalisation"] == norm).to_numpy()
                            & (choices["aggregation"] == agg).to_numpy()
                        )
                        if not idx.size:
                            continue
                        terms = np.log(levels(V, str(norm))) if agg == "geometric" else V
                        earlier = Blocks(
                            terms, w.indicator, group_present, like=earlier, columns=live
                        )
                        yield idx, earlier

    # Single precision holds every rank exactly (to 2**24) at half the memory of doubles.
    ranks = np.full((draws, rows.size), -1, dtype=np.float32)
    # The next choice is prepared (numpy on one core) while this one's draws are totalled and
    # ranked (the BLAS and the sorts, on both).
    for idx, blocks in one_ahead(choice_blocks()):
        for start in range(0, idx.size, BATCH):
            d = idx[start : start + BATCH]
            total, groups = blocks.totals(w.group, k_noise[d], g_noise[d])
            if full:
                total[groups < min_groups[d][:, None]] = np.nan
            ranks[d] = ranks_within(total, depth)
    # The ranked regions, back in the panel's order.
    kept = np.flatnonzero(ranked[rows])
    kept = kept[np.argsort(rows[kept], kind="stable")]
    at = rows[kept]
    rank_nominal = ranks_within(nominal_total[rows][None, :], depth)[0][kept]
    labels = ["imputation", "normalisation", "aggregation"]
    if full:
        labels += ["left_out", "coverage", "replicate"]
    summary = summarise(ranks, kept, {c: choices[c].to_numpy() for c in labels})
    frame = pd.DataFrame(
        {
            "region_code": np.tile(sub.codes, T)[at],
            "level": np.tile(sub.levels, T)[at],
            "year": np.repeat(sub.years[ts], R)[at],
            "rank_nominal": rank_nominal,
            "rank_median": summary.median,
            "rank_mean": summary.mean,
            "rank_p05": summary.p05,
            "rank_p95": summary.p95,
            "ranked_share": summary.share,
        }
    )
    first = dict(summary.first_order)
    if full:
        nested = first["imputation"] + first["normalisation"]
        first["data_and_reference"] = max(0.0, first.pop("replicate") - nested)
    sens = pd.DataFrame([{"choice": c, "first_order": v} for c, v in first.items()])
    choices["weight_noise_sd"] = k_noise.std(axis=1)
    return UncertaintyResult(
        frame,
        sens,
        choices,
        wanted[-1],
        FULL_SOURCES if full else METHOD_SOURCES,
        _notes(spec, reference, full),
    )


def _notes(spec: Any, reference: Reference, full: bool) -> list[str]:
    """What the interval does not include, so nobody reads more into it."""
    notes = [f"The rank interval is a {INTERVAL_NAME}."]
    if not full:
        notes.append(
            "Only methodological choices and weights vary: the data, the reference and the "
            "coverage rule are fixed (the full analysis varies them too)."
        )
        return notes
    if any(i.model_estimate for i in spec.indicators):
        notes.append(
            "The RIVM health-monitor figures are model estimates published without a standard "
            "error in these files: only their rounding varies, not their model error."
        )
    unjudged = [
        i
        for i, se in zip(spec.ids, _padded(reference.spread_log_se, len(spec.ids)), strict=True)
        if not np.isfinite(se)
    ]
    if unjudged:
        notes.append(
            "The reference's error could not be judged for "
            f"{len(unjudged)} indicator(s) with fit figures from one gemeente or none: "
            + ", ".join(unjudged[:8])
            + (" …" if len(unjudged) > 8 else "")
            + "."
        )
    return notes


def _padded(values: np.ndarray, n: int) -> np.ndarray:
    return values if values.size == n else np.full(n, np.nan)
