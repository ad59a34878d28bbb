"""The plan's records. Change them only through :mod:`..services` (one function per action)."""

from wijkkompas.web.apps.plans.models.history import AppendOnly, HistoryEntry
from wijkkompas.web.apps.plans.models.intervention import (
    BudgetLine,
    Intervention,
    Spending,
    TimelineEntry,
)
from wijkkompas.web.apps.plans.models.plan import (
    Agreement,
    AgreementStatus,
    Goal,
    Plan,
    PlanPartner,
)

__all__ = [
    "Agreement",
    "AgreementStatus",
    "AppendOnly",
    "BudgetLine",
    "Goal",
    "HistoryEntry",
    "Intervention",
    "Plan",
    "PlanPartner",
    "Spending",
    "TimelineEntry",
]
