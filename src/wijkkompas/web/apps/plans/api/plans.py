"""``/plannen``: plans, partners, agreements, budgets and history; ``/organisaties``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Status

from wijkkompas.web.apps.accounts import services as accounts
from wijkkompas.web.apps.accounts.models import Organisation
from wijkkompas.web.apps.accounts.permissions import ApiPermission, api_authorize
from wijkkompas.web.apps.plans import services
from wijkkompas.web.apps.plans.api import schemas as s
from wijkkompas.web.apps.plans.api.common import (
    choice,
    get_or_404,
    organisation,
    organisation_out,
    plan_or_404,
    plan_out,
    run,
)
from wijkkompas.web.apps.plans.api.router import organisations_router, router
from wijkkompas.web.apps.plans.models import Agreement, AgreementStatus, Plan
from wijkkompas.web.apps.plans.selectors.budget import budget_rows
from wijkkompas.web.apps.plans.selectors.monitor import open_monitor
from wijkkompas.web.apps.plans.selectors.overview import agreement_views

ERRORS = {400: dict, 401: dict, 403: dict, 404: dict}


@organisations_router.get(
    "", response=list[s.OrganisatieUit], auth=ApiPermission("organisation.list")
)
def list_organisations(request: HttpRequest) -> list[dict[str, Any]]:
    """Alle organisaties die aan een wijkaanpak kunnen meedoen."""
    return [organisation_out(o) for o in Organisation.objects.all()]


@organisations_router.post(
    "", response={201: s.OrganisatieUit, **ERRORS}, auth=ApiPermission("organisation.create")
)
def create_organisation(request: HttpRequest, payload: s.OrganisatieIn) -> Status[Any]:
    """Een organisatie toevoegen (coördinator, beheerder)."""
    kind = choice("soort", payload.soort, Organisation.Kind.choices)
    return Status(201, organisation_out(accounts.create_organisation(name=payload.naam, kind=kind)))


@router.get("", response=list[s.PlanUit], auth=ApiPermission("plan.list"))
def list_plans(request: HttpRequest) -> list[dict[str, Any]]:
    """Alle wijkaanpakken (openbaar)."""
    return [plan_out(plan) for plan in Plan.objects.all()]


@router.post("", response={201: s.PlanUit, **ERRORS}, auth=ApiPermission("plan.create"))
def create_plan(request: HttpRequest, payload: s.PlanIn) -> Status[Any]:
    """Een wijkaanpak aanmaken; het gebied moet in de monitor bestaan en binnen uw gebied liggen."""
    values = {
        "title": payload.titel,
        "area_codes": payload.gebied,
        "start_year": payload.startjaar,
        "end_year": payload.eindjaar,
        "vision": payload.visie,
        "residents_goals": payload.doelenBewoners,
    }
    with open_monitor() as monitor:
        plan = run(services.create_plan, user=request.user, monitor=monitor, **values)
    return Status(201, plan_out(plan))


@router.get(
    "/{plan_id}", response={200: s.PlanUit, 404: dict}, auth=ApiPermission("plan.view_public")
)
def get_plan(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    """Eén wijkaanpak."""
    return plan_out(plan_or_404(plan_id))


@router.patch("/{plan_id}", response={200: s.PlanUit, **ERRORS}, auth=ApiPermission("plan.edit"))
def update_plan(request: HttpRequest, plan_id: int, payload: s.PlanWijziging) -> dict[str, Any]:
    """Een wijkaanpak wijzigen; de oude waarden blijven in de geschiedenis."""
    plan = plan_or_404(plan_id)
    api_authorize(request, "plan.edit", plan)
    names = {
        "titel": "title",
        "gebied": "area_codes",
        "startjaar": "start_year",
        "eindjaar": "end_year",
        "visie": "vision",
        "doelenBewoners": "residents_goals",
    }
    changes = {names[k]: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    with open_monitor() as monitor:
        plan = run(services.update_plan, user=request.user, plan=plan, monitor=monitor, **changes)
    return plan_out(plan)


@router.get(
    "/{plan_id}/partners",
    response={200: list[s.PartnerUit], 404: dict},
    auth=ApiPermission("plan.view_public"),
)
def list_partners(request: HttpRequest, plan_id: int) -> list[dict[str, Any]]:
    """De partners van een wijkaanpak en wat zij inbrengen."""
    plan = plan_or_404(plan_id)
    return [
        {"organisatie": organisation_out(p.organisation), "inbreng": p.contribution}
        for p in plan.partners.select_related("organisation")
    ]


@router.post(
    "/{plan_id}/partners",
    response={201: s.PartnerUit, **ERRORS},
    auth=ApiPermission("plan.add_partner"),
)
def add_partner(request: HttpRequest, plan_id: int, payload: s.PartnerIn) -> Status[Any]:
    """Een partner toevoegen."""
    plan = plan_or_404(plan_id)
    api_authorize(request, "plan.add_partner", plan)
    org = organisation("organisatieId", payload.organisatieId)
    partner = run(
        services.add_partner,
        user=request.user,
        plan=plan,
        organisation=org,
        contribution=payload.inbreng,
    )
    return Status(201, {"organisatie": organisation_out(org), "inbreng": partner.contribution})


def _agreement_out(view: Any) -> dict[str, Any]:
    a = view.agreement
    return {
        "id": a.pk,
        "gever": organisation_out(a.giver),
        "soort": a.kind,
        "belofte": a.commitment,
        "hoeveelheid": a.quantity,
        "ontvanger": organisation_out(a.receiver),
        "tegenprestatie": a.in_return,
        "startjaar": a.start_year,
        "eindjaar": a.end_year,
        "standen": [{"jaar": y, "stand": st.status if st else None} for y, st in view.years],
    }


@router.get(
    "/{plan_id}/afspraken",
    response={200: list[s.AfspraakUit], 404: dict},
    auth=ApiPermission("plan.view_public"),
)
def list_agreements(request: HttpRequest, plan_id: int) -> list[dict[str, Any]]:
    """De prestatieafspraken met hun stand per jaar."""
    return [_agreement_out(view) for view in agreement_views(plan_or_404(plan_id))]


@router.post(
    "/{plan_id}/afspraken",
    response={201: s.AfspraakUit, **ERRORS},
    auth=ApiPermission("agreement.add"),
)
def add_agreement(request: HttpRequest, plan_id: int, payload: s.AfspraakIn) -> Status[Any]:
    """Een wederkerige afspraak vastleggen: wie belooft wat, en wat staat daartegenover."""
    plan = plan_or_404(plan_id)
    api_authorize(request, "agreement.add", plan)
    agreement = run(
        services.add_agreement,
        user=request.user,
        plan=plan,
        giver=organisation("geverId", payload.geverId),
        kind=choice("soort", payload.soort, Agreement.Kind.choices),
        commitment=payload.belofte,
        quantity=payload.hoeveelheid,
        receiver=organisation("ontvangerId", payload.ontvangerId),
        in_return=payload.tegenprestatie,
        start_year=payload.startjaar,
        end_year=payload.eindjaar,
    )
    view = next(v for v in agreement_views(plan) if v.agreement.pk == agreement.pk)
    return Status(201, _agreement_out(view))


@router.post(
    "/{plan_id}/afspraken/{afspraak_id}/standen",
    response={201: s.AfspraakStand, **ERRORS},
    auth=ApiPermission("agreement.record_status"),
)
def record_agreement_status(
    request: HttpRequest, plan_id: int, afspraak_id: int, payload: s.StandIn
) -> Status[Any]:
    """De stand van een afspraak in een jaar vastleggen (een nieuwe regel; oude blijven)."""
    agreement = get_or_404(Agreement, pk=afspraak_id, plan_id=plan_id)
    api_authorize(request, "agreement.record_status", agreement)
    status = choice("stand", payload.stand, AgreementStatus.Status.choices)
    entry = run(
        services.record_agreement_status,
        user=request.user,
        agreement=agreement,
        year=payload.jaar,
        status=status,
        note=payload.toelichting,
    )
    return Status(201, {"jaar": entry.year, "stand": entry.status})


@router.get(
    "/{plan_id}/begroting",
    response={200: list[s.BegrotingsregelUit], 404: dict},
    auth=ApiPermission("plan.view_public"),
)
def get_budget(request: HttpRequest, plan_id: int) -> list[dict[str, Any]]:
    """Begroot en uitgegeven per interventie, partner en jaar."""
    return [
        {
            "interventieId": r.intervention.pk,
            "organisatie": r.organisation,
            "jaar": r.year,
            "begroot": r.budget,
            "uitgegeven": r.spent,
        }
        for r in budget_rows(plan_or_404(plan_id))
    ]


@router.get(
    "/{plan_id}/geschiedenis",
    response={200: list[s.GeschiedenisUit], 401: dict, 403: dict, 404: dict},
    auth=ApiPermission("plan.view"),
)
def list_history(request: HttpRequest, plan_id: int) -> list[dict[str, Any]]:
    """Elke wijziging: wanneer, wie (pseudoniem), in welke rol, wat."""
    plan = plan_or_404(plan_id)
    return [
        {
            "tijdstip": h.at,
            "wie": h.actor,
            "rol": h.actor_role,
            "organisatie": h.actor_organisation,
            "actie": h.action,
            "soortObject": h.object_type,
            "objectId": h.object_id,
            "wijzigingen": h.changes,
        }
        for h in plan.history.all()
    ]
