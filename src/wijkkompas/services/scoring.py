"""Scoring as a use case: score the store's panel, add rank intervals, save the run, explain.

The CLI, the web app and the plans call these functions rather than wiring the store to the
pure index engine themselves.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache

import numpy as np
import pandas as pd

from wijkkompas.catalogue import Catalogue, load_catalogue
from wijkkompas.catalogue.score_groups import GROUP_KEYS
from wijkkompas.errors import WijkkompasError
from wijkkompas.index import (
    EngineOptions,
    Explanation,
    IndexResult,
    Panel,
    Reference,
    explain,
    score,
    uncertainty,
)
from wijkkompas.index.engine import options_of
from wijkkompas.index.inputs import Selection
from wijkkompas.services.panel import conflict_notes, read_panel
from wijkkompas.services.references import resolve_reference
from wijkkompas.store import AnalyticStore
from wijkkompas.store.identity import Lru, StoreIdentity, store_identity

INDEX_COLUMNS = [
    "code",
    "name",
    "level",
    "year",
    "total",
    "class",
    "decile",
    *GROUP_KEYS,
    "coverage",
    "cumulation_count",
    "trend",
    "rank",
    "rank_p05",
    "rank_p95",
]
"""The columns of `wijkkompas index --format csv`, in this order (more may follow)."""

EXTRA_COLUMNS = [
    "total_se",
    "class_label",
    "structureel_onder_druk",
    "structureel_onder_druk_known",
    "averages_hide",
    "averages_hide_known",
    "change",
    "change_se",
    "trend_from",
    "total_imputed",
    "reason",
    "population",
    "groups_scored",
    "basket",
    "basket_imputed",
    "basket_carried",
    "trend_basket",
    "ranked_among",
    "cumulation_known",
    "small_population",
    "non_residential",
    "rural",
    "rank_interval",
    "ranked_share",
    "converted_from",
]


@dataclass
class IndexRun:
    """One scored run over the store, with what is needed to reproduce and explain it."""

    run_id: str
    result: IndexResult
    table: pd.DataFrame
    catalogue: Catalogue
    scope: str
    notes: list[str] = field(default_factory=list)
    selection: Selection | None = None
    interval_notes: list[str] = field(default_factory=list)
    """What the rank intervals include and leave out (empty when none were drawn)."""
    reference: Reference | None = None
    """The yardstick the run scored against (kept with a saved run)."""


def run_index(
    store: AnalyticStore,
    *,
    gemeente: str | None = None,
    catalogue: Catalogue | None = None,
    options: EngineOptions | None = None,
    reference: str | None = None,
    draws: int = 200,
    years: list[int] | None = None,
    save: bool = True,
    label: str = "",
    full_uncertainty: bool = False,
) -> IndexRun:
    """Score every region-year in scope against a fixed reference; add rank intervals; keep
    the run in the store.

    Rank intervals vary the method and the weights; ``full_uncertainty`` also varies the data,
    the reference, one left-out indicator and the coverage rule (slower: see
    :mod:`wijkkompas.index.uncertainty`)."""
    catalogue = catalogue or load_catalogue()
    yardstick = resolve_reference(store, catalogue, reference)
    options = options or options_of(yardstick)
    panel, names, selection = read_panel(store, gemeente, catalogue)
    result = score(panel, catalogue, yardstick, options)
    scored = ~result.scores["reason"].astype(str).str.startswith("not scored")
    table = result.scores[scored.to_numpy()].rename(columns={"region_code": "code"})
    for column in ("code", "level", "gemeente_code", "wijk_code"):
        if column in table:
            table[column] = table[column].astype(str)
    table["name"] = table["code"].map(names["name"])
    table = _with_conversions(table, selection)
    if years:
        table = table[table["year"].isin(years)]
    interval_notes: list[str] = []
    table = _with_rank_intervals(
        table, panel, catalogue, yardstick, options, draws, full_uncertainty, interval_notes,
        result,
    )  # fmt: skip
    scope = f"gemeente {gemeente}" if gemeente else "all regions in the store"
    run = IndexRun(
        run_id=datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6],
        result=result,
        table=table,
        catalogue=catalogue,
        scope=scope,
        notes=[yardstick.label],
        selection=selection,
        interval_notes=interval_notes,
        reference=yardstick,
    )
    if save:
        save_run(store, run, label)
    return run


def save_run(store: AnalyticStore, run: IndexRun, label: str = "") -> None:
    """Keep a run of :func:`run_index` (``save=False``) in the store, as ``save=True`` does;
    apart, so a caller can do other work (write its output) while the store is written."""
    table = run.table
    sources = conflict_notes(run.selection) if run.selection is not None else []
    store.save_index_run(
        run_id=run.run_id,
        label=label or f"index {run.scope}",
        catalogue_sha256=run.catalogue.sha256,
        scope=run.scope,
        manifest={**run.result.manifest(), "sources": sources},
        reference_json=run.reference.to_json() if run.reference is not None else "{}",
        scores=table[[c for c in INDEX_COLUMNS + EXTRA_COLUMNS if c in table.columns]],
    )


def _with_conversions(table: pd.DataFrame, selection: Selection) -> pd.DataFrame:
    """``converted_from``: the older code(s) and indeling whose figures a crosswalk moved to this
    code in this year (empty where the figures are the region's own)."""
    if selection.converted.empty:
        return table.assign(converted_from="")
    moved = selection.converted.rename(columns={"region_code": "code"})
    moved = moved.assign(code=moved["code"].astype(str), year=moved["year"].astype(int))
    out = table.merge(moved, on=["code", "year"], how="left")
    out["converted_from"] = out["converted_from"].fillna("")
    return out


def _with_rank_intervals(
    table: pd.DataFrame,
    panel: Panel,
    catalogue: Catalogue,
    reference: Reference,
    options: EngineOptions,
    draws: int,
    full: bool = False,
    notes: list[str] | None = None,
    scored: IndexResult | None = None,
) -> pd.DataFrame:
    """Monte Carlo rank intervals (5–95 %) per year; empty, not invented, when skipped.

    ``rank_interval`` names what varied, because a sensitivity interval that only moves the
    method is easily read as a confidence interval of the rank."""
    table = table.assign(rank_p05=np.nan, rank_p95=np.nan, rank_interval="", ranked_share=np.nan)
    if draws <= 0 or table.empty:
        return table
    wanted = sorted(int(y) for y in table["year"].unique())
    # Method-only intervals for every year in one pass; the full analysis goes year by year.
    batches = [[y] for y in wanted] if full else [wanted]
    parts = []
    for years in batches:
        found = uncertainty(
            panel,
            catalogue,
            reference,
            options,
            year=years,
            draws=draws,
            seed=options.seed,
            full=full,
            scored=scored,
        )
        parts.append(found.ranks.assign(rank_interval="+".join(found.sources)))
        if notes is not None:
            notes.extend(n for n in found.notes if n not in notes)
    intervals = pd.concat(parts).rename(columns={"region_code": "code"})
    columns = ["rank_p05", "rank_p95", "rank_interval", "ranked_share"]
    merged = table.drop(columns=columns).merge(
        intervals[["code", "year", *columns]], on=["code", "year"], how="left"
    )
    # A region without a total has no rank, so no interval either.
    merged.loc[merged["total"].isna(), ["rank_p05", "rank_p95", "ranked_share"]] = np.nan
    merged["rank_interval"] = merged["rank_interval"].fillna("")
    merged.loc[merged["total"].isna(), "rank_interval"] = ""
    return merged


@lru_cache(maxsize=16)
def _scored_gemeente(identity: StoreIdentity, gemeente: str) -> IndexRun:
    return run_index(AnalyticStore(identity[0]), gemeente=gemeente, draws=0, save=False)


def scored_gemeente(store: AnalyticStore, gemeente: str) -> IndexRun:
    """One gemeente scored afresh (for explanations), once per store file rather than per call.

    Treat the result as read-only: it is shared between callers.
    """
    if not store.exists():
        return run_index(store, gemeente=gemeente, draws=0, save=False)  # raises a clear error
    return _scored_gemeente(store_identity(store), gemeente)


def explain_region(
    store: AnalyticStore, code: str, year: int | None, compare_year: int | None
) -> tuple[Explanation, IndexRun]:
    """Scores of one region-year decomposed into per-indicator contributions."""
    gemeente = "GM" + code[2:6]
    run = scored_gemeente(store, gemeente)
    available = sorted(run.result.scores.loc[run.result.scores["region_code"] == code, "year"])
    if not available:
        raise WijkkompasError(f"The store has no scores for {code}. Is the code right?")
    year = year or int(available[-1])
    for y in (year, compare_year):
        if y is not None and y not in available:
            raise WijkkompasError(
                f"{code} has no score for {y}; it has: {', '.join(map(str, available))}."
            )
    return explain(run.result, code, year, compare_year), run


_run_scores_cache = Lru(8)


def latest_run_scores(store: AnalyticStore, scope: str | None = None) -> pd.DataFrame | None:
    """Scores of the newest saved index run (of one scope when given), or None if none exists.

    Web pages and the API read saved runs: scoring on every request would be slow, and a page
    must show the same numbers as the run a plan's baseline cites. Parsing a run's JSON rows
    takes tens of milliseconds, so the table is kept per store file (a swapped file is a new
    key). Treat the result as read-only: it is shared between callers.
    """
    if not store.exists():
        return _read_latest_run_scores(store, scope)  # raises the store's own clear error
    return _run_scores_cache.get_or_make(
        (store_identity(store), scope), lambda: _read_latest_run_scores(store, scope)
    )


def _read_latest_run_scores(store: AnalyticStore, scope: str | None) -> pd.DataFrame | None:
    with store.reader() as reader:
        runs = reader.index_runs()
        if scope is not None:
            runs = runs[runs["scope"] == scope]
        if runs.empty:
            return None
        run_id = str(runs["run_id"].iloc[-1])
        return reader.index_scores(run_id).assign(run_id=run_id)
