"""The monitor as a service: read a panel from the store, score it, save the run, explain it.

This is the one place that joins the analytic store to the pure index engine; the CLI, the web
app and the plans module call these functions rather than wiring the two themselves.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from wijkkompas.catalogue import Catalogue, load_catalogue
from wijkkompas.errors import WijkkompasError
from wijkkompas.index import (
    EngineOptions,
    Explanation,
    IndexResult,
    Panel,
    Reference,
    build_panel,
    explain,
    fit_reference,
    score,
    uncertainty,
)
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
    "housing",
    "physical_environment",
    "amenities",
    "safety",
    "socioeconomic_security",
    "social_inclusion",
    "social_cohesion",
    "social_empowerment",
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
    "averages_hide",
    "change",
    "change_se",
    "trend_from",
    "total_imputed",
    "reason",
]

LEEFBAAROMETER_TOTAL = "lbm_score"


@dataclass
class IndexRun:
    """One scored run over the store, with what is needed to reproduce and explain it."""

    run_id: str
    result: IndexResult
    table: pd.DataFrame
    catalogue: Catalogue
    scope: str
    notes: list[str] = field(default_factory=list)


def read_panel(store: AnalyticStore, gemeente: str | None = None) -> tuple[Panel, pd.DataFrame]:
    """The store's observations (one gemeente, or all) as an engine panel, plus region names."""
    with store.reader() as reader:
        observations = reader.observations(gemeente=gemeente)
        regions = reader.all_regions()
    if gemeente:
        regions = regions[regions["gemeente_code"] == gemeente]
    if observations.empty:
        where = f" for {gemeente}" if gemeente else ""
        raise WijkkompasError(
            f"The store {store.path} has no observations{where} to score. Import CBS data "
            "first (`wijkkompas import …`) or build the demo (`wijkkompas demo`)."
        )
    names = (
        regions.sort_values("year").drop_duplicates("code", keep="last").set_index("code")["name"]
    )
    latest_regions = regions.sort_values("year").drop_duplicates("code", keep="last")
    panel = build_panel(
        observations.rename(columns={"region_year": "year"}),
        latest_regions.rename(columns={"code": "region_code"}),
    )
    return panel, names.to_frame()


def run_index(
    store: AnalyticStore,
    *,
    gemeente: str | None = None,
    catalogue: Catalogue | None = None,
    options: EngineOptions | None = None,
    draws: int = 200,
    years: list[int] | None = None,
    save: bool = True,
    label: str = "",
) -> IndexRun:
    """Score every region-year in scope; add rank intervals; keep the run in the store."""
    catalogue = catalogue or load_catalogue()
    options = options or EngineOptions()
    panel, names = read_panel(store, gemeente)
    reference = fit_reference(panel, catalogue, options)
    result = score(panel, catalogue, reference, options)
    table = result.scores.rename(columns={"region_code": "code"})
    for column in ("code", "level", "gemeente_code", "wijk_code"):
        if column in table:
            table[column] = table[column].astype(str)
    table["name"] = table["code"].map(names["name"])
    if years:
        table = table[table["year"].isin(years)]
    table = _with_rank_intervals(table, panel, catalogue, reference, options, draws)
    scope = f"gemeente {gemeente}" if gemeente else "all regions in the store"
    run = IndexRun(
        run_id=datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6],
        result=result,
        table=table,
        catalogue=catalogue,
        scope=scope,
        notes=[f"reference: {reference.label}"],
    )
    if save:
        store.save_index_run(
            run_id=run.run_id,
            label=label or f"index {scope}",
            catalogue_sha256=catalogue.sha256,
            scope=scope,
            manifest=result.manifest(),
            reference_json=reference.to_json(),
            scores=table[[c for c in INDEX_COLUMNS + EXTRA_COLUMNS if c in table.columns]],
        )
    return run


def _with_rank_intervals(
    table: pd.DataFrame,
    panel: Panel,
    catalogue: Catalogue,
    reference: Reference,
    options: EngineOptions,
    draws: int,
) -> pd.DataFrame:
    """Monte Carlo rank intervals (5–95 %) per year; empty, not invented, when skipped."""
    table = table.assign(rank_p05=np.nan, rank_p95=np.nan)
    if draws <= 0:
        return table
    parts = []
    for year in sorted(table["year"].unique()):
        ranks = uncertainty(
            panel,
            catalogue,
            reference,
            options,
            year=int(year),
            draws=draws,
            seed=options.seed,
        ).ranks
        parts.append(ranks.assign(year=int(year)))
    intervals = pd.concat(parts).rename(columns={"region_code": "code"})
    merged = table.drop(columns=["rank_p05", "rank_p95"]).merge(
        intervals[["code", "year", "rank_p05", "rank_p95"]], on=["code", "year"], how="left"
    )
    # A region without a total has no rank, so no interval either.
    merged.loc[merged["total"].isna(), ["rank_p05", "rank_p95"]] = np.nan
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


@dataclass
class Agreement:
    level: str
    our_year: int
    their_year: int
    n: int
    rho: float
    note: str


def validate_against_leefbaarometer(store: AnalyticStore) -> list[Agreement]:
    """Spearman ρ between our total and the Leefbaarometer's, per level and year.

    The Leefbaarometer measures every two years; where its year differs from ours we pair the
    nearest year and say so.
    """
    with store.reader() as reader:
        lbm = reader.observations(indicator_ids=[LEEFBAAROMETER_TOTAL])
    if lbm.empty:
        raise WijkkompasError(
            "The store has no Leefbaarometer scores. Import them first, e.g. "
            "`wijkkompas import 'Leefbaarometer-scores buurten 2002-2024.csv'`."
        )
    run = run_index(store, draws=0, save=False)
    ours = run.table.dropna(subset=["total"])
    lbm = lbm.dropna(subset=["value"])
    out = []
    for level in sorted(set(lbm["level"]) & set(ours["level"])):
        ours_level = ours[ours["level"] == level]
        our_years = sorted(ours_level["year"].unique())
        for their_year in sorted(lbm.loc[lbm["level"] == level, "region_year"].unique()):
            nearest = int(min(our_years, key=lambda y: (abs(y - their_year), -y)))
            theirs = lbm[(lbm["level"] == level) & (lbm["region_year"] == their_year)]
            pairs = ours_level[ours_level["year"] == nearest].merge(
                theirs, left_on="code", right_on="region_code"
            )
            if len(pairs) < 3:
                continue
            rho = float(spearmanr(pairs["total"], pairs["value"]).statistic)
            note = (
                "" if nearest == their_year else f"nearest year {nearest} paired with {their_year}"
            )
            out.append(Agreement(level, nearest, int(their_year), len(pairs), rho, note))
    if not out:
        raise WijkkompasError(
            "No region has both our total and a Leefbaarometer score (at least 3 are needed per "
            "level and year). Import figures and Leefbaarometer scores for the same buurten."
        )
    return out


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
