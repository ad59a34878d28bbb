"""``/plannen/{id}/doelen`` and ``/voortgang``: goals and their progress from the monitor."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Status

from wijkkompas.web.apps.accounts.permissions import ApiPermission, api_authorize
from wijkkompas.web.apps.plans import services
from wijkkompas.web.apps.plans.api import schemas as s
from wijkkompas.web.apps.plans.api.common import choice, get_or_404, plan_or_404, run
from wijkkompas.web.apps.plans.api.router import router
from wijkkompas.web.apps.plans.models import Goal
from wijkkompas.web.apps.plans.selectors.monitor import open_monitor
from wijkkompas.web.apps.plans.selectors.progress import GoalProgress, goal_progress, plan_progress

ERRORS = {400: dict, 401: dict, 403: dict, 404: dict}


def goal_out(goal: Goal) -> dict[str, Any]:
    return {
        "id": goal.pk,
        "soort": goal.kind,
        "titel": goal.title,
        "indicator": goal.indicator_id or None,
        "conditie": goal.social_quality or None,
        "dimensie": goal.dimension or None,
        "basisjaar": goal.baseline_year,
        "beginwaarde": goal.baseline_value,
        "bron": goal.baseline_source,
        "indexrun": goal.index_run_id,
        "doeljaar": goal.target_year,
        "streefwaarde": goal.target_value,
        "oordeelBewoners": goal.resident_measure,
    }


def progress_out(progress: GoalProgress) -> dict[str, Any]:
    did = progress.did
    comparison = None
    if did is not None:
        comparison = {
            "oordeel": did.verdict,
            "schatting": did.estimate,
            "standaardfout": did.standard_error,
            "ondergrens": did.ci_low,
            "bovengrens": did.ci_high,
            "jarenVoor": list(did.pre_years),
            "jarenNa": list(did.post_years),
            "aantalVergelijkingsbuurten": len(did.comparison_units),
            "trendVoorafAfwijkend": did.pre_trend_warning,
        }
    assessment = progress.assessment
    return {
        "doelId": progress.goal.pk,
        "status": progress.status,
        "reden": assessment.reason if assessment else progress.missing,
        "metingen": [{"jaar": y, "waarde": v} for y, v in progress.series],
        "verwachteWaarde": assessment.expected_value if assessment else None,
        "vergelijking": comparison,
    }


@router.get(
    "/{plan_id}/doelen",
    response={200: list[s.DoelUit], 404: dict},
    auth=ApiPermission("plan.view_public"),
)
def list_goals(request: HttpRequest, plan_id: int) -> list[dict[str, Any]]:
    """De doelen van een wijkaanpak."""
    return [goal_out(goal) for goal in plan_or_404(plan_id).goals.all()]


@router.post(
    "/{plan_id}/doelen", response={201: s.DoelUit, **ERRORS}, auth=ApiPermission("goal.add")
)
def add_goal(request: HttpRequest, plan_id: int, payload: s.DoelIn) -> Status[Any]:
    """Een doel toevoegen. Bij een indicator komt de beginwaarde uit de monitor."""
    plan = plan_or_404(plan_id)
    api_authorize(request, "goal.add", plan)
    with open_monitor() as monitor:
        goal = run(
            services.add_goal,
            user=request.user,
            plan=plan,
            monitor=monitor,
            kind=choice("soort", payload.soort, Goal.Kind.choices),
            title=payload.titel,
            indicator_id=payload.indicator or "",
            dimension=payload.dimensie or "",
            social_quality=payload.conditie or "",
            index_run=payload.indexrun or None,
            baseline_year=payload.basisjaar,
            target_year=payload.doeljaar,
            target_value=payload.streefwaarde,
            resident_measure=payload.oordeelBewoners,
        )
    return Status(201, goal_out(goal))


@router.get(
    "/{plan_id}/doelen/{doel_id}",
    response={200: s.DoelUit, 404: dict},
    auth=ApiPermission("plan.view_public"),
)
def get_goal(request: HttpRequest, plan_id: int, doel_id: int) -> dict[str, Any]:
    """Eén doel."""
    return goal_out(get_or_404(Goal, pk=doel_id, plan_id=plan_id))


@router.patch(
    "/{plan_id}/doelen/{doel_id}",
    response={200: s.DoelUit, **ERRORS},
    auth=ApiPermission("goal.edit"),
)
def update_goal(
    request: HttpRequest, plan_id: int, doel_id: int, payload: s.DoelWijziging
) -> dict[str, Any]:
    """Een doel bijstellen; de beginwaarde blijft, het oude doel staat in de geschiedenis."""
    goal = get_or_404(Goal, pk=doel_id, plan_id=plan_id)
    api_authorize(request, "goal.edit", goal)
    names = {
        "titel": "title",
        "doeljaar": "target_year",
        "streefwaarde": "target_value",
        "oordeelBewoners": "resident_measure",
    }
    changes = {names[k]: v for k, v in payload.dict(exclude_unset=True).items()}
    return goal_out(run(services.update_goal, user=request.user, goal=goal, **changes))


@router.delete(
    "/{plan_id}/doelen/{doel_id}",
    response={204: None, 401: dict, 403: dict, 404: dict},
    auth=ApiPermission("goal.delete"),
)
def delete_goal(request: HttpRequest, plan_id: int, doel_id: int) -> Status[None]:
    """Een doel verwijderen. Interventies die eraan werkten blijven, zonder dit doel; de
    geschiedenis bewaart wat het doel was."""
    goal = get_or_404(Goal, pk=doel_id, plan_id=plan_id)
    api_authorize(request, "goal.delete", goal)
    run(services.delete_goal, user=request.user, goal=goal)
    return Status(204, None)


@router.get(
    "/{plan_id}/doelen/{doel_id}/voortgang",
    response={200: s.VoortgangUit, 404: dict, 503: dict},
    auth=ApiPermission("plan.view_public"),
)
def get_goal_progress(request: HttpRequest, plan_id: int, doel_id: int) -> dict[str, Any]:
    """Voortgang van één doel: de cijfers van de monitor en de vergelijking met buurten zonder
    het plan (verschil-in-verschillen, met onzekerheidsmarge)."""
    goal = get_or_404(Goal, pk=doel_id, plan_id=plan_id)
    with open_monitor() as monitor:
        return progress_out(goal_progress(goal, goal.plan, monitor))


@router.get(
    "/{plan_id}/voortgang",
    response={200: list[s.VoortgangUit], 404: dict, 503: dict},
    auth=ApiPermission("plan.view_public"),
)
def get_plan_progress(request: HttpRequest, plan_id: int) -> list[dict[str, Any]]:
    """Voortgang van alle doelen van een wijkaanpak."""
    plan = plan_or_404(plan_id)
    with open_monitor() as monitor:
        return [progress_out(p) for p in plan_progress(plan, monitor)]
