"""The store-backed progress source: a custom area is its buurten's summed figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from wijkkompas.catalogue import load_catalogue
from wijkkompas.plans import GoalMeasure, MeasureNotAvailable, PlanArea
from wijkkompas.services.plan_progress import StoreProgressSource
from wijkkompas.store import AnalyticStore


@pytest.fixture(scope="module")
def source(demo_store: Path):
    with AnalyticStore(demo_store).reader() as reader:
        yield StoreProgressSource(reader, load_catalogue())


def test_a_rate_is_summed_numerators_over_summed_denominators(source) -> None:
    measure = GoalMeasure("indicator", "social_assistance_per_1000")
    buurten = source.areas.buurten(PlanArea.of(["WK999901"]), 2024)
    series = source.series(measure, PlanArea.of(buurten))
    frame = source._frame(source.indicator(measure), "GM9999")
    rows = frame[(frame["year"] == 2023) & frame["region_code"].isin(buurten)]
    # The denominator is the sum of the age groups closest to the age of social assistance.
    assert "population_15_64" in frame.columns
    ages = rows[["age_15_24", "age_25_44", "age_45_64"]].sum(axis=1)
    expected = 1000 * rows["social_assistance_recipients"].sum() / ages.sum()
    assert series[2023] == pytest.approx(expected)
    # The wijk code and the list of its buurten are the same area.
    assert source.series(measure, PlanArea.of(["WK999901"]))[2023] == pytest.approx(expected)


def test_a_share_is_weighted_by_its_base(source) -> None:
    measure = GoalMeasure("indicator", "low_income_households")
    area = PlanArea.of(["BU99990100", "BU99990101"])
    frame = source._frame(source.indicator(measure), "GM9999")
    rows = frame[(frame["year"] == 2020) & frame["region_code"].isin(area.codes)]
    weighted = (rows["low_income_households"] * rows["households"]).sum() / rows["households"].sum()
    assert source.series(measure, area)[2020] == pytest.approx(weighted)


def test_the_comparison_leaves_out_the_plan_area(source) -> None:
    measure = GoalMeasure("indicator", "low_income_households")
    comparison = source.comparison(measure, PlanArea.of(["WK999901"]))
    assert not comparison["unit"].str.startswith("BU999901").any()
    assert comparison["unit"].nunique() > 50
    assert list(comparison.columns) == ["unit", "year", "value"]


def test_a_split_buurt_is_followed_through_its_wijk(source) -> None:
    """BU99990807 split in 2020: its wijk has figures before and after, in their own codes."""
    series = source.series(GoalMeasure("indicator", "population"), PlanArea.of(["WK999908"]))
    assert min(series) <= 2016 and max(series) >= 2024


def test_scores_need_an_index_run(source) -> None:
    with pytest.raises(MeasureNotAvailable):
        source.series(GoalMeasure("social_quality", "social_cohesion"), PlanArea.of(["WK999901"]))
    assert source.source_id.startswith("store:import-")
