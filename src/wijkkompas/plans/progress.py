"""Where a goal's figures come from: the ``ProgressSource`` protocol and its store implementation.

Goals are measured with the monitor's own numbers, never with figures typed into the plan: the
analytic store's observations for indicator goals, a saved index run's scores for goals on a
dimension or a social-quality condition. Each goal keeps the id of the source its baseline came
from, so a reader can trace the baseline to the very run that produced it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

import pandas as pd

from wijkkompas.errors import WijkkompasError
from wijkkompas.plans.areas import PlanArea

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
