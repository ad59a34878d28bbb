"""Shared by the plans API modules: loading by id, calling services, turning models into
schemas. A service's ``InvalidInput`` becomes a 400 problem with the API's own field names."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db.models import Model
from django.http import Http404
from django.utils.translation import gettext as _

from wijkkompas.web.apps.accounts.models import Organisation
from wijkkompas.web.apps.plans.models import Plan
from wijkkompas.web.common.errors import InvalidInput, OutOfScope
from wijkkompas.web.common.problems import InvalidParams

T = TypeVar("T")
M = TypeVar("M", bound=Model)

API_NAMES = {
    "title": "titel",
    "area_codes": "gebied",
    "start_year": "startjaar",
    "end_year": "eindjaar",
    "vision": "visie",
    "residents_goals": "doelenBewoners",
    "organisation": "organisatieId",
    "contribution": "inbreng",
    "giver": "geverId",
    "kind": "soort",
    "commitment": "belofte",
    "quantity": "hoeveelheid",
    "receiver": "ontvangerId",
    "in_return": "tegenprestatie",
    "year": "jaar",
    "note": "toelichting",
    "indicator_id": "indicator",
    "dimension": "dimensie",
    "social_quality": "conditie",
    "index_run": "indexrun",
    "baseline_year": "basisjaar",
    "target_year": "doeljaar",
    "target_value": "streefwaarde",
    "resident_measure": "oordeelBewoners",
    "description": "omschrijving",
    "pillar": "pijler",
    "lead": "trekkerId",
    "partners": "partnerIds",
    "goals": "doelIds",
    "start_date": "start",
    "end_date": "einde",
    "budget_year": "begroting",
    "budget_amount": "begroting",
    "amount": "bedrag",
    "date": "datum",
}


def run(service: Callable[..., T], **kwargs: Any) -> T:
    """Call a service; its refusals carry the API's field names (400 invalid, 403 elsewhere)."""
    try:
        return service(**kwargs)
    except InvalidInput as exc:
        renamed: dict[str, list[str]] = {}
        for name, messages in exc.errors.items():
            renamed.setdefault(API_NAMES.get(name, name), []).extend(messages)
        raise InvalidParams(renamed) from None
    except OutOfScope as exc:
        field = API_NAMES.get(exc.field, exc.field) if exc.field else None
        raise OutOfScope(exc.message, action=exc.action, field=field) from None


def get_or_404(model: type[M], **lookup: Any) -> M:
    try:
        return model.objects.get(**lookup)
    except (model.DoesNotExist, OverflowError):
        # an id beyond the database's integer range cannot exist either
        raise Http404(model.__name__) from None


def plan_or_404(plan_id: int) -> Plan:
    return get_or_404(Plan, pk=plan_id)


def organisation(field: str, pk: int) -> Organisation:
    """A referenced organisation; an unknown id in the body is invalid input (400), not a 404."""
    try:
        return Organisation.objects.get(pk=pk)
    except (Organisation.DoesNotExist, OverflowError):
        raise InvalidParams(
            {field: [_("Er is geen organisatie met id %(id)s.") % {"id": pk}]}
        ) from None


def choice(field: str, value: str | None, choices: Iterable[tuple[str, Any]]) -> str:
    allowed = [key for key, _label in choices]
    if value not in allowed:
        raise InvalidParams(
            {field: [_("Kies een van: %(values)s.") % {"values": ", ".join(allowed)}]}
        )
    return value


def organisation_out(org: Organisation) -> dict[str, Any]:
    return {"id": org.pk, "naam": org.name, "soort": org.kind}


def plan_out(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "titel": plan.title,
        "gemeente": plan.gemeente_code,
        "gebied": list(plan.area_codes),
        "startjaar": plan.start_year,
        "eindjaar": plan.end_year,
        "visie": plan.vision,
        "doelenBewoners": plan.residents_goals,
        "partners": [
            organisation_out(p.organisation) for p in plan.partners.select_related("organisation")
        ],
    }
