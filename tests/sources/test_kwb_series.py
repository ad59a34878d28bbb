"""KWB series per region exported by a dashboard (LocalDashboard, Baarn): the ``kwb-series`` source.

A series is keyed by the KWB table year; the table year is the region year and the catalogue's
lag gives the period (income two years behind). The metadata's unit decides which indicator a
series feeds, and a series whose values contradict its unit is kept unmatched. The synthetic
twin is written by the tests in the layout of the real export, for a fictional gemeente
(GM9998 Proefstad); the real file is read from ../shared/data and skipped without it, and each
test on it has a twin on a whole export in its layout (file_layouts.dashboard_series_json).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import duckdb
import pytest
from file_layouts import dashboard_series_json
from hypothesis import given, settings
from hypothesis import strategies as st
from real_data import SHARED_DATA, real_bytes, real_path, shared_catalogue

from cli_process import run_cli
from real_stores import wijkkompas
from wijkkompas.catalogue import Catalogue
from wijkkompas.errors import WijkkompasError
from wijkkompas.sources import registry
from wijkkompas.sources.base import LoadOptions, SourceError
from wijkkompas.sources.importer import import_files
from wijkkompas.sources.kwb_series import LOADER
from wijkkompas.store import AnalyticStore, ImportBatch

BAARN = SHARED_DATA / "kwb" / "baarn" / "baarn_social_data_kwb_2016-2025.json"

INDICATOREN = {
    "huishoudens_laag_inkomen": ("% Huishoudens met laag inkomen", "%"),
    "gem_inkomen_huishoudens": ("Gem. gestandaardiseerd inkomen", "x€1.000"),
    "bijstandsontvangers": ("Bijstandsontvangers", "personen"),
    "opleiding_laag": ("% Laag opgeleid", "%"),
    "opleiding_hoog": ("Hoog opgeleid", "personen"),
    "aantal_inwoners": ("Aantal inwoners", "personen"),
    "eigen_reeks": ("Iets anders", "personen"),
}


def series_export(
    buurten: dict[str, dict[str, Any]] | None = None,
    units: dict[str, str] | None = None,
) -> bytes:
    """An export in the layout of baarn_social_data_kwb_2016-2025.json (years newest first)."""
    units = units or {}
    document = {
        "metadata": {
            "gegenereerd_op": "2026-04-01T07:15:10+00:00",
            "bron": "CBS StatLine — Kerncijfers wijken en buurten",
            "gemeente": "Proefstad",
            "gemeente_code": "GM9998",
            "jaren": [2018, 2019, 2020],
            "indicatoren": {
                key: {
                    "label": label,
                    "beschrijving": f"{label} (test)",
                    "eenheid": units.get(key, unit),
                    "categorie": "test",
                    "hoog_is_slecht": True,
                }
                for key, (label, unit) in INDICATOREN.items()
            },
        },
        "gemeente": {
            "naam": "Proefstad",
            "code": "GM9998",
            "tijdreeksen": {
                "huishoudens_laag_inkomen": {"2020": 6.1, "2019": 6.5, "2018": None},
                "aantal_inwoners": {"2020": 12500.0, "2019": 12400.0, "2018": 12300.0},
            },
        },
        "buurten": buurten
        if buurten is not None
        else {
            "BU99981000": {
                "naam": "Oude Kern",
                "wijkcode": "WK999810",
                "tijdreeksen": {
                    "huishoudens_laag_inkomen": {"2020": 7.4, "2019": 7.9, "2018": 8.3},
                    "gem_inkomen_huishoudens": {"2020": None, "2019": 31.2},
                    "bijstandsontvangers": {"2020": 40.0, "2019": 45.0},
                    "opleiding_laag": {"2020": 410.0},
                    "opleiding_hoog": {"2020": 380.0},
                    "aantal_inwoners": {"2020": 2050.0, "2019": 2000.0, "2018": 1990.0},
                    "eigen_reeks": {"2020": 12.0},
                },
            },
            "BU99981001": {
                "naam": "Molenbeemd",
                "wijkcode": "WK999810",
                "tijdreeksen": {
                    "huishoudens_laag_inkomen": {"2020": 3.0, "2019": 3.2},
                    "aantal_inwoners": {"2020": 1850.0, "2019": 1840.0},
                },
            },
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def load(
    catalogue: Catalogue, data: bytes, name: str = "proefstad_social_data.json"
) -> ImportBatch:
    return LOADER.load(data, name, catalogue, LoadOptions())


def figure(batch: ImportBatch, code: str, indicator: str, year: int) -> tuple[float, str, bool]:
    obs = batch.observations
    row = obs[
        (obs["region_code"] == code)
        & (obs["indicator_id"] == indicator)
        & (obs["region_year"] == year)
    ]
    assert len(row) == 1, f"{code} {indicator} {year}: {len(row)} rows"
    return float(row["value"].iloc[0]), str(row["period"].iloc[0]), bool(row["suppressed"].iloc[0])


def test_it_is_recognised_by_its_structure() -> None:
    data = series_export()
    assert registry.detect("export.json", data[:65536]).key == "kwb-series"
    assert not LOADER.sniff("x.json", b'{"value": [{"WijkenEnBuurten": "GM0344"}]}')
    assert not LOADER.sniff("x.geojson", b'{"type": "FeatureCollection", "features": []}')


def test_a_figure_has_the_table_year_as_region_year_and_the_lagged_period(
    catalogue: Catalogue,
) -> None:
    batch = load(catalogue, series_export())
    batch.validate()
    # income lags the table year by two years, population is 1 January of the table year
    assert figure(batch, "BU99981000", "low_income_households", 2019) == (7.9, "2017", False)
    assert figure(batch, "BU99981000", "household_income_standardised", 2019) == (
        31.2,
        "2017",
        False,
    )
    assert figure(batch, "BU99981000", "social_assistance_recipients", 2020) == (
        40.0,
        "2019",
        False,
    )
    assert figure(batch, "GM9998", "population", 2018) == (12300.0, "2018-01-01", False)


def test_null_is_missing_never_zero_and_not_suppressed(catalogue: Catalogue) -> None:
    batch = load(catalogue, series_export())
    value, period, suppressed = figure(batch, "GM9998", "low_income_households", 2018)
    assert math.isnan(value) and period == "2016" and not suppressed
    value, _, _ = figure(batch, "BU99981000", "household_income_standardised", 2020)
    assert math.isnan(value)


def test_regions_are_registered_for_every_table_year_with_their_names(
    catalogue: Catalogue,
) -> None:
    batch = load(catalogue, series_export())
    regions = batch.regions.set_index(["code", "year"])
    assert sorted(batch.regions["year"].unique()) == [2018, 2019, 2020]
    assert regions.loc[("BU99981000", 2018), "name"] == "Oude Kern"
    assert regions.loc[("BU99981000", 2018), "wijk_code"] == "WK999810"
    assert regions.loc[("GM9998", 2020), "level"] == "gemeente"
    assert ("BU99981001", 2018) not in regions.index  # no series reaches back that far


def test_the_metadata_unit_decides_the_indicator(catalogue: Catalogue) -> None:
    batch = load(catalogue, series_export())
    assert figure(batch, "BU99981000", "education_high_persons", 2020)[0] == 380.0
    # '%' for a series whose values are counts: kept unmatched, never stored as a share
    assert "opleiding_laag" not in set(batch.observations["source_column"])
    note = batch.provenance["unmatched_series"]["opleiding_laag"]
    assert "'%'" in note and "410" in note and "no percentages" in note
    # in persons, the same series is the count
    counted = load(catalogue, series_export(units={"opleiding_laag": "personen"}))
    assert figure(counted, "BU99981000", "education_low_persons", 2020)[0] == 410.0


def test_a_share_in_percent_feeds_the_share(catalogue: Catalogue) -> None:
    buurten = {
        "BU99981000": {
            "naam": "Oude Kern",
            "wijkcode": "WK999810",
            "tijdreeksen": {"opleiding_laag": {"2020": 24.0}},
        }
    }
    batch = load(catalogue, series_export(buurten=buurten))
    assert figure(batch, "BU99981000", "low_education_share", 2020) == (24.0, "2019", False)


def test_unknown_series_are_kept_verbatim(catalogue: Catalogue) -> None:
    batch = load(catalogue, series_export())
    kept = batch.unmatched[batch.unmatched["source_column"] == "eigen_reeks"]
    assert kept[["region_code", "region_year", "value_text"]].values.tolist() == [
        ["BU99981000", 2020, "12"]
    ]
    assert batch.provenance["unmatched_series"]["eigen_reeks"] == "not a series wijkkompas knows"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"value": []}', "no 'metadata' with an 'indicatoren' object"),
        (
            b'{"metadata": {"indicatoren": {}}, "gemeente": {"code": "GM9998"}, "buurten": {}}',
            "has no 'tijdreeksen' object",
        ),
        (
            b'{"metadata": {"indicatoren": {}}, "gemeente": {"code": "BU99981000", '
            b'"tijdreeksen": {}}, "buurten": {}}',
            "is not a gemeente code",
        ),
        (
            b'{"metadata": {"indicatoren": {}}, "gemeente": {"code": "GM9998", "tijdreeksen": '
            b'{"aantal_inwoners": {"vorig jaar": 1}}}, "buurten": {}}',
            "is not keyed by years",
        ),
    ],
)
def test_another_structure_is_refused_saying_what_was_expected(
    catalogue: Catalogue, data: bytes, message: str
) -> None:
    with pytest.raises(SourceError, match=message) as refused:
        load(catalogue, data, "vreemd.json")
    assert "vreemd.json" in str(refused.value)


def test_a_buurt_of_another_gemeente_or_a_text_value_is_refused(catalogue: Catalogue) -> None:
    other = {"BU99971000": {"naam": "Elders", "wijkcode": "WK999710", "tijdreeksen": {}}}
    with pytest.raises(SourceError, match="does not lie in gemeente GM9998"):
        load(catalogue, series_export(buurten=other))
    text = {
        "BU99981000": {
            "naam": "Oude Kern",
            "tijdreeksen": {"aantal_inwoners": {"2020": "2050"}},
        }
    }
    with pytest.raises(SourceError, match="'2050' is not a number or null"):
        load(catalogue, series_export(buurten=text))


def test_it_imports_into_a_store(tmp_path: Path) -> None:
    path = tmp_path / "proefstad_social_data.json"
    path.write_bytes(series_export())
    store = AnalyticStore(tmp_path / "store.duckdb")
    (report,) = import_files(store, [path])
    assert report.source == "kwb-series"
    assert report.regions_per_level == {"gemeente": 1, "buurt": 2}
    assert report.years == [2018, 2019, 2020]
    with store.reader() as reader:
        obs = reader.observations(["low_income_households"], ["BU99981001"])
    assert obs[["region_year", "period", "value"]].values.tolist() == [
        [2019, "2017", 3.2],
        [2020, "2018", 3.0],
    ]


# -- the real export ------------------------------------------------------------------------------


def whole_export() -> bytes:
    """An export of all ten documented series, as the Baarn one: low income up to table 2023
    only, education in persons under a '%' unit, null where CBS published nothing yet."""
    return dashboard_series_json(
        (
            "GM9998",
            "Proefstad",
            {
                "huishoudens_laag_inkomen": {"2021": 5.1, "2022": 4.6, "2023": 3.9},
                "aantal_inwoners": {
                    "2021": 12210.0,
                    "2022": 12290.0,
                    "2023": 12350.0,
                    "2024": 12420.0,
                },
                "opleiding_hoog": {"2023": 3110.0, "2024": None},
            },
        ),
        [
            (
                "BU99981000",
                "Oude Kern",
                "WK999810",
                {
                    "huishoudens_laag_inkomen": {"2021": 7.9, "2022": 7.1, "2023": 6.6},
                    "huishoudens_sociaal_minimum": {"2021": 6.2, "2022": 5.9, "2023": 5.5},
                    "gem_inkomen_huishoudens": {"2022": 33.4, "2023": 35.0, "2024": None},
                    "bijstandsontvangers": {"2021": 45.0, "2022": 40.0, "2023": 40.0, "2024": 35.0},
                    "arbeidsparticipatie": {"2022": 69.0, "2023": 70.0, "2024": 71.0},
                    "opleiding_laag": {"2023": 410.0, "2024": None},
                    "opleiding_middelbaar": {"2023": 650.0, "2024": None},
                    "opleiding_hoog": {"2023": 380.0, "2024": None},
                    "jongeren_jeugdzorg": {"2022": 8.1, "2023": 9.3, "2024": None},
                    "aantal_inwoners": {
                        "2021": 2010.0,
                        "2022": 2030.0,
                        "2023": 2050.0,
                        "2024": 2065.0,
                    },
                },
            ),
            (
                "BU99981001",
                "Molenbeemd",
                "WK999810",
                {
                    "huishoudens_laag_inkomen": {"2022": 3.2, "2023": 3.0},
                    "opleiding_laag": {"2023": 220.0},
                    "aantal_inwoners": {"2022": 1840.0, "2023": 1850.0, "2024": 1855.0},
                },
            ),
        ],
    )


def assert_reads_the_whole_export(
    batch: ImportBatch,
    *,
    figures: dict[tuple[str, str, int], tuple[float, str, bool]],
    regions: int,
    years: list[int],
) -> None:
    """A dashboard's whole export: ``figures`` ((code, indicator, table year) → (value, period,
    suppressed)), the gemeente and its buurten as ``regions`` in every table year; the education
    series, which the metadata calls '%' but are counts, kept unmatched rather than stored
    under a unit they do not have; the seven other documented series matched."""
    batch.validate()
    for (code, indicator, year), expected in figures.items():
        assert figure(batch, code, indicator, year) == expected, (code, indicator, year)
    assert batch.regions["code"].nunique() == regions
    assert sorted(batch.regions["year"].unique()) == years
    for key in ("opleiding_laag", "opleiding_middelbaar", "opleiding_hoog"):
        assert "no percentages" in batch.provenance["unmatched_series"][key]
    assert set(batch.provenance["matched_series"]) == {
        "huishoudens_laag_inkomen", "huishoudens_sociaal_minimum", "gem_inkomen_huishoudens",
        "bijstandsontvangers", "arbeidsparticipatie", "jongeren_jeugdzorg", "aantal_inwoners",
    }  # fmt: skip


def low_income_series_and_sources(store: Path, buurt: str) -> tuple[list[Any], list[Any]]:
    """The buurt's low-income share (table year, period, value) by table year, and the sources
    in the store."""
    with duckdb.connect(str(store), read_only=True) as con:
        rows = con.execute(
            """SELECT region_year, period, value FROM observations
               WHERE region_code = ? AND indicator_id = 'low_income_households'
               ORDER BY region_year""",
            [buurt],
        ).fetchall()
        source = con.execute("SELECT DISTINCT source FROM observations").fetchall()
    return rows, source


@pytest.mark.realdata(twin="test_a_whole_export_low_income_share_of_a_buurt")
def test_baarn_export_low_income_share_of_centrum(catalogue: Catalogue) -> None:
    # the export's metadata calls the education series '%', but they are counts (Baarn 4520)
    assert_reads_the_whole_export(
        LOADER.load(real_bytes(BAARN), BAARN.name, catalogue, LoadOptions()),
        figures={
            # BU03080000 Centrum, KWB 2016: 7.8% of households with a low income, in 2014
            ("BU03080000", "low_income_households", 2016): (7.8, "2014", False),
            ("BU03080000", "population", 2024): (1825.0, "2024-01-01", False),
            ("GM0308", "population", 2025): (25184.0, "2025-01-01", False),
        },
        regions=22,  # the gemeente and its 21 buurten
        years=list(range(2016, 2026)),
    )


def test_a_whole_export_low_income_share_of_a_buurt(tmp_path: Path, catalogue: Catalogue) -> None:
    path = tmp_path / "proefstad_social_data_kwb_2021-2024.json"
    path.write_bytes(whole_export())
    assert_reads_the_whole_export(
        LOADER.load(path.read_bytes(), path.name, catalogue, LoadOptions()),
        figures={
            # KWB 2021: 7.9% of households with a low income, in 2019
            ("BU99981000", "low_income_households", 2021): (7.9, "2019", False),
            ("BU99981000", "population", 2024): (2065.0, "2024-01-01", False),
            ("GM9998", "population", 2024): (12420.0, "2024-01-01", False),
        },
        regions=3,  # the gemeente and its two buurten
        years=[2021, 2022, 2023, 2024],
    )


@pytest.mark.realdata(twin="test_a_whole_export_through_the_cli")
def test_baarn_export_through_the_cli(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    wijkkompas(store, "import", real_path(BAARN))
    rows, source = low_income_series_and_sources(store, "BU03080000")
    assert rows[0] == (2016, "2014", 7.8)
    assert rows[-1][0] == 2023  # the export has no low-income figure after table 2023
    assert source == [("kwb-series",)]


def test_a_whole_export_through_the_cli(tmp_path: Path) -> None:
    path = tmp_path / "proefstad_social_data_kwb_2021-2024.json"
    path.write_bytes(whole_export())
    store = tmp_path / "store.duckdb"
    result = run_cli("--store", store, "import", path)
    assert result.returncode == 0, result.stdout + result.stderr
    rows, source = low_income_series_and_sources(store, "BU99981000")
    assert rows == [(2021, "2019", 7.9), (2022, "2020", 7.1), (2023, "2021", 6.6)]
    assert source == [("kwb-series",)]


@settings(max_examples=40, deadline=None)
@given(
    cut=st.integers(0, 4000),
    flips=st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 255)), max_size=4),
)
def test_a_damaged_export_loads_or_is_refused_naming_the_file(
    cut: int, flips: list[tuple[int, int]]
) -> None:
    data = bytearray(series_export()[: max(cut, 1)])
    for offset, byte in flips:
        if offset < len(data):
            data[offset] = byte
    try:
        registry.get("kwb-series").load(
            bytes(data), "kapot.json", shared_catalogue(), LoadOptions()
        )
    except WijkkompasError as error:
        assert "kapot.json" in str(error)
