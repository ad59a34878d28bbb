"""Difference-in-differences: a shared trend is not an effect; a real jump is; noise is not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wijkkompas.plans.did import difference_in_differences

YEARS = list(range(2013, 2025))
START = 2021


def panel(rng: np.random.Generator, units: int = 30, trend: float = -0.5, noise: float = 0.3):
    rows = []
    for unit in range(units):
        level = rng.normal(20, 3)
        for year in YEARS:
            rows.append(
                (f"BU{unit:08d}", year, level + trend * (year - 2013) + rng.normal(0, noise))
            )
    return pd.DataFrame(rows, columns=["unit", "year", "value"])


def treated(effect: float, trend: float = -0.5, level: float = 20.0) -> dict[int, float]:
    return {y: level + trend * (y - 2013) + (effect if y >= START else 0.0) for y in YEARS}


def test_a_city_wide_trend_is_not_credited_to_the_plan() -> None:
    result = difference_in_differences(
        treated(0.0), panel(np.random.default_rng(1)), START, higher_is_better=False
    )
    assert result.verdict == "cannot_tell"
    assert result.ci_low < 0 < result.ci_high
    # The before/after change alone would have looked like a big improvement.
    assert result.treated_change <= -3
    assert abs(result.estimate) < 0.5


def test_a_clear_improvement_is_found_with_its_direction() -> None:
    comparison = panel(np.random.default_rng(2))
    result = difference_in_differences(treated(-3.0), comparison, START, higher_is_better=False)
    assert result.verdict == "better"
    assert result.estimate == pytest.approx(-3.0, abs=0.5)
    assert result.ci_high < 0
    assert result.p_value is not None and result.p_value < 0.1
    worse = difference_in_differences(treated(3.0), comparison, START, higher_is_better=False)
    assert worse.verdict == "worse"
    neutral = difference_in_differences(treated(3.0), comparison, START, higher_is_better=None)
    assert neutral.verdict == "higher"


def test_too_few_years_or_comparisons_say_so() -> None:
    comparison = panel(np.random.default_rng(3))
    only_after = {y: v for y, v in treated(0.0).items() if y >= START}
    assert difference_in_differences(only_after, comparison, START).verdict == "too_few_years"
    few = comparison[comparison["unit"].isin(["BU00000000", "BU00000001"])]
    assert difference_in_differences(treated(0.0), few, START).verdict == "too_few_comparisons"


def test_comparison_units_are_the_most_similar_before_the_plan() -> None:
    comparison = panel(np.random.default_rng(4), units=40)
    result = difference_in_differences(treated(0.0), comparison, START, max_comparison=10)
    assert len(result.comparison_units) == 10
    levels = comparison[comparison["year"] < START].groupby("unit")["value"].mean()
    own = np.mean([v for y, v in treated(0.0).items() if y < START])
    chosen = levels.loc[list(result.comparison_units)]
    others = levels.drop(list(result.comparison_units))
    assert (chosen - own).abs().max() <= (others - own).abs().min() + 1e-9


def test_a_diverging_trend_before_the_start_is_flagged() -> None:
    comparison = panel(np.random.default_rng(5), noise=0.1)
    diverging = {y: 20 - 1.5 * (y - 2013) for y in YEARS}
    result = difference_in_differences(diverging, comparison, START)
    assert result.pre_trend_warning


def test_incomplete_comparison_units_are_left_out() -> None:
    comparison = panel(np.random.default_rng(6))
    holey = comparison[~((comparison["unit"] == "BU00000003") & (comparison["year"] == 2022))]
    result = difference_in_differences(treated(0.0), holey, START, max_comparison=None)
    assert "BU00000003" not in result.comparison_units
    assert len(result.comparison_units) == 29
