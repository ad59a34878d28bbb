"""The plan list, the plan's workspace, its public accountability page; creating and editing."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from wijkkompas.web.apps.accounts.demo import demo_context
from wijkkompas.web.apps.accounts.permissions import Scope, authorize, can, permission
from wijkkompas.web.apps.plans import services
from wijkkompas.web.apps.plans.forms import PlanForm
from wijkkompas.web.apps.plans.labels import STATUS_LABELS
from wijkkompas.web.apps.plans.models import Plan
from wijkkompas.web.apps.plans.selectors.monitor import open_monitor
from wijkkompas.web.apps.plans.selectors.overview import all_plans, history, overview
from wijkkompas.web.apps.plans.views.common import form_page, get_plan
from wijkkompas.web.common.forms import posted


@permission("plan.list")
@require_safe
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = all_plans()
    return render(
        request,
        "plans/list.html",
        {"plans": plans, **demo_context(any(p.is_demo for p in plans))},
    )


def _area_options(
    request: HttpRequest, action: str, gemeente: str | None = None
) -> list[tuple[str, str, str]]:
    """The areas the user may plan for: a coordinator of one wijk is not shown the city."""
    with open_monitor() as monitor:
        options = monitor.areas.options(gemeente) if monitor.areas else []
    return [o for o in options if can(request.user, action, Scope(area=(o[0],)))]


@permission("plan.view")
@require_safe
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan(plan_id)
    with open_monitor() as monitor:
        view = overview(plan, monitor)
    return render(
        request,
        "plans/detail.html",
        {
            "plan": plan,
            "view": view,
            "history": history(plan),
            "status_labels": STATUS_LABELS,
            **demo_context(plan.is_demo),
        },
    )


@permission("plan.view_public")
@require_safe
def plan_public(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan(plan_id)
    with open_monitor() as monitor:
        view = overview(plan, monitor)
    return render(
        request,
        "plans/public.html",
        {"plan": plan, "view": view, "status_labels": STATUS_LABELS, **demo_context(plan.is_demo)},
    )


@permission("plan.create")
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    form = PlanForm(posted(request))

    def save(data: dict[str, Any]) -> Plan:
        with open_monitor() as monitor:
            return services.create_plan(user=request.user, monitor=monitor, **data)

    return form_page(
        request,
        form=form,
        title=_("Nieuwe wijkaanpak"),
        intro=_(
            "Begin met het gebied, de looptijd en de visie. Partners, doelen en interventies "
            "voegt u daarna toe."
        ),
        plan=None,
        save=save,
        done=lambda plan: reverse("plans:detail", args=[plan.pk]),
        back=reverse("plans:list"),
        success=_("De aanpak is aangemaakt."),
        submit=_("Aanpak aanmaken"),
        extra={"area_options": _area_options(request, "plan.create")},
    )


@permission("plan.edit")
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan(plan_id)
    authorize(request, "plan.edit", plan)
    initial = {
        "title": plan.title,
        "area_codes": ", ".join(plan.area_codes),
        "start_year": plan.start_year,
        "end_year": plan.end_year,
        "vision": plan.vision,
        "residents_goals": plan.residents_goals,
    }
    form = PlanForm(posted(request), initial=initial)

    def save(data: dict[str, Any]) -> Plan:
        with open_monitor() as monitor:
            return services.update_plan(user=request.user, plan=plan, monitor=monitor, **data)

    return form_page(
        request,
        form=form,
        title=_("Aanpak bewerken"),
        plan=plan,
        save=save,
        done=reverse("plans:detail", args=[plan.pk]),
        success=_("De wijzigingen zijn opgeslagen; de oude tekst staat in de geschiedenis."),
        submit=_("Opslaan"),
        extra={"area_options": _area_options(request, "plan.edit", plan.gemeente_code)},
    )
