"""A region's figures beside its wijk, gemeente and the country, and the spread behind its means."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from wijkkompas.catalogue import Catalogue, load_catalogue
from wijkkompas.reports.figures import compare_figures, distributions, leefbaarometer_reference

BUURT, WIJK, GEMEENTE = "BU03630000", "WK036300", "GM0363"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def _observations(
    code: str, rows: list[tuple[str, str, float | None]], year: int = 2019
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region_code": code,
            "region_year": year,
            "indicator_id": [r[0] for r in rows],
            "period": [r[1] for r in rows],
            "value": [math.nan if r[2] is None else r[2] for r in rows],
            "suppressed": [r[2] is None for r in rows],
            "source": "cbs-kwb",
            "release": "definitief",
        }
    )


def _national(rows: list[tuple[str, str, float]], table_year: int = 2019) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator_id": [r[0] for r in rows],
            "period": [r[1] for r in rows],
            "value": [r[2] for r in rows],
            "suppressed": False,
            "source": "cbs-kwb",
            "source_column": None,
            "release": "definitief",
            "table_year": table_year,
        }
    )


def _compare(mine, wijk, gemeente, national, catalogue):
    return compare_figures(mine, {"wijk": wijk, "gemeente": gemeente}, national, catalogue, str)


def test_a_figure_stands_beside_the_same_period_of_wijk_gemeente_and_country(
    catalogue: Catalogue,
) -> None:
    mine = _observations(BUURT, [("low_income_households", "2017", 18.0)])
    wijk = _observations(WIJK, [("low_income_households", "2017", 12.0)])
    gemeente = _observations(GEMEENTE, [("low_income_households", "2017", 11.0)])
    national = _national([("low_income_households", "2017", 8.1)])
    (row,) = _compare(mine, wijk, gemeente, national, catalogue)
    assert row.period == "2017"
    assert dict(row.values) == {"self": 18.0, "wijk": 12.0, "gemeente": 11.0, "land": 8.1}


def test_a_different_period_is_never_set_side_by_side(catalogue: Catalogue) -> None:
    mine = _observations(BUURT, [("low_income_households", "2017", 18.0)])
    national = _national([("low_income_households", "2016", 8.5)])
    empty = mine.head(0)
    (row,) = _compare(mine, empty, empty, national, catalogue)
    assert dict(row.values) == {"self": 18.0, "wijk": None, "gemeente": None, "land": None}


def test_the_newest_period_of_the_region_is_the_one_shown(catalogue: Catalogue) -> None:
    mine = pd.concat(
        [
            _observations(BUURT, [("low_income_households", "2015", 20.0)], year=2017),
            _observations(BUURT, [("low_income_households", "2017", 18.0)], year=2019),
        ]
    )
    national = _national(
        [("low_income_households", "2015", 9.0), ("low_income_households", "2017", 8.1)]
    )
    (row,) = _compare(mine, mine.head(0), mine.head(0), national, catalogue)
    assert (row.period, row.values["self"], row.values["land"]) == ("2017", 18.0, 8.1)


def test_counts_are_not_compared_with_the_country(catalogue: Catalogue) -> None:
    mine = _observations(BUURT, [("population", "2019-01-01", 700.0)])
    national = _national([("population", "2019-01-01", 17282163.0)])
    assert _compare(mine, mine.head(0), mine.head(0), national, catalogue) == []


def test_a_secret_figure_is_marked_secret_not_unknown(catalogue: Catalogue) -> None:
    mine = _observations(BUURT, [("low_income_households", "2017", None)])
    (row,) = _compare(mine, mine.head(0), mine.head(0), _national([]), catalogue)
    assert row.values["self"] is None and row.suppressed["self"]


def test_the_mean_income_comes_with_the_spread_behind_it(catalogue: Catalogue) -> None:
    mine = _observations(
        BUURT,
        [
            ("income_per_inhabitant", "2017", 31.0),
            ("income_lowest_40_share", "2017", 52.0),
            ("income_highest_20_share", "2017", 24.0),
            ("low_income_households", "2017", 18.0),
            ("woz_value", "2019", 400.0),
        ],
    )
    rows = _compare(mine, mine.head(0), mine.head(0), _national([]), catalogue)
    (panel,) = distributions(rows, catalogue)
    assert panel.mean.indicator_id == "income_per_inhabitant"
    assert [s.indicator_id for s in panel.spread] == [
        "low_income_households",
        "income_lowest_40_share",
        "income_highest_20_share",
    ]


def test_no_spread_figures_means_no_panel(catalogue: Catalogue) -> None:
    mine = _observations(BUURT, [("income_per_inhabitant", "2017", 31.0)])
    rows = _compare(mine, mine.head(0), mine.head(0), _national([]), catalogue)
    assert distributions(rows, catalogue) == []


def test_the_leefbaarometer_reference_is_its_newest_edition(catalogue: Catalogue) -> None:
    mine = _observations(
        BUURT,
        [
            ("lbm_score", "2018", 4.0),
            ("lbm_score", "2020", 4.21),
            ("lbm_deviation", "2020", 0.11),
            ("lbm_housing", "2020", 0.04),
            ("lbm_social_cohesion", "2020", -0.02),
        ],
    )
    rows = _compare(mine, mine.head(0), mine.head(0), _national([]), catalogue)
    reference = leefbaarometer_reference(rows, mine, str)
    assert reference is not None
    assert (reference.period, reference.score, reference.deviation) == ("2020", 4.21, 0.11)
    assert [p.indicator_id for p in reference.parts] == ["lbm_housing", "lbm_social_cohesion"]


def test_without_leefbaarometer_figures_there_is_no_reference(catalogue: Catalogue) -> None:
    mine = _observations(BUURT, [("low_income_households", "2017", 18.0)])
    assert leefbaarometer_reference([], mine, str) is None
