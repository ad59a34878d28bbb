"""What the survey pages and the results file read: the surveys, the questionnaire in the
reader's language, whether a code has answered, and the results.

Results are the survey package's weighted estimates (to the population margins in the store),
suppressed below ten respondents; they are computed from the stored answers each time, so the
page, the download and what is published to the monitor are the same numbers.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language

from wijkkompas.services.survey import margins_from_store
from wijkkompas.survey.estimates import PopulationMargins, Response, estimate
from wijkkompas.survey.questionnaire import STANDARD
from wijkkompas.survey.result import SurveyEstimate, ancestors
from wijkkompas.web.apps.participation.models import ResidentCode, Survey, SurveyMark
from wijkkompas.web.apps.participation.selectors import monitor_store
from wijkkompas.web.common.store import site_store

SOURCE = "enquete"
"""The source name the results are filed under in the monitor's store."""


def all_surveys() -> list[Survey]:
    return list(Survey.objects.all())


def _english() -> bool:
    return (get_language() or "nl").startswith("en")


def questionnaire() -> list[dict[str, Any]]:
    """The standard questions with their answer options, in the active language."""
    english = _english()
    return [
        {
            "id": q.id,
            "text": q.text_en if english else q.text_nl,
            "options": list(
                zip(
                    q.scale.values, q.scale.labels_en if english else q.scale.labels_nl, strict=True
                )
            ),
        }
        for q in STANDARD
    ]


def has_answered(survey: Survey, code: ResidentCode | None) -> bool:
    return code is not None and SurveyMark.objects.filter(survey=survey, code=code).exists()


def respondents(survey: Survey) -> int:
    """How many answered, with a code or through the open link."""
    return survey.responses.count()


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
    """The boundary year the survey's results are filed under (:mod:`.monitor_store`)."""
    return monitor_store.boundary_year(survey.area_code, survey.year)


def _population(codes: list[str], year: int) -> dict[str, PopulationMargins]:
    store = site_store()
    if not store.exists():
        return {}
    with store.reader() as reader:
        return margins_from_store(reader, codes, year)


def results(survey: Survey) -> list[SurveyEstimate]:
    """The weighted estimates per area and question; none without answers."""
    responses = _responses(survey)
    if not responses:
        return []
    codes = sorted({c for r in responses for c in ancestors(r.area_code)} | {survey.area_code})
    return estimate(responses, _population(codes, boundary_year(survey)), str(survey.year))


def results_csv(survey: Survey) -> str:
    """The results as the documented file that ``wijkkompas import`` reads back."""
    return monitor_store.results_csv(
        results(survey), source=SOURCE, region_year=boundary_year(survey)
    )


def result_rows(survey: Survey, names: dict[str, str]) -> list[dict[str, Any]]:
    """The results as the page lists them: area by name, question in the active language,
    and whether the estimate is a share (a question with a favourable answer) or a mean."""
    questions = {q.indicator_id: q for q in STANDARD}
    english = _english()
    return [
        {
            "area": names.get(e.region_code, e.region_code),
            "code": e.region_code,
            "question": (
                questions[e.indicator_id].text_en if english else questions[e.indicator_id].text_nl
            )
            if e.indicator_id in questions
            else e.indicator_id,
            "estimate": e,
            "percent": e.indicator_id in questions
            and questions[e.indicator_id].scale.favourable is not None,
        }
        for e in results(survey)
    ]
