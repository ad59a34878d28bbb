"""The monitor API's figures: the indicator catalogue, a region's observations, the country's.

Apart from the scores (``monitor.py``) because figures are what a source published, read
straight from the store, while scores are what wijkkompas computed from them.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path as PathParam
from ninja import Query, Router

from wijkkompas.catalogue.schema import Indicator
from wijkkompas.web.apps.monitor.api import schemas as s
from wijkkompas.web.apps.monitor.api.data import (
    as_float,
    as_str,
    catalogue,
    live_store,
    not_found,
    open_reader,
    region_or_404,
)
from wijkkompas.web.apps.monitor.api.regions import READ, Code, Jaar
from wijkkompas.web.common.problems import InvalidParams

router = Router(tags=["monitor"])


def _tags(indicator: Indicator) -> list[str]:
    """Dimension, condition and cumulation domains; a name may be both, so listed once."""
    tags = [indicator.dimension, indicator.social_quality, *indicator.cumulation]
    return list(dict.fromkeys(str(t) for t in tags if t))


def _indicator(indicator: Indicator) -> dict[str, Any]:
    return {
        "id": indicator.id,
        "naamNl": indicator.name_nl,
        "naamEn": indicator.name_en,
        "eenheid": str(indicator.unit),
        "richting": str(indicator.direction),
        "tags": _tags(indicator),
    }


@router.get("/indicatoren", response=list[s.IndicatorUit], auth=READ)
def list_indicators(request: HttpRequest) -> list[dict[str, Any]]:
    """De indicatoren uit de catalogus: namen, eenheid, richting en de groepen waarin ze tellen."""
    return [_indicator(i) for i in catalogue().indicators]


def _refuse_unknown_indicator(indicator_id: str | None) -> None:
    """A filter on an indicator the catalogue lacks is a 400 that names the parameter."""
    if indicator_id is not None and _find_indicator(indicator_id) is None:
        raise InvalidParams({"indicator": [_("Deze indicator staat niet in de catalogus.")]})


def _find_indicator(indicator_id: str) -> Indicator | None:
    return next((i for i in catalogue().indicators if i.id == indicator_id), None)


@router.get(
    "/indicatoren/{id}", response=s.IndicatorDetail, auth=READ, openapi_extra=s.errors(400, 404)
)
def get_indicator(
    request: HttpRequest, id: str = PathParam(..., pattern=s.INDICATOR_ID_PATTERN)
) -> dict[str, Any]:
    """Eén indicator met omschrijving, dimensie, conditie en bronkolommen."""
    indicator = _find_indicator(id)
    if indicator is None:
        raise not_found(_("Indicator %(id)s staat niet in de catalogus.") % {"id": id})
    return {
        **_indicator(indicator),
        "omschrijvingNl": indicator.description_nl,
        "omschrijvingEn": indicator.description_en,
        "dimensie": indicator.dimension,
        "conditie": indicator.social_quality,
        "referentie": indicator.reference,
        "bronkolommen": [*indicator.kwb, *indicator.statline],
    }


@router.get(
    "/regios/{code}/waarnemingen",
    response=list[s.WaarnemingUit],
    auth=READ,
    openapi_extra=s.errors(400, 404),
)
def list_observations(
    request: HttpRequest,
    code: str = Code,
    indicator: str | None = Query(None, pattern=s.INDICATOR_ID_PATTERN),
    jaar: int | None = Jaar,
) -> list[dict[str, Any]]:
    """De cijfers van een regio per indicator en periode; onderdrukte cijfers zijn ``null``."""
    _refuse_unknown_indicator(indicator)
    region_or_404(live_store(), code)
    with open_reader() as (_store, reader):
        frame = reader.observations(
            indicator_ids=[indicator] if indicator else None, region_codes=[code]
        )
    if jaar is not None:
        frame = frame[frame["region_year"] == jaar]
    return [
        {**_figure_out(row), "regioJaar": int(str(row.region_year))}
        for row in frame.itertuples(index=False)
    ]


def _figure_out(row: Any) -> dict[str, Any]:
    """What a region's and the country's figures share; suppressed figures are ``null``."""
    return {
        "indicator": row.indicator_id,
        "bronkolom": as_str(row.source_column),
        "periode": str(row.period),
        "waarde": None if row.suppressed else as_float(row.value),
        "onderdrukt": bool(row.suppressed),
        "bron": str(row.source),
        "status": as_str(row.release),
    }


NATIONAL_CODE = "NL00"
"""CBS's code for the whole country (the first row of every Kerncijfers table)."""


@router.get(
    "/landen/{code}/waarnemingen",
    response=list[s.LandelijkeWaarnemingUit],
    auth=READ,
    openapi_extra=s.errors(400, 404),
)
def list_national_observations(
    request: HttpRequest,
    code: str = PathParam(..., pattern=r"^[A-Z]{2}[0-9]{2}$", description="CBS-code: NL00"),
    indicator: str | None = Query(None, pattern=s.INDICATOR_ID_PATTERN),
) -> list[dict[str, Any]]:
    """De cijfers van heel Nederland (de regel NL00 van de Kerncijfers), om regio's mee te
    vergelijken; leeg zolang er geen Kerncijfers-bestand met die regel is geïmporteerd."""
    if code != NATIONAL_CODE:
        raise not_found(_("Alleen Nederland (NL00) heeft landelijke cijfers."))
    _refuse_unknown_indicator(indicator)
    with open_reader() as (_store, reader):
        frame = reader.national_observations([indicator] if indicator else None)
    return [
        {**_figure_out(row), "tabelJaar": int(str(row.table_year))}
        for row in frame.itertuples(index=False)
    ]
