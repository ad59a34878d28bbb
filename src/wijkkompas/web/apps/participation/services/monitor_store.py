"""How residents' figures reach the monitor: the store, its boundary year, the importer.

Survey results and participation counts are written as the documented results file and
imported like any other source, so the store's checks (known regions, the ten-person floor,
atomic writes) apply to them too. This module is the one place that does it.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Sequence
from pathlib import Path

from wijkkompas.survey.estimates import write_results_csv
from wijkkompas.survey.result import SurveyEstimate
from wijkkompas.web.common.store import site_store


def boundary_year(area_code: str, year: int) -> int:
    """The newest boundary year the store has for the area's gemeente, up to ``year``.

    A 2026 survey is filed on the newest boundaries there are (say 2024): its buurten are
    those the residents were asked about.
    """
    store = site_store()
    if not store.exists():
        return year
    with store.reader() as reader:
        latest = reader.latest_year("GM" + area_code[2:6])
    return min(year, latest) if latest else year


def results_csv(estimates: Sequence[SurveyEstimate], *, source: str, region_year: int) -> str:
    out = io.StringIO()
    write_results_csv(estimates, out, source_name=source, region_year=region_year)
    return out.getvalue()


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
