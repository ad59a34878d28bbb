"""The plan domain: progress against targets, effects against comparison areas, plan areas.

Pure functions and small protocols only (no Django, no HTTP): the web app's plans module stores
plans and people's decisions, this package judges them against the monitor's own numbers. That
keeps the honesty rules (when is a goal on track, when can the data not tell) testable without
a database and reusable by reports and the API. What reads the figures from the store lives in
:mod:`wijkkompas.services.plan_progress`.
"""

from wijkkompas.plans.areas import AreaIndex, PlanArea
from wijkkompas.plans.did import DidResult, difference_in_differences
from wijkkompas.plans.index_progress import ScoreScale
from wijkkompas.plans.progress import (
    GoalMeasure,
    MeasureNotAvailable,
    NoIndexRun,
    ProgressSource,
    UnknownIndexRun,
)
from wijkkompas.plans.status import Assessment, assess

__all__ = [
    "AreaIndex",
    "Assessment",
    "DidResult",
    "GoalMeasure",
    "MeasureNotAvailable",
    "NoIndexRun",
    "PlanArea",
    "ProgressSource",
    "ScoreScale",
    "UnknownIndexRun",
    "assess",
    "difference_in_differences",
]
