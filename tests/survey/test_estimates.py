"""Survey estimates: weighted means, margins of error, suppression at every level, the file."""

from __future__ import annotations

import csv
import io
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wijkkompas.survey import (
    RESULTS_COLUMNS,
    InvalidAnswers,
    PopulationMargins,
    Response,
    SurveyEstimate,
    estimate,
    write_results_csv,
)

BUURT_A, BUURT_B, BUURT_C = "BU99990101", "BU99990102", "BU99990103"
WIJK, GEMEENTE = "WK999901", "GM9999"
SAFE, MARK = "survey_feels_safe_share", "survey_buurt_mark"
EVEN = PopulationMargins(
    age={"15-24": 100.0, "25-44": 100.0, "45-64": 100.0, "65+": 100.0},
    sex={"man": 250.0, "vrouw": 250.0},
)


def responses(area: str, marks: list[int], *, safe: int = 4) -> list[Response]:
    """Respondents spread evenly over the age bands and sexes, as the population is."""
    background = itertools.cycle(
        itertools.product(("15-24", "25-44", "45-64", "65+"), ("man", "vrouw"))
    )
    return [
        Response(area, age, sex, {"buurt_mark": mark, "feels_safe": safe})
        for mark, (age, sex) in zip(marks, background, strict=False)
    ]


def find(estimates: list[SurveyEstimate], code: str, indicator: str) -> SurveyEstimate:
    return next(e for e in estimates if e.region_code == code and e.indicator_id == indicator)


def test_a_sample_with_the_population_structure_gives_the_plain_mean() -> None:
    marks = [6, 7, 8, 9] * 4
    result = estimate(responses(BUURT_A, marks), {BUURT_A: EVEN}, "2025")
    mark = find(result, BUURT_A, MARK)
    assert mark.weighted and not mark.suppressed
    assert mark.value == pytest.approx(sum(marks) / len(marks))
    assert mark.effective_n == pytest.approx(len(marks))
    assert find(result, BUURT_A, SAFE).value == pytest.approx(100.0)


def test_weighting_corrects_an_overrepresented_group() -> None:
    # Sixteen older respondents give 9, four young ones give 5; the buurt is half young.
    sample = [Response(BUURT_A, "65+", None, {"buurt_mark": 9}) for _ in range(16)] + [
        Response(BUURT_A, "15-24", None, {"buurt_mark": 5}) for _ in range(4)
    ]
    half = PopulationMargins(age={"15-24": 200.0, "25-44": 0.0, "45-64": 0.0, "65+": 200.0})
    mark = find(estimate(sample, {BUURT_A: half}, "2025"), BUURT_A, MARK)
    assert mark.value == pytest.approx(7.0)
    assert mark.effective_n < 20


def test_without_population_margins_the_estimate_is_unweighted_and_says_so() -> None:
    mark = find(estimate(responses(BUURT_A, [5, 7] * 6), {}, "2025"), BUURT_A, MARK)
    assert not mark.weighted and mark.value == pytest.approx(6.0)


@settings(max_examples=25, deadline=None)
@given(st.integers(10, 60), st.integers(2, 6))
def test_the_margin_of_error_shrinks_as_more_people_answer(n: int, factor: int) -> None:
    small = responses(BUURT_A, [3, 8] * n)
    large = responses(BUURT_A, [3, 8] * (n * factor))
    one = find(estimate(small, {}, "2025", finite_population_correction=False), BUURT_A, MARK)
    many = find(estimate(large, {}, "2025", finite_population_correction=False), BUURT_A, MARK)
    assert one.margin_of_error is not None and many.margin_of_error is not None
    assert many.margin_of_error < one.margin_of_error


def test_the_margin_of_error_of_a_share_is_the_textbook_one_for_a_simple_sample() -> None:
    sample = responses(BUURT_A, [7] * 100, safe=4)[:50] + responses(BUURT_A, [7] * 50, safe=2)
    safe = find(estimate(sample, {}, "2025", finite_population_correction=False), BUURT_A, SAFE)
    assert safe.value == pytest.approx(50.0)
    assert safe.margin_of_error == pytest.approx(1.96 * (0.25 / 99) ** 0.5 * 100, rel=1e-3)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 25), min_size=1, max_size=4))
