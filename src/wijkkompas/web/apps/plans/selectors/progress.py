"""Progress per goal for the pages: the monitor's figures, the verdict and the comparison.

The judgement itself lives in :mod:`wijkkompas.plans` (pure and tested there); this module only
feeds it the plan's goals and keeps what a template needs.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field

import pandas as pd
from django.utils.translation import get_language

from wijkkompas.catalogue import Indicator, UnknownIndicator
from wijkkompas.plans import (
    Assessment,
    DidResult,
    GoalMeasure,
    MeasureNotAvailable,
    PlanArea,
    ProgressSource,
    ScoreScale,
    assess,
    difference_in_differences,
)
from wijkkompas.services.plan_progress import IndexRunProgressSource
from wijkkompas.web.apps.plans import plain
from wijkkompas.web.apps.plans.checks import Monitor
from wijkkompas.web.apps.plans.labels import (
    DIMENSION_LABELS,
    SOCIAL_QUALITY_LABELS,
    STATUS_LABELS,
    UNIT_LABELS,
)
from wijkkompas.web.apps.plans.models import Goal, Plan


@dataclass
class GoalProgress:
    goal: Goal
    indicator: Indicator | None = None
    series: list[tuple[int, float]] = field(default_factory=list)
    """The area's figures from the baseline year on."""
    assessment: Assessment | None = None
    did: DidResult | None = None
    missing: str = ""
    """Why there is no verdict: ``no_store``, ``needs_index_run``, ``run_gone``, ``qualitative``,
    ``no_baseline``."""
    source_label: str = ""
    """Where the actual values were read (the store's import, or an index run)."""
    older_reference: bool = False
    """A newer index run exists on another reference; the goal stays on its own run's scale
    until a coordinator moves it over (``goal_rebase``)."""
    model_based: bool = False
    """The measure rests (partly) on model-based estimates (the RIVM health monitor): they
    follow register covariates and cannot show what a plan did, so no difference-in-differences
    is computed for an indicator goal on them, and a score goal says so."""

    higher_is_better: bool | None = None
    """The measure's direction, from the source that measures it (the catalogue for an
    indicator; always higher for a score)."""
    scale: ScoreScale | None = None
    """For a score goal: its classes and midpoint, on the reference of its own run."""

    @property
    def is_score(self) -> bool:
        return self.goal.kind in (Goal.Kind.DIMENSION, Goal.Kind.SOCIAL_QUALITY)

    @property
    def measure_name(self) -> str:
        """What the figures measure, in the catalogue's words (not the goal's title)."""
        if self.goal.kind == Goal.Kind.INDICATOR:
            if self.indicator is None:
                return ""
            english = (get_language() or "nl").startswith("en")
            return self.indicator.name_en if english else self.indicator.name_nl
        return self.condition

    @property
    def goal_text(self) -> str:
        """The goal in plain language (:mod:`.plain`); empty for a qualitative goal or one
        whose measure cannot be read."""
        goal = self.goal
        if goal.target_value is None or not self.measure_name:
            return ""
        when = {
            "baseline_year": goal.baseline_year,
            "baseline": goal.baseline_value,
            "target_year": goal.target_year,
            "target": goal.target_value,
        }
        if self.is_score:
            return plain.score_goal(name=self.measure_name, scale=self.scale, **when)
        higher = self.higher_is_better
        if higher is None and self.indicator is not None:
            higher = _direction(self.indicator)
        return plain.indicator_goal(
            name=self.measure_name, unit=self.unit, higher_is_better=higher, **when
        )

    def value_text(self, value: float) -> str:
        """One figure of this goal's measure in words: a score as class and place."""
        if self.is_score:
            return plain.score(value, self.scale)
        return plain.amount(value, self.unit)

    @property
    def latest_text(self) -> str:
        return self.value_text(self.latest[1]) if self.latest else ""

    @property
    def expected_text(self) -> str:
        expected = self.assessment.expected_value if self.assessment else None
        return "" if expected is None else self.value_text(expected)

    @property
    def rows(self) -> list[tuple[int, str]]:
        """The figures table: year and the figure in words."""
        return [(year, self.value_text(value)) for year, value in self.series]

    @property
    def status(self) -> str:
        return self.assessment.status if self.assessment else "unknown"

    @property
    def latest(self) -> tuple[int, float] | None:
        return self.series[-1] if self.series else None

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def unit(self) -> str:
        return str(UNIT_LABELS.get(self.indicator.unit, "")) if self.indicator else ""

    @property
    def condition(self) -> str:
        tag = self.goal.social_quality or self.goal.dimension
        return str(SOCIAL_QUALITY_LABELS.get(tag) or DIMENSION_LABELS.get(tag) or "")


