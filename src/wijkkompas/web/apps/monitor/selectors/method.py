""" "Hoe de score werkt": the method page, made from the catalogue and the reference shipped with it.

Nothing here restates the method by hand: the indicators, their groups, directions, weights,
proxies, sources and lags come from the catalogue; what 0 and 1 mean, the class cut-points and
where each centre came from come from the shipped reference; the thresholds (suppression, the
200-inhabitant rule, the minimum number of groups) come from the engine's own constants. Only
the reasons a context indicator is not scored are written here, as rules on catalogue fields.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from wijkkompas.catalogue import Catalogue, load_catalogue, shipped_reference
from wijkkompas.catalogue.schema import PROXY_WEIGHT, Indicator
from wijkkompas.index.classify import CLASS_OFFSETS
from wijkkompas.index.exposure import (
    ESTABLISHMENTS_PER_RESIDENT,
    MIN_RESIDENTS,
    URBAN_ADDRESS_DENSITY,
)
from wijkkompas.index.normalise import inverse_transform
from wijkkompas.index.options import EngineOptions
from wijkkompas.index.reference import Reference
from wijkkompas.index.spec import GROUPS, IndexSpec
from wijkkompas.reports.context import figure_text
from wijkkompas.reports.measures import BY_KEY, CLASS_LABELS, DOMAIN_LABELS

_NOT_SCORED_BY_ID: dict[str, str | Promise] = {
    "owner_occupied_share": gettext_lazy(
        "Eigendom en huur zeggen wie er woont, niet hoe leefbaar het is: sociale huur "
        "meetellen zou de huurders stigmatiseren. De problemen die ermee samenhangen worden "
        "rechtstreeks gemeten."
    ),
    "income_per_inhabitant": gettext_lazy(
        "Een buurt met veel kinderen heeft een lager inkomen per inwoner zonder armer te zijn; "
        "het gestandaardiseerde huishoudinkomen telt mee."
    ),
    "population_density": gettext_lazy(
        "Dichtheid is geen slechtere omgeving; dit cijfer zou stadscentra en grote woningen "
        "straffen."
    ),
    "dwellings_built_since_2000": gettext_lazy(
        "Nieuwbouw aan de rand van de stad maakt een buurt niet vanzelf beter."
    ),
    "ses_woa_score": gettext_lazy(
        "Gemaakt uit dezelfde registers als inkomen, opleiding en werk: naast die cijfers zou "
        "het ze dubbel tellen. Het dient als controle van de score."
    ),
}
_SAME_REASON = {
    "corporation_rental_share": "owner_occupied_share",
    "cars_per_km2": "population_density",
    "gas_use": "population_density",
    "ses_woa_spread": "ses_woa_score",
}


@dataclass(frozen=True)
class ScoredIndicator:
    id: str
    name: str
    groups: list[str]
    """Labels of the dimension or condition it counts in (none: it feeds only cumulation)."""
    domains: list[str]
    higher_is_better: bool
    weight: float
    share_of_total: float
    """Its share of the total in percent when every indicator is present (0 in no group)."""
    proxy: str | None
    source: str
    source_column: str | None
    lag_years: int
    on_date: bool
    carry_years: int
    centre: str
    """The figure that is 0, in the indicator's unit (empty without fit data)."""
    centre_from: str
    transform: str | None
    deflated: bool
    model_estimate: bool
    residential_only: bool


@dataclass(frozen=True)
class NotScored:
    id: str
    name: str
    reason: str


@dataclass(frozen=True)
class ClassBand:
    klass: int
    label: str
    low: float | None
    high: float | None


@dataclass(frozen=True)
class MethodPage:
    version: str
    reference_name: str
    reference_year: int
    fit_years: tuple[int, int] | None
    fit_regions: int | None
    clip: float
    groups: list[tuple[str, list[ScoredIndicator]]]
    cumulation_only: list[ScoredIndicator]
    not_scored: list[NotScored]
    classes: list[ClassBand]
    proxy_weight: float
    min_residents: int
    suppression_threshold: int
    min_groups: int
    residents_per_establishment: int
    urban_address_density: int
    price_base_year: int | None
    class_offsets: tuple[float, ...]


@cache
def current_catalogue() -> Catalogue:
    return load_catalogue()


@cache
def _reference(version: str) -> Reference | None:
    catalogue = current_catalogue()
    text = shipped_reference(catalogue) if version == catalogue.version else None
    return None if text is None else Reference.from_json(text)


def current_version() -> str:
    return current_catalogue().version


def _name(indicator: Indicator) -> str:
    return indicator.name_en if (get_language() or "nl").startswith("en") else indicator.name_nl


def _proxy(indicator: Indicator) -> str | None:
    """Why an indicator is a proxy, in the reader's language where the catalogue has it."""
    if (get_language() or "nl").startswith("en"):
        return indicator.proxy
    return indicator.proxy_nl or indicator.proxy


def centre_origin(text: str) -> str:
    """Where a centre came from, in the reader's language (the reference says it in English)."""
    national = re.fullmatch(r"national figure, period (\S+)", text)
    if national:
        return _("landelijk cijfer (%(periode)s)") % {"periode": national.group(1)}
    mean = re.fullmatch(r"mean of (\d+) buurt figures weighted by (\S+)", text)
    if mean:
        return _("gewogen gemiddelde van %(aantal)s buurtcijfers") % {"aantal": mean.group(1)}
    plain = re.fullmatch(r"mean of (\d+) buurt figures", text)
    if plain:
        return _("gemiddelde van %(aantal)s buurtcijfers") % {"aantal": plain.group(1)}
    if text == "no fit data":
        return _("geen cijfers om op te ijken: telt nu niet mee")
    return text


