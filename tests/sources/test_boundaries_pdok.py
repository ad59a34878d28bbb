"""The CBS/PDOK wijk- en buurtkaart: boundaries that also bring their regions and KWB figures.

A layer with the PDOK attribute columns registers its regions for its year and turns the
attributes it knows with certainty into figures; PDOK's −99995 ("not yet available") and −99997
("secret") are missing, never numbers. Any other boundary file still only brings geometry (see
test_boundaries.py). The synthetic twin is written by the tests in the layout of the real PDOK
export, for a fictional gemeente (GM9998 Proefstad); the real Baarn file is read from
../shared/data and skipped without it, and each test on it has a twin on the synthetic kaart.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import duckdb
import pytest
from file_layouts import dashboard_series_json
from real_data import SHARED_DATA, real_bytes, real_path

from cli_process import run_cli
from real_stores import wijkkompas
from wijkkompas.catalogue import Catalogue
from wijkkompas.sources import registry
from wijkkompas.sources.base import LoadOptions, SourceError
from wijkkompas.sources.boundaries import LOADER
from wijkkompas.sources.importer import import_files
from wijkkompas.store import AnalyticStore, ImportBatch

BAARN = SHARED_DATA / "geo" / "baarn" / "baarn_buurten_2024.geojson"
BAARN_SERIES = SHARED_DATA / "kwb" / "baarn" / "baarn_social_data_kwb_2016-2025.json"


def square(x: float, y: float, size: float = 0.01) -> dict[str, Any]:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def pdok_feature(code: str, name: str, x: float, **figures: Any) -> dict[str, Any]:
    """A feature of the PDOK buurten layer: its properties in PDOK's order and spelling."""
    properties = {
        "buurtcode": code,
        "buurtnaam": name,
        "wijkcode": "WK" + code[2:8],
        "gemeentecode": "GM" + code[2:6],
        "gemeentenaam": "Proefstad",
        "indelingswijziging_wijken_en_buurten": 1,
        "water": "NEE",
        "meest_voorkomende_postcode": "9999",
        "aantal_inwoners": 1200,
        "mannen": 590,
        "vrouwen": 610,
        "percentage_personen_0_tot_15_jaar": 11,
        "aantal_huishoudens": 640,
        "woningvoorraad": -99995,
        "gemiddelde_woningwaarde": -99995,
        "percentage_huishoudens_met_laag_inkomen": -99995,
        "gemiddeld_gestandaardiseerd_inkomen_van_huishoudens": -99995.0,
        "huisartsenpraktijk_gemiddelde_afstand_in_km": -99995.0,
        "jrstatcode": "2024" + code,
        "jaar": 2024,
    }
    properties.update(figures)
    return {"type": "Feature", "properties": properties, "geometry": square(x, 52.2)}


def pdok_kaart(features: list[dict[str, Any]] | None = None, drop: tuple[str, ...] = ()) -> bytes:
    features = features or [
        pdok_feature("BU99980000", "Oude Kern", 5.28),
        pdok_feature(
            "BU99980001", "Molenbeemd", 5.29, aantal_inwoners=-99997, gemiddelde_woningwaarde=412
        ),
    ]
    for feature in features:
        for key in drop:
            feature["properties"].pop(key, None)
    collection = {"type": "FeatureCollection", "name": "buurten", "features": features}
    return json.dumps(collection).encode("utf-8")


def load(catalogue: Catalogue, data: bytes, options: LoadOptions | None = None) -> ImportBatch:
    return LOADER.load(data, "proefstad_buurten_2024.geojson", catalogue, options or LoadOptions())


def figure(batch: ImportBatch, code: str, indicator: str) -> tuple[float, str, bool]:
    obs = batch.observations
    row = obs[(obs["region_code"] == code) & (obs["indicator_id"] == indicator)]
    assert len(row) == 1, f"{code} {indicator}: {len(row)} rows"
    assert int(row["region_year"].iloc[0]) == 2024
    return float(row["value"].iloc[0]), str(row["period"].iloc[0]), bool(row["suppressed"].iloc[0])


def test_a_pdok_layer_registers_its_regions_for_its_year(catalogue: Catalogue) -> None:
    batch = load(catalogue, pdok_kaart())
    batch.validate()
    regions = batch.regions.set_index("code")
    assert regions.loc["BU99980000"].to_dict() == {
        "name": "Oude Kern",
        "level": "buurt",
        "year": 2024,
        "gemeente_code": "GM9998",
        "wijk_code": "WK999800",
    }
    assert (batch.geometries["region_year"] == 2024).all()
    assert batch.provenance["year_from"] == "property 'jaar'"


