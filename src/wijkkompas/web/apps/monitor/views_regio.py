"""A region's profile page, its downloads and its PDF report.

The profile is built once per request (:func:`build_profile` explains the region once); the
downloads read the same profile, so a spreadsheet never disagrees with the page.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from wijkkompas.monitor import successor_code
from wijkkompas.reports import RegionNotFound, build_profile
from wijkkompas.reports.context import level_label, profile_context
from wijkkompas.reports.pdf import render_report
from wijkkompas.reports.profile import Profile
from wijkkompas.store.identity import Lru, store_identity
from wijkkompas.web.apps.accounts.permissions import permission
from wijkkompas.web.apps.monitor.geopackage import GEOPACKAGE, NoBoundaries, region_geopackage
from wijkkompas.web.apps.monitor.views import _store

OBSERVATION_COLUMNS = [
    "region_code",
    "region_year",
    "indicator_id",
    "period",
    "value",
    "suppressed",
    "source",
    "source_column",
    "release",
]


def _profile(code: str) -> Profile:
    try:
        return build_profile(_store(), code)
    except RegionNotFound:
        raise Http404(f"No scores for {code}") from None


@permission("monitor.view")
@require_safe
def profiel(request: HttpRequest, code: str) -> HttpResponse:
    """Scores with their explanation, trend, cumulation, comparison, sources and downloads.

    The page's body is the same for every visitor, so it is rendered once per store file,
    region and language; only the frame around it (header, language switch, CSRF token) is
    rendered per request.
    """
    store = _store()
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
    }
    return render(request, "monitor/profiel.html", context)


_bodies = Lru(256)


def _attachment(body: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _rows(frame_records: Iterable[dict[str, object]], columns: list[str]) -> list[list[object]]:
    return [[record.get(c) for c in columns] for record in frame_records]


@permission("monitor.view")
@require_safe
def waarnemingen_csv(request: HttpRequest, code: str) -> HttpResponse:
    """Every figure with source, period and release status: for programs, UTF-8, decimal point."""
    profile = _profile(code)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(OBSERVATION_COLUMNS)
    writer.writerows(
        _rows(profile.observations.to_dict("records"), OBSERVATION_COLUMNS)  # type: ignore[arg-type]
    )
    return _attachment(buffer.getvalue(), "text/csv; charset=utf-8", f"{code}-waarnemingen.csv")


@permission("monitor.view")
@require_safe
def scores_csv(request: HttpRequest, code: str) -> HttpResponse:
    profile = _profile(code)
    return _attachment(
        profile.scores_history.to_csv(index=False, lineterminator="\n"),
        "text/csv; charset=utf-8",
        f"{code}-scores.csv",
    )


@permission("monitor.view")
@require_safe
def gegevens_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    """Scores and figures as two sheets: the Excel file is for people, the CSVs for programs."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    profile = _profile(code)
    workbook = Workbook()
    scores_sheet = workbook.active
    scores_sheet.title = "scores"
    history = profile.scores_history.astype(object).where(profile.scores_history.notna(), None)
    scores_sheet.append(list(history.columns))
    for record in history.itertuples(index=False):
        scores_sheet.append(list(record))
    observations_sheet = workbook.create_sheet("waarnemingen")
    observations_sheet.append(OBSERVATION_COLUMNS)
    frame = profile.observations[OBSERVATION_COLUMNS]
    frame = frame.astype(object).where(frame.notna(), None)
    for record in frame.itertuples(index=False):
        observations_sheet.append(list(record))
    for sheet in (scores_sheet, observations_sheet):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _attachment(
        buffer.getvalue(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"{code}-gegevens.xlsx",
    )


@permission("monitor.view")
@require_safe
def rapport_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The profile as a tagged PDF in the visitor's language (the CLI makes the same file)."""
    try:
        pdf = render_report(_store(), code, get_language() or "nl")
    except RegionNotFound:
        raise Http404(f"No scores for {code}") from None
    return _attachment(pdf, "application/pdf", f"{code}-rapport.pdf")


@permission("monitor.view")
@require_safe
def geopackage(request: HttpRequest, code: str) -> HttpResponse:
    """The region and the regions in it, with boundaries and scores, for a GIS (QGIS, ArcGIS)."""
    profile = _profile(code)
    try:
        body = region_geopackage(_store(), profile)
    except NoBoundaries:
        raise Http404(f"No boundaries for {code}") from None
    return _attachment(body, GEOPACKAGE, f"{code}-kaart.gpkg")
