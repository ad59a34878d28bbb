"""Felt and measured: where residents' own mark for their buurt (from the survey, once
published to the monitor) and the measured index disagree, per buurt of a gemeente."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import get_language

from wijkkompas.web.apps.participation.selectors.areas import area_names
from wijkkompas.web.common.store import site_store

if TYPE_CHECKING:
    from wijkkompas.services.felt import FeltAndMeasured


@dataclass(frozen=True)
class FeltPage:
    gemeente: str
    gemeente_name: str
    result: FeltAndMeasured
    rows: list[dict[str, Any]]
    """Each divergence (``d``) with its buurt's name and the reason in the active language."""


def felt_and_measured_page(gemeente: str) -> FeltPage | None:
    """The comparison for ``gemeente`` (the first gemeente in the monitor when empty); None
    for a code the monitor does not know."""
    from wijkkompas.services.felt import felt_and_measured

    names = area_names()
    if not gemeente:
        gemeente = next((c for c in names if c.startswith("GM")), "")
    if gemeente not in names:
        return None
    result = felt_and_measured(site_store(), gemeente)
    english = (get_language() or "nl").startswith("en")
    rows = [
        {
            "d": d,
            "name": names.get(d.region_code, d.region_code),
            "reason": d.reason_en if english else d.reason_nl,
        }
        for d in result.divergences
    ]
    return FeltPage(gemeente, names[gemeente], result, rows)