def test_known_attributes_become_figures_with_their_periods(catalogue: Catalogue) -> None:
    batch = load(catalogue, pdok_kaart())
    assert figure(batch, "BU99980000", "population") == (1200.0, "2024-01-01", False)
    assert figure(batch, "BU99980000", "men")[0] == 590
    assert figure(batch, "BU99980000", "households")[0] == 640
    # WOZ refers to 1 January of the year before the table year
    assert figure(batch, "BU99980001", "woz_value") == (412.0, "2023-01-01", False)


def test_pdok_missing_codes_are_missing_never_numbers(catalogue: Catalogue) -> None:
    batch = load(catalogue, pdok_kaart())
    value, _, suppressed = figure(batch, "BU99980000", "dwellings")  # −99995
    assert math.isnan(value) and not suppressed
    value, _, suppressed = figure(batch, "BU99980001", "population")  # −99997: secret
    assert math.isnan(value) and suppressed
    assert (batch.observations["value"].dropna() > -99990).all()
    # among the figures: dwellings 2, WOZ 1, income 2, GP distance 2; population 1 secret
    assert batch.provenance["pdok_missing_codes_in_figures"] == {"-99995": 7, "-99997": 1}


def test_percentages_and_uncertain_attributes_stay_unmatched(catalogue: Catalogue) -> None:
    batch = load(catalogue, pdok_kaart())
    unmatched = set(batch.unmatched["source_column"])
    assert {
        "percentage_personen_0_tot_15_jaar",  # a share, where the catalogue counts persons
        "percentage_huishoudens_met_laag_inkomen",  # which of CBS's two measures?
        "meest_voorkomende_postcode",
    } <= unmatched
    assert not unmatched & {"buurtcode", "buurtnaam", "jaar", "jrstatcode", "water"}
    matched = set(batch.observations["source_column"])
    assert not matched & unmatched
    # kept as text, PDOK's codes written as CBS's symbols
    texts = batch.unmatched.set_index(["region_code", "source_column"])["value_text"]
    assert texts[("BU99980000", "percentage_personen_0_tot_15_jaar")] == "11"
    assert texts[("BU99980000", "meest_voorkomende_postcode")] == "9999"
    assert texts[("BU99980000", "percentage_huishoudens_met_laag_inkomen")] is None


def test_the_change_indicator_becomes_a_boundary_change(catalogue: Catalogue) -> None:
    batch = load(catalogue, pdok_kaart())
    assert batch.boundary_changes[
        ["region_code", "region_year", "change_code"]
    ].values.tolist() == [
        ["BU99980000", 2024, 1],
        ["BU99980001", 2024, 1],
    ]


def test_the_year_comes_from_jrstatcode_else_from_year_option(catalogue: Catalogue) -> None:
    batch = load(catalogue, pdok_kaart(drop=("jaar",)))
    assert batch.provenance["year_from"] == "property 'jrstatcode'"
    assert set(batch.regions["year"]) == {2024}
    with pytest.raises(SourceError, match=r"says its year is 2024.*--year 2023"):
        load(catalogue, pdok_kaart(), LoadOptions(year=2023))
    yearless = pdok_kaart(drop=("jaar", "jrstatcode"))
    assert set(load(catalogue, yearless, LoadOptions(year=2022)).regions["year"]) == {2022}
    # no year anywhere: geometry only, as any boundary file, and the provenance says why
    bare = load(catalogue, yearless)
    assert bare.regions.empty and bare.observations.empty
    assert any("--year" in note for note in bare.provenance["notes"])


def test_features_of_two_years_are_refused(catalogue: Catalogue) -> None:
    features = [
        pdok_feature("BU99980000", "Oude Kern", 5.28),
        pdok_feature("BU99980001", "Molenbeemd", 5.29, jaar=2023),
    ]
    with pytest.raises(SourceError, match="several years"):
        load(catalogue, pdok_kaart(features))


def test_a_boundary_file_without_pdok_attributes_still_brings_geometry_only(
    catalogue: Catalogue,
) -> None:
    feature = {
        "type": "Feature",
        "properties": {"id": "BU99980000", "name": "Oude Kern", "population": 1200},
        "geometry": square(5.28, 52.2),
    }
    data = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
    batch = load(catalogue, data)
    assert batch.regions.empty and batch.observations.empty and batch.unmatched.empty
    assert batch.geometries["region_year"].isna().all()


def test_a_pdok_kaart_imports_on_its_own(tmp_path: Path) -> None:
    path = tmp_path / "proefstad_buurten_2024.geojson"
    path.write_bytes(pdok_kaart())
    assert registry.detect(path.name, path.read_bytes()[:65536]).key == "boundaries"
    store = AnalyticStore(tmp_path / "store.duckdb")
    (report,) = import_files(store, [path])
    assert report.regions_per_level == {"buurt": 2}
    assert report.geometries == 2 and report.unjoined_codes == []
    with store.reader() as reader:
        assert len(reader.geometries("buurt", gemeente="GM9998", year=2024)) == 2
        postcodes = reader.postcodes()
    assert postcodes["postcode"].tolist() == ["9999", "9999"]


