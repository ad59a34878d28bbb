"""Which buurten are mainly non-residential or rural, by the rule in ``index.exposure``.

The numbers are those of real Amsterdam buurten in KWB 2019 (inhabitants, establishments,
dwellings, land in hectares, address density of the surroundings per km²).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wijkkompas.index import Panel, fit_reference, score
from wijkkompas.index.exposure import LAND_USE_IDS, non_residential, rural
from wijkkompas.index.pipeline import land_use
from wijkkompas.index.spec import IndexSpec, IndicatorSpec

from .conftest import PLAIN

BUURTEN = {
    # name: (inhabitants, establishments, dwellings, land ha, address density)
    "Kop Zuidas (offices)": (615, 85, 327, 17, 3945),
    "Sportpark Middenmeer Noord": (250, 15, 251, 24, 2114),
    "Science Park Zuid (institutes)": (265, 100, 243, 70, 1115),
    "Bedrijventerrein Schinkel": (265, 410, 10, 41, 2500),
    "Hiltonbuurt (80 inhabitants)": (80, 20, 32, 10, 5968),
    "Rietlanden (flats)": (2495, 125, 1221, 27, 5026),
    "Begijnhofbuurt (shopping streets)": (425, 320, 342, 7, 9970),
    "Vleuten (suburb)": (8690, 1120, 3280, 210, 1260),
    "Rijnenburg (polder)": (265, 70, 87, 1029, 207),
}


def _columns() -> tuple[np.ndarray, ...]:
    table = np.array(list(BUURTEN.values()), dtype=float).T
    return tuple(column[None, :] for column in table)  # (years=1, regions)


def _flagged(mask: np.ndarray) -> set[str]:
    return {name for name, hit in zip(BUURTEN, mask[0], strict=True) if hit}


def test_offices_sports_parks_institutes_and_business_parks_are_non_residential() -> None:
    population, establishments, dwellings, land, density = _columns()
    found = _flagged(non_residential(population, establishments, dwellings, land, density))
    assert found == {
        "Kop Zuidas (offices)",  # 1,924 dwellings per km² against 3,945 addresses around
        "Sportpark Middenmeer Noord",
        "Science Park Zuid (institutes)",
        "Bedrijventerrein Schinkel",  # also 1.5 establishments per inhabitant
        "Hiltonbuurt (80 inhabitants)",  # fewer than 200 inhabitants
        "Begijnhofbuurt (shopping streets)",  # 0.75 establishments per inhabitant
    }


def test_villages_farms_and_flats_are_residential() -> None:
    """Low density outside urban surroundings is how people live."""
    population, establishments, dwellings, land, density = _columns()
    found = _flagged(non_residential(population, establishments, dwellings, land, density))
    assert not found & {"Vleuten (suburb)", "Rijnenburg (polder)", "Rietlanden (flats)"}


def test_only_buurten_are_judged_on_housing_on_their_land() -> None:
    """A whole city holds less housing on its land than the density around its addresses."""
    amsterdam = [np.array([[862965.0]]), np.array([[150000.0]])]
    land_use = [np.array([[440000.0]]), np.array([[16500.0]]), np.array([[5600.0]])]
    assert non_residential(*amsterdam, *land_use, buurt=np.array([False]))[0, 0] == np.False_
    assert non_residential(*amsterdam, *land_use, buurt=np.array([True]))[0, 0] == np.True_


def test_unknown_figures_flag_nothing() -> None:
    population = np.array([[615.0, 615.0]])
    unknown = np.array([[np.nan, np.nan]])
    assert not non_residential(population, None, None, None, None).any()
    assert not non_residential(population, unknown, unknown, unknown, unknown).any()
    assert not np.asarray(rural(unknown)).any()
    assert non_residential(None, None) is False


def test_rural_surroundings_are_flagged_without_withholding() -> None:
    *_, density = _columns()
    assert _flagged(rural(density)) == {"Rijnenburg (polder)"}


def _dwellings_over(years: list[int], values: list[float]) -> np.ndarray:
    """The dwellings the non-residential rule reads for one buurt over ``years``."""
    regions = pd.DataFrame(
        {
            "region_code": ["BU03630001"],
            "level": ["buurt"],
            "gemeente_code": ["GM0363"],
            "wijk_code": ["WK036300"],
        }
    )
    figures = np.array(values, dtype=float)[:, None, None]
    dwellings = land_use(Panel(regions, np.array(years), ("dwellings",), figures))["dwellings"]
    assert dwellings is not None
    return dwellings[:, 0]


def test_a_year_without_land_use_uses_the_newest_of_three_years_before() -> None:
    nan = float("nan")
    filled = _dwellings_over([2019, 2020, 2022, 2023, 2024, 2028], [1, nan, nan, nan, 4, nan])
    assert filled[:3].tolist() == [1.0, 1.0, 1.0]  # 2020 and 2022 from 2019
    assert np.isnan(filled[3])  # 2023 is four years after 2019: too old
    assert filled[4] == 4.0
    assert np.isnan(filled[5])  # 2028 is four years after 2024


def test_a_land_use_figure_older_than_three_years_is_not_used() -> None:
    assert np.isnan(_dwellings_over([2016, 2020], [1.0, float("nan")])[1])


def test_land_use_the_panel_lacks_is_unknown() -> None:
    assert _land_use_of_empty_panel() == dict.fromkeys(LAND_USE_IDS)


def _land_use_of_empty_panel() -> dict[str, np.ndarray | None]:
    regions = pd.DataFrame(
        {"region_code": ["GM0363"], "level": ["gemeente"], "gemeente_code": ["GM0363"],
         "wijk_code": [None]}
    )  # fmt: skip
    return land_use(Panel(regions, np.array([2020]), ("x",), np.zeros((1, 1, 1))))


def test_the_engine_withholds_crime_per_resident_of_an_office_district() -> None:
    """Kop Zuidas's crime per 1000 residents measures its offices' visitors: withheld, with the
    flag in the table; the flats of Rietlanden keep theirs."""
    regions = pd.DataFrame(
        {
            "region_code": ["GM0363", "WK036300", *(f"BU0363000{i}" for i in range(1, 5))],
            "level": ["gemeente", "wijk", "buurt", "buurt", "buurt", "buurt"],
            "gemeente_code": ["GM0363"] * 6,
            "wijk_code": [None, *["WK036300"] * 5],
        }
    )
    ids = ("crime", "establishments", "dwellings", "land_area", "address_density")
    values = np.array(
        [
            [
                [80.0, 150000, 440000, 16500, 5600],
                [90.0, 210, 1548, 44, 4500],
                [250.0, 85, 327, 17, 3945],
                [60.0, 125, 1221, 27, 5026],
                [40.0, 100, 900, 20, 4000],
                [100.0, 150, 1400, 25, 6000],
            ]
        ]
    )
    population = np.array([[862965.0, 8110.0, 615.0, 2495.0, 2000.0, 3000.0]])
    spec = IndexSpec(
        (IndicatorSpec("crime", -1.0, ("safety",), (), "per_1000", residential_only=True),)
    )
    panel = Panel(regions, np.array([2019]), ids, values, population)
    result = score(panel, spec, fit_reference(panel, spec, PLAIN), PLAIN)
    table = result.scores[result.scores["year"] == 2019].set_index("region_code")
    assert table["non_residential"].to_dict() == {
        "GM0363": False,
        "WK036300": False,
        "BU03630001": True,
        "BU03630002": False,
        "BU03630003": False,
        "BU03630004": False,
    }
    assert np.isnan(table.loc["BU03630001", "safety"])
    assert not np.isnan(table.loc["BU03630002", "safety"])
    assert not table["rural"].any()
