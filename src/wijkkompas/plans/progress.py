"""Where a goal's figures come from: the ``ProgressSource`` protocol and its store implementation.

Goals are measured with the monitor's own numbers, never with figures typed into the plan: the
analytic store's observations for indicator goals, a saved index run's scores for goals on a
dimension or a social-quality condition. Each goal keeps the id of the source its baseline came
from, so a reader can trace the baseline to the very run that produced it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np
import pandas as pd

from wijkkompas.catalogue import Catalogue, Indicator
from wijkkompas.errors import WijkkompasError
from wijkkompas.index.inputs import derive_columns, parts_of
from wijkkompas.plans.areas import AreaIndex, PlanArea
from wijkkompas.store import StoreReader

MeasureKind = Literal["indicator", "dimension", "social_quality"]

MIN_COVERAGE = 0.5
"""A year counts for an area only when at least this share of its buurten has a figure; below
that the area's value would mostly describe whichever buurten happened to report."""


@dataclass(frozen=True)
class GoalMeasure:
    """What a goal is measured on: an indicator id, a dimension or a social-quality condition."""

    kind: MeasureKind
    key: str


class MeasureNotAvailable(WijkkompasError):
    """This source cannot measure that (for example a dimension score before index runs)."""


class NoIndexRun(MeasureNotAvailable):
    """The store has no saved index run yet, so there are no scores to set a baseline from."""


class UnknownIndexRun(MeasureNotAvailable):
    """A run id that the store does not hold (mistyped, or from another store)."""


class ProgressSource(Protocol):
    """Figures per year for a plan area and for the areas it is compared with."""

    @property
    def source_id(self) -> str:
        """Stable id recorded with a baseline, e.g. ``store:import-3`` or ``index-run:2025-07``."""
        ...

    @property
    def label(self) -> str:
        """What a reader of the plan sees as the origin of the figures."""
        ...

    def series(self, measure: GoalMeasure, area: PlanArea) -> dict[int, float]:
        """The area's value per year (reference period), summed over its buurten."""
        ...

    def comparison(self, measure: GoalMeasure, area: PlanArea) -> pd.DataFrame:
        """Columns ``unit``, ``year``, ``value``: buurten of the same gemeente outside ``area``."""
        ...

    def higher_is_better(self, measure: GoalMeasure) -> bool | None:
        """The measure's direction, or None when it has none."""
        ...


class StoreProgressSource:
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

    @property
    def label(self) -> str:
        return self._label

    @property
    def areas(self) -> AreaIndex:
        if self._areas is None:
            self._areas = AreaIndex(self._reader.all_regions())
        return self._areas

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

    def _gemeente(self, area: PlanArea) -> str:
        gemeenten = self.areas.gemeenten(area.codes)
        if len(gemeenten) != 1:
            raise MeasureNotAvailable(
                "A plan area must lie in exactly one gemeente to be measured; "
                f"this one touches {len(gemeenten)}."
            )
        return next(iter(gemeenten))

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
