"""Where a goal's figures come from, read from the store: the implementations of
:class:`~wijkkompas.plans.ProgressSource`.

Goals are measured with the monitor's own numbers, never with figures typed into the plan: the
analytic store's observations for indicator goals (:class:`StoreProgressSource`), a saved index
run's scores for goals on a dimension or a social-quality condition
(:class:`IndexRunProgressSource`). The plan domain judges the figures; this module only fetches
them.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from wijkkompas.catalogue import Catalogue, Indicator
from wijkkompas.index import Panel, Reference, ReferenceMismatch, score_custom_areas
from wijkkompas.index.inputs import derive_columns, parts_of
from wijkkompas.plans.areas import AreaIndex, PlanArea
from wijkkompas.plans.index_progress import (
    INDEX_RUN_PREFIX,
    SCORE_COLUMNS,
    ScoreScale,
    run_label,
)
from wijkkompas.plans.progress import (
    MIN_COVERAGE,
    GoalMeasure,
    MeasureNotAvailable,
    NoIndexRun,
    UnknownIndexRun,
)
from wijkkompas.services.panel import read_panel
from wijkkompas.store import AnalyticStore, StoreReader


class _FromStore:
    """What both sources share: a label for people, the store's regions as plan areas."""

    _reader: StoreReader
    _label: str
    _areas: AreaIndex | None

    @property
    def label(self) -> str:
        return self._label

    @property
    def areas(self) -> AreaIndex:
        if self._areas is None:
            self._areas = AreaIndex(self._reader.all_regions())
        return self._areas

    def _gemeente(self, area: PlanArea) -> str:
        return only_gemeente(self.areas, area)


def only_gemeente(areas: AreaIndex, area: PlanArea) -> str:
    """The gemeente a plan area lies in; an area across a gemeente border cannot be measured
    (its buurten's figures are compared with the rest of one gemeente)."""
    gemeenten = areas.gemeenten(area.codes)
    if len(gemeenten) != 1:
        raise MeasureNotAvailable(
            "A plan area must lie in exactly one gemeente to be measured; "
            f"this one touches {len(gemeenten)}."
        )
    return next(iter(gemeenten))


class StoreProgressSource(_FromStore):
    """Indicator goals from the analytic store's observations; keeps what it read.

    Use it while the reader is open; create one per request, so a new import is picked up.
    """

    def __init__(self, reader: StoreReader, catalogue: Catalogue) -> None:
        self._reader = reader
        self._catalogue = catalogue
        self._areas: AreaIndex | None = None
        self._frames: dict[tuple[str, tuple[str, ...]], pd.DataFrame] = {}
        self._inside: dict[PlanArea, set[tuple[str, int]]] = {}
        imports = reader.imports()
        if len(imports):
            last = imports.iloc[-1]
            self._id = f"store:import-{int(last['import_id'])}"
            self._label = f"{last['source']} import {int(last['import_id'])}"
        else:
            self._id, self._label = "store:empty", "empty store"

    @property
    def source_id(self) -> str:
        return self._id

    def indicator(self, measure: GoalMeasure) -> Indicator:
        if measure.kind != "indicator":
            raise MeasureNotAvailable(
                f"Goals on a {measure.kind.replace('_', '-')} need a stored index run; the "
                "analytic store only has indicator figures."
            )
        return self._catalogue.by_id(measure.key)

    def higher_is_better(self, measure: GoalMeasure) -> bool | None:
        direction = self.indicator(measure).direction
        return None if direction == "context" else direction == "higher_is_better"

    def series(self, measure: GoalMeasure, area: PlanArea) -> dict[int, float]:
        indicator = self.indicator(measure)
        frame = self._frame(indicator, self._gemeente(area))
        members = frame[self._membership(frame, area)]
        values: dict[int, float] = {}
        for year, rows in members.groupby("year"):
            value = _aggregate(indicator, rows)
            if value is not None:
                values[int(str(year))] = value
        return values

    def comparison(self, measure: GoalMeasure, area: PlanArea) -> pd.DataFrame:
        indicator = self.indicator(measure)
        frame = self._frame(indicator, self._gemeente(area))
        outside = frame[~self._membership(frame, area)]
        result = outside[["region_code", "year", indicator.id]].dropna()
        return result.rename(columns={"region_code": "unit", indicator.id: "value"})

    def _needed(self, indicator: Indicator) -> tuple[str, ...]:
        """The indicator, what it is derived from (a denominator that is itself a sum of age
        groups included), and its weight."""
        parts = parts_of(indicator.id, self._catalogue)
        return tuple(dict.fromkeys([*parts, *([indicator.weight] if indicator.weight else [])]))

    def _frame(self, indicator: Indicator, gemeente: str) -> pd.DataFrame:
        """One row per buurt and reference year, a column per needed indicator.

        ``region_year`` is the boundary year of the goal indicator's own figure (it decides
        membership). Weights have other reference periods (households on 1 January, income two
        years back), so a weight missing in a year is taken from the buurt's nearest year:
        household counts change slowly, a dropped year would change the area.
        """
        key = (gemeente, self._needed(indicator))
        if key not in self._frames:
            obs = self._reader.observations(indicator_ids=list(key[1]), gemeente=gemeente)
            obs = obs[obs["level"] == "buurt"].copy()
            obs["year"] = obs["period"].str[:4].astype(int)
            obs = obs.sort_values("region_year").drop_duplicates(
                ["region_code", "year", "indicator_id"], keep="last"
            )
            wide = obs.set_index(["region_code", "year", "indicator_id"])["value"].unstack()
            wide = derive_columns(wide.reindex(columns=list(key[1])), self._catalogue)
            own = obs[obs["indicator_id"] == indicator.id].set_index(["region_code", "year"])
            wide["region_year"] = own["region_year"].reindex(wide.index)
            wide = wide.dropna(subset=["region_year"]).reset_index().sort_values("year")
            if indicator.weight and indicator.weight != indicator.id:
                weight = indicator.weight
                wide[weight] = wide.groupby("region_code")[weight].bfill()
                wide[weight] = wide.groupby("region_code")[weight].ffill()
            wide["region_year"] = wide["region_year"].astype(int)
            self._frames[key] = wide
        return self._frames[key]

    def _membership(self, frame: pd.DataFrame, area: PlanArea) -> pd.Series:
        if area not in self._inside:
            self._inside[area] = self.areas.buurt_years(area)
        inside = self._inside[area]
        pairs = zip(frame["region_code"], frame["region_year"], strict=True)
        return pd.Series([(str(c), int(y)) in inside for c, y in pairs], index=frame.index)


