"""Participation counts (suppressed when few people) and felt-versus-measured divergence."""

from __future__ import annotations

import pytest

from wijkkompas.survey import ParticipationEvent, felt_vs_measured, participation_estimates

BUURT_A, BUURT_B, WIJK, GEMEENTE = "BU99990101", "BU99990102", "WK999901", "GM9999"


def events(
    area: str, people: int, initiatives: int = 0, prefix: str = "p"
) -> list[ParticipationEvent]:
    out = [ParticipationEvent(area, "support", f"{prefix}{k}") for k in range(people)]
    out += [ParticipationEvent(area, "initiative", f"{prefix}{k}") for k in range(initiatives)]
    return out


def figures(result: list, code: str) -> dict[str, float | None]:  # type: ignore[type-arg]
    return {e.indicator_id: e.value for e in result if e.region_code == code}


def test_counts_initiatives_and_distinct_people_per_area_and_above() -> None:
    result = participation_estimates(
        events(BUURT_A, 30, initiatives=3) + events(BUURT_B, 20, prefix="q"),
        "2025",
        population={BUURT_A: 1500.0, WIJK: 4000.0},
    )
    a = figures(result, BUURT_A)
    assert a == {
        "participation_initiatives": 3.0,
        "participation_participants": 30.0,
        "participation_per_1000": pytest.approx(20.0),
    }
    assert figures(result, WIJK)["participation_participants"] == 50.0
    assert figures(result, GEMEENTE)["participation_initiatives"] == 3.0


def test_a_person_active_in_two_buurten_counts_once_for_the_wijk() -> None:
    result = participation_estimates(events(BUURT_A, 12) + events(BUURT_B, 12), "2025")
    assert figures(result, WIJK)["participation_participants"] == 12.0


def test_fewer_than_ten_people_hides_every_figure_of_the_area() -> None:
    result = participation_estimates(events(BUURT_A, 9, initiatives=2), "2025")
    assert all(e.suppressed and e.value is None for e in result)
    assert {e.respondents for e in result} == {9}


def test_felt_and_measured_are_ordered_by_the_size_of_their_gap() -> None:
    felt = {"BU1": 8.0, "BU2": 7.0, "BU3": 6.0, "BU4": 5.0, "BU5": 7.5}
    measured = {"BU1": 80.0, "BU2": 70.0, "BU3": 60.0, "BU4": 90.0, "BU5": 75.0}
    result = felt_vs_measured(felt, measured)
    gaps = [abs(d.gap) for d in result]
    assert gaps == sorted(gaps, reverse=True)
    first = result[0]
    assert first.region_code == "BU4" and first.direction == "felt_worse"
    assert first.felt_rank == 5 and first.measured_rank == 1
    assert "minder positief" in first.reason_nl
    assert {d.direction for d in result[1:]} <= {"agree", "felt_better"}


def test_divergence_needs_three_regions_with_both_values() -> None:
    assert felt_vs_measured({"BU1": 7.0, "BU2": 6.0}, {"BU1": 1.0, "BU2": float("nan")}) == []


def test_identical_orderings_agree_everywhere() -> None:
    felt = {f"BU{k}": float(k) for k in range(6)}
    measured = {f"BU{k}": 10.0 * k + 3 for k in range(6)}
    assert {d.direction for d in felt_vs_measured(felt, measured)} == {"agree"}
