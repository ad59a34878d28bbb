"""Changes to a plan's interventions: add, edit, their budget, spending and timeline."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from wijkkompas.web.apps.accounts.models import Organisation
from wijkkompas.web.apps.accounts.permissions import (
    Scope,
    acting_organisations,
    require,
)
from wijkkompas.web.apps.accounts.services import pseudonym_of
from wijkkompas.web.apps.plans import checks as c
from wijkkompas.web.apps.plans import validation as v
from wijkkompas.web.apps.plans.history import created, diff, record
from wijkkompas.web.apps.plans.models import (
    BudgetLine,
    Goal,
    Intervention,
    Plan,
    Spending,
    TimelineEntry,
)
from wijkkompas.web.common.errors import Problems
from wijkkompas.web.common.services import jsonable, model_update


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


def _relations(partners: Sequence[Organisation], goals: Sequence[Goal]) -> dict[str, Any]:
    """An intervention's partners and goals as the history shows them: names, lists sorted."""
    return {
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

    Its own fields change through ``model_update`` (only those that changed are saved); its
    partners and goals are set beside them and recorded by name in the same history entry.

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
    changed = model_update(instance=intervention, fields=INTERVENTION_FIELDS, data=values)
    intervention.partners.set(new_partners)
    intervention.goals.set(new_goals)
    changed |= diff(_relations(old_partners, old_goals), _relations(new_partners, new_goals))
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
