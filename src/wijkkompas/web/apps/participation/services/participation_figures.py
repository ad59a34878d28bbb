"""Participation figures into the monitor: the year's counts per buurt and wijk
(``selectors.participation_figures``), imported as a source like any other."""

from __future__ import annotations

from wijkkompas.errors import WijkkompasError
from wijkkompas.web.apps.participation.selectors.participation_figures import SOURCE, figures
from wijkkompas.web.apps.participation.services import monitor_store


def publish_to_monitor(year: int) -> int:
    """Import the year's participation figures into the analytic store, like any source."""
    estimates, boundary = figures(year)
    if not estimates:
        raise WijkkompasError(f"Er is in {year} nog niets om te tellen.")
    return monitor_store.import_figures(
        estimates, source=SOURCE, region_year=boundary, filename=f"participatie-{year}.csv"
    )
