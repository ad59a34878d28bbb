"""What the plans views share: loading a plan, the form page, turning service errors into form
errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from wijkkompas.web.apps.accounts.demo import demo_context
from wijkkompas.web.apps.plans.models import Plan
from wijkkompas.web.common.errors import InvalidInput, OutOfScope


def get_plan(plan_id: int) -> Plan:
    return get_object_or_404(Plan, pk=plan_id)


def form_page(
    request: HttpRequest,
    *,
    form: forms.Form,
    title: str,
    intro: str = "",
    plan: Plan | None,
    save: Callable[[dict[str, Any]], object],
    done: str | Callable[[Any], str],
    success: str,
    submit: str,
    back: str | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """Render ``form``; on a valid POST call ``save`` and go to ``done``.

    A service that finds a problem raises ``InvalidInput`` before writing anything, and its
    messages land on the form's fields, so the person sees what to fix with their input intact.
    A place outside the user's area (``OutOfScope`` naming a field) is shown the same way, with
    status 403; a refusal of the object itself is the 403 page.
    """
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except InvalidInput as exc:
            form.add_service_errors(exc.errors)
        except OutOfScope as exc:
            if exc.field is None:
                raise
            form.add_service_errors({exc.field: [exc.message]})
            status = 403
        else:
            messages.success(request, success)
            return redirect(done(saved) if callable(done) else done)
    return render(
        request,
        "plans/form.html",
        {
            "form": form,
            "title": title,
            "intro": intro,
            "plan": plan,
            **demo_context(bool(plan and plan.is_demo)),
            "back": back or (done if isinstance(done, str) else "/plannen/"),
            "submit": submit,
            **(extra or {}),
        },
        status=status,
    )