def goal_progress(goal: Goal, plan: Plan, monitor: Monitor) -> GoalProgress:
    progress = GoalProgress(goal)
    if goal.kind == Goal.Kind.QUALITATIVE:
        progress.missing = "qualitative"
        return progress
    if goal.kind == Goal.Kind.INDICATOR:
        # named even when there are no figures, so the goal still says what it measures
        with suppress(UnknownIndicator):
            progress.indicator = monitor.catalogue.by_id(goal.indicator_id)
    if monitor.source is None:
        progress.missing = "no_store"
        return progress
    area = PlanArea.of(plan.area_codes)
    progress.model_based = _model_based(goal, monitor)
    source: ProgressSource = monitor.source
    try:
        if goal.kind == Goal.Kind.INDICATOR:
            progress.indicator = monitor.catalogue.by_id(goal.indicator_id)
            measure = GoalMeasure("indicator", goal.indicator_id)
        else:
            measure = GoalMeasure(
                "dimension" if goal.kind == Goal.Kind.DIMENSION else "social_quality",
                goal.dimension or goal.social_quality,
            )
            runs_source = _score_source(goal, monitor, progress)
            if runs_source is None:
                return progress
            source = runs_source
        series = source.series(measure, area)
        higher = source.higher_is_better(measure)
        comparison = source.comparison(measure, area)
        if isinstance(source, IndexRunProgressSource):
            progress.scale = source.scale(measure)
    except (UnknownIndicator, MeasureNotAvailable):
        progress.missing = "needs_index_run"
        return progress
    progress.higher_is_better = higher
    progress.source_label = source.label
    return _judge(progress, plan, series, comparison, higher)


def _direction(indicator: Indicator) -> bool | None:
    return None if indicator.direction == "context" else indicator.direction == "higher_is_better"


def _score_source(
    goal: Goal, monitor: Monitor, progress: GoalProgress
) -> IndexRunProgressSource | None:
    """The run to read a score goal's actual values from, or None (with the reason set).

    The newest run has the newest years, but its scores are only comparable with the baseline
    when it was scored against the same reference as the goal's own run; otherwise the goal's
    run is used, so status and comparison never mix two scales.
    """
    runs = monitor.index
    if runs is None or runs.newest is None:
        progress.missing = "needs_index_run"
        return None
    own = goal.index_run_id
    if own is None or not runs.exists(own):
        progress.missing = "run_gone"
        return None
    newest = runs.newest
    if runs.comparable(own, newest):
        return runs.source(newest)
    progress.older_reference = True
    return runs.source(own)


def _model_based(goal: Goal, monitor: Monitor) -> bool:
    """Whether the goal's measure is, or contains, a model-based estimate."""
    catalogue = monitor.catalogue
    if goal.kind == Goal.Kind.INDICATOR:
        try:
            return bool(catalogue.by_id(goal.indicator_id).model_estimate)
        except UnknownIndicator:
            return False
    tag = goal.dimension or goal.social_quality
    return any(
        i.model_estimate and tag in (i.dimension, i.social_quality) for i in catalogue.scored()
    )


def _judge(
    progress: GoalProgress,
    plan: Plan,
    series: dict[int, float],
    comparison: pd.DataFrame,
    higher: bool | None,
) -> GoalProgress:
    goal = progress.goal
    if goal.baseline_year is None or goal.baseline_value is None or goal.target_value is None:
        progress.missing = "no_baseline"
        return progress
    progress.series = [(y, series[y]) for y in sorted(series) if y >= goal.baseline_year]
    progress.assessment = assess(
        baseline_year=goal.baseline_year,
        baseline_value=goal.baseline_value,
        target_year=goal.target_year,
        target_value=goal.target_value,
        actuals=series,
        higher_is_better=higher,
    )
    desired_up = (
        goal.target_value > goal.baseline_value
        if goal.target_value != goal.baseline_value
        else higher
    )
    if not (progress.model_based and goal.kind == Goal.Kind.INDICATOR):
        progress.did = difference_in_differences(
            series, comparison, plan.start_year, higher_is_better=desired_up
        )
    return progress


def plan_progress(plan: Plan, monitor: Monitor) -> list[GoalProgress]:
    return [goal_progress(goal, plan, monitor) for goal in plan.goals.all()]
