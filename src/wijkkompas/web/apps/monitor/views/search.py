"""The search page: a plain GET form, so it works without JavaScript and can be bookmarked.

One match goes straight to its profile (302); several are listed; bad input is a 400 page that
says what to type instead.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from wijkkompas.web.apps.accounts.permissions import permission
from wijkkompas.web.apps.monitor.selectors import search
from wijkkompas.web.common.store import site_store


@permission("monitor.view")
@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    """Regions by name, CBS code or postcode (the KWB's most common postcode per buurt)."""
    raw = request.GET.get("q", "")
    try:
        hits = search.search(site_store(), raw)
    except search.BadQuery:
        context = {"query": raw[: search.MAX_QUERY], "error": True}
        return render(request, "monitor/zoek.html", context, status=400)
    if len(hits) == 1 and hits[0].match != "ongeveer":
        return redirect("monitor:profiel", hits[0].entry.code)
    return render(
        request,
        "monitor/zoek.html",
        {
            "query": raw.strip(),
            "hits": hits,
            "limit": search.LIMIT,
            "approximate": any(h.match == "ongeveer" for h in hits),
        },
    )
