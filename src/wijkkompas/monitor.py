"""The monitor as a service: read a panel from the store, score it, save the run, explain it.

This is the one place that joins the analytic store to the pure index engine; the CLI, the web
app and the plans module call these functions rather than wiring the two themselves.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache

import numpy as np
import pandas as pd

from wijkkompas.catalogue import Catalogue, load_catalogue, shipped_reference
from wijkkompas.crosswalk import to_current_codes
from wijkkompas.errors import WijkkompasError
from wijkkompas.index import (
    EngineOptions,
    Explanation,
    IndexResult,
    Panel,
    Reference,
    ReferenceMismatch,
    explain,
    fit_reference,
    score,
    uncertainty,
)
from wijkkompas.index.engine import options_of
from wijkkompas.index.inputs import (
    Selection,
    derive,
    derive_figures,
    panel_from_figures,
    select_figures,
)
from wijkkompas.sources.priority import SOURCE_RULES
from wijkkompas.store import AnalyticStore, panel_cache
from wijkkompas.store.identity import Lru, StoreIdentity, store_identity
from wijkkompas.store.panel import assemble_panel

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

LEEFBAAROMETER_TOTAL = "lbm_score"
DEFAULT_REFERENCE = "catalogue"
"""The name that stands for the reference shipped with the catalogue."""


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


_panels = Lru(4)
PanelRead = tuple[Panel, pd.DataFrame, Selection]
"""A derived panel, the regions' names, and the source choices behind it."""


def read_panel(
    store: AnalyticStore,
    gemeente: str | None = None,
    catalogue: Catalogue | None = None,
    *,
    plain: bool = False,
) -> PanelRead:
    """The store's figures (one gemeente, or all) as a derived engine panel, plus region names
    and the source choices made (see ``index.inputs``).

    The figures are chosen and the panel built from dictionary codes inside the store layer
    (:mod:`wijkkompas.store.figures`, :mod:`wijkkompas.store.panel`): a whole-country store
    of twelve years reads in seconds rather than the better part of a minute. ``plain`` takes
    the long way (every observation as a pandas row, ``select_figures``, ``build_panel``), the
    yardstick the fast path is tested against: both give the same panel and selection.

    The result is kept per store file (like the web's caches, keyed on which file is live, so
    an import or a saved run is a new key): a process that reads the same panel twice reads
    the store once. The whole store's panel is also kept on disk beside the store, under the
    store's figures version (:mod:`wijkkompas.store.panel_cache`), so the next process starts
    from it. Treat the result as read-only: it is shared between callers."""
    catalogue = catalogue or load_catalogue()
    if not store.exists():
        return _read_panel(store, gemeente, catalogue, plain)  # the store's own clear error
    key = (store_identity(store), gemeente, catalogue.sha256, plain)
    if gemeente or plain or store.is_staging:
        return _panels.get_or_make(key, lambda: _read_panel(store, gemeente, catalogue, plain))
    return _panels.get_or_make(key, lambda: _read_panel_kept(store, catalogue))


def _read_panel_kept(store: AnalyticStore, catalogue: Catalogue) -> PanelRead:
    """The whole store's panel from the copy kept beside the store when it is still right;
    otherwise read from the store and kept."""
    with store.reader() as reader:
        version = reader.figures_version()
    name = None if version is None else panel_cache.entry_name(version, catalogue.sha256)
    if name is None:  # a store written before figures versions: nothing to key a copy on
        return _read_panel(store, None, catalogue, False)
    kept = panel_cache.load(
        store.path, name, lambda: _read_panel(store, None, catalogue, False)[2].figures
    )
    if kept is not None:
        return kept
    found = _read_panel(store, None, catalogue, False)
    with store.reader() as reader:
        unchanged = reader.figures_version() == version  # no import swapped in meanwhile
    if unchanged:
        panel_cache.save_beside(store.path, name, found)
    return found


