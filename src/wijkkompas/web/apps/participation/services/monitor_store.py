"""How residents' figures reach the monitor: through the importer.

Survey results and participation counts are written as the documented results file
(``selectors.monitor_store.results_csv``) and imported like any other source, so the store's
checks (known regions, the ten-person floor, atomic writes) apply to them too. This module is
the one place that does it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from wijkkompas.survey.result import SurveyEstimate
from wijkkompas.web.apps.participation.selectors.monitor_store import results_csv
from wijkkompas.web.common.store import site_store


def import_figures(
    estimates: Sequence[SurveyEstimate], *, source: str, region_year: int, filename: str
) -> int:
    """Import ``estimates`` into the store; returns how many are published (not suppressed)."""
    from wijkkompas.sources.importer import import_files

    text = results_csv(estimates, source=source, region_year=region_year)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / filename
        path.write_text(text, encoding="utf-8")
        import_files(site_store(), [path])
    return sum(1 for e in estimates if not e.suppressed)
