"""Every change to a plan, one function per action (house rule 10).

Each function first checks that the user's role reaches the plan (or intervention, agreement,
goal) and, where the change moves something, the place it moves to (:func:`require`, raising
:class:`OutOfScope`); then it checks all its input (raising :class:`InvalidInput` with every
problem) and writes inside one transaction together with a :class:`HistoryEntry` holding the
diff, so a change is either complete and recorded or not there at all. Views and the API call
these and nothing else writes plan records, so the HTML form and the API cannot disagree about
who may change what, where.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from wijkkompas.plans import GoalMeasure, MeasureNotAvailable, PlanArea
from wijkkompas.web.apps.accounts.models import Organisation
from wijkkompas.web.apps.accounts.permissions import (
    OutOfScope,
    Scope,
    acting_organisations,
    require,
)
from wijkkompas.web.apps.accounts.services import pseudonym_of
from wijkkompas.web.apps.plans import checks as c
from wijkkompas.web.apps.plans import validation as v
from wijkkompas.web.apps.plans.checks import Monitor
from wijkkompas.web.apps.plans.history import created, deleted, diff, jsonable, record, snapshot
from wijkkompas.web.apps.plans.models import (
    Agreement,
    AgreementStatus,
    BudgetLine,
    Goal,
    Intervention,
    Plan,
    PlanPartner,
    Spending,
    TimelineEntry,
)
from wijkkompas.web.common.errors import InvalidInput, Problems

__all__ = ["InvalidInput", "Monitor", "OutOfScope"]

PLAN_FIELDS = ["title", "area_codes", "start_year", "end_year", "vision", "residents_goals"]


def _require_area(user: Any, action: str, codes: Sequence[str]) -> None:
    """Where a plan is put must lie within the caller's area, on creating and on editing."""
    require(
        user,
        action,
        Scope(area=tuple(codes)),
        field="area_codes",
        message=_("Dit gebied valt buiten het gebied waarvoor u coördinator bent."),
    )


@transaction.atomic
def create_plan(*, user: Any, monitor: Monitor, **values: Any) -> Plan:
    values["area_codes"] = v.parse_codes(values["area_codes"])
    require(user, "plan.create")
    problems = Problems()
    gemeente = c.check_plan(problems, values, monitor)
    problems.raise_if_any()
    _require_area(user, "plan.create", values["area_codes"])
    assert monitor.areas is not None and gemeente is not None
    year = int(monitor.areas.regions["year"].max())
    plan = Plan.objects.create(gemeente_code=gemeente, boundary_year=year, **values)
    record(plan=plan, user=user, action="plan.create", obj=plan, changes=created(values))
    return plan


@transaction.atomic
def update_plan(*, user: Any, plan: Plan, monitor: Monitor, **changes: Any) -> Plan:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    require(user, "plan.edit", plan)
    before = snapshot(plan, PLAN_FIELDS)
    values = {**before, **changes}
    values["area_codes"] = v.parse_codes(values["area_codes"])
    problems = Problems()
    gemeente = c.check_plan(problems, values, monitor)
    problems.raise_if_any()
    _require_area(user, "plan.edit", values["area_codes"])
    for name in PLAN_FIELDS:
        setattr(plan, name, values[name])
    plan.gemeente_code = gemeente or plan.gemeente_code
    plan.save()
    changed = diff(before, snapshot(plan, PLAN_FIELDS))
    if changed:
        record(plan=plan, user=user, action="plan.edit", obj=plan, changes=changed)
    return plan


@transaction.atomic
def add_partner(
    *, user: Any, plan: Plan, organisation: Organisation, contribution: str = ""
) -> PlanPartner:
    require(user, "plan.add_partner", plan)
    problems = Problems()
    if plan.partners.filter(organisation=organisation).exists():
        problems.add(
            "organisation", _("%(name)s is al partner in dit plan.") % {"name": organisation}
        )
    problems.raise_if_any()
    partner = PlanPartner.objects.create(
        plan=plan, organisation=organisation, contribution=contribution
    )
    changes = created({"organisation": organisation.name, "contribution": contribution})
    record(plan=plan, user=user, action="plan.add_partner", obj=partner, changes=changes)
    return partner


