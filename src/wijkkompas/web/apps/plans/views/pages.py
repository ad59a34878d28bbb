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
from wijkkompas.web.apps.plans.checks import Monitor
from wijkkompas.web.apps.plans.forms import PlanForm
from wijkkompas.web.apps.plans.labels import STATUS_LABELS
from wijkkompas.web.apps.plans.models import Plan
from wijkkompas.web.apps.plans.monitor import open_monitor
from wijkkompas.web.apps.plans.overview import history, overview
from wijkkompas.web.apps.plans.validation import Problems, parse_codes
from wijkkompas.web.apps.plans.views.common import form_page, get_plan
from wijkkompas.web.forms import posted


@permission("plan.list")
@require_safe
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = list(Plan.objects.all())
    return render(
        request,
        "plans/list.html",
        {"plans": plans, **demo_context(any(p.is_demo for p in plans))},
    )


def _area_options(gemeente: str | None = None) -> list[tuple[str, str, str]]:
    with open_monitor() as monitor:
        return monitor.areas.options(gemeente) if monitor.areas else []


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


def _check_scope(request: HttpRequest, action: str, data: dict[str, Any], monitor: Monitor) -> None:
    """A coordinator for one area may only plan inside it: a form error, not a 403.

    Checked only once every code is one the monitor knows; otherwise the service's message
    about the unknown code is the one that helps.
    """
    codes = parse_codes(data.get("area_codes", ""))
    if not codes or monitor.areas is None or monitor.areas.unknown(codes):
        return
    if not can(request.user, action, Scope(area=tuple(codes))):
        problems = Problems()
        problems.add(
            "area_codes", _("Dit gebied valt buiten het gebied waarvoor u coördinator bent.")
        )
        problems.raise_if_any()


@permission("plan.create")
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    form = PlanForm(posted(request))

    def save(data: dict[str, Any]) -> Plan:
        with open_monitor() as monitor:
            _check_scope(request, "plan.create", data, monitor)
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
        extra={"area_options": _area_options()},
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
            _check_scope(request, "plan.edit", data, monitor)
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
        extra={"area_options": _area_options(plan.gemeente_code)},
    )
