"""Everything a region's profile shows, gathered once per request from the store.

The web page, the PDF and the CLI report all render a :class:`Profile`, so they show the same
numbers. Scores come from the newest saved run (what plans cite); the explanation re-scores the
region's gemeente, which takes a fraction of a second and is done once per profile.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pandas as pd

from wijkkompas.catalogue import Catalogue, load_catalogue
from wijkkompas.errors import WijkkompasError
from wijkkompas.reports.deferred import get_language
from wijkkompas.reports.figures import (
    Distribution,
    FigureRow,
    LeefbaarometerReference,
    as_number,
    compare_figures,
    distributions,
    leefbaarometer_reference,
    newest_per_indicator,
)
from wijkkompas.reports.measures import Measure, all_measures, class_label, with_classes
from wijkkompas.services.scoring import explain_region, latest_run_scores
from wijkkompas.store import AnalyticStore
from wijkkompas.store.identity import Lru, store_identity

TOP_CONTRIBUTIONS = 5
PEERS = 5


class RegionNotFound(LookupError):
    """The region has no scores in the newest run (an unknown code, or never scored)."""


@dataclass(frozen=True)
class Contribution:
    indicator_id: str
    name: str
    value: float | None
    contribution: float
    period: int | None = None
    """The reference period of the figure behind it (an older one when carried forward)."""
    carried: bool = False
    imputed: bool = False
    """Borrowed from the wijk or gemeente: no figure of the region itself."""
    model_estimate: bool = False

    @property
    def during_covid(self) -> bool:
        return self.model_estimate and self.period == 2020


@dataclass(frozen=True)
class MeasureScore:
    measure: Measure
    score: float | None
    klass: int | None
    label: str
    contributions: list[Contribution]


@dataclass(frozen=True)
class TrendPoint:
    year: int
    total: float
    se: float | None


@dataclass(frozen=True)
class Comparison:
    role: str
    code: str
    name: str
    level: str
    scores: dict[str, float | None]
    klass: int | None
    label: str


@dataclass
class Profile:
    code: str
    name: str
    level: str
    year: int
    run_id: str
    row: dict[str, Any]
    measures: list[MeasureScore]
    trend: list[TrendPoint]
    comparisons: list[Comparison]
    observations: pd.DataFrame
    """Every figure of the region with source, period and release (the downloads hold all)."""
    latest_observations: pd.DataFrame
    """The newest figure per indicator, as the page lists them."""
    scores_history: pd.DataFrame
    figures: list[FigureRow] = field(default_factory=list)
    """The newest figure per indicator beside its wijk's, gemeente's and the country's."""
    distributions: list[Distribution] = field(default_factory=list)
    leefbaarometer: LeefbaarometerReference | None = None
    has_national: bool = False
    parent_names: dict[str, str] = field(default_factory=dict)
    """Role (``wijk``, ``gemeente``) → the name of the area the region lies in."""
    """Whether the store holds the country's figures at all (a KWB file with its NL00 row)."""
    notes: list[str] = field(default_factory=list)
    conversions: list[tuple[int, str]] = field(default_factory=list)
    """(year, older code(s) and indeling) for years whose scores rest on figures a crosswalk
    moved to this code: the series continues across a recoding, and says so."""

    @property
    def total(self) -> MeasureScore:
        return self.measures[0]

    @property
    def is_demo(self) -> bool:
        return self.code[2:6] == "9999"


@cache
def _catalogue() -> Catalogue:
    return load_catalogue()


def indicator_name(indicator_id: str) -> str:
    """The indicator's name in the active language; its id if the catalogue lacks it."""
    try:
        indicator = _catalogue().by_id(indicator_id)
    except WijkkompasError:
        return indicator_id
    return indicator.name_en if (get_language() or "nl").startswith("en") else indicator.name_nl


def _klass(value: object) -> int | None:
    number = as_number(value)
    return None if number is None else int(number)


def _contributions(indicators: pd.DataFrame | None, measure: str) -> list[Contribution]:
    """Largest contributions first: what pushes this score up or down most."""
    if indicators is None:
        return []
    column = "contribution" if measure == "total" else measure
    if column not in indicators:
        return []
    values = indicators[column].astype(float)
    values = values[values.abs() > 1e-12]
    order = values.abs().sort_values(ascending=False).index[:TOP_CONTRIBUTIONS]
    return [
        Contribution(
            indicator_id=str(ind),
            name=indicator_name(str(ind)),
            value=as_number(indicators.at[ind, "raw"]) if "raw" in indicators else None,
            contribution=float(values[ind]),
            period=_year_of(indicators, ind),
            carried=bool(indicators.at[ind, "carried"]) if "carried" in indicators else False,
            imputed=bool(indicators.at[ind, "imputed"]) if "imputed" in indicators else False,
            model_estimate=bool(indicators.at[ind, "model_estimate"])
            if "model_estimate" in indicators
            else False,
        )
        for ind in order
    ]


def _year_of(indicators: pd.DataFrame, ind: object) -> int | None:
    if "period" not in indicators:
        return None
    number = as_number(indicators.at[ind, "period"])
    return None if number is None else int(number)


def basket_names(row: pd.Series) -> tuple[list[str], list[str]]:
    """The names of the indicators the total rests on, and of the groups without a score."""
    basket = str(row.get("basket") or "").split()
    missing = [str(m.label) for m in all_measures()[1:] if as_number(row.get(m.key)) is None]
    return [indicator_name(i) for i in basket], missing


def _comparison(role: str, row: pd.Series) -> Comparison:
    return Comparison(
        role=role,
        code=str(row["code"]),
        name=str(row["name"]),
        level=str(row["level"]),
        scores={m.key: as_number(row.get(m.key)) for m in all_measures()},
        klass=_klass(row.get("class")),
        label=class_label(row.get("class")),
    )


