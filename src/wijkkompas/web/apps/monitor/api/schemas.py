"""What the monitor's open API returns. Field names are Dutch camelCase (NL API Design Rules,
``/core/interface-language``); score keys keep the index engine's names so a client can map
them to the catalogue and the methodology without a translation table.

Error responses are declared by :func:`errors`, not as schemas in ``response=``: ninja would
label them ``application/json``, while they are ``application/problem+json`` and clients (and
Schemathesis' content-type check) must be told so.
"""

from __future__ import annotations

from typing import Any, Literal

from ninja import Schema

Niveau = Literal["gemeente", "wijk", "buurt"]
ScoreNaam = Literal[
    "total",
    "housing",
    "physical_environment",
    "amenities",
    "safety",
    "socioeconomic_security",
    "social_inclusion",
    "social_cohesion",
    "social_empowerment",
]

# Strict on purpose: CBS codes are upper case, and ``[0-9]`` rather than ``\d`` keeps other
# scripts' digits out (``\d`` matches them in both Python's and pydantic's regex engines).
REGION_CODE_PATTERN = r"^(GM[0-9]{4}|WK[0-9]{4}[0-9A-Z]{2}|BU[0-9]{4}[0-9A-Z]{4})$"
GEMEENTE_CODE_PATTERN = r"^GM[0-9]{4}$"
INDICATOR_ID_PATTERN = r"^[a-z][a-z0-9_]{0,79}$"

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["status", "title", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "invalidParams": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "reason": {"type": "string"}},
            },
        },
    },
}

_ERROR_TEXT = {
    400: "Ongeldige invoer (een verkeerd gevormde code, een jaar buiten het bereik …)",
    404: "Onbekende code, indicator of jaar",
    503: "Er is (nog) geen analytische opslag om uit te lezen",
}


def errors(*statuses: int) -> dict[str, Any]:
    """``openapi_extra`` declaring problem-document responses for these statuses."""
    return {
        "responses": {
            str(status): {
                "description": _ERROR_TEXT[status],
                "content": {"application/problem+json": {"schema": PROBLEM_SCHEMA}},
            }
            for status in (*statuses, 503)
        }
    }


class RegioUit(Schema):
    code: str
    naam: str
    niveau: Niveau
    jaar: int
    gemeente: str | None
    wijk: str | None


class RegioPagina(Schema):
    """One page of regions; ``totaal`` counts all matches so a client knows when to stop."""

    regios: list[RegioUit]
    pagina: int
    paginaGrootte: int
    totaal: int
    aantalPaginas: int


class ZoekTreffer(RegioUit):
    gemeenteNaam: str
    postcode: str | None
    """The KWB's most common postcode (PC4) of the region, where an import had it."""
    treffer: Literal["code", "postcode", "naam", "ongeveer"]
    """Why the region was found (``ongeveer``: a name like the query, when none contains it)."""


class ZoekResultaat(Schema):
    q: str
    treffers: list[ZoekTreffer]


class RegioDetail(RegioUit):
    jaren: list[int]
    """Every boundary year in which this code exists (codes can disappear and come back)."""


class IndicatorUit(Schema):
    id: str
    naamNl: str
    naamEn: str
    eenheid: str
    richting: str
    tags: list[str]


class IndicatorDetail(IndicatorUit):
    omschrijvingNl: str
    omschrijvingEn: str
    dimensie: str | None
    conditie: str | None
    referentie: str
    bronkolommen: list[str]


class WaarnemingUit(Schema):
    indicator: str
    bronkolom: str | None
    """The source's own column; ``null`` for a figure wijkkompas derived from others."""
    periode: str
    regioJaar: int
    waarde: float | None
    """``null`` when the source suppressed the figure (small counts), never a zero."""
    onderdrukt: bool
    bron: str
    status: str | None


class LandelijkeWaarnemingUit(Schema):
    """A figure for the whole country (the KWB row NL00 "Nederland"), to compare regions with."""

    indicator: str
    bronkolom: str | None
    periode: str
    tabelJaar: int
    """The year of the KWB table the figure came from (its gebiedsindeling year)."""
    waarde: float | None
    onderdrukt: bool
    bron: str
    status: str | None


class ScoreUit(Schema):
    jaar: int
    run: str
    scores: dict[str, float | None]
    klasse: int | None
    klasseLabel: str | None
    deciel: int | None
    dekking: float | None
    cumulatie: int | None
    trend: str | None
    """The direction over the recent years (``climbing``, ``sliding`` …), when known."""
    rang: float | None
    rangP05: float | None
    rangP95: float | None
    reden: str | None
    """Why scores are missing (suppressed for a small population, too little coverage)."""


class ScoresUit(Schema):
    code: str
    naam: str | None
    niveau: str
    scores: list[ScoreUit]


class BijdrageUit(Schema):
    indicator: str
    ruw: float | None
    waarde: float | None
    geimputeerd: bool
    genormaliseerd: float | None
    gewicht: float | None
    bijdrage: float | None
    waardeToen: float | None = None
    bijdrageToen: float | None = None
    verandering: float | None = None


class VerklaringUit(Schema):
    code: str
    jaar: int
    vergelijkjaar: int | None
    scores: dict[str, float | None]
    optelling: str
    """``sum``: contributions add up to the total; ``log``: they add up to log(total)."""
    rest: float | None
    sterk: list[str]
    zwak: list[str]
    reden: str | None
    bijdragen: list[BijdrageUit]