def test_fewer_than_ten_respondents_is_suppressed_at_every_level(sizes: list[int]) -> None:
    sample = []
    for k, size in enumerate(sizes):
        sample += responses(f"BU999901{k:02d}", [7] * size)
    for e in estimate(sample, {}, "2025"):
        if e.respondents < 10:
            assert e.suppressed and e.value is None and e.margin_of_error is None
        if not e.suppressed:
            assert e.respondents >= 10 and e.value is not None


def test_a_wijk_minus_its_published_buurten_cannot_reveal_a_hidden_buurt() -> None:
    sample = (
        responses(BUURT_A, [9] * 4)  # too few: hidden
        + responses(BUURT_B, [5] * 12)
        + responses(BUURT_C, [6] * 30)
    )
    result = estimate(sample, {}, "2025")
    assert find(result, BUURT_A, MARK).suppressed
    assert not find(result, WIJK, MARK).suppressed
    smallest = find(result, BUURT_B, MARK)
    assert smallest.suppressed and "worked out" in smallest.reason
    assert not find(result, BUURT_C, MARK).suppressed
    # What differencing can still find is the two hidden buurten together: 16 people, not 4.
    hidden = [e for e in result if e.indicator_id == MARK and e.suppressed]
    assert sum(e.respondents for e in hidden if e.region_code.startswith("BU")) >= 10


def test_buurt_answers_count_for_their_wijk_and_gemeente_and_wijk_answers_only_above() -> None:
    sample = responses(BUURT_A, [8] * 12) + responses(WIJK, [4] * 12)
    result = estimate(sample, {}, "2025")
    assert find(result, BUURT_A, MARK).respondents == 12
    assert find(result, WIJK, MARK).respondents == 24
    assert find(result, GEMEENTE, MARK).respondents == 24
    assert find(result, WIJK, MARK).value == pytest.approx(6.0)


def test_a_wijk_weights_its_buurten_by_their_population() -> None:
    sample = responses(BUURT_A, [8] * 40) + responses(BUURT_B, [4] * 10)
    population = {BUURT_A: EVEN, BUURT_B: EVEN, WIJK: EVEN}  # two buurten of equal size
    wijk = find(estimate(sample, population, "2025"), WIJK, MARK)
    assert wijk.value == pytest.approx(6.0, abs=0.05)


def test_bad_responses_are_refused_naming_the_response() -> None:
    with pytest.raises(InvalidAnswers, match="response 2"):
        estimate([*responses(BUURT_A, [7]), Response("XX12", None, None, {})], {}, "2025")
    with pytest.raises(InvalidAnswers, match="floor"):
        estimate(responses(BUURT_A, [7] * 20), {}, "2025", min_respondents=5)


def test_results_file_has_the_documented_columns_and_empty_cells_when_suppressed() -> None:
    sample = (
        responses(BUURT_A, [7, 8] * 20) + responses(BUURT_B, [6] * 3) + responses(BUURT_C, [6] * 20)
    )
    result = estimate(sample, {}, "2025")
    out = io.StringIO()
    write_results_csv(result, out, source_name="enquete")
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == RESULTS_COLUMNS
    assert {r["source"] for r in rows} == {"enquete"}
    hidden = [r for r in rows if r["suppressed"] == "true"]
    assert hidden and all(r["value"] == "" and r["margin_of_error"] == "" for r in hidden)
    shown = next(r for r in rows if r["region_code"] == BUURT_A and r["indicator_id"] == MARK)
    assert float(shown["value"]) == pytest.approx(7.5) and shown["region_year"] == "2025"
    with pytest.raises(InvalidAnswers):
        write_results_csv(result, io.StringIO(), source_name="Enquête 2025")
