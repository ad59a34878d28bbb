"""The store's figures as an engine panel: read fast, kept per store file and beside it.

The one place that turns the analytic store's observations into the pure engine's
:class:`~wijkkompas.index.Panel` (source choices, today's codes after a crosswalk, derived
indicators); scoring, the web's maps and the plans' custom areas all start here.
"""

from __future__ import annotations

import pandas as pd

from wijkkompas.catalogue import Catalogue, load_catalogue
from wijkkompas.errors import WijkkompasError
from wijkkompas.index import Panel
from wijkkompas.index.inputs import Selection, derive, panel_from_figures, select_figures
from wijkkompas.regions.crosswalk import to_current_codes
from wijkkompas.sources.priority import SOURCE_RULES
from wijkkompas.store import AnalyticStore, panel_cache
from wijkkompas.store.identity import Lru, store_identity
from wijkkompas.store.panel import assemble_panel

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


def conflict_notes(selection: Selection) -> list[dict[str, object]]:
    """The figures another source also gave, as JSON-ready rows for a run's manifest."""
    frame = selection.conflicts
    return (
        [] if frame.empty else [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]
    )
