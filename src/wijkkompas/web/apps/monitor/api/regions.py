"""The monitor's open API: regions, search, scores, explanations and GeoJSON (the indicators and
figures are in ``monitor_figures``).

Public and read-only. Every request opens its own read-only store reader, so an import that
swaps the store file is picked up by the next request without a restart. What is expensive to
compute (the saved run's score table, a gemeente's index for an explanation) is cached under
the store file's identity (inode, mtime, size): a swapped or rewritten store is a new key, so
a cache can never serve numbers from a store that is no longer there.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from ninja import Path as PathParam
from ninja import Query, Router
from ninja.decorators import decorate_view
from ninja.errors import HttpError

from wijkkompas.errors import WijkkompasError
from wijkkompas.index.explain import explain
from wijkkompas.regions import parse_region_code
from wijkkompas.services.scoring import IndexRun, scored_gemeente
from wijkkompas.store import AnalyticStore
from wijkkompas.store.identity import Lru, store_identity
from wijkkompas.web.apps.accounts.permissions import ApiPermission
from wijkkompas.web.apps.monitor.api import schemas as s
from wijkkompas.web.apps.monitor.api.data import (
    as_float,
    as_int,
    as_str,
    live_store,
    not_found,
    open_reader,
    region_or_404,
    region_row,
    run_scores,
)
from wijkkompas.web.apps.monitor.selectors import search
from wijkkompas.web.common.geojson import feature_collection
from wijkkompas.web.common.problems import InvalidParams

router = Router(tags=["monitor"])
READ = ApiPermission("monitor.api")
MIN_YEAR, MAX_YEAR = 1990, 2100
GEOJSON = "application/geo+json"

Code = PathParam(..., pattern=s.REGION_CODE_PATTERN, description="CBS-code: GM…, WK… of BU…")
GemeenteCode = PathParam(..., pattern=s.GEMEENTE_CODE_PATTERN, description="CBS-gemeentecode")
Jaar = Query(None, ge=MIN_YEAR, le=MAX_YEAR, description="Indelingsjaar (het nieuwste als leeg)")


@router.get("/regios", response=s.RegioPagina, auth=READ, openapi_extra=s.errors(400))
def list_regions(
    request: HttpRequest,
    gemeente: str | None = Query(None, pattern=s.GEMEENTE_CODE_PATTERN),
    niveau: s.Niveau | None = None,
    jaar: int | None = Jaar,
    pagina: int = Query(1, ge=1, le=100_000),
    paginaGrootte: int = Query(100, ge=1, le=1000),
) -> dict[str, Any]:
    """Gemeenten, wijken en buurten van één indelingsjaar, op code gesorteerd, per pagina."""
    with open_reader() as (_, reader):
        frame = reader.regions(level=niveau, gemeente=gemeente, year=jaar)
    start = (pagina - 1) * paginaGrootte
    page = frame.iloc[start : start + paginaGrootte]
    return {
        "regios": [region_row(row) for row in page.itertuples(index=False)],
        "pagina": pagina,
        "paginaGrootte": paginaGrootte,
        "totaal": len(frame),
        "aantalPaginas": max(1, math.ceil(len(frame) / paginaGrootte)),
    }


@router.get("/regios/zoeken", response=s.ZoekResultaat, auth=READ, openapi_extra=s.errors(400))
def search_regions(
    request: HttpRequest,
    q: str = Query(
        ...,
        min_length=1,
        max_length=search.MAX_QUERY,
        description="Naam, CBS-code (GM…, WK…, BU…) of postcode (1012 of 1012 AB)",
    ),
) -> dict[str, Any]:
    """Regio's op naam, code of meest voorkomende postcode (KWB), de beste treffers eerst."""
    try:
        hits = search.search(live_store(), q)
    except search.BadQuery as exc:
        message = _("Geen naam, code of postcode: %(reden)s.") % {"reden": exc}
        raise InvalidParams({"q": [message]}) from exc
    return {
        "q": q.strip(),
        "treffers": [
            {
                "code": h.entry.code,
                "naam": h.entry.name,
                "niveau": h.entry.level,
                "jaar": h.entry.year,
                "gemeente": h.entry.gemeente_code,
                "wijk": h.entry.wijk_code,
                "gemeenteNaam": h.entry.gemeente_name,
                "postcode": h.entry.postcode,
                "treffer": h.match,
            }
            for h in hits
        ],
    }


