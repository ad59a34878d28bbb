"""What the monitor's store says for residents' figures: the boundary year they are filed under,
and the documented results file they become (what the results download serves and what
``services.monitor_store.import_figures`` imports: one text, so the two cannot differ).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

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
    """``estimates`` as the documented results file that ``wijkkompas import`` reads."""
    out = io.StringIO()
    write_results_csv(estimates, out, source_name=source, region_year=region_year)
    return out.getvalue()