def _peers(year_rows: pd.DataFrame, row: pd.Series) -> pd.DataFrame:
    """Same level and class first, then the nearest totals: the regions most like this one."""
    others = year_rows[(year_rows["level"] == row["level"]) & (year_rows["code"] != row["code"])]
    others = others.dropna(subset=["total"])
    if as_number(row["total"]) is None:
        return others.head(0)
    distance = (others["total"] - float(row["total"])).abs()
    same_class = others["class"] != row["class"]
    ranked = others.assign(_other_class=same_class, _distance=distance)
    return ranked.sort_values(["_other_class", "_distance"]).head(PEERS)


def _parent_codes(parents: pd.Series | None, code: str) -> dict[str, str]:
    """The wijk and gemeente a region lies in (a wijk is not compared with itself)."""
    if parents is None:
        return {}
    found = {"wijk": parents["wijk_code"], "gemeente": parents["gemeente_code"]}
    return {role: c for role, c in found.items() if isinstance(c, str) and c != code}


def _newest_name(regions: pd.DataFrame, code: str) -> str:
    names = regions.loc[regions["code"] == code].sort_values("year")["name"]
    return str(names.iloc[-1]) if len(names) else code


_profiles = Lru(256)
_classes = Lru(8)


def build_profile(store: AnalyticStore, code: str) -> Profile:
    """Read, score-explain and assemble one region's profile; RegionNotFound if unscored.

    Kept per store file, region and language (names and class labels are translated): a
    profile page is the monitor's most visited page, and reading and explaining a region
    costs far more than the page may take. Treat the result as read-only; it is shared.
    """
    if not store.exists():
        return _build_profile(store, code)  # raises the store's own clear error
    key = (store_identity(store), code, get_language() or "nl")
    return _profiles.get_or_make(key, lambda: _build_profile(store, code))


def _measure_classes(store: AnalyticStore, scores: pd.DataFrame) -> dict[str, pd.Series]:
    """Classes 1-9 of every measure for every row of the run: once per store file."""
    return _classes.get_or_make(
        store_identity(store), lambda: {m.key: with_classes(scores, m.key) for m in all_measures()}
    )


def _build_profile(store: AnalyticStore, code: str) -> Profile:
    scores = latest_run_scores(store)
    if scores is None:
        raise RegionNotFound(code)
    mine = scores[scores["code"] == code].sort_values("year")
    if mine.empty:
        raise RegionNotFound(code)
    # The newest year with a total: a code that lives on in a later boundary year without
    # figures (an old buurt code after a re-division) should show its last real score.
    with_total = mine[mine["total"].notna()]
    row = with_total.iloc[-1] if len(with_total) else mine.iloc[-1]
    year = int(row["year"])
    with store.reader() as reader:
        regions = reader.all_regions()
        known = regions[regions["code"] == code].sort_values("year")
        parents = known.iloc[-1] if len(known) else None
        parent_codes = _parent_codes(parents, code)
        around = reader.observations(region_codes=[code, *parent_codes.values()])
        national = reader.national_observations()
    observations = around[around["region_code"] == code].reset_index(drop=True)
    figures = compare_figures(
        observations,
        {role: around[around["region_code"] == c] for role, c in parent_codes.items()},
        national,
        _catalogue(),
        indicator_name,
    )

    notes: list[str] = []
    indicators: pd.DataFrame | None = None
    try:
        explanation, _run = explain_region(store, code, year, None)
        indicators = explanation.indicators
    except WijkkompasError as exc:
        notes.append(str(exc))

    year_rows = scores[scores["year"] == year]
    classes = _measure_classes(store, scores)
    index = row.name
    measures = [
        MeasureScore(
            measure=m,
            score=as_number(row.get(m.key)),
            klass=_klass(classes[m.key].get(index)),
            label=class_label(classes[m.key].get(index)),
            contributions=_contributions(indicators, m.key),
        )
        for m in all_measures()
    ]
    trend = [
        TrendPoint(int(r["year"]), float(r["total"]), as_number(r.get("total_se")))
        for _i, r in mine.iterrows()
        if as_number(r["total"]) is not None
    ]
    comparisons = [_comparison("self", row)]
    for role, parent in parent_codes.items():
        match = year_rows[year_rows["code"] == parent]
        if len(match):
            comparisons.append(_comparison(role, match.iloc[0]))
    for _i, peer in _peers(year_rows, row).iterrows():
        comparisons.append(_comparison("peer", peer))

    latest = newest_per_indicator(observations).assign(
        name=lambda f: [indicator_name(i) for i in f["indicator_id"]]
    )
    history_columns = ["year", "total", "total_se", "class", "class_label"]
    history_columns += [m.key for m in all_measures()[1:]]
    history_columns += ["cumulation_count", "structureel_onder_druk", "averages_hide", "trend"]
    return Profile(
        code=code,
        name=str(row["name"]),
        level=str(row["level"]),
        year=year,
        run_id=str(row.get("run_id", "")),
        row={str(k): v for k, v in row.to_dict().items()},
        measures=measures,
        trend=trend,
        comparisons=comparisons,
        observations=observations,
        latest_observations=latest,
        scores_history=mine[[c for c in history_columns if c in mine]].reset_index(drop=True),
        figures=figures,
        distributions=distributions(figures, _catalogue()),
        leefbaarometer=leefbaarometer_reference(figures, observations, indicator_name),
        has_national=not national.empty,
        parent_names={role: _newest_name(regions, c) for role, c in parent_codes.items()},
        notes=notes,
        conversions=[
            (int(r["year"]), str(r["converted_from"]))
            for _i, r in mine.iterrows()
            if str(r.get("converted_from") or "") not in ("", "nan")
        ],
    )
