"""Everything a plan page, the public page and the PDF show, gathered in one pass."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from wijkkompas.web.apps.accounts.roles import Role
from wijkkompas.web.apps.plans.checks import Monitor
from wijkkompas.web.apps.plans.labels import ACTION_LABELS
from wijkkompas.web.apps.plans.models import (
    Agreement,
    HistoryEntry,
    Intervention,
    Plan,
    TimelineEntry,
)
from wijkkompas.web.apps.plans.selectors.budget import ZERO, BudgetRow, Totals, budget_rows, totals
from wijkkompas.web.apps.plans.selectors.progress import GoalProgress, plan_progress


@dataclass
class AgreementView:
    agreement: Agreement
    years: list[tuple[int, Any]]
    """(year, newest AgreementStatus or None) for every year of the agreement."""


@dataclass
class InterventionView:
    intervention: Intervention
    status: TimelineEntry | None
    budget: Decimal
    spent: Decimal
    timeline: list[TimelineEntry]


@dataclass
class HistoryView:
    entry: HistoryEntry
    role: str
    action: str
    changes: list[tuple[str, Any, Any]]


@dataclass
class PlanOverview:
    plan: Plan
    area: list[tuple[str, str]]
    """(code, name) of the plan area."""
    agreements: list[AgreementView]
    progress: list[GoalProgress]
    interventions: list[InterventionView]
    rows: list[BudgetRow]
    totals: Totals
    has_monitor: bool
    source_label: str


def all_plans() -> list[Plan]:
    """Every plan, in the model's order: the list page shows them all (the accountability side
    of a plan is public; what a person may change is decided per plan)."""
    return list(Plan.objects.all())


def agreement_views(plan: Plan) -> list[AgreementView]:
    views = []
    for agreement in plan.agreements.select_related("giver", "receiver").prefetch_related(
        "statuses"
    ):
        newest: dict[int, Any] = {}
        for status in agreement.statuses.all():
            newest[status.year] = status
        views.append(AgreementView(agreement, [(y, newest.get(y)) for y in agreement.years]))
    return views


def _interventions(plan: Plan, rows: list[BudgetRow]) -> list[InterventionView]:
    views = []
    queryset = plan.interventions.select_related("lead").prefetch_related(
        "partners", "goals", "timeline"
    )
    for intervention in queryset:
        timeline = list(intervention.timeline.all())
        mine = [r for r in rows if r.intervention.pk == intervention.pk]
        views.append(
            InterventionView(
                intervention,
                timeline[-1] if timeline else None,
                sum((r.budget for r in mine), ZERO),
                sum((r.spent for r in mine), ZERO),
                timeline,
            )
        )
    return views


def history(plan: Plan, limit: int = 200) -> list[HistoryView]:
    labels = dict(Role.choices)
    return [
        HistoryView(
            entry,
            str(labels.get(entry.actor_role, entry.actor_role)),
            str(ACTION_LABELS.get(entry.action, entry.action)),
            [(field, old, new) for field, (old, new) in entry.changes.items()],
        )
        for entry in plan.history.all()[:limit]
    ]


def overview(plan: Plan, monitor: Monitor) -> PlanOverview:
    rows = budget_rows(plan)
    area = [(code, monitor.areas.name(code) if monitor.areas else code) for code in plan.area_codes]
    return PlanOverview(
        plan=plan,
        area=area,
        agreements=agreement_views(plan),
        progress=plan_progress(plan, monitor),
        interventions=_interventions(plan, rows),
        rows=rows,
        totals=totals(rows),
        has_monitor=monitor.source is not None,
        source_label=monitor.source.label if monitor.source else "",
    )
