"""Bewonersinitiatieven: the list, one initiative with its supporters and replies, moderation."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from wijkkompas.web.apps.accounts.demo import demo_context
from wijkkompas.web.apps.accounts.permissions import authorize, can, permission
from wijkkompas.web.apps.participation.forms import (
    CommentForm,
    InitiativeForm,
    ModerationForm,
    StatusForm,
)
from wijkkompas.web.apps.participation.models import Comment, Initiative
from wijkkompas.web.apps.participation.selectors import initiatives as selectors
from wijkkompas.web.apps.participation.selectors.areas import area_choices, area_names
from wijkkompas.web.apps.participation.services import initiatives as service
from wijkkompas.web.apps.participation.views.common import resident_code, whole_number
from wijkkompas.web.common.errors import InvalidInput, OutOfScope


@permission("participation.view")
@require_safe
def initiative_list(request: HttpRequest) -> HttpResponse:
    area = request.GET.get("gebied", "").strip().upper()
    names = area_names()
    if area and area not in names:
        raise Http404
    items = selectors.initiatives_within(area)
    return render(
        request,
        "participation/initiative_list.html",
        {
            "initiatives": items,
            "names": names,
            "area": area,
            "may_submit": can(request.user, "initiative.submit"),
            **demo_context(any(i.is_demo for i in items)),
        },
    )


@permission("initiative.submit")
@require_http_methods(["GET", "POST"])
def initiative_create(request: HttpRequest) -> HttpResponse:
    code = resident_code(request)
    areas = area_choices(request.user, code)
    form = InitiativeForm(request.POST or None, request.FILES or None, areas=areas)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            initiative = service.submit(
                user=request.user,
                code=code,
                title=data["title"],
                text=data["text"],
                area_code=data["area_code"],
                estimated_cost=data["estimated_cost"],
                photo=data["photo"] or None,
            )
        except InvalidInput as exc:
            form.add_service_errors(exc.errors)
        except OutOfScope as exc:
            form.add_service_errors({exc.field or "area_code": [exc.message]})
            status = 403
        else:
            messages.success(request, _("Dank u wel. Uw initiatief staat nu online."))
            return redirect("participation:initiative", initiative_id=initiative.pk)
    return render(
        request,
        "participation/form.html",
        {
            "form": form,
            "title": _("Initiatief indienen"),
            "intro": _(
                "Heeft u een idee voor uw buurt? Schrijf het hier op. Buren kunnen het steunen."
            ),
            "submit": _("Indienen"),
            "back": "/meedoen/initiatieven/",
            "multipart": True,
        },
        status=status,
    )


def _initiative(initiative_id: int) -> Initiative:
    return get_object_or_404(Initiative, pk=initiative_id)


@permission("participation.view")
@require_safe
def initiative_detail(request: HttpRequest, initiative_id: int) -> HttpResponse:
    initiative = _initiative(initiative_id)
    user = request.user
    code = resident_code(request)
    thread = selectors.thread(initiative, user)
    return render(
        request,
        "participation/initiative_detail.html",
        {
            "initiative": initiative,
            "supports": thread.supports,
            "supported": thread.supported,
            "comments": thread.comments,
            "events": thread.events,
            "names": area_names(),
            "comment_form": CommentForm(),
            "may_support": service.reaches(user, code, "initiative.support", initiative.area_code),
            "may_comment": service.reaches(user, code, "initiative.comment", initiative.area_code),
            "may_moderate": can(user, "initiative.moderate", initiative),
            **demo_context(initiative.is_demo),
        },
    )


@permission("initiative.support")
@require_POST
def initiative_support(request: HttpRequest, initiative_id: int) -> HttpResponse:
    initiative = _initiative(initiative_id)
    try:
        if request.POST.get("withdraw"):
            service.withdraw_support(initiative=initiative, user=request.user)
            messages.success(request, _("U steunt dit initiatief niet meer."))
        elif service.support(initiative=initiative, user=request.user, code=resident_code(request)):
            messages.success(request, _("U steunt dit initiatief. Dank u wel!"))
        else:
            messages.info(request, _("U steunde dit initiatief al."))
    except InvalidInput as exc:
        messages.error(request, " ".join(m for ms in exc.errors.values() for m in ms))
    return redirect("participation:initiative", initiative_id=initiative.pk)


@permission("initiative.comment")
@require_POST
def initiative_comment(request: HttpRequest, initiative_id: int) -> HttpResponse:
    initiative = _initiative(initiative_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            service.comment(
                initiative=initiative,
                user=request.user,
                code=resident_code(request),
                text=form.cleaned_data["text"],
            )
            messages.success(request, _("Uw reactie is geplaatst."))
        except InvalidInput as exc:
            messages.error(request, " ".join(m for ms in exc.errors.values() for m in ms))
    else:
        messages.error(request, _("Schrijf eerst een reactie (hoogstens 2000 tekens)."))
    return redirect("participation:initiative", initiative_id=initiative.pk)


@permission("initiative.moderate")
@require_http_methods(["GET", "POST"])
def initiative_manage(request: HttpRequest, initiative_id: int) -> HttpResponse:
    initiative = _initiative(initiative_id)
    authorize(request, "initiative.moderate", initiative)
    action = request.POST.get("action", "")
    status_form = StatusForm(
        request.POST if action == "status" else None,
        goals=selectors.goals_for(initiative),
        initial={"status": initiative.status, "goal": initiative.goal_id},
    )
    moderation_form = ModerationForm(request.POST if action == "moderate" else None)
    if request.method == "POST":
        try:
            if action == "status" and status_form.is_valid():
                service.set_status(
                    initiative=initiative, actor=request.user, **status_form.cleaned_data
                )
                messages.success(request, _("De status is veranderd."))
                return redirect("participation:initiative", initiative_id=initiative.pk)
            if action == "moderate" and moderation_form.is_valid():
                service.moderate(
                    initiative=initiative, actor=request.user, **moderation_form.cleaned_data
                )
                messages.success(request, _("De moderatie is opgeslagen."))
                return redirect("participation:initiative", initiative_id=initiative.pk)
            if action == "comment":
                comment = get_object_or_404(
                    Comment, initiative=initiative, pk=whole_number(request.POST.get("comment"))
                )
                service.moderate_comment(
                    comment=comment, reason=request.POST.get("reason", ""), actor=request.user
                )
                messages.success(request, _("De reactie is verborgen."))
                return redirect("participation:initiative", initiative_id=initiative.pk)
        except InvalidInput as exc:
            (status_form if action == "status" else moderation_form).add_service_errors(exc.errors)
    return render(
        request,
        "participation/initiative_manage.html",
        {
            "initiative": initiative,
            "status_form": status_form,
            "moderation_form": moderation_form,
            "comments": selectors.comments(initiative),
            **demo_context(initiative.is_demo),
        },
        status=400 if request.method == "POST" else 200,
    )


@permission("participation.view")
@require_safe
def initiative_photo(request: HttpRequest, initiative_id: int) -> HttpResponse:
    """The photo, never for a hidden initiative (served by the app, so the rule applies)."""
    initiative = _initiative(initiative_id)
    if not initiative.photo or initiative.is_hidden:
        raise Http404
    return FileResponse(initiative.photo.open("rb"), content_type="image/jpeg")
