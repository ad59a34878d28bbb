"""Participation in figures: initiatives and participants per area, and sending them to the
monitor as social-empowerment indicators."""

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
from wijkkompas.web.apps.participation.services import participation_figures as service
from wijkkompas.web.apps.participation.views.common import area_names
from wijkkompas.web.common.store import site_store


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("jaar") or request.POST.get("jaar") or str(timezone.now().year)
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise Http404
    return int(raw)


@permission("participation.view")
@require_safe
def participation_figures(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    estimates, _boundary = service.figures(year)
    names = area_names()
    by_area: dict[str, dict[str, object]] = {}
    for e in estimates:
        row = by_area.setdefault(
            e.region_code, {"code": e.region_code, "name": names.get(e.region_code, e.region_code)}
        )
        row[e.indicator_id] = None if e.suppressed else e.value
        row["suppressed"] = e.suppressed
    return render(
        request,
        "participation/figures.html",
        {
            "year": year,
            "rows": sorted(by_area.values(), key=lambda r: str(r["code"])),
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
    from django.utils.translation import get_language

    from wijkkompas.services.felt import felt_and_measured

    gemeente = request.GET.get("gemeente", "").strip().upper()
    names = area_names()
    if not gemeente:
        gemeente = next((c for c in names if c.startswith("GM")), "")
    if gemeente not in names:
        raise Http404
    result = felt_and_measured(site_store(), gemeente)
    english = (get_language() or "nl").startswith("en")
    rows = [
        {
            "d": d,
            "name": names.get(d.region_code, d.region_code),
            "reason": d.reason_en if english else d.reason_nl,
        }
        for d in result.divergences
    ]
    return render(
        request,
        "participation/felt_measured.html",
        {"gemeente": gemeente, "gemeente_name": names[gemeente], "result": result, "rows": rows},
    )