def _read_panel(
    store: AnalyticStore, gemeente: str | None, catalogue: Catalogue, plain: bool
) -> PanelRead:
    with store.reader() as reader:
        if plain:
            observations = reader.observations(gemeente=gemeente)
            chosen = None if observations.empty else select_figures(observations, SOURCE_RULES)
        else:
            chosen = reader.chosen_figures(SOURCE_RULES, gemeente)
        regions = reader.all_regions()
        crosswalk = reader.crosswalk()
    if gemeente:
        regions = regions[regions["gemeente_code"] == gemeente]
    if chosen is None:
        where = f" for {gemeente}" if gemeente else ""
        raise WijkkompasError(
            f"The store {store.path} has no observations{where} to score. Import CBS data "
            "first (`wijkkompas import …`) or build the demo (`wijkkompas demo`)."
        )
    latest_regions = regions.sort_values("year").drop_duplicates("code", keep="last")
    names = region_names(regions)
    selection = _on_current_codes(chosen, crosswalk, regions, catalogue)
    figures = selection.figures[selection.figures["region_code"].isin(latest_regions["code"])]
    panel_regions = latest_regions.rename(columns={"code": "region_code"})
    if plain:
        panel = panel_from_figures(figures, panel_regions, catalogue)
    else:
        panel = derive(assemble_panel(figures, panel_regions), catalogue)
    return panel, names.to_frame(), selection


def _on_current_codes(
    selection: Selection, crosswalk: pd.DataFrame, regions: pd.DataFrame, catalogue: Catalogue
) -> Selection:
    """Older figures moved to today's codes where an imported crosswalk leads there, so a
    series continues across a recoding and older years colour today's map (the conversion is
    named per region-year in ``converted_from``)."""
    if crosswalk.empty or regions.empty:
        return selection
    target = int(regions["year"].max())
    current = regions.loc[regions["year"] == target, "code"]
    counts = {i.id for i in catalogue.indicators if i.unit == "count"}
    moved = to_current_codes(selection.figures, crosswalk, current, target, counts)
    return Selection(moved.figures, selection.conflicts, moved.converted, moved.breaks)


def successor_code(store: AnalyticStore, code: str) -> str | None:
    """Today's code for an older one an imported crosswalk moved (the largest share when it was
    split), so a link or bookmark to an old buurt code finds its buurt; None if there is none."""
    if not store.exists():
        return None
    with store.reader() as reader:
        crosswalk = reader.crosswalk()
        regions = reader.all_regions()
    if crosswalk.empty or regions.empty:
        return None
    current = set(regions.loc[regions["year"] == regions["year"].max(), "code"])
    seen = {code}
    while code not in current:
        rows = crosswalk[crosswalk["old_code"] == code].sort_values(
            ["new_year", "share"], ascending=False
        )
        if rows.empty:
            return None
        code = str(rows.iloc[0]["new_code"])
        if code in seen:
            return None
        seen.add(code)
    return code if len(seen) > 1 else None


def region_names(regions: pd.DataFrame) -> pd.Series:
    """Each code's newest real name: a file that knows only codes (the RIVM monitor, police
    crime) registers a region under its code, which must not hide the name a KWB file gave."""
    named = regions[
        (regions["name"].astype(str).str.strip() != "") & (regions["name"] != regions["code"])
    ]
    latest = (
        named.sort_values("year").drop_duplicates("code", keep="last").set_index("code")["name"]
    )
    codes = regions["code"].drop_duplicates()
    return (
        latest.reindex(codes.to_numpy())
        .fillna(pd.Series(codes.to_numpy(), index=codes.to_numpy()))
        .rename("name")
    )


def resolve_reference(
    store: AnalyticStore | None, catalogue: Catalogue, name: str | None = None
) -> Reference:
    """The yardstick to score with: the one named, else the store's active one, else the one
    shipped with the catalogue. Never a fresh fit (ADR 0010)."""
    if name is None and store is not None and store.exists():
        with store.reader() as reader:
            name = reader.active_reference()
    if name is None or name == DEFAULT_REFERENCE:
        text = shipped_reference(catalogue)
        if text is None:
            raise ReferenceMismatch(
                f"No reference ships with catalogue {catalogue.version} (it is not wijkkompas's "
                "own catalogue, or its scoring content changed). Fit one on purpose: "
                "`wijkkompas reference fit --name NAME --use`."
            )
        return Reference.from_json(text)
    if store is None or not store.exists():
        raise WijkkompasError(f"There is no store to hold a reference named '{name}'.")
    with store.reader() as reader:
        text = reader.reference_json(name)
        known = reader.references()["name"].tolist()
    if text is None:
        listed = ", ".join([DEFAULT_REFERENCE, *known])
        raise WijkkompasError(f"The store has no reference named '{name}'. Known: {listed}.")
    return Reference.from_json(text)


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
    sources = _conflict_notes(run.selection) if run.selection is not None else []
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