def not_scored_reason(indicator: Indicator, catalogue: Catalogue) -> str:
    """Why an indicator in the catalogue is not in the score, from its catalogue fields."""
    if indicator.felt:
        return _(
            "Gevoelde leefbaarheid (bewonersenquête of meedoen): staat naast de score, telt "
            "standaard niet mee, omdat alleen enkele buurten deze cijfers hebben."
        )
    if indicator.id.startswith("lbm_"):
        return _("Uitkomst van de Leefbaarometer van het Rijk: ter vergelijking, telt niet mee.")
    known = _NOT_SCORED_BY_ID.get(_SAME_REASON.get(indicator.id, indicator.id))
    if known is not None:
        return str(known)
    if indicator.distribution_of:
        mean = catalogue.by_id(indicator.distribution_of)
        return _(
            "Toont de verdeling achter het gemiddelde (%(gemiddelde)s); staat daarnaast in het "
            "profiel."
        ) % {"gemiddelde": _name(mean)}
    if indicator.unit == "count":
        return _("Een aantal: noemer, teller of gewicht van andere cijfers, geen maat op zich.")
    if indicator.model_estimate:
        return _("Een deelgroep of zwaardere vorm van een cijfer dat al meetelt: ter informatie.")
    return _("Context: getoond, niet gescoord.")


def method_page(version: str) -> MethodPage | None:
    """The page's content for a catalogue version; None when it is not this site's version."""
    catalogue = current_catalogue()
    if version != catalogue.version:
        return None
    reference = _reference(version)
    spec = IndexSpec.from_catalogue(catalogue)
    options = EngineOptions()
    scored_ids = list(reference.indicators) if reference else list(spec.ids)
    shares = (
        dict(zip(reference.indicators, reference.weights_table()["total_weight"], strict=True))
        if reference
        else {}
    )
    by_group: dict[str, list[ScoredIndicator]] = {g: [] for g in GROUPS}
    cumulation_only: list[ScoredIndicator] = []
    for k, ind_id in enumerate(scored_ids):
        indicator = catalogue.by_id(ind_id)
        item = spec.indicators[spec.position(ind_id)]
        centre_value = float(reference.centre[k]) if reference else float("nan")
        has_centre = math.isfinite(centre_value)
        share = float(shares.get(ind_id, 0.0))
        entry = ScoredIndicator(
            id=ind_id,
            name=_name(indicator),
            groups=[str(BY_KEY[g].label) for g in item.groups],
            domains=[str(DOMAIN_LABELS.get(d, d)) for d in item.domains],
            higher_is_better=item.sign > 0,
            weight=item.weight,
            share_of_total=100 * share if math.isfinite(share) else 0.0,
            proxy=_proxy(indicator),
            source=indicator.reference,
            source_column=indicator.source_column(),
            lag_years=indicator.reference_lag_years,
            on_date=indicator.reference_date is not None,
            carry_years=indicator.carry_years,
            centre=figure_text(inverse_transform(centre_value, indicator.transform), indicator.unit)
            if has_centre
            else "",
            centre_from=centre_origin(reference.centre_from[k]) if reference else "",
            transform=indicator.transform,
            deflated=indicator.deflate is not None,
            model_estimate=indicator.model_estimate,
            residential_only=indicator.residential_only,
        )
        if item.groups:
            by_group[item.groups[0]].append(entry)
        else:
            cumulation_only.append(entry)
    not_scored = [
        NotScored(i.id, _name(i), not_scored_reason(i, catalogue))
        for i in catalogue.indicators
        if i.id not in scored_ids
    ]
    bases = {p.base_year for p in catalogue.price_indices.values()}
    return MethodPage(
        version=catalogue.version,
        reference_name=reference.name if reference else "",
        reference_year=reference.reference_year if reference else 0,
        fit_years=_fit_years(reference),
        fit_regions=(reference.fitted_on or {}).get("regions") if reference else None,
        clip=reference.clip if reference else options.clip,
        groups=[(str(BY_KEY[g].label), by_group[g]) for g in GROUPS],
        cumulation_only=cumulation_only,
        not_scored=not_scored,
        classes=_classes(reference),
        proxy_weight=PROXY_WEIGHT,
        min_residents=MIN_RESIDENTS,
        suppression_threshold=int(options.suppression_threshold),
        min_groups=options.min_groups,
        residents_per_establishment=round(1 / ESTABLISHMENTS_PER_RESIDENT),
        urban_address_density=round(URBAN_ADDRESS_DENSITY),
        price_base_year=min(bases) if bases else None,
        class_offsets=CLASS_OFFSETS,
    )


def _fit_years(reference: Reference | None) -> tuple[int, int] | None:
    years = [int(y) for y in (reference.fitted_on or {}).get("years", [])] if reference else []
    return (min(years), max(years)) if years else None


def _classes(reference: Reference | None) -> list[ClassBand]:
    """Class 1 to 9 with the range of the total each one covers (the reference's cut-points)."""
    cuts = [float(c) for c in reference.cuts] if reference is not None else []
    if len(cuts) != len(CLASS_LABELS) - 1:
        return [ClassBand(k, str(label), None, None) for k, label in CLASS_LABELS.items()]
    bounds: list[float | None] = [None, *cuts, None]
    return [ClassBand(k, str(label), bounds[k - 1], bounds[k]) for k, label in CLASS_LABELS.items()]
