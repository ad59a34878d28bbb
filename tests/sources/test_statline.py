"""StatLine OData JSON (typed, untyped, keyed by ID), base-name matching and parent topics.

The CSV shapes are tested in test_statline_csv.py."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from real_data import SHARED_DATA, levels, real_path, value
from statline_metadata import data_properties_json

from wijkkompas.catalogue import Catalogue, catalogue_from_dict
from wijkkompas.errors import WijkkompasError
from wijkkompas.sources import registry
from wijkkompas.sources.base import LoadOptions, SourceError
from wijkkompas.sources.statline import LOADER, load_with_metadata
from wijkkompas.store import AnalyticStore

KWB = SHARED_DATA / "kwb"


def real_file(relative: str) -> Path:
    return real_path(KWB / relative)


def load(data: bytes, name: str, catalogue: Catalogue, **options: Any):
    return LOADER.load(data, name, catalogue, LoadOptions(**options))


# Hand-built in the documented OData v3 layout (opendata.cbs.nl/ODataApi/odata/85984NED/
# TypedDataSet); these machines have no internet. Keys and suffixes are those of 85984NED.
TYPED: dict[str, Any] = {
    "odata.metadata": "https://opendata.cbs.nl/ODataApi/odata/85984NED/$metadata"
    "#Cbs.OData.WebAPI.TypedDataSet",
    "value": [
        {
            "ID": 0,
            "WijkenEnBuurten": "NL00      ",
            "Gemeentenaam_1": "Nederland                               ",
            "SoortRegio_2": "Land      ",
            "Codering_3": "NL00      ",
            "IndelingswijzigingGemeenteWijkBuurt_4": None,
            "AantalInwoners_5": 17942942,
            "GemiddeldInkomenPerInwoner_83": None,
            "Gehuwd_14": 8920768,
        },
        {
            "ID": 1,
            "WijkenEnBuurten": "GM9990    ",
            "Gemeentenaam_1": "Proefstad                               ",
            "SoortRegio_2": "Gemeente  ",
            "Codering_3": "GM9990    ",
            "IndelingswijzigingGemeenteWijkBuurt_4": "1",
            "AantalInwoners_5": 2000,
            "GemiddeldInkomenPerInwoner_83": 29.5,
            "Gehuwd_14": 990,
        },
        {
            "ID": 2,
            "WijkenEnBuurten": "BU99900000",
            "Gemeentenaam_1": "Proefstad                               ",
            "SoortRegio_2": "Buurt     ",
            "Codering_3": "BU99900000",
            "IndelingswijzigingGemeenteWijkBuurt_4": "2",
            "AantalInwoners_5": 1200,
            "GemiddeldInkomenPerInwoner_83": None,
            "Gehuwd_14": 600,
        },
    ],
}


def untyped() -> dict[str, Any]:
    """The same records as UntypedDataSet serves them: space-padded strings, '.' for unknown."""
    records = []
    for record in TYPED["value"]:
        converted = {
            k: (
                "       ."
                if v is None
                else f"{v:>8}"
                if isinstance(v, (int, float)) and k != "ID"
                else v
            )
            for k, v in record.items()
        }
        records.append(converted)
    return {"odata.metadata": TYPED["odata.metadata"].replace("Typed", "Untyped"), "value": records}


# --- OData JSON ---------------------------------------------------------------------------------


def test_typed_dataset(catalogue: Catalogue) -> None:
    batch = load(json.dumps(TYPED).encode(), "TypedDataSet.json", catalogue)
    batch.validate()
    assert levels(batch) == {"gemeente": 1, "buurt": 1}
    assert batch.provenance["table_id"] == "85984NED"
    assert batch.provenance["table_year"] == 2024
    assert "table id" in batch.provenance["table_year_from"]
    assert value(batch, "GM9990", "population") == 2000
    assert value(batch, "GM9990", "income_per_inhabitant") == pytest.approx(29.5)
    null = batch.observations.set_index(["region_code", "indicator_id"]).loc[
        ("BU99900000", "income_per_inhabitant")
    ]
    assert math.isnan(null["value"]) and bool(null["suppressed"]) is False
    assert set(batch.unmatched["source_column"]) == {"Gehuwd_14"}
    assert batch.boundary_changes.set_index("region_code")["change_code"].to_dict() == {
        "GM9990": 1,
        "BU99900000": 2,
    }
    assert "TypedDataSet" in batch.provenance["layout"]


def test_untyped_dataset_reads_like_typed(catalogue: Catalogue) -> None:
    typed = load(json.dumps(TYPED).encode(), "TypedDataSet.json", catalogue)
    plain = load(json.dumps(untyped()).encode("utf-8-sig"), "UntypedDataSet.json", catalogue)
    assert "UntypedDataSet" in plain.provenance["layout"]
    merged = typed.observations.merge(
        plain.observations, on=["region_code", "indicator_id"], suffixes=("_t", "_u")
    )
    assert len(merged) == len(typed.observations)
    assert np.allclose(merged["value_t"], merged["value_u"], equal_nan=True)
    dot = plain.observations.set_index(["region_code", "indicator_id"]).loc[
        ("BU99900000", "income_per_inhabitant")
    ]
    assert math.isnan(dot["value"]) and bool(dot["suppressed"]) is True


@pytest.mark.parametrize(
    "wrap",
    [
        lambda r: r,
        lambda r: {"value": r},
        lambda r: {"value": {str(x["ID"]): x for x in r}},
        lambda r: {str(x["ID"]): x for x in r},
    ],
    ids=["bare-list", "value-list", "value-dict-by-id", "dict-by-id"],
)
def test_json_wrappers(catalogue: Catalogue, wrap: Any) -> None:
    batch = load(json.dumps(wrap(TYPED["value"])).encode(), "data.json", catalogue, year=2024)
    assert value(batch, "BU99900000", "population") == 1200


def test_json_without_a_year_needs_one(catalogue: Catalogue) -> None:
    with pytest.raises(SourceError, match=r"data\.json.*--year"):
        load(json.dumps({"value": TYPED["value"]}).encode(), "data.json", catalogue)


def test_json_errors_name_the_file(catalogue: Catalogue) -> None:
    with pytest.raises(SourceError, match=r"broken\.json.*line 1"):
        load(b'{"value": [', "broken.json", catalogue)
    with pytest.raises(SourceError, match=r"odd\.json.*shape"):
        load(b'{"value": 3}', "odd.json", catalogue)


def test_a_data_properties_file_is_refused_as_no_data(catalogue: Catalogue) -> None:
    with pytest.raises(SourceError, match="DataProperties"):
        load(data_properties_json(), "DataProperties.json", catalogue, year=2024)


# Made up in the layout of a selection re-saved keyed by ID (UTF-8 with BOM, {"value": {ID:
# record}}, UntypedDataSet strings padded to 8, '.' unknown); keys with 83765NED's suffixes.
KEYED_BY_ID = {
    str(record["ID"]): record
    for record in [
        {"ID": 40100 + i, "WijkenEnBuurten": f"{code:<10}", "k_0Tot15Jaar_8": f"{young:>8}",
         "k_65JaarOfOuder_12": f"{old:>8}", "Bevolkingsdichtheid_33": f"{density:>8}",
         "Koopwoningen_40": f"{owned:>8}", "GemiddeldInkomenPerInwoner_66": f"{income:>8}",
         "VernielingMisdrijfTegenOpenbareOrde_107": f"{vandalism:>8}"}
        for i, (code, young, old, density, owned, income, vandalism) in enumerate([
            ("GM9999", 9105, 11230, 2480, 51, "28.4", 7),
            ("WK999901", 640, 710, 8120, 38, "24.9", 11),
            ("WK999902", 1310, 1505, 3350, 62, "31.2", 4),
            ("BU99990101", 150, 160, 10450, 44, "26.0", 13),
            ("BU99990102", 490, 550, 7630, 36, ".", 9),
            ("BU99990201", 1310, 1505, 3350, 62, "31.2", "."),
        ])
    ]
}  # fmt: skip


def assert_keyed_by_id_reads_like_a_list(
    data: bytes,
    name: str,
    catalogue: Catalogue,
    folder: Path,
    *,
    per_level: dict[str, int],
    gemeente: tuple[str, float],
) -> None:
    """Records keyed by their ID: refused without --year; with --year 2017 the regions per
    level, the gemeente's income per inhabitant of the reference year, the keys as source
    columns (ID not among the unmatched), and the regions reach the store."""
    with pytest.raises(SourceError, match=rf"{re.escape(name)}.*--year"):
        load(data, name, catalogue)
    batch = load(data, name, catalogue, year=2017)
    batch.validate()
    regions = sum(per_level.values())
    assert len(batch.regions) == regions
    assert levels(batch) == per_level
    assert value(batch, gemeente[0], "income_per_inhabitant") == pytest.approx(gemeente[1])
    lag = catalogue.by_id("income_per_inhabitant").reference_lag_years
    income = batch.observations[batch.observations.indicator_id == "income_per_inhabitant"]
    assert set(income["period"]) == {str(2017 - lag)}
    assert set(income["source_column"]) == {"GemiddeldInkomenPerInwoner_66"}
    assert "k_0Tot15Jaar_8" in set(
        batch.observations.query("indicator_id == 'age_00_14'")["source_column"]
    )
    assert "Bevolkingsdichtheid_33" not in set(batch.unmatched["source_column"])
    assert "ID" not in set(batch.unmatched["source_column"])
    assert AnalyticStore(folder / "store.duckdb").import_batch(batch).regions == regions


def test_records_keyed_by_their_id_read_like_a_list(catalogue: Catalogue, tmp_path: Path) -> None:
    assert_keyed_by_id_reads_like_a_list(
        json.dumps({"value": KEYED_BY_ID}).encode("utf-8-sig"),
        "selectie.json",
        catalogue,
        tmp_path,
        per_level={"gemeente": 1, "wijk": 2, "buurt": 3},
        gemeente=("GM9999", 28.4),
    )


@pytest.mark.realdata(twin="test_a_data_properties_file_is_refused_as_no_data")
def test_data_properties_is_not_data(catalogue: Catalogue) -> None:
    path = real_file("metadata/85984NED/DataProperties.json")
    with pytest.raises(SourceError, match="DataProperties"):
        load(path.read_bytes(), path.name, catalogue, year=2024)


@pytest.mark.realdata(twin="test_records_keyed_by_their_id_read_like_a_list")
def test_rotterdam_keyed_by_id(catalogue: Catalogue, tmp_path: Path) -> None:
    path = real_file("rotterdam/ikgeoData.json")
    assert_keyed_by_id_reads_like_a_list(
        path.read_bytes(),
        path.name,
        catalogue,
        tmp_path,
        per_level={"gemeente": 1, "wijk": 22, "buurt": 92},
        gemeente=("GM0599", 23.7),
    )


# --- parent topics ------------------------------------------------------------------------------


def _indicator(id: str, parent: str, unit: str) -> dict[str, Any]:
    return {
        "id": id,
        "name_nl": id,
        "name_en": id,
        "description_nl": id,
        "description_en": id,
        "unit": "number",
        "direction": "context",
        "statline": ["Appartement"],
        "statline_parent": parent,
        "plausible_range": [0, 100000],
        "reference_lag_years": 1,
        "reference": f"test, {unit}",
    }


ENERGY = catalogue_from_dict(
    {
        "version": "test",
        "indicators": [
            _indicator("electricity_apartment", "Gemiddelde elektriciteitslevering", "kWh"),
            _indicator("gas_apartment", "Gemiddeld aardgasverbruik", "m3"),
        ],
    }
)
# Hand-built record in the OData layout of 85984NED (keys as in its DataProperties).
APARTMENTS = {
    "value": [{"WijkenEnBuurten": "GM0344    ", "Appartement_54": 1910, "Appartement_62": 560}]
}


def assert_parent_topic_decides_repeated_base_names(metadata: bytes) -> None:
    """With a DataProperties.json of 85984NED, 'Appartement' under electricity and under gas
    feed their own indicators, and the table year is its MapYear."""
    batch = load_with_metadata(
        json.dumps(APARTMENTS).encode(), "apartments.json", ENERGY, LoadOptions(), metadata
    )
    by_column = batch.observations.set_index("source_column")
    assert by_column.loc["Appartement_54", "indicator_id"] == "electricity_apartment"
    assert by_column.loc["Appartement_54", "value"] == 1910
    assert by_column.loc["Appartement_62", "indicator_id"] == "gas_apartment"
    assert by_column.loc["Appartement_62", "value"] == 560
    assert batch.provenance["table_year"] == 2024
    assert batch.provenance["table_year_from"] == "DataProperties MapYear"


def assert_csv_labels_matched_through(metadata: bytes) -> None:
    """A CSV label is matched to its indicator through the supplied DataProperties.json."""
    label = "Energie/Gemiddelde elektriciteitslevering/Naar woningtype/Appartement (kWh)"
    text = f'"Regioaanduiding/Codering (code)";"{label}"\n"GM0344    ";"1910"\n'
    batch = load_with_metadata(text.encode(), "export.csv", ENERGY, LoadOptions(), metadata)
    assert batch.observations["indicator_id"].tolist() == ["electricity_apartment"]
    assert batch.provenance["metadata_supplied"] is True


@pytest.mark.realdata(
    twin="test_supplied_data_properties_decide_repeated_base_names_by_their_parent_topic"
)
def test_parent_topic_decides_repeated_base_names() -> None:
    metadata = real_file("metadata/85984NED/DataProperties.json").read_bytes()
    assert_parent_topic_decides_repeated_base_names(metadata)


def test_repeated_base_name_without_metadata_is_not_guessed() -> None:
    with pytest.raises(SourceError, match="none of its columns"):
        load(json.dumps(APARTMENTS).encode(), "apartments.json", ENERGY, year=2024)
    both = catalogue_from_dict(
        {
            "version": "test",
            "indicators": [*ENERGY.model_dump()["indicators"], _population()],
        }
    )
    record = {"value": [{**APARTMENTS["value"][0], "AantalInwoners_5": 5}]}
    batch = load(json.dumps(record).encode(), "apartments.json", both, year=2024)
    assert set(batch.observations["indicator_id"]) == {"population"}
    assert set(batch.unmatched["source_column"]) == {"Appartement_54", "Appartement_62"}
    assert batch.provenance["ambiguous_columns"] == ["Appartement_54", "Appartement_62"]


def _population() -> dict[str, Any]:
    entry = _indicator("population", "", "count")
    entry.update(statline=["AantalInwoners"], statline_parent=None)
    return entry


def test_builtin_table_decides_keys_of_its_own_table() -> None:
    """Without a DataProperties file, the shipped 85984NED table knows its own suffixes."""
    record = {"odata.metadata": TYPED["odata.metadata"], **APARTMENTS}
    batch = load(json.dumps(record).encode(), "apartments.json", ENERGY)
    assert batch.observations.set_index("source_column")["indicator_id"].to_dict() == {
        "Appartement_54": "electricity_apartment",
        "Appartement_62": "gas_apartment",
    }


@pytest.mark.parametrize(
    "label",
    [
        "Energie/Gemiddeld aardgasverbruik/Naar woningtype/Appartement (m³)",
        "Energie.Gemiddeld.aardgasverbruik.Naar.woningtype.Appartement..m..",
    ],
)
def test_label_path_decides_repeated_titles(label: str) -> None:
    """A CSV label carries its topic path, so 'Appartement' under gas is gas, R-mangled or not."""
    text = f'"Regioaanduiding/Codering (code)";"{label}"\n"GM0344    ";"560"\n'
    batch = load(text.encode(), "Kerncijfers_wijken_en_buurten_2024.csv", ENERGY)
    assert batch.observations["indicator_id"].tolist() == ["gas_apartment"]
    assert batch.observations["source_column"].tolist() == [label]


@pytest.mark.realdata(twin="test_csv_labels_are_matched_through_supplied_data_properties")
def test_csv_labels_through_supplied_metadata() -> None:
    metadata = real_file("metadata/85984NED/DataProperties.json").read_bytes()
    assert_csv_labels_matched_through(metadata)


def test_supplied_data_properties_decide_repeated_base_names_by_their_parent_topic() -> None:
    metadata = data_properties_json()
    assert_parent_topic_decides_repeated_base_names(metadata)


def test_csv_labels_are_matched_through_supplied_data_properties() -> None:
    metadata = data_properties_json()
    assert_csv_labels_matched_through(metadata)


def test_sniff_and_registry() -> None:
    assert LOADER.sniff("x.json", json.dumps(TYPED).encode()[:500])
    assert not LOADER.sniff("kwb-2023.xlsx", b"PK\x03\x04")
    assert registry.get("statline").inner is LOADER


# --- damaged files ------------------------------------------------------------------------------

MUTATIONS = st.tuples(
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=8),
    st.one_of(st.none(), st.integers(0, 10**6)),
)


PROGRAMMING_ERRORS = (AttributeError, NameError, TypeError, IndexError, KeyError, AssertionError)
"""A damaged file may fail, but not because the loader tripped over its own code."""


def _mutate(data: bytes, flips: list[tuple[int, int]], cut: int | None) -> bytes:
    mutated = bytearray(data)
    for position, byte in flips:
        mutated[position % len(mutated)] = byte
    return bytes(mutated[: cut % len(mutated)] if cut is not None else mutated)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(mutation=MUTATIONS)
def test_damaged_json_fails_cleanly(
    catalogue: Catalogue, mutation: tuple[list[tuple[int, int]], int | None]
) -> None:
    data = _mutate(json.dumps(untyped()).encode(), *mutation)
    try:
        batch = LOADER.load(data, "UntypedDataSet.json", catalogue, LoadOptions(year=2024))
    except WijkkompasError as exc:
        assert "UntypedDataSet.json" in str(exc)
        assert not isinstance(exc.__cause__, PROGRAMMING_ERRORS), repr(exc.__cause__)
    else:
        batch.validate()
