"""``/plannen/{id}/interventies``: interventions, their budget, spending and timeline."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Status

from wijkkompas.web.apps.accounts.permissions import ApiPermission, api_authorize
from wijkkompas.web.apps.plans import services
from wijkkompas.web.apps.plans.api import schemas as s
from wijkkompas.web.apps.plans.api.common import (
    choice,
    get_or_404,
    organisation,
    organisation_out,
    plan_or_404,
    run,
)
from wijkkompas.web.apps.plans.api.router import router
from wijkkompas.web.apps.plans.models import Goal, Intervention, TimelineEntry
from wijkkompas.web.apps.plans.selectors.budget import ZERO
from wijkkompas.web.common.problems import InvalidParams

ERRORS = {400: dict, 401: dict, 403: dict, 404: dict}


def intervention_out(i: Intervention) -> dict[str, Any]:
    timeline = list(i.timeline.all())
    return {
        "id": i.pk,
        "titel": i.title,
        "omschrijving": i.description,
        "pijler": i.pillar,
        "trekker": organisation_out(i.lead),
        "partners": [organisation_out(o) for o in i.partners.all()],
        "doelen": [g.pk for g in i.goals.all()],
        "gebied": i.area,
        "start": i.start_date,
        "einde": i.end_date,
        "bewonersinitiatief": i.resident_initiative,
        "status": timeline[-1].status if timeline else None,
        "begroot": sum((line.amount for line in i.budget_lines.all()), ZERO),
        "uitgegeven": sum((sp.amount for sp in i.spending.all()), ZERO),
    }


def _goals(plan_id: int, ids: list[int]) -> list[Goal]:
    """The goals with these ids; an id that is not a goal of this plan is invalid input."""
    goals = list(Goal.objects.filter(pk__in=ids, plan_id=plan_id))
    if len(goals) != len(set(ids)):
        raise InvalidParams({"doelIds": [_("Kies alleen doelen van dit plan.")]})
    return goals


def _intervention(
    request: HttpRequest, plan_id: int, interventie_id: int, action: str
) -> Intervention:
    intervention = get_or_404(Intervention, pk=interventie_id, plan_id=plan_id)
    api_authorize(request, action, intervention)
    return intervention


@router.get(
    "/{plan_id}/interventies",
    response={200: list[s.InterventieUit], 404: dict},
    auth=ApiPermission("plan.view_public"),
)
def list_interventions(request: HttpRequest, plan_id: int) -> list[dict[str, Any]]:
    """De interventies van een wijkaanpak, ook kleine bewonersinitiatieven."""
    plan = plan_or_404(plan_id)
    queryset = plan.interventions.select_related("lead", "plan").prefetch_related(
        "partners", "goals", "timeline", "budget_lines", "spending"
    )
    return [intervention_out(i) for i in queryset]


@router.post(
    "/{plan_id}/interventies",
    response={201: s.InterventieUit, **ERRORS},
    auth=ApiPermission("intervention.add"),
)
def add_intervention(request: HttpRequest, plan_id: int, payload: s.InterventieIn) -> Status[Any]:
    """Een interventie toevoegen, met de eerste begrotingsregels (alles of niets)."""
    plan = plan_or_404(plan_id)
    api_authorize(request, "intervention.add", plan)
    goals = _goals(plan.pk, payload.doelIds)
    intervention = run(
        services.add_intervention,
        user=request.user,
        plan=plan,
        title=payload.titel,
        description=payload.omschrijving,
        pillar=choice("pijler", payload.pijler, Intervention.Pillar.choices),
        lead=organisation("trekkerId", payload.trekkerId),
        partners=[organisation("partnerIds", pk) for pk in payload.partnerIds],
        goals=goals,
        area_codes=payload.gebied,
        start_date=payload.start,
        end_date=payload.einde,
        resident_initiative=payload.bewonersinitiatief,
        budget=[
            (organisation("begroting", line.organisatieId), line.jaar, line.bedrag)
            for line in payload.begroting
        ],
    )
    return Status(201, intervention_out(intervention))


@router.get(
    "/{plan_id}/interventies/{interventie_id}",
    response={200: s.InterventieUit, 404: dict},
    auth=ApiPermission("plan.view_public"),
)
def get_intervention(request: HttpRequest, plan_id: int, interventie_id: int) -> dict[str, Any]:
    """Eén interventie."""
    return intervention_out(get_or_404(Intervention, pk=interventie_id, plan_id=plan_id))


@router.patch(
    "/{plan_id}/interventies/{interventie_id}",
    response={200: s.InterventieUit, **ERRORS},
    auth=ApiPermission("intervention.edit"),
)
def update_intervention(
    request: HttpRequest, plan_id: int, interventie_id: int, payload: s.InterventieWijziging
) -> dict[str, Any]:
    """Een interventie wijzigen: elk veld dat u meestuurt, gecontroleerd als bij het toevoegen.
    ``partnerIds`` en ``doelIds`` vervangen de huidige lijsten. De oude waarden blijven in de
    geschiedenis; geld wijzigt u via ``begrotingen`` en ``uitgaven``."""
    intervention = _intervention(request, plan_id, interventie_id, "intervention.edit")
    sent = payload.dict(exclude_unset=True)
    empty = [k for k, value in sent.items() if value is None and k != "einde"]
    if empty:
        raise InvalidParams({k: [_("Dit veld kan niet leeg zijn.")] for k in empty})
    names = {
        "titel": "title",
        "omschrijving": "description",
        "start": "start_date",
        "einde": "end_date",
        "gebied": "area_codes",
        "bewonersinitiatief": "resident_initiative",
    }
    changes: dict[str, Any] = {names[k]: v for k, v in sent.items() if k in names}
    if "pijler" in sent:
        changes["pillar"] = choice("pijler", sent["pijler"], Intervention.Pillar.choices)
    if "trekkerId" in sent:
        changes["lead"] = organisation("trekkerId", sent["trekkerId"])
    if "partnerIds" in sent:
        changes["partners"] = [organisation("partnerIds", pk) for pk in sent["partnerIds"]]
    if "doelIds" in sent:
        changes["goals"] = _goals(intervention.plan_id, sent["doelIds"])
    return intervention_out(
        run(services.update_intervention, user=request.user, intervention=intervention, **changes)
    )


@router.post(
    "/{plan_id}/interventies/{interventie_id}/begrotingen",
    response={201: s.BegrotingsregelIn, **ERRORS},
    auth=ApiPermission("intervention.set_budget"),
)
def set_budget(
    request: HttpRequest, plan_id: int, interventie_id: int, payload: s.BegrotingsregelIn
) -> Status[Any]:
    """Het bedrag van één partner voor één jaar vastleggen (een eerder bedrag blijft in de
    geschiedenis)."""
    intervention = _intervention(request, plan_id, interventie_id, "intervention.set_budget")
    line = run(
        services.set_budget,
        user=request.user,
        intervention=intervention,
        organisation=organisation("organisatieId", payload.organisatieId),
        year=payload.jaar,
        amount=payload.bedrag,
    )
    return Status(
        201, {"organisatieId": line.organisation_id, "jaar": line.year, "bedrag": line.amount}
    )


@router.post(
    "/{plan_id}/interventies/{interventie_id}/uitgaven",
    response={201: s.UitgaveIn, **ERRORS},
    auth=ApiPermission("intervention.record_spending"),
)
def record_spending(
    request: HttpRequest, plan_id: int, interventie_id: int, payload: s.UitgaveIn
) -> Status[Any]:
    """Een uitgave vastleggen; een correctie is een negatief bedrag met toelichting."""
    intervention = _intervention(request, plan_id, interventie_id, "intervention.record_spending")
    spent = run(
        services.record_spending,
        user=request.user,
        intervention=intervention,
        organisation=organisation("organisatieId", payload.organisatieId),
        year=payload.jaar,
        amount=payload.bedrag,
        note=payload.toelichting,
    )
    return Status(
        201,
        {
            "organisatieId": spent.organisation_id,
            "jaar": spent.year,
            "bedrag": spent.amount,
            "toelichting": spent.note,
        },
    )


@router.post(
    "/{plan_id}/interventies/{interventie_id}/tijdlijn",
    response={201: s.TijdlijnIn, **ERRORS},
    auth=ApiPermission("intervention.add_timeline"),
)
def add_timeline_entry(
    request: HttpRequest, plan_id: int, interventie_id: int, payload: s.TijdlijnIn
) -> Status[Any]:
    """Voortgang melden: wat er op een datum gebeurde en de status vanaf dan."""
    intervention = _intervention(request, plan_id, interventie_id, "intervention.add_timeline")
    entry = run(
        services.add_timeline_entry,
        user=request.user,
        intervention=intervention,
        date=payload.datum,
        status=choice("status", payload.status, TimelineEntry.Status.choices),
        note=payload.toelichting,
    )
    return Status(201, {"datum": entry.date, "status": entry.status, "toelichting": entry.note})