def _aggregate(indicator: Indicator, rows: pd.DataFrame) -> float | None:
    """One area value from its buurten: summed numerators and denominators where the catalogue
    gives them, else a weighted mean, a sum for counts, a plain mean as the last resort."""
    total = len(rows)
    if total == 0:
        return None
    if indicator.numerator and indicator.denominator:
        usable = rows[[indicator.numerator, indicator.denominator]].dropna()
        usable = usable[usable[indicator.denominator] > 0]
        if len(usable) / total >= MIN_COVERAGE:
            ratio = usable[indicator.numerator].sum() / usable[indicator.denominator].sum()
            return float(ratio * indicator.rate_factor)
    if indicator.weight and indicator.weight != indicator.id:
        usable = rows[[indicator.id, indicator.weight]].dropna()
        usable = usable[usable[indicator.weight] > 0]
        if len(usable) / total < MIN_COVERAGE:
            return None
        weights = usable[indicator.weight]
        return float((usable[indicator.id] * weights).sum() / weights.sum())
    present = rows[indicator.id].dropna()
    if len(present) / total < MIN_COVERAGE:
        return None
    return float(present.sum() if indicator.unit == "count" else np.mean(present))


class IndexRunProgressSource(_FromStore):
    """Dimension and social-quality scores from one saved index run.

    A single wijk, buurt or gemeente gets the run's own score. An area of several codes is scored
    afresh from its buurten's summed numerators and denominators against the run's stored
    reference (:func:`wijkkompas.index.score_custom_areas`): averaging buurt scores would weigh a
    buurt of 90 inhabitants like one of 9,000, and a reference other than the run's would make the
    figures incomparable with the baseline.
    """

    def __init__(
        self,
        reader: StoreReader,
        catalogue: Catalogue,
        store: AnalyticStore,
        run_id: str | None = None,
        *,
        areas: AreaIndex | None = None,
        runs: pd.DataFrame | None = None,
    ) -> None:
        self._reader = reader
        self._catalogue = catalogue
        self._store = store
        self._areas = areas
        runs = reader.index_runs() if runs is None else runs
        if runs.empty:
            raise NoIndexRun(
                "The store has no saved index run; run `wijkkompas index` first to score "
                "dimensions and social-quality conditions."
            )
        chosen = runs if run_id is None else runs[runs["run_id"] == run_id]
        if chosen.empty:
            raise UnknownIndexRun(f"The store has no index run {run_id!r}.")
        row = chosen.iloc[-1]
        self._run_id = str(row["run_id"])
        self._label = run_label(row)
        self._scores: pd.DataFrame | None = None
        self._reference: Reference | None = None
        self._panels: dict[str, Panel] = {}
        self._custom: dict[PlanArea, pd.DataFrame] = {}

    @property
    def run_id(self) -> str:
        return self._run_id

    @property
    def source_id(self) -> str:
        return INDEX_RUN_PREFIX + self._run_id

    @property
    def scores(self) -> pd.DataFrame:
        if self._scores is None:
            self._scores = self._reader.index_scores(self._run_id)
        return self._scores

    def column(self, measure: GoalMeasure) -> str:
        """The run's score column for ``measure``; indicators belong to the store source."""
        if measure.kind == "indicator":
            raise MeasureNotAvailable("Indicator goals are measured on the store's figures.")
        column = SCORE_COLUMNS.get(measure.key)
        if column is None or column not in self.scores.columns:
            raise MeasureNotAvailable(f"The index run has no score {measure.key!r}.")
        return column

    def higher_is_better(self, measure: GoalMeasure) -> bool | None:
        self.column(measure)
        return True  # every score is oriented so that higher means more livable

    def scale(self, measure: GoalMeasure) -> ScoreScale | None:
        """The score's class scale on this run's reference; None when the reference holds no
        spread for it (a score the fit data could not give, or a reference that is gone)."""
        column = self.column(measure)
        try:
            mean, sd = self.reference().score_scale(column)
        except (UnknownIndexRun, ReferenceMismatch):  # gone, or saved in a form we cannot read
            return None
        if not (math.isfinite(mean) and math.isfinite(sd)) or sd <= 0:
            return None
        return ScoreScale(mean, sd)

    def series(self, measure: GoalMeasure, area: PlanArea) -> dict[int, float]:
        column = self.column(measure)
        rows = self.scores[self.scores["code"].isin(area.codes)] if len(area.codes) == 1 else None
        if rows is None or rows.empty:
            rows = self._custom_rows(area)
        present = rows[["year", column]].dropna()
        return {int(y): float(v) for y, v in zip(present["year"], present[column], strict=True)}

    def comparison(self, measure: GoalMeasure, area: PlanArea) -> pd.DataFrame:
        column = self.column(measure)
        prefix = "BU" + self._gemeente(area)[2:]
        scores = self.scores
        buurten = scores[(scores["level"] == "buurt") & scores["code"].str.startswith(prefix)]
        inside = self.areas.buurt_years(area)
        pairs = zip(buurten["code"], buurten["year"], strict=True)
        member = [(str(c), int(y)) in inside or area.covers(str(c)) for c, y in pairs]
        outside = buurten[~pd.Series(member, index=buurten.index, dtype=bool)]
        result = outside[["code", "year", column]].dropna()
        return result.rename(columns={"code": "unit", column: "value"}).reset_index(drop=True)

    def reference(self) -> Reference:
        if self._reference is None:
            text = self._reader.index_run_reference(self._run_id)
            if text is None:
                raise UnknownIndexRun(f"The store has no index run {self._run_id!r}.")
            self._reference = Reference.from_json(text)
        return self._reference

    def _custom_rows(self, area: PlanArea) -> pd.DataFrame:
        """The area scored as one place from its buurten's sums (see the class notes)."""
        if area not in self._custom:
            gemeente = self._gemeente(area)
            if gemeente not in self._panels:
                self._panels[gemeente] = read_panel(self._store, gemeente)[0]
            panel = self._panels[gemeente]
            known = set(panel.codes)
            buurten = [code for code in self.areas.buurten(area) if code in known]
            if not buurten:
                raise MeasureNotAvailable("The store has no figures for the buurten of this area.")
            try:
                result = score_custom_areas(
                    panel, self._catalogue, self.reference(), {"plan": buurten}
                )
            except ReferenceMismatch as exc:
                raise MeasureNotAvailable(
                    f"The catalogue changed since index run {self._run_id}: {exc}"
                ) from exc
            scores = result.scores
            self._custom[area] = scores[scores["region_code"] == "plan"].reset_index(drop=True)
        return self._custom[area]


