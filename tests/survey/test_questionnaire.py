"""The standard questionnaire: stable ids, catalogue links, B1 texts and answer validation."""

from __future__ import annotations

import pytest

from wijkkompas.catalogue import load_catalogue
from wijkkompas.errors import WijkkompasError
from wijkkompas.survey import AGE_GROUPS, SEXES, STANDARD, InvalidAnswers, validate_answers


def test_every_question_feeds_a_survey_indicator_of_the_catalogue() -> None:
    catalogue = load_catalogue()
    assert 8 <= len(STANDARD) <= 12
    assert len({q.id for q in STANDARD}) == len(STANDARD)
    for question in STANDARD:
        indicator = catalogue.by_id(question.indicator_id)
        assert indicator.tags == ["survey"]
        assert indicator.direction == "higher_is_better"


def test_the_questionnaire_covers_safety_cohesion_empowerment_and_the_mark() -> None:
    catalogue = load_catalogue()
    tags = {catalogue.by_id(q.indicator_id).social_quality for q in STANDARD} | {
        catalogue.by_id(q.indicator_id).dimension for q in STANDARD
    }
    assert {"nuisance_safety", "social_cohesion", "social_empowerment", "housing"} <= tags
    assert "buurt_mark" in {q.id for q in STANDARD}


def test_dutch_texts_are_short_sentences_at_b1() -> None:
    for question in STANDARD:
        for sentence in question.text_nl.replace("?", ".").split("."):
            assert len(sentence.split()) <= 14, sentence


def test_background_matches_the_kwb_bands() -> None:
    assert AGE_GROUPS == ("15-24", "25-44", "45-64", "65+")
    assert SEXES == ("man", "vrouw")


def test_valid_answers_come_back_complete_with_none_for_unanswered() -> None:
    clean = validate_answers({"feels_safe": 4, "buurt_mark": 8, "active_for_buurt": 0})
    assert clean["feels_safe"] == 4 and clean["buurt_mark"] == 8 and clean["trust_people"] is None
    assert set(clean) == {q.id for q in STANDARD}


def test_every_bad_answer_is_named_in_one_message() -> None:
    with pytest.raises(InvalidAnswers) as raised:
        validate_answers({"feels_safe": 6, "buurt_mark": 0, "colour": 1, "trust_people": "3"})  # type: ignore[dict-item]
    message = str(raised.value)
    for part in ("feels_safe", "buurt_mark", "colour", "trust_people"):
        assert part in message
    assert isinstance(raised.value, WijkkompasError)
