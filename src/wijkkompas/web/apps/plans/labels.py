"""Translated names of the catalogue's tags and of the progress verdicts, for every output."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

SOCIAL_QUALITY_LABELS = {
    "socio_economic_security": _("Sociaal-economische zekerheid"),
    "social_inclusion": _("Sociale inclusie"),
    "social_cohesion": _("Sociale samenhang"),
    "social_empowerment": _("Sociale empowerment"),
}
DIMENSION_LABELS = {
    "housing": _("Wonen"),
    "physical_environment": _("Fysieke omgeving"),
    "amenities": _("Voorzieningen"),
    "nuisance_safety": _("Overlast en veiligheid"),
}
STATUS_LABELS = {
    "achieved": _("Gehaald"),
    "on_track": _("Op schema"),
    "behind": _("Achter op schema"),
    "unknown": _("Nog niet te zeggen"),
}
ACTION_LABELS = {
    "plan.create": _("Aanpak aangemaakt"),
    "plan.edit": _("Aanpak gewijzigd"),
    "plan.add_partner": _("Partner toegevoegd"),
    "agreement.add": _("Afspraak gemaakt"),
    "agreement.record_status": _("Stand van een afspraak vastgelegd"),
    "goal.add": _("Doel toegevoegd"),
    "goal.edit": _("Doel bijgesteld"),
    "goal.rebase": _("Doel op een nieuwe referentie gezet"),
    "goal.delete": _("Doel verwijderd"),
    "intervention.add": _("Interventie toegevoegd"),
    "intervention.edit": _("Interventie gewijzigd"),
    "intervention.set_budget": _("Begroting vastgelegd"),
    "intervention.record_spending": _("Uitgave vastgelegd"),
    "intervention.add_timeline": _("Voortgang gemeld"),
}
UNIT_LABELS = {
    "percent": "%",
    "per_1000": _("per 1000 inwoners"),
    "euro_x1000": _("× € 1000"),
    "euro": "€",
    "km": "km",
    "per_km2": _("per km²"),
    "ha": "ha",
    "count": "",
    "number": "",
}