@transaction.atomic
def add_agreement(*, user: Any, plan: Plan, **values: Any) -> Agreement:
    require(user, "agreement.add", plan)
    problems = Problems()
    c.check_partners(problems, plan, "giver", values["giver"])
    c.check_partners(problems, plan, "receiver", values["receiver"])
    if values["giver"] == values["receiver"]:
        problems.add(
            "receiver", _("Een afspraak is wederkerig: kies een andere partij dan wie belooft.")
        )
    v.check_text(
        problems, "commitment", values["commitment"], _("Beschrijf wat de partner belooft.")
    )
    v.check_text(
        problems, "in_return", values["in_return"], _("Beschrijf wat daar tegenover staat.")
    )
    v.check_years(problems, values["start_year"], values["end_year"], "start_year", "end_year")
    if values.get("quantity") is not None and values["quantity"] < 0:
        problems.add("quantity", _("Een hoeveelheid kan niet negatief zijn. Vul 0 of meer in."))
    if not problems.errors:
        c.check_acting(problems, user, "agreement.add", "giver", values["giver"])
    problems.raise_if_any()
    agreement = Agreement.objects.create(plan=plan, **values)
    record(plan=plan, user=user, action="agreement.add", obj=agreement, changes=created(values))
    return agreement


@transaction.atomic
def record_agreement_status(
    *, user: Any, agreement: Agreement, year: int, status: str, note: str = ""
) -> AgreementStatus:
    require(user, "agreement.record_status", agreement)
    problems = Problems()
    if year not in agreement.years:
        problems.add(
            "year",
            _("Deze afspraak loopt van %(first)s tot en met %(last)s. Kies een jaar daarbinnen.")
            % {"first": agreement.start_year, "last": agreement.end_year},
        )
    problems.raise_if_any()
    entry = AgreementStatus.objects.create(
        agreement=agreement, year=year, status=status, note=note, recorded_by=pseudonym_of(user)
    )
    changes: dict[str, list[Any]] = {
        "year": [None, year],
        "status": [None, status],
        "note": [None, note],
    }
    record(
        plan=agreement.plan, user=user, action="agreement.record_status", obj=entry, changes=changes
    )
    return entry


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
    for name in fields:
        setattr(goal, name, values[name])
    goal.save()
    changed = diff(before, snapshot(goal, fields))
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


@transaction.atomic
def add_intervention(
    *,
    user: Any,
    plan: Plan,
    partners: Sequence[Organisation] = (),
    goals: Sequence[Goal] = (),
    budget: Sequence[tuple[Organisation, int, Decimal]] = (),
    **values: Any,
) -> Intervention:
    """An intervention, optionally with its first budget lines, all or nothing."""
    require(user, "intervention.add", plan)
    problems = Problems()
    values["area_codes"] = v.parse_codes(values.get("area_codes") or [])
    v.check_text(problems, "title", values["title"], _("Geef de interventie een naam."))
    v.check_text(problems, "description", values["description"], _("Beschrijf wat er gebeurt."))
    c.check_partners(problems, plan, "lead", values["lead"])
    c.check_partners(problems, plan, "partners", *partners)
    if values["area_codes"]:
        v.check_within(problems, "area_codes", values["area_codes"], plan.area_codes)
    c.check_dates(problems, values["start_date"], values.get("end_date"))
    for goal in goals:
        if goal.plan_id != plan.pk:
            problems.add("goals", _("Kies alleen doelen van dit plan."))
    for _organisation, year, amount in budget:
        v.check_amount(problems, "budget_amount", amount)
        v.check_in_plan_years(problems, "budget_year", year, plan.start_year, plan.end_year)
    if not problems.errors:
        c.check_acting(problems, user, "intervention.add", "lead", values["lead"])
    problems.raise_if_any()
    intervention = Intervention.objects.create(plan=plan, **values)
    intervention.partners.set(partners)
    intervention.goals.set(goals)
    lines = [
        BudgetLine.objects.create(intervention=intervention, organisation=o, year=y, amount=a)
        for o, y, a in budget
    ]
    changes = created(
        {
            **values,
            "lead": values["lead"].name,
            "partners": [p.name for p in partners],
            "goals": [g.title for g in goals],
            "budget": [f"{line.organisation.name} {line.year}: {line.amount}" for line in lines],
        }
    )
    record(plan=plan, user=user, action="intervention.add", obj=intervention, changes=changes)
    return intervention


