"""Changes to a plan's goals: add, edit, delete, and move a goal to a newer index run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from wijkkompas.plans import GoalMeasure, MeasureNotAvailable, PlanArea
from wijkkompas.web.apps.accounts.permissions import (
    require,
)
from wijkkompas.web.apps.plans import checks as c
from wijkkompas.web.apps.plans import validation as v
from wijkkompas.web.apps.plans.checks import Monitor
from wijkkompas.web.apps.plans.history import created, deleted, diff, record, snapshot
from wijkkompas.web.apps.plans.models import (
    Goal,
    Plan,
)
from wijkkompas.web.common.errors import Problems
from wijkkompas.web.common.services import model_update


@transaction.atomic
def add_goal(*, user: Any, plan: Plan, monitor: Monitor, **values: Any) -> Goal:
    """A goal; for a measured goal the baseline is read from the monitor, never typed in.

    ``index_run`` names the saved index run a dimension or condition goal takes its baseline
    from (default: the newest); the goal keeps it as its ``baseline_source``.
    """
    require(user, "goal.add", plan)
    problems = Problems()
    baseline = c.check_goal(problems, plan, values, monitor)
    problems.raise_if_any()
    values.pop("index_run", None)
    goal = Goal.objects.create(plan=plan, **{**values, **baseline})
    fields = list(dict.fromkeys([*values, *baseline]))
    record(
        plan=plan, user=user, action="goal.add", obj=goal, changes=created(snapshot(goal, fields))
    )
    return goal


@transaction.atomic
def update_goal(*, user: Any, goal: Goal, **changes: Any) -> Goal:
    """Change a goal's wording or target; the baseline stays what the monitor said."""
    require(user, "goal.edit", goal)
    fields = ["title", "target_year", "target_value", "resident_measure"]
    before = snapshot(goal, fields)
    problems = Problems()
    values = {**before, **changes}
    v.check_text(problems, "title", values["title"], _("Beschrijf het doel in gewone woorden."))
    c.check_target_year(problems, values["target_year"], goal.baseline_year, goal.plan)
    if goal.kind != Goal.Kind.QUALITATIVE and values["target_value"] is None:
        problems.add("target_value", _("Vul de waarde in die u in het doeljaar wilt bereiken."))
    problems.raise_if_any()
    changed = model_update(instance=goal, fields=fields, data=values)
    if changed:
        record(plan=goal.plan, user=user, action="goal.edit", obj=goal, changes=changed)
    return goal


GOAL_FIELDS = [
    "kind",
    "title",
    "indicator_id",
    "dimension",
    "social_quality",
    "baseline_year",
    "baseline_value",
    "baseline_source",
    "target_year",
    "target_value",
    "resident_measure",
]


@transaction.atomic
def delete_goal(*, user: Any, goal: Goal) -> None:
    """Remove a goal; the history keeps everything it held and what it was linked to.

    Interventions that worked towards it are detached from it (they stay, with their other
    goals), and a residents' initiative linked to it loses the link; both are named in the
    history entry, so nothing disappears without a trace.
    """
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    require(user, "goal.delete", goal)
    interventions = list(goal.interventions.order_by("pk"))
    initiatives = list(goal.initiatives.order_by("pk"))
    changes = deleted(
        {
            **snapshot(goal, GOAL_FIELDS),
            "interventions": [i.title for i in interventions],
            "initiatives": [i.title for i in initiatives],
        }
    )
    record(plan=goal.plan, user=user, action="goal.delete", obj=goal, changes=changes)
    goal.interventions.clear()
    goal.initiatives.update(goal=None)
    goal.delete()


@dataclass(frozen=True)
class Rebase:
    """What moving a score goal onto another index run changes: old and new side by side."""

    old_source: str
    new_source: str
    new_label: str
    baseline_year: int
    old_baseline: float
    new_baseline: float
    old_target: float | None
    new_target: float | None


def rebase_preview(*, goal: Goal, monitor: Monitor, run_id: str | None) -> Rebase:
    """The goal's baseline read from another saved index run (default: the newest), for the
    same area and year, and its target moved by the same amount: the improvement the partners
    agreed on stays what it was, on the new yardstick. Nothing is written."""
    problems = Problems()
    if goal.kind not in (Goal.Kind.DIMENSION, Goal.Kind.SOCIAL_QUALITY):
        problems.add(
            "index_run", _("Alleen een doel op een dimensie of conditie heeft een indexrun.")
        )
    runs = monitor.index
    if runs is None or runs.newest is None:
        problems.add("index_run", _("Er is geen opgeslagen indexrun om naar over te stappen."))
    elif run_id and not runs.exists(run_id):
        problems.add("index_run", _("De monitor heeft geen indexrun '%(run)s'.") % {"run": run_id})
    if goal.baseline_year is None or goal.baseline_value is None:
        problems.add("index_run", _("Dit doel heeft geen beginwaarde om te verplaatsen."))
    problems.raise_if_any()
    assert runs is not None and goal.baseline_year is not None and goal.baseline_value is not None
    source = runs.source(run_id or None)
    measure = GoalMeasure(
        "dimension" if goal.kind == Goal.Kind.DIMENSION else "social_quality",
        goal.dimension or goal.social_quality,
    )
    try:
        series = source.series(measure, PlanArea.of(goal.plan.area_codes))
    except MeasureNotAvailable as exc:
        problems.add("index_run", str(exc))
        problems.raise_if_any()
        raise
    new = series.get(goal.baseline_year)
    if new is None:
        problems.add(
            "index_run",
            _("Die indexrun heeft geen score voor het gebied in het basisjaar %(year)s.")
            % {"year": goal.baseline_year},
        )
        problems.raise_if_any()
    assert new is not None
    shift = new - goal.baseline_value
    return Rebase(
        old_source=goal.baseline_source,
        new_source=source.source_id,
        new_label=source.label,
        baseline_year=goal.baseline_year,
        old_baseline=goal.baseline_value,
        new_baseline=float(new),
        old_target=goal.target_value,
        new_target=None if goal.target_value is None else goal.target_value + shift,
    )


@transaction.atomic
def rebase_goal(*, user: Any, goal: Goal, monitor: Monitor, run_id: str | None = None) -> Goal:
    """Move a score goal onto another index run (another reference): an explicit act, logged
    with the old and new baseline and target side by side (ADR 0010)."""
    require(user, "goal.rebase", goal)
    change = rebase_preview(goal=goal, monitor=monitor, run_id=run_id)
    fields = ["baseline_value", "baseline_source", "target_value"]
    before = snapshot(goal, fields)
    goal.baseline_value = change.new_baseline
    goal.baseline_source = change.new_source
    goal.target_value = change.new_target
    goal.save(update_fields=fields)
    record(
        plan=goal.plan,
        user=user,
        action="goal.rebase",
        obj=goal,
        changes=diff(before, snapshot(goal, fields)),
    )
    return goal