# -- what a kaart of the first 2024 release must give, real or twin ----------------------------


def assert_early_release_kaart(
    batch: ImportBatch,
    *,
    regions: int,
    gemeente: str,
    buurt: tuple[str, str],
    population: float,
    households: float,
) -> None:
    """The kaart's buurten of 2024 in ``gemeente``; ``buurt`` (code, name) with its population
    (of 1 January) and households; dwellings, WOZ, income and distances still −99995, so
    missing (not suppressed); the age shares kept unmatched; no −9999x value anywhere."""
    batch.validate()
    assert len(batch.regions) == regions and set(batch.regions["year"]) == {2024}
    assert set(batch.regions["gemeente_code"]) == {gemeente}
    code, name = buurt
    assert batch.regions.set_index("code").loc[code, "name"] == name
    assert figure(batch, code, "population") == (population, "2024-01-01", False)
    assert figure(batch, code, "households")[0] == households
    # this early release has no dwellings, WOZ or income yet: −99995, so missing
    for indicator in ("dwellings", "woz_value", "household_income_standardised", "distance_gp"):
        value, _, suppressed = figure(batch, code, indicator)
        assert math.isnan(value) and not suppressed, indicator
    assert "percentage_personen_0_tot_15_jaar" in set(batch.unmatched["source_column"])
    assert (batch.observations["value"].dropna() > -99990).all()


def population_and_geometries_of_2024(store: Path, buurt: str) -> tuple[list[Any], Any]:
    """The buurt's 2024 population by source, and the count of 2024 geometries."""
    with duckdb.connect(str(store), read_only=True) as con:
        population = con.execute(
            """SELECT source, value FROM observations WHERE region_code = ?
               AND region_year = 2024 AND indicator_id = 'population' ORDER BY source""",
            [buurt],
        ).fetchall()
        geometries = con.execute(
            "SELECT count(*) FROM geometries WHERE region_year = 2024"
        ).fetchone()
    return population, geometries


# -- the real file --------------------------------------------------------------------------------


@pytest.mark.realdata(twin="test_an_early_release_kaart_has_its_population_and_no_later_figures")
def test_baarn_kaart_2024_population_and_missing_figures(catalogue: Catalogue) -> None:
    assert_early_release_kaart(
        LOADER.load(real_bytes(BAARN), BAARN.name, catalogue, LoadOptions()),
        regions=21,
        gemeente="GM0308",
        buurt=("BU03080000", "Centrum"),
        population=1825.0,
        households=1075,
    )


def test_an_early_release_kaart_has_its_population_and_no_later_figures(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    """The synthetic kaart as PDOK's first 2024 release: population and households filled in,
    dwellings, WOZ, income and distances still −99995."""
    path = tmp_path / "proefstad_buurten_2024.geojson"
    path.write_bytes(pdok_kaart())
    assert_early_release_kaart(
        LOADER.load(path.read_bytes(), path.name, catalogue, LoadOptions()),
        regions=2,
        gemeente="GM9998",
        buurt=("BU99980000", "Oude Kern"),
        population=1200.0,
        households=640,
    )


@pytest.mark.realdata(twin="test_a_kaart_and_a_series_export_import_together_through_the_cli")
def test_baarn_kaart_and_series_import_together_through_the_cli(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    wijkkompas(store, "import", real_path(BAARN), real_path(BAARN_SERIES))
    population, geometries = population_and_geometries_of_2024(store, "BU03080000")
    assert population == [("boundaries", 1825.0), ("kwb-series", 1825.0)]
    assert geometries == (21,)


def test_a_kaart_and_a_series_export_import_together_through_the_cli(tmp_path: Path) -> None:
    """The synthetic kaart and a dashboard's series export of the same gemeente (the layout of
    baarn_social_data_kwb_2016-2025.json), in one `wijkkompas import`: both give the 2024
    population of a buurt, each under its own source."""
    kaart = tmp_path / "proefstad_buurten_2024.geojson"
    kaart.write_bytes(pdok_kaart())
    series = tmp_path / "proefstad_social_data_kwb_2023-2024.json"
    series.write_bytes(
        dashboard_series_json(
            ("GM9998", "Proefstad", {"aantal_inwoners": {"2023": 2310.0, "2024": 2400.0}}),
            [
                (
                    "BU99980000",
                    "Oude Kern",
                    "WK999800",
                    {"aantal_inwoners": {"2023": 1190.0, "2024": 1200.0}},
                )
            ],
        )
    )
    store = tmp_path / "store.duckdb"
    result = run_cli("--store", store, "import", kaart, series)
    assert result.returncode == 0, result.stdout + result.stderr
    population, geometries = population_and_geometries_of_2024(store, "BU99980000")
    assert population == [("boundaries", 1200.0), ("kwb-series", 1200.0)]
    assert geometries == (2,)