INTERVENTION_FIELDS = [
    "title",
    "description",
    "pillar",
    "lead",
    "area_codes",
    "start_date",
    "end_date",
    "resident_initiative",
]


def _intervention_state(
    values: dict[str, Any], partners: Sequence[Organisation], goals: Sequence[Goal]
) -> dict[str, Any]:
    """An intervention as the history shows it: names rather than ids, lists sorted."""
    return {
        **{name: jsonable(values[name]) for name in INTERVENTION_FIELDS},
        "lead": values["lead"].name,
        "partners": sorted(p.name for p in partners),
        "goals": [g.title for g in sorted(goals, key=lambda g: g.pk)],
    }


@transaction.atomic
def update_intervention(
    *,
    user: Any,
    intervention: Intervention,
    partners: Sequence[Organisation] | None = None,
    goals: Sequence[Goal] | None = None,
    **changes: Any,
) -> Intervention:
    """Change any part of an intervention, checked as on creation; the old values stay in the
    history. ``partners`` and ``goals`` replace the current ones when given.

    Whoever edits must still reach the intervention afterwards: a partner cannot hand the lead
    to another organisation, or take their own organisation off it, and nobody moves it to a
    buurt outside their own area.
    """
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    require(user, "intervention.edit", intervention)
    plan = intervention.plan
    old_partners = list(intervention.partners.all())
    old_goals = list(intervention.goals.all())
    before = {name: getattr(intervention, name) for name in INTERVENTION_FIELDS}
    values = {**before, **changes}
    new_partners = old_partners if partners is None else list(partners)
    new_goals = old_goals if goals is None else list(goals)
    values["area_codes"] = v.parse_codes(values["area_codes"] or [])
    problems = Problems()
    v.check_text(problems, "title", values["title"] or "", _("Geef de interventie een naam."))
    v.check_text(
        problems, "description", values["description"] or "", _("Beschrijf wat er gebeurt.")
    )
    if values["pillar"] not in Intervention.Pillar.values:
        problems.add("pillar", _("Kies een pijler uit de lijst."))
    c.check_partners(problems, plan, "lead", values["lead"])
    c.check_partners(problems, plan, "partners", *new_partners)
    if values["area_codes"]:
        v.check_within(problems, "area_codes", values["area_codes"], plan.area_codes)
    if values["start_date"] is None:
        problems.add("start_date", _("Vul de startdatum in."))
    c.check_dates(problems, values["start_date"], values["end_date"])
    if any(goal.plan_id != plan.pk for goal in new_goals):
        problems.add("goals", _("Kies alleen doelen van dit plan."))
    if not problems.errors and values["lead"] != before["lead"]:
        c.check_acting(problems, user, "intervention.edit", "lead", values["lead"])
    organisations = frozenset({values["lead"].pk, *(p.pk for p in new_partners)})
    acting = acting_organisations(user, "intervention.edit")
    if not problems.errors and acting is not None and not acting & organisations:
        problems.add(
            "partners",
            _(
                "Uw eigen organisatie moet trekker of partner blijven; anders kunt u deze "
                "interventie niet meer bijhouden."
            ),
        )
    problems.raise_if_any()
    area = tuple(values["area_codes"] or plan.area_codes)
    require(
        user,
        "intervention.edit",
        Scope(area=area, organisations=organisations),
        field="area_codes",
    )
    old_state = _intervention_state(before, old_partners, old_goals)
    for name in INTERVENTION_FIELDS:
        setattr(intervention, name, values[name])
    intervention.save()
    intervention.partners.set(new_partners)
    intervention.goals.set(new_goals)
    changed = diff(old_state, _intervention_state(values, new_partners, new_goals))
    if changed:
        record(plan=plan, user=user, action="intervention.edit", obj=intervention, changes=changed)
    return intervention


