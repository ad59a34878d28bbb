"""The resident survey: making and opening it, answering once per code (or through the open
link), and publishing the results.

Answers are stored without a link to the code (``SurveyMark`` records only *that* a code
answered). Results are the survey package's weighted estimates (``selectors.surveys``);
publishing them writes the documented results file and imports it into the analytic store
through the same importer as every other source.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from wijkkompas.errors import WijkkompasError
from wijkkompas.survey.questionnaire import (
    AGE_GROUPS,
    SEXES,
    validate_answers,
    validate_background,
)
from wijkkompas.web.apps.accounts.permissions import require
from wijkkompas.web.apps.accounts.services import pseudonym_of
from wijkkompas.web.apps.participation.models import (
    ResidentCode,
    Survey,
    SurveyMark,
    SurveyResponse,
)
from wijkkompas.web.apps.participation.selectors.surveys import SOURCE, boundary_year, results
from wijkkompas.web.apps.participation.services import monitor_store
from wijkkompas.web.common.services import model_update

log = logging.getLogger(__name__)


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


@transaction.atomic
def create_survey(*, survey: Survey, actor: Any) -> Survey:
    """Save a new round of the standard questionnaire (``survey`` as the form made it, its area
    known to the monitor) for an area within the organiser's role."""
    require(actor, "survey.manage", survey)
    survey.save()
    return survey


@transaction.atomic
def set_open(*, survey: Survey, is_open: bool, actor: Any) -> Survey:
    """Open the survey for answers, or close it (its results become public once closed)."""
    require(actor, "survey.manage", survey)
    model_update(instance=survey, fields=["is_open"], data={"is_open": is_open})
    return survey


@transaction.atomic
def set_results_while_open(*, survey: Survey, shown: bool, actor: Any) -> Survey:
    """Whether everyone sees the results before the survey closes, or only its organiser."""
    require(actor, "survey.manage", survey)
    model_update(instance=survey, fields=["results_while_open"], data={"results_while_open": shown})
    return survey


__all__ = [
    "AGE_GROUPS",
    "SEXES",
    "AlreadyAnswered",
    "answer",
    "create_survey",
    "publish_to_monitor",
    "set_open",
    "set_results_while_open",
]
