"""A region's profile page, its downloads and its PDF report.

The profile is built once per request (:func:`build_profile` explains the region once); the
downloads read the same profile, so a spreadsheet never disagrees with the page.
"""

from __future__ import annotations

import pandas as pd
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from wijkkompas.reports import RegionNotFound, build_profile
from wijkkompas.reports.context import level_label, profile_context
from wijkkompas.reports.pdf import covering_plans, render_report, report_html
from wijkkompas.reports.profile import Profile
from wijkkompas.services.panel import successor_code
from wijkkompas.store import AnalyticStore
from wijkkompas.store.batch import OBSERVATION_COLUMNS as STORED_COLUMNS
from wijkkompas.store.batch import with_source
from wijkkompas.store.identity import Lru, store_identity
from wijkkompas.web.apps.accounts.permissions import permission
from wijkkompas.web.apps.monitor.selectors.geopackage import (
    GEOPACKAGE,
    NoBoundaries,
    region_geopackage,
)
from wijkkompas.web.apps.monitor.selectors.navigation import surroundings
from wijkkompas.web.apps.plans.selectors.coverage import PlanCoverage
from wijkkompas.web.common.store import site_store
from wijkkompas.web.render_slots import answers_busy, render_slot
from wijkkompas.web.spreadsheet import Sheet, attachment, csv_download, xlsx_download

OBSERVATION_COLUMNS = with_source(STORED_COLUMNS)


def _profile(code: str) -> Profile:
    try:
        return build_profile(site_store(), code)
    except RegionNotFound:
        raise Http404(f"No scores for {code}") from None


@permission("monitor.view")
@require_safe
def profile_page(request: HttpRequest, code: str) -> HttpResponse:
    """Scores with their explanation, trend, cumulation, comparison, sources and downloads.

    The page's body is the same for every visitor, so it is rendered once per store file,
    region and language; only the frame around it (header, language switch, CSRF token) is
    rendered per request.
    """
    store = site_store()
    try:
        profile = build_profile(store, code)
    except RegionNotFound:
        successor = successor_code(store, code)
        if successor is None:
            raise Http404(f"No scores for {code}") from None
        # An old buurt code (a bookmark, a postcode search on older figures): today's buurt.
        return redirect("monitor:profiel", code=successor)
    key = (store_identity(store), code, get_language() or "nl")
    body = _bodies.get_or_make(
        key,
        lambda: mark_safe(
            render_to_string("monitor/_profiel_inhoud.html", profile_context(profile))
        ),
    )
    context = {
        "profile": profile,
        "is_demo": profile.is_demo,
        "level_label": level_label(profile.level),
        "inhoud": body,
        "around": surroundings(store, profile.code, profile.level, profile.year),
    }
    return render(request, "monitor/profiel.html", context)


_bodies = Lru(256)


def _records(frame: pd.DataFrame, columns: list[str]) -> list[list[object]]:
    return [list(record) for record in frame[columns].itertuples(index=False)]


@permission("monitor.view")
@require_safe
def observations_csv(request: HttpRequest, code: str) -> HttpResponse:
    """Every figure with source, period and release status: UTF-8, decimal point."""
    profile = _profile(code)
    return csv_download(
        OBSERVATION_COLUMNS,
        _records(profile.observations, OBSERVATION_COLUMNS),
        f"{code}-waarnemingen.csv",
    )


@permission("monitor.view")
@require_safe
def scores_csv(request: HttpRequest, code: str) -> HttpResponse:
    history = _profile(code).scores_history
    columns = [str(c) for c in history.columns]
    return csv_download(columns, _records(history, columns), f"{code}-scores.csv")


@permission("monitor.view")
@require_safe
def figures_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    """Scores and figures as two sheets, the same cells as the two CSVs."""
    profile = _profile(code)
    history = profile.scores_history
    columns = [str(c) for c in history.columns]
    return xlsx_download(
        [
            Sheet("scores", columns, _records(history, columns)),
            Sheet(
                "waarnemingen",
                OBSERVATION_COLUMNS,
                _records(profile.observations, OBSERVATION_COLUMNS),
            ),
        ],
        f"{code}-gegevens.xlsx",
    )


def _plans(store: AnalyticStore, code: str) -> PlanCoverage:
    """The plans covering the region: read per request (a few rows; a plan may change at any
    time), and part of the key of a cached report, so an edited plan is in the next download.
    Nothing of the store is read here, so a render's work stays inside its render slot; without
    a store there is no report, and the store's own error says so (503) before plans are read."""
    if not store.exists():
        raise store.missing()
    return covering_plans(code)


@permission("monitor.view")
@require_safe
@answers_busy
def report_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The report as a tagged PDF in the visitor's language (the CLI makes the same file).

    Anyone may ask for any region's report and a render costs about a second of CPU, so a
    report is rendered once per store file, region, language and state of the plans covering
    it (like the profile's body), and a render needs one of the machine's few render slots
    (503 with Retry-After without one).
    """
    store = site_store()
    language = get_language() or "nl"
    plans = _plans(store, code)

    def make() -> bytes:
        with render_slot():
            return render_report(store, code, language, plans)

    try:
        pdf = _reports.get_or_make((store_identity(store), code, language, plans.key()), make)
    except RegionNotFound:
        raise Http404(f"No scores for {code}") from None
    return attachment(pdf, "application/pdf", f"{code}-rapport.pdf")


@permission("monitor.view")
@require_safe
def report_page(request: HttpRequest, code: str) -> HttpResponse:
    """The report as the same HTML document the PDF is made of: for screen readers, for reading
    on a screen, and to check it in a browser. Cached like the PDF; rendering it costs no
    render slot (no WeasyPrint)."""
    store = site_store()
    language = get_language() or "nl"
    plans = _plans(store, code)
    try:
        html = _report_pages.get_or_make(
            (store_identity(store), code, language, plans.key()),
            lambda: report_html(store, code, language, plans, for_web=True),
        )
    except RegionNotFound:
        successor = successor_code(store, code)
        if successor is None:
            raise Http404(f"No scores for {code}") from None
        return redirect("monitor:rapport", code=successor)  # an old buurt code: today's buurt
    return HttpResponse(html)


_report_pages = Lru(64)
"""Rendered report pages, per store file, region, language and state of the plans."""

_reports = Lru(64)
"""Rendered reports as bytes (about 100 KB each), per store file, region, language and state of
the plans."""


@permission("monitor.view")
@require_safe
def geopackage_download(request: HttpRequest, code: str) -> HttpResponse:
    """The region and the regions in it, with boundaries and scores, for a GIS (QGIS, ArcGIS)."""
    profile = _profile(code)
    try:
        body = region_geopackage(site_store(), profile)
    except NoBoundaries:
        raise Http404(f"No boundaries for {code}") from None
    return attachment(body, GEOPACKAGE, f"{code}-kaart.gpkg")