@transaction.atomic
def set_budget(
    *, user: Any, intervention: Intervention, organisation: Organisation, year: int, amount: Decimal
) -> BudgetLine:
    """Set one partner's budget for one year; the old amount stays in the history."""
    require(user, "intervention.set_budget", intervention)
    plan = intervention.plan
    problems = Problems()
    v.check_amount(problems, "amount", amount)
    v.check_in_plan_years(problems, "year", year, plan.start_year, plan.end_year)
    c.check_partners(problems, plan, "organisation", organisation)
    if not problems.errors:
        c.check_acting(problems, user, "intervention.set_budget", "organisation", organisation)
    problems.raise_if_any()
    line, new = BudgetLine.objects.select_for_update().get_or_create(
        intervention=intervention, organisation=organisation, year=year, defaults={"amount": amount}
    )
    old = None if new else jsonable(line.amount)
    if not new and line.amount != amount:
        line.amount = amount
        line.save(update_fields=["amount"])
    if new or old != jsonable(amount):
        changes = {
            "organisation": [None, organisation.name],
            "year": [None, year],
            "amount": [old, jsonable(amount)],
        }
        record(plan=plan, user=user, action="intervention.set_budget", obj=line, changes=changes)
    return line


@transaction.atomic
def record_spending(
    *,
    user: Any,
    intervention: Intervention,
    organisation: Organisation,
    year: int,
    amount: Decimal,
    note: str = "",
) -> Spending:
    """Money spent; a correction is a negative amount and must say why."""
    require(user, "intervention.record_spending", intervention)
    plan = intervention.plan
    problems = Problems()
    v.check_amount(problems, "amount", amount, allow_negative=bool(note.strip()))
    v.check_in_plan_years(problems, "year", year, plan.start_year, plan.end_year)
    c.check_partners(problems, plan, "organisation", organisation)
    if not problems.errors:
        c.check_acting(problems, user, "intervention.record_spending", "organisation", organisation)
    problems.raise_if_any()
    spending = Spending.objects.create(
        intervention=intervention,
        organisation=organisation,
        year=year,
        amount=amount,
        note=note,
        recorded_by=pseudonym_of(user),
    )
    changes = created(
        {"organisation": organisation.name, "year": year, "amount": amount, "note": note}
    )
    record(
        plan=plan, user=user, action="intervention.record_spending", obj=spending, changes=changes
    )
    return spending


@transaction.atomic
def add_timeline_entry(
    *, user: Any, intervention: Intervention, date: date, status: str, note: str = ""
) -> TimelineEntry:
    require(user, "intervention.add_timeline", intervention)
    problems = Problems()
    if date.year > intervention.plan.end_year + 1 or date.year < intervention.plan.start_year - 1:
        problems.add("date", _("Kies een datum binnen de looptijd van het plan."))
    problems.raise_if_any()
    entry = TimelineEntry.objects.create(
        intervention=intervention,
        date=date,
        status=status,
        note=note,
        recorded_by=pseudonym_of(user),
    )
    changes = created({"date": date, "status": status, "note": note})
    record(
        plan=intervention.plan,
        user=user,
        action="intervention.add_timeline",
        obj=entry,
        changes=changes,
    )
    return entry
