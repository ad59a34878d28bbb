"""Changes to a plan itself: create it, edit it, its partners and its agreements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from wijkkompas.web.apps.accounts.models import Organisation
from wijkkompas.web.apps.accounts.permissions import (
    Scope,
    require,
)
from wijkkompas.web.apps.accounts.services import pseudonym_of
from wijkkompas.web.apps.plans import checks as c
from wijkkompas.web.apps.plans import validation as v
from wijkkompas.web.apps.plans.checks import Monitor
from wijkkompas.web.apps.plans.history import created, record, snapshot
from wijkkompas.web.apps.plans.models import (
    Agreement,
    AgreementStatus,
    Plan,
    PlanPartner,
)
from wijkkompas.web.common.errors import Problems
from wijkkompas.web.common.services import model_update

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
    values["gemeente_code"] = gemeente or plan.gemeente_code
    changed = model_update(instance=plan, fields=[*PLAN_FIELDS, "gemeente_code"], data=values)
    changed.pop("gemeente_code", None)  # follows from the area; the history shows the area
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
