"""The map page and the GeoJSON that feeds it.

Each request opens its own read-only store reader: an import renames a new store file into
place, and a reader opened afterwards sees it, so no restart or cache invalidation is needed.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

import duckdb
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from wijkkompas.errors import InvalidRegionCode, StoreError
from wijkkompas.regions import parse_region_code
from wijkkompas.reports.measures import MEASURES, PALETTE
from wijkkompas.services.scoring import latest_run_scores
from wijkkompas.store import AnalyticStore
from wijkkompas.store.identity import Lru, store_identity
from wijkkompas.web.apps.accounts.permissions import permission
from wijkkompas.web.apps.monitor.selectors import choropleth, data, indicator_map
from wijkkompas.web.common.store import site_store

log = logging.getLogger(__name__)


def no_data_page(request: HttpRequest, error: Exception | None) -> HttpResponse:
    if isinstance(error, duckdb.Error):
        # A DuckDB file without the store's tables (or an incompatible one): log the details
        # for the administrator, tell the visitor what they can act on.
        log.error("The analytic store could not be read", exc_info=error)
    elif error is not None:
        log.warning("No usable analytic store: %s", error)
    # 503: the site works but has nothing to serve yet; monitoring should notice, people get
    # a page that tells them what to do.
    return render(
        request,
        "monitor/geen_gegevens.html",
        # The file path helps a developer; on a public site it is nobody's business.
        {"store_path": settings.WIJKKOMPAS_STORE if settings.DEBUG else None},
        status=503,
    )


def _requested_gemeente(request: HttpRequest) -> str | None:
    raw = request.GET.get("gemeente", "").strip()
    if not raw:
        return None
    try:
        code = parse_region_code(raw)
    except InvalidRegionCode:
        raise Http404(f"Not a gemeente code: {raw!r}") from None
    if code.level != "gemeente":
        raise Http404(f"Not a gemeente code: {raw!r}")
    return code.code


@permission("monitor.view")
@require_safe
def map_page(request: HttpRequest) -> HttpResponse:
    """The buurten of one gemeente on a map and in a table (the table is the map's alternative).

    The map shows a score (total, dimension, condition) or any catalogue indicator that has
    figures for this gemeente (``maat`` is a score key or an indicator id).
    """
    requested = _requested_gemeente(request)
    measure = request.GET.get("maat", "")
    level_choice = request.GET.get("niveau", "")
    year_choice = request.GET.get("jaar", "")
    # A missing or unreadable store ends in MissingStoreMiddleware: the "no data yet" page.
    with site_store().reader() as reader:
        available = data.gemeenten(reader)
        if not available:
            return no_data_page(request, None)
        code = requested or available[0].code
        try:
            overview = data.buurt_overview(reader, code, available)
        except data.GemeenteNotFound:
            raise Http404(f"No gemeente {code} in the store") from None
        mapped = data.mapped_indicators(site_store(), reader, code)
        indicator = None
        if measure and measure not in choropleth.BY_KEY:
            indicator = mapped.get(measure)
            if indicator is None:
                return render(request, "monitor/keuze_fout.html", status=400)
            figures = reader.observations(indicator_ids=[indicator.id], gemeente=code)
    scores = None if indicator else latest_run_scores(site_store())

    gemeente = overview.gemeente
    try:
        if level_choice and level_choice not in choropleth.LEVELS:
            raise choropleth.BadChoice(f"unknown level {level_choice!r}")
        if indicator is not None:
            choice = indicator_map.choose_indicator(
                figures,
                data.region_names(overview),
                indicator,
                level_choice or "buurt",
                year_choice,
            )
        else:
            choice = choropleth.choose(
                scores, gemeente.code, measure=measure, level=level_choice, year=year_choice
            )
    except choropleth.BadChoice:
        return render(request, "monitor/keuze_fout.html", status=400)
    level = choice.level if choice else (level_choice or "buurt")
    classes = {
        row.code: {
            "c": row.klass,
            "l": row.label,
            "u": reverse("monitor:profiel", args=[row.code]),
        }
        for row in (choice.rows if choice else [])
    }
    table_rows = _table_rows(overview, choice)
    palette = choice.palette if choice else PALETTE
    kaart_config = {
        "geojsonUrl": reverse("monitor:buurten_geojson", args=[gemeente.code])
        + ("?niveau=wijk" if level == "wijk" else ""),
        "classes": classes,
        "palette": {str(k): v for k, v in palette.items()},
        "zoomIn": _("Inzoomen"),
        "zoomOut": _("Uitzoomen"),
        "attribution": _("Fictieve grenzen (demo)") if gemeente.is_demo else "",
        "loadError": _(
            "De kaart kon niet worden geladen. De tabel hieronder toont dezelfde buurten."
        ),
    }
    return render(
        request,
        "monitor/kaart.html",
        {
            "gemeente": gemeente,
            "buurten": overview.buurten,
            "gemeenten": overview.gemeenten,
            "is_demo": gemeente.is_demo,
            "kaart_config": kaart_config,
            "choice": choice,
            "chosen_key": choice.measure.key if choice else (measure or "total"),
            "level": level,
            "table_rows": table_rows,
            "measures": MEASURES,
            "indicators": sorted(
                ((i.id, indicator_map.label(i)) for i in mapped.values()),
                key=lambda pair: pair[1].lower(),
            ),
        },
    )


@dataclass(frozen=True)
class TableRow:
    code: str
    name: str
    wijk: str
    row: choropleth.MapRow | None


def _table_rows(
    overview: data.BuurtOverview, choice: choropleth.MapChoice | None
) -> list[TableRow]:
    """The map's alternative: every region shown, with its class and score when it has one."""
    by_code = {row.code: row for row in choice.rows} if choice else {}
    if choice is not None and choice.level == "wijk":
        return [TableRow(r.code, r.name, "", r) for r in choice.rows]
    return [
        TableRow(b.code, b.name, b.wijk_name or b.wijk_code or "–", by_code.get(b.code))
        for b in overview.buurten
    ]


@permission("monitor.view")
@require_safe
@gzip_page
def buurten_geojson(request: HttpRequest, gemeente_code: str) -> HttpResponse:
    """The buurt boundaries of one gemeente (newest boundary year) as a GeoJSON FeatureCollection.

    Gzipped for clients that accept it (every browser): coordinates compress about 3.5 times,
    which keeps a 500-buurt city well under 300 KB on the wire. Only this JSON is compressed,
    never an HTML page with a CSRF token (BREACH)."""
    level = "wijk" if request.GET.get("niveau") == "wijk" else "buurt"
    store = site_store()
    try:
        body = _geojson_cache.get_or_make(
            (store_identity(store), gemeente_code, level),
            lambda: _geojson_body(store, gemeente_code, level),
        )
    except data.GemeenteNotFound:
        return _problem(404, _("Onbekende gemeente"), gemeente_code)
    except (StoreError, duckdb.Error):
        return _problem(503, _("Nog geen gegevens"), _("Voer `wijkkompas demo` uit."))
    return HttpResponse(body, content_type="application/geo+json")


_geojson_cache = Lru(32)
"""Boundaries change only with the store file: kept as bytes per store file, gemeente, level."""


def _geojson_body(store: AnalyticStore, gemeente_code: str, level: str) -> bytes:
    with store.reader() as reader:
        collection = data.buurten_geojson(reader, gemeente_code, level)
    return json.dumps(collection, separators=(",", ":"), ensure_ascii=False).encode()


def _problem(status: int, title: str, detail: str) -> HttpResponse:
    """An RFC 9457 problem document, as the NL API Design Rules ask of JSON endpoints."""
    body = json.dumps({"status": status, "title": title, "detail": detail}, ensure_ascii=False)
    return HttpResponse(body, status=status, content_type="application/problem+json")
