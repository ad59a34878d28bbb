"""API schemas, split by use (house rule 11): ``…In`` is what a client sends, ``…Uit`` what it
gets. Field names are Dutch, as the NL API Design Rules ask (``/core/interface-language``)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema


class OrganisatieUit(Schema):
    id: int
    naam: str
    soort: str


class OrganisatieIn(Schema):
    naam: str = Field(min_length=1, max_length=200)
    soort: str


class PlanUit(Schema):
    id: int
    titel: str
    gemeente: str
    gebied: list[str]
    startjaar: int
    eindjaar: int
    visie: str
    doelenBewoners: str
    partners: list[OrganisatieUit]


class PlanIn(Schema):
    titel: str = Field(min_length=1, max_length=200)
    gebied: list[str] = Field(min_length=1)
    startjaar: int
    eindjaar: int
    visie: str = Field(min_length=1)
    doelenBewoners: str = ""


class PlanWijziging(Schema):
    titel: str | None = Field(default=None, min_length=1, max_length=200)
    gebied: list[str] | None = None
    startjaar: int | None = None
    eindjaar: int | None = None
    visie: str | None = None
    doelenBewoners: str | None = None


class PartnerUit(Schema):
    organisatie: OrganisatieUit
    inbreng: str


class PartnerIn(Schema):
    organisatieId: int
    inbreng: str = ""


class AfspraakStand(Schema):
    jaar: int
    stand: str | None


class AfspraakUit(Schema):
    id: int
    gever: OrganisatieUit
    soort: str
    belofte: str
    hoeveelheid: Decimal | None
    ontvanger: OrganisatieUit
    tegenprestatie: str
    startjaar: int
    eindjaar: int
    standen: list[AfspraakStand]


class AfspraakIn(Schema):
    geverId: int
    soort: str
    belofte: str
    hoeveelheid: Decimal | None = None
    ontvangerId: int
    tegenprestatie: str
    startjaar: int
    eindjaar: int


class StandIn(Schema):
    jaar: int
    stand: str
    toelichting: str = ""


class DoelUit(Schema):
    id: int
    soort: str
    titel: str
    indicator: str | None
    conditie: str | None
    dimensie: str | None
    basisjaar: int | None
    beginwaarde: float | None
    bron: str
    indexrun: str | None = None
    doeljaar: int
    streefwaarde: float | None
    oordeelBewoners: str


class DoelIn(Schema):
    soort: str = "indicator"
    titel: str = Field(min_length=1, max_length=300)
    indicator: str | None = None
    dimensie: str | None = None
    conditie: str | None = None
    indexrun: str | None = None
    """Bij een dimensie of conditie: de indexrun voor de beginwaarde (leeg: de nieuwste)."""
    basisjaar: int | None = None
    doeljaar: int
    streefwaarde: float | None = None
    oordeelBewoners: str = ""


class DoelWijziging(Schema):
    titel: str | None = None
    doeljaar: int | None = None
    streefwaarde: float | None = None
    oordeelBewoners: str | None = None


class Vergelijking(Schema):
    """Difference-in-differences against buurten of the same gemeente without the plan."""

    oordeel: str
    schatting: float | None
    standaardfout: float | None
    ondergrens: float | None
    bovengrens: float | None
    jarenVoor: list[int]
    jarenNa: list[int]
    aantalVergelijkingsbuurten: int
    trendVoorafAfwijkend: bool


class Meting(Schema):
    jaar: int
    waarde: float


class VoortgangUit(Schema):
    doelId: int
    status: str
    reden: str
    metingen: list[Meting]
    verwachteWaarde: float | None
    vergelijking: Vergelijking | None


class InterventieUit(Schema):
    id: int
    titel: str
    omschrijving: str
    pijler: str
    trekker: OrganisatieUit
    partners: list[OrganisatieUit]
    doelen: list[int]
    gebied: list[str]
    start: date
    einde: date | None
    bewonersinitiatief: bool
    status: str | None
    begroot: Decimal
    uitgegeven: Decimal


class BegrotingsregelIn(Schema):
    organisatieId: int
    jaar: int
    bedrag: Decimal


class InterventieIn(Schema):
    titel: str = Field(min_length=1, max_length=200)
    omschrijving: str
    pijler: str
    trekkerId: int
    partnerIds: list[int] = []
    doelIds: list[int] = []
    gebied: list[str] = []
    start: date
    einde: date | None = None
    bewonersinitiatief: bool = False
    begroting: list[BegrotingsregelIn] = []


class InterventieWijziging(Schema):
    """Only the fields sent change; ``partnerIds`` and ``doelIds`` replace the lists."""

    titel: str | None = Field(default=None, max_length=200)
    omschrijving: str | None = None
    pijler: str | None = None
    trekkerId: int | None = None
    partnerIds: list[int] | None = None
    doelIds: list[int] | None = None
    gebied: list[str] | None = None
    """Leeg: het hele gebied van het plan."""
    start: date | None = None
    einde: date | None = None
    bewonersinitiatief: bool | None = None


class UitgaveIn(Schema):
    organisatieId: int
    jaar: int
    bedrag: Decimal
    toelichting: str = ""


class TijdlijnIn(Schema):
    datum: date
    status: str
    toelichting: str = ""


class BegrotingsregelUit(Schema):
    interventieId: int
    organisatie: str
    jaar: int
    begroot: Decimal
    uitgegeven: Decimal


class GeschiedenisUit(Schema):
    tijdstip: datetime
    wie: str
    rol: str
    organisatie: str
    actie: str
    soortObject: str
    objectId: int
    wijzigingen: dict[str, list[Any]]
