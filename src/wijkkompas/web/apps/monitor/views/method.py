""" "Hoe de score werkt": one public page per catalogue version, made from the catalogue itself."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from wijkkompas.web.apps.accounts.permissions import permission
from wijkkompas.web.apps.monitor.selectors import method


@permission("site.view")
@require_safe
def method_latest_page(request: HttpRequest) -> HttpResponse:
    """The method of the catalogue this site scores with."""
    return redirect("monitor:methode", version=method.current_version())


@permission("site.view")
@require_safe
def method_page(request: HttpRequest, version: str) -> HttpResponse:
    page = method.method_page(version)
    if page is None:
        raise Http404(f"No method page for catalogue {version}")
    return render(request, "monitor/methode.html", {"method": page})
