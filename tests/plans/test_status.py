"""On track or not: the straight path from baseline to target, judged on the newest figure."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wijkkompas.plans.status import assess


def judge(actuals: dict[int, float], target: float = 10.0, higher: bool | None = None):
    return assess(
        baseline_year=2020,
        baseline_value=14.0,
        target_year=2030,
        target_value=target,
        actuals=actuals,
        higher_is_better=higher,
    )


def test_no_figures_after_the_baseline_is_unknown() -> None:
    result = judge({2018: 15.0, 2020: 14.0})
    assert (result.status, result.reason) == ("unknown", "no_new_figures")


def test_on_the_straight_path_is_on_track() -> None:
    # Two years in, the path is at 14 - 4 * 0.2 = 13.2; 13.3 is within 10 % of the gap.
    result = judge({2021: 13.7, 2022: 13.3})
    assert result.status == "on_track"
    assert result.expected_value == pytest.approx(13.2)
    assert (result.latest_year, result.latest_value) == (2022, 13.3)


def test_off_the_path_is_behind_and_past_the_target_year_says_so() -> None:
    assert judge({2022: 13.9}).reason == "off_path"
    assert judge({2031: 12.0}).reason == "target_year_passed"


def test_reaching_the_target_is_achieved_early_or_late() -> None:
    assert judge({2023: 9.5}).status == "achieved"
    assert judge({2031: 10.0}).status == "achieved"


def test_an_upward_goal() -> None:
    assert judge({2025: 19.0}, target=20.0).status == "on_track"
    assert judge({2025: 15.0}, target=20.0).status == "behind"


def test_holding_a_level_needs_a_direction() -> None:
    assert judge({2025: 14.0}, target=14.0).reason == "no_direction"
    assert judge({2025: 14.5}, target=14.0, higher=True).status == "on_track"
    assert judge({2030: 14.0}, target=14.0, higher=True).status == "achieved"
    assert judge({2025: 12.0}, target=14.0, higher=True).status == "behind"


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_any_figure_gets_a_verdict(value: float) -> None:
    assert judge({2024: value}).status in ("achieved", "on_track", "behind")
