"""The resident survey: answering once per code (or through the open link), and the results.

Answers are stored without a link to the code (``SurveyMark`` records only *that* a code
answered). Results are the survey package's weighted estimates, suppressed below ten
respondents; publishing them writes the documented results file and imports it into the
analytic store through the same importer as every other source.
"""

from __future__ import annotations

import io
import logging
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from wijkkompas.store import AnalyticStore
from wijkkompas.survey.estimates import PopulationMargins, Response, estimate, write_results_csv
from wijkkompas.survey.population import margins_from_store
from wijkkompas.survey.questionnaire import (
    AGE_GROUPS,
    SEXES,
    validate_answers,
    validate_background,
)
from wijkkompas.survey.result import SurveyEstimate, ancestors
from wijkkompas.web.apps.participation.models import (
    ResidentCode,
    Survey,
    SurveyMark,
    SurveyResponse,
)

log = logging.getLogger(__name__)
SOURCE = "enquete"


class AlreadyAnswered(Exception):
    """This code answered this survey before; answers count once."""


def answer(
    *,
    survey: Survey,
    code: ResidentCode | None,
    area_code: str,
    age_group: str | None,
    sex: str | None,
    answers: Mapping[str, int | None],
) -> None:
    """Store one anonymous response; raises ``InvalidAnswers`` or :class:`AlreadyAnswered`."""
    clean = validate_answers(answers)
    validate_background(age_group, sex)
    try:
        with transaction.atomic():
            if code is not None:
                SurveyMark.objects.create(survey=survey, code=code)
            SurveyResponse.objects.create(
                survey=survey,
                area_code=area_code.upper(),
                age_group=age_group or "",
                sex=sex or "",
                answers=clean,
                via_open_link=code is None,
            )
    except IntegrityError:
        raise AlreadyAnswered from None


def has_answered(survey: Survey, code: ResidentCode | None) -> bool:
    return code is not None and SurveyMark.objects.filter(survey=survey, code=code).exists()


def _responses(survey: Survey) -> list[Response]:
    return [
        Response(
            area_code=r.area_code,
            age_group=r.age_group or None,
            sex=r.sex or None,
            answers={k: (int(v) if v is not None else None) for k, v in r.answers.items()},
        )
        for r in survey.responses.all()
    ]


def _store() -> AnalyticStore:
    return AnalyticStore(Path(settings.WIJKKOMPAS_STORE))


def boundary_year(survey: Survey) -> int:
    """The newest boundary year the store has for the survey's gemeente, up to its year.

    A 2026 survey is filed on the newest boundaries there are (say 2024): its buurten are
    those the residents were asked about.
    """
    store = _store()
    if not store.exists():
        return survey.year
    with store.reader() as reader:
        latest = reader.latest_year("GM" + survey.area_code[2:6])
    return min(survey.year, latest) if latest else survey.year


def _population(codes: list[str], year: int) -> dict[str, PopulationMargins]:
    store = _store()
    if not store.exists():
        return {}
    with store.reader() as reader:
        return margins_from_store(reader, codes, year)


def results(survey: Survey) -> list[SurveyEstimate]:
    responses = _responses(survey)
    if not responses:
        return []
    codes = sorted({c for r in responses for c in ancestors(r.area_code)} | {survey.area_code})
    return estimate(responses, _population(codes, boundary_year(survey)), str(survey.year))


def results_csv(survey: Survey) -> str:
    out = io.StringIO()
    write_results_csv(results(survey), out, source_name=SOURCE, region_year=boundary_year(survey))
    return out.getvalue()


def publish_to_monitor(survey: Survey, actor: Any) -> int:
    """Import the results into the analytic store; returns the number of figures written."""
    from wijkkompas.sources.importer import import_files

    text = results_csv(survey)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"enquete-{survey.area_code}-{survey.year}.csv"
        path.write_text(text, encoding="utf-8")
        import_files(_store(), [path])
    log.info("survey %s published to the monitor", survey.pk)
    return sum(1 for e in results(survey) if not e.suppressed)


__all__ = ["AGE_GROUPS", "SEXES", "AlreadyAnswered", "answer", "has_answered", "results"]
