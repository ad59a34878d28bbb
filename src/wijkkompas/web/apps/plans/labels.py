"""Translated names of the catalogue's tags and of the progress verdicts, for every output."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wijkkompas.catalogue.score_groups import SCORE_GROUPS

SOCIAL_QUALITY_LABELS = {g.tag: _(g.label_nl) for g in SCORE_GROUPS if g.kind == "condition"}
DIMENSION_LABELS = {g.tag: _(g.label_nl) for g in SCORE_GROUPS if g.kind == "dimension"}
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
