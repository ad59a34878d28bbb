"""StatLine CSV downloads: labels, title and unit rows, R re-saves, renamed extracts, names only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from real_data import SHARED_DATA, levels, real_path, value

from wijkkompas.catalogue import Catalogue
from wijkkompas.errors import WijkkompasError
from wijkkompas.sources import registry
from wijkkompas.sources.base import LoadOptions, SourceError
from wijkkompas.sources.mapping import parse_mapping
from wijkkompas.sources.statline import LOADER
from wijkkompas.sources.statline_labels import (
    base_of_title,
    builtin_index,
    topics_from_data_properties,
)
from wijkkompas.sources.year import year_from_name

KWB = SHARED_DATA / "kwb"


def real_file(relative: str) -> Path:
    return real_path(KWB / relative)


def load(data: bytes, name: str, catalogue: Catalogue, **options: Any):
    return LOADER.load(data, name, catalogue, LoadOptions(**options))


# --- CSV downloads ------------------------------------------------------------------------------

STATLINE_CSV = (
    '\ufeff"Wijken en buurten";"Regioaanduiding/Gemeentenaam (naam)";'
    '"Regioaanduiding/Soort regio (omschrijving)";"Regioaanduiding/Codering (code)";'
    '"Bevolking/Aantal inwoners (aantal)";"Inkomen/Inkomen van personen/Gemiddeld inkomen per '
    'inwoner  (x 1 000 euro)";"Bevolking/Burgerlijke staat/Gehuwd (aantal)"\r\n'
    '"Proefstad";"Proefstad   ";"Gemeente  ";"GM9990    ";2000;"29,5";990\r\n'
    '"Oud Centrum";"Proefstad   ";"Buurt     ";"BU99900000";1200;".";600\r\n'
    '"Nieuwbouw";"Proefstad   ";"Buurt     ";"BU99900001";800;"31,0";390\r\n'
)


def test_statline_csv_labels(catalogue: Catalogue) -> None:
    batch = load(STATLINE_CSV.encode(), "Kerncijfers_wijken_en_buurten_2022.csv", catalogue)
    assert batch.provenance["table_year"] == 2022
    assert value(batch, "BU99900001", "income_per_inhabitant") == pytest.approx(31.0)
    assert value(batch, "GM9990", "population") == 2000
    assert batch.regions.set_index("code").loc["BU99900000", "name"] == "Oud Centrum"
    assert set(batch.unmatched["source_column"]) == {"Bevolking/Burgerlijke staat/Gehuwd (aantal)"}


def test_statline_csv_with_title_units_row_and_footer(catalogue: Catalogue) -> None:
    text = (
        '"Kerncijfers wijken en buurten 2016 (voorlopig)"\r\n""\r\n"";"";"Onderwerp"\r\n'
        '"";"Regioaanduiding|Codering";"Bevolking|Aantal inwoners"\r\n'
        '"Wijken en buurten";"code";"aantal"\r\n'
        '"Proefstad";"GM9990    ";"2000"\r\n"Oud Centrum";"BU99900000";"1200"\r\n"Bron: CBS"\r\n'
    )
    batch = load(text.encode("cp1252"), "download.csv", catalogue)
    assert batch.provenance["table_year"] == 2016
    assert batch.provenance["release"] == "voorlopig"
    assert value(batch, "BU99900000", "population") == 1200
    assert len(batch.regions) == 2


def test_provisional_periods_mark_the_release(catalogue: Catalogue) -> None:
    text = (
        '"Perioden";"Regioaanduiding/Codering (code)";"Bevolking/Aantal inwoners (aantal)"\n'
        '"2023*";"GM9990    ";2000\n"2023*";"BU99900000";1200\n'
    )
    batch = load(text.encode(), "Kerncijfers_wijken_en_buurten_2023.csv", catalogue)
    assert batch.provenance["release"] == "voorlopig"
    assert set(batch.observations["release"]) == {"voorlopig"}
    assert "Perioden" not in set(batch.unmatched["source_column"])


def test_statline_csv_duplicate_codes(catalogue: Catalogue) -> None:
    text = STATLINE_CSV + '"Oud Centrum";"Proefstad";"Buurt";"BU99900000";1;".";1\r\n'
    with pytest.raises(SourceError, match=r"x_2022\.csv.*BU99900000 \(rows 3, 5\)"):
        load(text.encode(), "x_2022.csv", catalogue)


def test_unknown_columns_only(catalogue: Catalogue) -> None:
    with pytest.raises(SourceError, match=r"Wijken en buurten|code"):
        load(b"a;b\n1;2\n", "Kerncijfers_wijken_en_buurten_2022.csv", catalogue)


def test_labels_and_keys_agree_on_the_camelcase_rule() -> None:
    assert base_of_title("Gemiddelde WOZ-waarde van woningen") == "GemiddeldeWOZWaardeVanWoningen"
    assert base_of_title("0 tot 15 jaar") == "k_0Tot15Jaar"
    assert base_of_title("Wmo-cliënten") == "WmoClienten"
    assert builtin_index().topic_for_label("Bevolking.Aantal.inwoners..aantal.").key == (
        "AantalInwoners_5"
    )


@pytest.mark.realdata
def test_builtin_label_table_is_derived_from_the_real_metadata() -> None:
    metadata = real_file("metadata/85984NED/DataProperties.json").read_bytes()
    topics, map_year = topics_from_data_properties(metadata, "DataProperties.json")
    assert map_year == 2024
    assert list(builtin_index().by_key.values()) == topics
    assert all(base_of_title(t.title) == t.base for t in topics)


@pytest.mark.parametrize(
    ("name", "year"),
    [
        ("Kerncijfers_wijken_en_buurten_2017.csv", 2017),
        ("Kerncijfers_wijken_en_buurten_2024_11122025_141648.csv", 2024),
        ("Kerncijfers_wijken_en_buurten_2024_without_income_data.csv", 2024),
        ("export_11122025_141648.csv", None),
    ],
)
def test_year_from_file_name(name: str, year: int | None) -> None:
    found = year_from_name(name)
    assert (found.year if found else None) == year


@pytest.mark.realdata
def test_whole_country_csv(catalogue: Catalogue) -> None:
    path = real_file("nederland/Kerncijfers_wijken_en_buurten_2024_geslachten.csv")
    batch = load(path.read_bytes(), path.name, catalogue)
    assert levels(batch) == {"gemeente": 342, "wijk": 3393, "buurt": 14574}
    assert batch.provenance["skipped_rows"]["national"] == 1
    assert value(batch, "GM1680", "population") == 25845
    assert value(batch, "BU01935200", "population") == 390
    assert batch.regions.set_index("code").loc["BU01935200", "name"] == "Windesheim"
    assert len(batch.boundary_changes) == 18309


@pytest.mark.realdata
def test_names_only_table_is_refused_clearly(catalogue: Catalogue) -> None:
    path = real_file("amsterdam/Kerncijfers_wijken_en_buurten_2015.csv")
    with pytest.raises(SourceError, match=r"_2015\.csv.*no region codes.*Codering"):
        load(path.read_bytes(), path.name, catalogue)


@pytest.mark.realdata
@pytest.mark.parametrize(("year", "inwoners"), [(2017, 844947), (2019, 862965)])
def test_amsterdam_resaved_by_r(catalogue: Catalogue, year: int, inwoners: int) -> None:
    path = real_file(f"amsterdam/Kerncijfers_wijken_en_buurten_{year}.csv")
    batch = load(path.read_bytes(), path.name, catalogue)
    batch.validate()
    assert "re-saved by R" in batch.provenance["layout"]
    assert batch.provenance["table_year"] == year
    assert levels(batch) == {"gemeente": 1, "wijk": 99, "buurt": 479}
    assert value(batch, "GM0363", "population") == inwoners
    assert "Bevolking.Aantal.inwoners..aantal." in set(batch.observations["source_column"])
    if year == 2019:
        assert value(batch, "GM0363", "income_per_inhabitant") == pytest.approx(31.3)
        assert value(batch, "BU03630000", "income_per_inhabitant") == pytest.approx(37.3)


@pytest.mark.realdata
def test_renamed_extract_with_a_mapping_file(catalogue: Catalogue, tmp_path: Path) -> None:
    path = real_file(
        "amsterdam/tommasozf/Kerncijfers_wijken_en_buurten_2024_without_income_data.csv"
    )
    mapping_file = tmp_path / "mapping.csv"
    mapping_file.write_text(
        "column,indicator\nArea_Code,code\nDistrict_Type,name\nPopulation_Total,a_inw\n"
        "Avg_Property_Value_1000EUR,woz_value\nPct_Owner_Occupied,p_koopw\n"
        "Avg_Income_Per_Inhabitant_1000EUR,g_ink_pi\n"
    )
    mapping = parse_mapping(mapping_file.read_bytes(), mapping_file.name)
    assert registry.detect(path.name, path.read_bytes()[:65536]).inner is LOADER
    batch = load(path.read_bytes(), path.name, catalogue, mapping=mapping)
    batch.validate()
    assert levels(batch) == {"gemeente": 1, "wijk": 110, "buurt": 517}
    assert value(batch, "GM0363", "population") == 931298
    assert value(batch, "GM0363", "woz_value") == 498
    income = batch.observations[batch.observations.indicator_id == "income_per_inhabitant"]
    assert income["value"].isna().all() and not income["suppressed"].any()
    assert batch.regions.set_index("code").loc["BU0363AA01", "name"] == "Planciusbuurt-Noord"
    assert "Pop_Age_0_15" in set(batch.unmatched["source_column"])


def test_mapping_to_an_unknown_target_is_refused(catalogue: Catalogue) -> None:
    with pytest.raises(SourceError, match="not_an_indicator"):
        load(
            STATLINE_CSV.encode(),
            "x_2022.csv",
            catalogue,
            mapping={"Wijken en buurten": "not_an_indicator"},
        )


def test_sniff() -> None:
    assert LOADER.sniff("x.csv", STATLINE_CSV.encode())
    assert LOADER.sniff("x.csv", b'"","Wijken.en.buurten","Regioaanduiding.Codering..code."')
    assert LOADER.sniff("x.csv", b'"Area_Code";"Population"\n"GM0363    ";931298\n')
    assert not LOADER.sniff("x.csv", b"a;b\n1;2\n")


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


@pytest.mark.realdata
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(mutation=MUTATIONS)
def test_damaged_amsterdam_csv_fails_cleanly(
    catalogue: Catalogue, mutation: tuple[list[tuple[int, int]], int | None]
) -> None:
    path = real_file("amsterdam/Kerncijfers_wijken_en_buurten_2019.csv")
    head = b"".join(path.read_bytes().splitlines(keepends=True)[:150])  # keeps the suite fast
    try:
        batch = LOADER.load(_mutate(head, *mutation), path.name, catalogue, LoadOptions())
    except WijkkompasError as exc:
        assert path.name in str(exc)
        assert not isinstance(exc.__cause__, PROGRAMMING_ERRORS), repr(exc.__cause__)
    else:
        batch.validate()


def test_a_table_without_region_codes_or_names_is_refused_with_what_to_select(
    catalogue: Catalogue,
) -> None:
    """Found by the fuzzing above: a header cut so that neither the code nor the name column
    survives, while a figure column still matches."""
    data = b'"Perioden","Bevolking/Aantal inwoners (aantal)"\n"2019","100"\n"2019","250"\n'
    with pytest.raises(SourceError, match="no column holds region codes") as raised:
        LOADER.load(data, "kwb-knipsel.csv", catalogue, LoadOptions())
    assert "kwb-knipsel.csv" in str(raised.value)
