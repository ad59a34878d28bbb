"""Participation in figures: initiatives and participants per area, and sending them to the
monitor as social-empowerment indicators; felt beside measured."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from wijkkompas.errors import WijkkompasError
from wijkkompas.survey.participation import INITIATIVES, PARTICIPANTS, PER_1000
from wijkkompas.web.apps.accounts.permissions import can, permission
from wijkkompas.web.apps.participation.selectors.felt import felt_and_measured_page
from wijkkompas.web.apps.participation.selectors.participation_figures import figure_rows
from wijkkompas.web.apps.participation.services import participation_figures as service


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("jaar") or request.POST.get("jaar") or str(timezone.now().year)
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise Http404
    return int(raw)


@permission("participation.view")
@require_safe
def participation_figures(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    return render(
        request,
        "participation/figures.html",
        {
            "year": year,
            "rows": figure_rows(year),
            "keys": {
                "initiatives": INITIATIVES,
                "participants": PARTICIPANTS,
                "per_1000": PER_1000,
            },
            "may_publish": can(request.user, "participation.publish"),
        },
    )


@permission("participation.publish")
@require_POST
def participation_publish(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    try:
        n = service.publish_to_monitor(year)
    except WijkkompasError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(n)s cijfers staan nu in de monitor.") % {"n": n})
    return redirect(f"/meedoen/deelname/?jaar={year}")


@permission("participation.view")
@require_safe
def felt_measured(request: HttpRequest) -> HttpResponse:
    """Where residents' own mark for their buurt and the measured index disagree."""
    page = felt_and_measured_page(request.GET.get("gemeente", "").strip().upper())
    if page is None:
        raise Http404
    return render(
        request,
        "participation/felt_measured.html",
        {
            "gemeente": page.gemeente,
            "gemeente_name": page.gemeente_name,
            "result": page.result,
            "rows": page.rows,
        },
    )