class IndexRuns:
    """The store's saved index runs, and a progress source per run, for one request.

    Scores of two runs can only be compared when both were scored against the same reference;
    :meth:`comparable` tells whether a goal's actual values may come from a newer run than its
    baseline.
    """

    def __init__(
        self,
        reader: StoreReader,
        catalogue: Catalogue,
        store: AnalyticStore,
        areas: AreaIndex | None = None,
    ) -> None:
        self._reader = reader
        self._catalogue = catalogue
        self._store = store
        self._areas = areas
        self.runs = reader.index_runs()
        self._sources: dict[str, IndexRunProgressSource] = {}
        self._references: dict[str, str | None] = {}

    @property
    def newest(self) -> str | None:
        return None if self.runs.empty else str(self.runs["run_id"].iloc[-1])

    def exists(self, run_id: str) -> bool:
        return bool((self.runs["run_id"] == run_id).any())

    def choices(self) -> list[tuple[str, str]]:
        """(run id, label with date), newest first: the newest is the usual choice."""
        return [(str(r["run_id"]), run_label(r)) for _, r in self.runs.iloc[::-1].iterrows()]

    def source(self, run_id: str | None = None) -> IndexRunProgressSource:
        """The source for ``run_id`` (the newest run when None); raises when there is none."""
        key = run_id or self.newest or ""
        if key not in self._sources:
            self._sources[key] = IndexRunProgressSource(
                self._reader,
                self._catalogue,
                self._store,
                key or None,
                areas=self._areas,
                runs=self.runs,
            )
        return self._sources[key]

    def comparable(self, first: str, second: str) -> bool:
        """Whether both runs scored against the very same reference (same scale)."""
        if first == second:
            return True
        for run_id in (first, second):
            if run_id not in self._references:
                self._references[run_id] = self._reader.index_run_reference(run_id)
        a, b = self._references[first], self._references[second]
        return a is not None and a == b
