"""Goals on a dimension or a social-quality condition, measured on saved index runs.

A goal's baseline cites the run it came from (``index-run:<run_id>``), so a reader can trace it
to the exact scores, catalogue and reference that produced it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wijkkompas.catalogue import Catalogue
from wijkkompas.index import Panel, Reference, ReferenceMismatch, score_custom_areas
from wijkkompas.index.classify import classify, cut_points
from wijkkompas.monitor import read_panel
from wijkkompas.plans.areas import AreaIndex, PlanArea
from wijkkompas.plans.progress import (
    GoalMeasure,
    MeasureNotAvailable,
    NoIndexRun,
    UnknownIndexRun,
)
from wijkkompas.store import AnalyticStore, StoreReader

INDEX_RUN_PREFIX = "index-run:"

SCORE_COLUMNS: dict[str, str] = {
    "housing": "housing",
    "physical_environment": "physical_environment",
    "amenities": "amenities",
    "nuisance_safety": "safety",
    "socio_economic_security": "socioeconomic_security",
    "social_inclusion": "social_inclusion",
    "social_cohesion": "social_cohesion",
    "social_empowerment": "social_empowerment",
}
"""Catalogue tag (what a goal stores) → score column of a saved run. The catalogue and the
engine spell two of them differently; a goal keeps the catalogue's spelling like indicators do."""


@dataclass(frozen=True)
class ScoreScale:
    """How a score reads for people: its class (1–9, 9 best) and its distance from 0.

    0 is the national midpoint (every indicator at the country's figure) and 1 is the usual
    spread between buurten. The classes use the fixed cut-points of ``index.classify`` around
    the mean and standard deviation of this very score on the reference's fit data, as the
    total's classes do; they stay the same for every year scored against that reference.
    """

    mean: float
    sd: float

    def class_of(self, value: float) -> int:
        cuts = cut_points(self.mean, self.sd)
        return int(classify(np.array([value], dtype=float), cuts)[0])


def run_id_of(source_id: str) -> str | None:
    """The run id inside a baseline source id, or None for a store source."""
    return source_id[len(INDEX_RUN_PREFIX) :] if source_id.startswith(INDEX_RUN_PREFIX) else None


class IndexRunProgressSource:
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
    def label(self) -> str:
        return self._label

    @property
    def areas(self) -> AreaIndex:
        if self._areas is None:
            self._areas = AreaIndex(self._reader.all_regions())
        return self._areas

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

    def _gemeente(self, area: PlanArea) -> str:
        gemeenten = self.areas.gemeenten(area.codes)
        if len(gemeenten) != 1:
            raise MeasureNotAvailable(
                "A plan area must lie in exactly one gemeente to be measured; "
                f"this one touches {len(gemeenten)}."
            )
        return next(iter(gemeenten))


def run_label(row: pd.Series) -> str:
    """How a run is named to people: its label and the day it was made."""
    created = pd.Timestamp(row["created_at"]).strftime("%Y-%m-%d")
    label = str(row["label"] or "").strip() or str(row["run_id"])
    return f"{label} ({created})"


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