@router.get("/regios/{code}", response=s.RegioDetail, auth=READ, openapi_extra=s.errors(400, 404))
def get_region(request: HttpRequest, code: str = Code) -> dict[str, Any]:
    """Eén regio in haar nieuwste indelingsjaar, met alle jaren waarin de code voorkomt."""
    return region_or_404(live_store(), code)


def _run_scores(store: AnalyticStore) -> pd.DataFrame:
    """The newest saved run's scores, indexed by region code; 503 before the first run."""
    scores = run_scores(store)
    if scores is None:
        raise HttpError(503, _("Er is nog geen indexberekening opgeslagen."))
    return scores


def _score_out(row: Any) -> dict[str, Any]:
    return {
        "jaar": int(row["year"]),
        "run": str(row["run_id"]),
        "scores": {name: as_float(row.get(name)) for name in s.ScoreNaam.__args__},  # type: ignore[attr-defined]
        "klasse": as_int(row.get("class")),
        "klasseLabel": as_str(row.get("class_label")),
        "deciel": as_int(row.get("decile")),
        "dekking": as_float(row.get("coverage")),
        "cumulatie": as_int(row.get("cumulation_count")),
        "trend": as_str(row.get("trend")),
        "rang": as_float(row.get("rank")),
        "rangP05": as_float(row.get("rank_p05")),
        "rangP95": as_float(row.get("rank_p95")),
        "reden": as_str(row.get("reason")),
    }


@router.get(
    "/regios/{code}/scores", response=s.ScoresUit, auth=READ, openapi_extra=s.errors(400, 404)
)
def get_scores(request: HttpRequest, code: str = Code) -> dict[str, Any]:
    """Alle jaren van een regio uit de nieuwste opgeslagen indexberekening."""
    store = live_store()
    region = region_or_404(store, code)
    scores = _run_scores(store)
    rows = scores.loc[[code]] if code in scores.index else scores.iloc[0:0]
    return {
        "code": code,
        "naam": region["naam"],
        "niveau": region["niveau"],
        "scores": [_score_out(row) for _i, row in rows.sort_values("year").iterrows()],
    }


def _gemeente_run(store: AnalyticStore, gemeente: str) -> IndexRun:
    """Scoring a gemeente takes about half a second: once per store file, not per request."""
    return scored_gemeente(store, gemeente)


def _contribution(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "indicator": str(record["indicator_id"]),
        "ruw": as_float(record.get("raw")),
        "waarde": as_float(record.get("value")),
        "geimputeerd": bool(record.get("imputed", False)),
        "genormaliseerd": as_float(record.get("normalised")),
        "gewicht": as_float(record.get("coefficient")),
        "bijdrage": as_float(record.get("contribution")),
        "waardeToen": as_float(record.get("value_then")),
        "bijdrageToen": as_float(record.get("contribution_then")),
        "verandering": as_float(record.get("change")),
    }


@router.get(
    "/regios/{code}/verklaring",
    response=s.VerklaringUit,
    auth=READ,
    openapi_extra=s.errors(400, 404),
)
def get_explanation(
    request: HttpRequest,
    code: str = Code,
    jaar: int | None = Jaar,
    vergelijkjaar: int | None = Jaar,
) -> dict[str, Any]:
    """De scores van een regio ontleed in bijdragen per indicator; die tellen op tot het totaal."""
    parsed = parse_region_code(code)
    store = live_store()
    region_or_404(store, code)
    try:
        run = _gemeente_run(store, parsed.gemeente_code)
    except WijkkompasError as exc:
        raise not_found(str(exc)) from exc
    scores = run.result.scores
    available = sorted(int(str(y)) for y in scores.loc[scores["region_code"] == code, "year"])
    if not available:
        raise not_found(_("Voor %(code)s zijn geen scores berekend.") % {"code": code})
    year = jaar or available[-1]
    for wanted in (year, vergelijkjaar):
        if wanted is not None and wanted not in available:
            raise not_found(
                _("%(code)s heeft geen score voor %(jaar)s; wel voor: %(jaren)s.")
                % {"code": code, "jaar": wanted, "jaren": ", ".join(map(str, available))}
            )
    key = (store_identity(store), code, year, vergelijkjaar)
    return explanations_cache.get_or_make(
        key, lambda: _explanation_out(run, code, year, vergelijkjaar)
    )


