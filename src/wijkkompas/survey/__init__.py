"""The resident survey and participation as sources of survey indicators.

Pure domain code (no Django, no store writes): the standard questionnaire, weighting to the
KWB's age and sex structure, margins of error, suppression of small groups, participation
counts, and the comparison of felt with measured livability. Results leave as a documented CSV
that ``wijkkompas import`` reads like any other source (ARCHITECTURE.md: participation feeds
back through the importer, never by a side door).
"""

from wijkkompas.survey.divergence import Divergence, felt_vs_measured
from wijkkompas.survey.estimates import (
    RESULTS_COLUMNS,
    PopulationMargins,
    Response,
    estimate,
    write_results_csv,
)
from wijkkompas.survey.participation import ParticipationEvent, participation_estimates
from wijkkompas.survey.questionnaire import (
    AGE_GROUPS,
    AGREE5,
    MARK10,
    SEXES,
    STANDARD,
    YESNO,
    InvalidAnswers,
    Question,
    Scale,
    validate_answers,
)
from wijkkompas.survey.result import MIN_RESPONDENTS, SurveyEstimate

__all__ = [
    "AGE_GROUPS",
    "AGREE5",
    "MARK10",
    "MIN_RESPONDENTS",
    "RESULTS_COLUMNS",
    "SEXES",
    "STANDARD",
    "YESNO",
    "Divergence",
    "InvalidAnswers",
    "ParticipationEvent",
    "PopulationMargins",
    "Question",
    "Response",
    "Scale",
    "SurveyEstimate",
    "estimate",
    "felt_vs_measured",
    "participation_estimates",
    "validate_answers",
    "write_results_csv",
]
