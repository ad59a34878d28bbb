"""The resident survey: answering once per code (or through the open link), and the results.

Answers are stored without a link to the code (``SurveyMark`` records only *that* a code
answered). Results are the survey package's weighted estimates, suppressed below ten
respondents; publishing them writes the documented results file and imports it into the
analytic store through the same importer as every other source.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from wijkkompas.errors import WijkkompasError
from wijkkompas.services.survey import margins_from_store
from wijkkompas.survey.estimates import PopulationMargins, Response, estimate
from wijkkompas.survey.questionnaire import (
    AGE_GROUPS,
    SEXES,
    validate_answers,
    validate_background,
)
from wijkkompas.survey.result import SurveyEstimate, ancestors
from wijkkompas.web.apps.accounts.services import pseudonym_of
from wijkkompas.web.apps.participation.models import (
    ResidentCode,
    Survey,
    SurveyMark,
    SurveyResponse,
)
from wijkkompas.web.apps.participation.services import monitor_store
from wijkkompas.web.common.store import site_store

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


def boundary_year(survey: Survey) -> int:
    return monitor_store.boundary_year(survey.area_code, survey.year)


def _population(codes: list[str], year: int) -> dict[str, PopulationMargins]:
    store = site_store()
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
    return monitor_store.results_csv(
        results(survey), source=SOURCE, region_year=boundary_year(survey)
    )


def publish_to_monitor(survey: Survey, actor: Any) -> int:
    """Import the results into the analytic store; returns the number of figures published.

    Not while the results are hidden (the survey still open): the monitor is public.
    """
    if not survey.results_public:
        raise WijkkompasError(
            _("De enquête is nog open. Zet de uitkomsten in de monitor als de enquête gesloten is.")
        )
    published = monitor_store.import_figures(
        results(survey),
        source=SOURCE,
        region_year=boundary_year(survey),
        filename=f"enquete-{survey.area_code}-{survey.year}.csv",
    )
    log.info("survey %s published to the monitor by %s", survey.pk, pseudonym_of(actor))
    return published


__all__ = ["AGE_GROUPS", "SEXES", "AlreadyAnswered", "answer", "has_answered", "results"]