explanations_cache = Lru(256)
"""Explaining one region-year takes 10-20 ms of pandas; its answer changes only with the store."""


def _explanation_out(
    run: IndexRun, code: str, year: int, vergelijkjaar: int | None
) -> dict[str, Any]:
    explanation = explain(run.result, code, year, vergelijkjaar).to_dict()
    return {
        "code": code,
        "jaar": year,
        "vergelijkjaar": vergelijkjaar,
        "scores": {k: as_float(v) for k, v in explanation["scores"].items()},
        "optelling": explanation["additive"],
        "rest": as_float(explanation["residual"]),
        "sterk": list(explanation["strengths"]),
        "zwak": list(explanation["weaknesses"]),
        "reden": explanation["reason"],
        "bijdragen": [_contribution(r) for r in explanation["indicators"]],
    }


_GEOJSON_200 = {
    "responses": {
        "200": {
            "description": "Een GeoJSON FeatureCollection (WGS84, 5 decimalen)",
            "content": {GEOJSON: {"schema": {"type": "object"}}},
        },
        **s.errors(400, 404)["responses"],
    }
}


@router.get("/gemeenten/{code}/geojson", auth=READ, openapi_extra=_GEOJSON_200)
@decorate_view(gzip_page)
def get_geojson(
    request: HttpRequest,
    code: str = GemeenteCode,
    niveau: s.Niveau = "buurt",
    jaar: int | None = Jaar,
    score: s.ScoreNaam = "total",
) -> HttpResponse:
    """De grenzen van de wijken of buurten van een gemeente met één score, voor een kaart.

    Gzip-gecomprimeerd voor clients die dat accepteren (alle browsers): de 517 buurten van
    Amsterdam zijn ongecomprimeerd ongeveer 380 KB, gecomprimeerd ongeveer 75 KB."""
    store = live_store()
    key = (store_identity(store), code, niveau, jaar, score)
    body = geojson_cache.get_or_make(key, lambda: _geojson_body(store, code, niveau, jaar, score))
    return HttpResponse(body, content_type=GEOJSON)


geojson_cache = Lru(32)
"""Reading, rounding and serialising a city's boundaries takes tens of milliseconds; the bytes
only change with the store file, so they are kept per store file and choice."""


def _geojson_body(
    store: AnalyticStore, code: str, niveau: s.Niveau, jaar: int | None, score: str
) -> bytes:
    with open_reader() as (_store, reader):
        year = jaar or reader.latest_year(code)
        if year is None:
            raise not_found(_("Gemeente %(code)s komt niet voor in de gegevens.") % {"code": code})
        frame = reader.geometries(niveau, gemeente=code, year=year, simplified=True)
        if frame.empty:
            raise not_found(
                _("Gemeente %(code)s heeft geen grenzen voor %(jaar)s.")
                % {"code": code, "jaar": year}
            )
    scores = run_scores(store)
    values: dict[str, Any] = {}
    classes: dict[str, Any] = {}
    if scores is not None:
        chosen = scores[(scores["year"] == year) & (scores["level"] == niveau)]
        values = {c: as_float(v) for c, v in zip(chosen["code"], chosen[score], strict=True)}
        if score == "total":
            classes = {c: as_int(v) for c, v in zip(chosen["code"], chosen["class"], strict=True)}
    codes = list(frame["code"])
    frame = frame.assign(
        score=pd.Series([values.get(c) for c in codes], index=frame.index, dtype=object),
        klasse=pd.Series([classes.get(c) for c in codes], index=frame.index, dtype=object),
    )
    collection = feature_collection(frame, ("code", "name", "wijk_code", "score", "klasse"))
    collection.update({"gemeente": code, "niveau": niveau, "jaar": int(year), "score": score})
    text = json.dumps(collection, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return text.encode()