def _conflict_notes(selection: Selection) -> list[dict[str, object]]:
    frame = selection.conflicts
    return (
        [] if frame.empty else [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]
    )


def national_figures(
    store: AnalyticStore, catalogue: Catalogue, reference_year: int | None = None
) -> dict[str, tuple[float, float]]:
    """Indicator → (the country's figure, its period year), from the store's national rows
    (KWB NL00, RIVM NL01), with the rates the tables do not publish derived from the national
    counts of the same table: per indicator the newest table year at or before
    ``reference_year``."""
    with store.reader() as reader:
        frame = reader.national_observations()
    if frame.empty:
        return {}
    frame = frame.dropna(subset=["value"])
    if reference_year is not None:
        frame = frame[frame["table_year"] <= reference_year]
    frame = frame.assign(year=pd.to_numeric(frame["period"].astype(str).str[:4], errors="coerce"))
    found: dict[str, tuple[float, float, int]] = {}
    by_id = {i.id: i for i in catalogue.indicators}
    for table_year in sorted(int(y) for y in frame["table_year"].unique()):
        part = frame[frame["table_year"] == table_year].sort_values("year")
        part = part.drop_duplicates("indicator_id", keep="last")
        values = dict(
            zip(part["indicator_id"].astype(str), part["value"].astype(float), strict=True)
        )
        periods = dict(
            zip(part["indicator_id"].astype(str), part["year"].astype(float), strict=True)
        )
        for ind_id, value in derive_figures(values, catalogue).items():
            ind = by_id.get(ind_id)
            source = ind.numerator if ind is not None and ind.numerator else ind_id
            year = periods.get(ind_id, periods.get(source or "", np.nan))
            if np.isnan(value) or np.isnan(year):
                continue
            previous = found.get(ind_id)
            if previous is None or (table_year, year) >= (previous[2], previous[1]):
                found[ind_id] = (float(value), float(year), table_year)
    known = {i.id for i in catalogue.indicators}
    return {k: (v, y) for k, (v, y, _t) in found.items() if k in known and not np.isnan(y)}


def fit_store_reference(
    store: AnalyticStore,
    *,
    name: str,
    catalogue: Catalogue | None = None,
    options: EngineOptions | None = None,
    gemeente: str | None = None,
    note: str = "",
    save: bool = True,
    activate: bool = False,
) -> Reference:
    """Fit a reference on the store's figures, on purpose, and keep it under its name."""
    catalogue = catalogue or load_catalogue()
    if name == DEFAULT_REFERENCE:
        raise WijkkompasError(
            f"'{DEFAULT_REFERENCE}' is the name of the reference shipped with the catalogue; "
            "choose another --name."
        )
    options = options or EngineOptions()
    panel, _names, selection = read_panel(store, gemeente, catalogue)
    national = national_figures(store, catalogue, options.reference_year)
    with store.reader() as reader:
        imports = reader.imports()
    files = sorted({str(json.loads(p).get("file", "")) for p in imports["provenance"]} - {""})
    reference = fit_reference(
        panel,
        catalogue,
        options,
        national=national,
        name=name,
        fitted_on={
            "store": store.path.name,
            "scope": f"gemeente {gemeente}" if gemeente else "all regions in the store",
            "files": files,
            "note": note,
        },
    )
    if save:
        store.save_reference(
            name=name,
            catalogue_version=catalogue.version,
            catalogue_hash=catalogue.scoring_sha256,
            reference_json=reference.to_json(),
            note=note,
            activate=activate,
        )
    reference.fitted_on["source_choices"] = _conflict_notes(selection)
    return reference


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
