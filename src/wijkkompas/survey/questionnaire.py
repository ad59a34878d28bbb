"""The standard resident questionnaire: felt livability, the survey half of the Wijkprofiel.

Pure data and validation, no Django: the participation app renders these questions and stores
the answers, the estimator turns answers into survey indicators. A question's ``id`` is stored
with every answer and its ``indicator_id`` names the catalogue indicator it feeds, so both are
stable once published. The Dutch texts are written at language level B1 (short sentences,
everyday words, one statement per question).

Every statement is phrased positively ("Ik voel me veilig"), so a higher answer is always the
better one and no item has to be reversed before it is summarised.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from wijkkompas.errors import WijkkompasError


class InvalidAnswers(WijkkompasError):
    """Answers that do not fit the questionnaire; the message lists every bad answer."""


@dataclass(frozen=True)
class Scale:
    """The answer options of a question, as integers with labels."""

    id: str
    values: tuple[int, ...]
    labels_nl: tuple[str, ...]
    labels_en: tuple[str, ...]
    favourable: frozenset[int] | None
    """Answers that count towards a share indicator ("eens" and "helemaal eens"); ``None``
    means the indicator is the mean answer instead (the 1–10 mark)."""

    def label_nl(self, value: int) -> str:
        return self.labels_nl[self.values.index(value)]


AGREE5 = Scale(
    id="agree5",
    values=(1, 2, 3, 4, 5),
    labels_nl=("helemaal oneens", "oneens", "niet eens, niet oneens", "eens", "helemaal eens"),
    labels_en=("strongly disagree", "disagree", "neither", "agree", "strongly agree"),
    favourable=frozenset({4, 5}),
)
MARK10 = Scale(
    id="mark10",
    values=tuple(range(1, 11)),
    labels_nl=("1 (heel slecht)", "2", "3", "4", "5", "6", "7", "8", "9", "10 (heel goed)"),
    labels_en=("1 (very bad)", "2", "3", "4", "5", "6", "7", "8", "9", "10 (very good)"),
    favourable=None,
)
YESNO = Scale(
    id="yesno",
    values=(0, 1),
    labels_nl=("nee", "ja"),
    labels_en=("no", "yes"),
    favourable=frozenset({1}),
)
SCALES: dict[str, Scale] = {s.id: s for s in (AGREE5, MARK10, YESNO)}


@dataclass(frozen=True)
class Question:
    """One question of the standard questionnaire."""

    id: str
    """Stable snake_case id, stored with every answer."""
    text_nl: str
    """B1 Dutch, one short sentence."""
    text_en: str
    scale: Scale
    indicator_id: str
    """The catalogue indicator it feeds (tagged ``survey``)."""


STANDARD: tuple[Question, ...] = (
    Question(
        "feels_safe",
        "Ik voel me veilig in mijn buurt.",
        "I feel safe in my neighbourhood.",
        AGREE5,
        "survey_feels_safe_share",
    ),
    Question(
        "safe_after_dark",
        "Ik voel me 's avonds veilig op straat in mijn buurt.",
        "I feel safe in the streets of my neighbourhood in the evening.",
        AGREE5,
        "survey_safe_after_dark_share",
    ),
    Question(
        "neighbour_contact",
        "Ik heb contact met mijn buren.",
        "I am in touch with my neighbours.",
        AGREE5,
        "survey_neighbour_contact_share",
    ),
    Question(
        "trust_people",
        "Ik vertrouw de mensen in mijn buurt.",
        "I trust the people in my neighbourhood.",
        AGREE5,
        "survey_trust_share",
    ),
    Question(
        "help_each_other",
        "De mensen in mijn buurt helpen elkaar.",
        "People in my neighbourhood help each other.",
        AGREE5,
        "survey_mutual_help_share",
    ),
    Question(
        "housing_satisfaction",
        "Ik ben tevreden met mijn woning.",
        "I am satisfied with my home.",
        AGREE5,
        "survey_housing_satisfaction_share",
    ),
    Question(
        "public_space_satisfaction",
        "Ik ben tevreden met de straten, stoepen en het groen in mijn buurt.",
        "I am satisfied with the streets, pavements and green spaces in my neighbourhood.",
        AGREE5,
        "survey_public_space_satisfaction_share",
    ),
    Question(
        "amenities_satisfaction",
        "Ik ben tevreden met de winkels, scholen en andere voorzieningen in mijn buurt.",
        "I am satisfied with the shops, schools and other amenities in my neighbourhood.",
        AGREE5,
        "survey_amenities_satisfaction_share",
    ),
    Question(
        "has_a_say",
        "Ik kan meepraten over wat er in mijn buurt gebeurt.",
        "I can have a say in what happens in my neighbourhood.",
        AGREE5,
        "survey_has_a_say_share",
    ),
    Question(
        "active_for_buurt",
        "Heeft u het afgelopen jaar iets gedaan voor uw buurt? Bijvoorbeeld meegeholpen of "
        "een idee ingediend.",
        "In the past year, did you do something for your neighbourhood, such as helping out "
        "or handing in an idea?",
        YESNO,
        "survey_active_share",
    ),
    Question(
        "buurt_mark",
        "Welk cijfer geeft u uw buurt? 1 is heel slecht, 10 is heel goed.",
        "What mark do you give your neighbourhood? 1 is very bad, 10 is very good.",
        MARK10,
        "survey_buurt_mark",
    ),
)
QUESTIONS: dict[str, Question] = {q.id: q for q in STANDARD}

AGE_GROUPS: tuple[str, ...] = ("15-24", "25-44", "45-64", "65+")
"""Respondent age bands: the KWB's bands from 15 on (residents under 15 are not asked)."""
SEXES: tuple[str, ...] = ("man", "vrouw")
"""As the KWB counts residents. Both background questions are optional (``None``)."""


def validate_answers(answers: Mapping[str, int | None]) -> dict[str, int | None]:
    """The answers as a dict with every standard question (``None`` = not answered).

    Raises
    ------
    InvalidAnswers
        For unknown question ids and answers outside a question's scale, all listed at once,
        so a form can show every problem in one go.
    """
    problems: list[str] = []
    for key in answers:
        if key not in QUESTIONS:
            problems.append(f"'{key}' is not a question of the standard questionnaire")
    clean: dict[str, int | None] = {}
    for question in STANDARD:
        value = answers.get(question.id)
        if value is None:
            clean[question.id] = None
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"{question.id}: the answer {value!r} is not a whole number")
            continue
        if value not in question.scale.values:
            allowed = f"{question.scale.values[0]} to {question.scale.values[-1]}"
            problems.append(f"{question.id}: the answer {value} is not one of {allowed}")
            continue
        clean[question.id] = value
    if problems:
        raise InvalidAnswers(
            "These answers do not fit the questionnaire: " + "; ".join(problems) + "."
        )
    return clean


def validate_background(age_group: str | None, sex: str | None) -> None:
    """Refuse an age group or sex the weighting does not know (``None`` is always fine)."""
    problems = []
    if age_group is not None and age_group not in AGE_GROUPS:
        problems.append(f"age group '{age_group}' is not one of {', '.join(AGE_GROUPS)}")
    if sex is not None and sex not in SEXES:
        problems.append(f"sex '{sex}' is not one of {', '.join(SEXES)}")
    if problems:
        raise InvalidAnswers("; ".join(problems).capitalize() + ".")
