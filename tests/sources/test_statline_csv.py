"""StatLine CSV downloads: labels, title and unit rows, R re-saves, renamed extracts, names only."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from file_layouts import whole_country_csv as whole_country_download
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from real_data import SHARED_DATA, levels, real_path, value
from statline_metadata import data_properties_json

from proefstad import (
    BUURTEN,
    EXTRACT_NAME,
    GEMEENTE,
    HAVENKADE,
    NEW_ONLY,
    extract_2024,
    extract_woz,
    figures,
    kwb_resaved_by_r,
)
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
from wijkkompas.store import ImportBatch

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
    topic = builtin_index().topic_for_label("Bevolking.Aantal.inwoners..aantal.")
    assert topic is not None and topic.key == "AantalInwoners_5"


@pytest.mark.realdata(
    twin="test_data_properties_give_topics_with_their_parent_path_as_the_builtin_table_has_them"
)
def test_builtin_label_table_is_derived_from_the_real_metadata() -> None:
    metadata = real_file("metadata/85984NED/DataProperties.json").read_bytes()
    topics, map_year = topics_from_data_properties(metadata, "DataProperties.json")
    assert map_year == 2024
    assert list(builtin_index().by_key.values()) == topics
    assert all(base_of_title(t.title) == t.base for t in topics)


def test_data_properties_give_topics_with_their_parent_path_as_the_builtin_table_has_them() -> None:
    topics, map_year = topics_from_data_properties(data_properties_json(), "DataProperties.json")
    assert map_year == 2024
    builtin = builtin_index()
    assert [t.key for t in topics] == [
        "Codering_3", "AantalInwoners_5", "k_0Tot15Jaar_8", "GemiddeldeWOZWaardeVanWoningen_39",
        "Appartement_54", "Appartement_62", "WmoClienten_100",
    ]  # fmt: skip
    assert topics == [builtin.by_key[t.key] for t in topics]
    assert topics[5].path == ("Energie", "Gemiddeld aardgasverbruik", "Naar woningtype")
    assert topics[5].unit == "m³"
    assert all(base_of_title(t.title) == t.base for t in topics)
    assert all(base_of_title(t.title) == t.base for t in builtin.by_key.values())


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


def assert_reads_the_whole_country_download(
    batch: ImportBatch,
    *,
    per_level: dict[str, int],
    gemeente: tuple[str, int],
    buurt: tuple[str, str, int],
    boundary_changes: int,
) -> None:
    """A whole-country KWB 2024 download: the regions ``per_level``, the country left out,
    the gemeente's (code, population), a buurt's (code, name, population), and every region's
    boundary change code kept."""
    assert levels(batch) == per_level
    assert batch.provenance["skipped_rows"]["national"] == 1
    assert value(batch, gemeente[0], "population") == gemeente[1]
    code, name, people = buurt
    assert value(batch, code, "population") == people
    assert batch.regions.set_index("code").loc[code, "name"] == name
    assert len(batch.boundary_changes) == boundary_changes


def assert_reads_a_kwb_resaved_by_r(
    batch: ImportBatch, year: int, *, per_level: dict[str, int], gemeente: tuple[str, float]
) -> None:
    """A StatLine KWB download as R re-saved it: recognised as such, of ``year``, the regions
    ``per_level``, the gemeente's (code, population) from R's mangled label."""
    batch.validate()
    assert "re-saved by R" in batch.provenance["layout"]
    assert batch.provenance["table_year"] == year
    assert levels(batch) == per_level
    assert value(batch, gemeente[0], "population") == gemeente[1]
    assert "Bevolking.Aantal.inwoners..aantal." in set(batch.observations["source_column"])


def read_the_renamed_extract(
    data: bytes,
    name: str,
    catalogue: Catalogue,
    folder: Path,
    *,
    per_level: dict[str, int],
    gemeente: tuple[str, float, float],
    buurt: tuple[str, str],
) -> ImportBatch:
    """The 2024 extract with the user's own column names, detected as StatLine and read through
    a mapping file: the regions ``per_level``, the gemeente's (code, population, WOZ), the
    empty income column missing (not suppressed), a buurt's (code, name), the columns the
    mapping does not name kept."""
    mapping_file = folder / "mapping.csv"
    mapping_file.write_text(
        "column,indicator\nArea_Code,code\nDistrict_Type,name\nPopulation_Total,a_inw\n"
        "Avg_Property_Value_1000EUR,woz_value\nPct_Owner_Occupied,p_koopw\n"
        "Avg_Income_Per_Inhabitant_1000EUR,g_ink_pi\n"
    )
    mapping = parse_mapping(mapping_file.read_bytes(), mapping_file.name)
    assert registry.detect(name, data[:65536]).inner is LOADER
    batch = load(data, name, catalogue, mapping=mapping)
    batch.validate()
    assert levels(batch) == per_level
    code, people, woz = gemeente
    assert value(batch, code, "population") == people
    assert value(batch, code, "woz_value") == woz
    income = batch.observations[batch.observations.indicator_id == "income_per_inhabitant"]
    assert income["value"].isna().all() and not income["suppressed"].any()
    assert batch.regions.set_index("code").loc[buurt[0], "name"] == buurt[1]
    assert "Pop_Age_0_15" in set(batch.unmatched["source_column"])
    return batch


WHOLE_COUNTRY_ROWS = [
    ("Nederland", "Nederland", "Land", "NL00", ".", 17942942),
    ("Proefstad", "Proefstad", "Gemeente", "GM9990", "1", 25310),
    ("Wijk 00 Centrum", "Proefstad", "Wijk", "WK999000", "1", 3590),
    ("Oud Centrum", "Proefstad", "Buurt", "BU99900000", "1", 2110),
    ("Nieuwbouw", "Proefstad", "Buurt", "BU99900001", "1", 1480),
    ("Andersdorp", "Andersdorp", "Gemeente", "GM9991", "1", 8120),
    ("Wijk 01 Dorp", "Andersdorp", "Wijk", "WK999101", "1", 8120),
    ("Windhoek", "Andersdorp", "Buurt", "BU99910100", "2", 390),
]
"""Made up in the layout of StatLine's whole-country download of KWB 2024 (85984NED): UTF-8
with a BOM, semicolons, CRLF, labels as headers, names padded to 40 and codes to 10, the
country first with '.' for its boundary change, figures as bare integers."""


def whole_country_csv() -> bytes:
    rows = []
    for name, gemeente, kind, code, change, people in WHOLE_COUNTRY_ROWS:
        men = people // 2
        ages = [people * share // 100 for share in (15, 12, 26, 27)]
        counts = [people, men, people - men, *ages, people - sum(ages)]
        rows.append((name, gemeente, kind, code, change, counts))
    return whole_country_download(rows)


def test_a_whole_country_download_leaves_out_the_country_and_keeps_boundary_changes(
    catalogue: Catalogue,
) -> None:
    name = "Kerncijfers_wijken_en_buurten_2024_geslachten.csv"
    batch = load(whole_country_csv(), name, catalogue)
    assert_reads_the_whole_country_download(
        batch,
        per_level={"gemeente": 2, "wijk": 2, "buurt": 3},
        gemeente=("GM9990", 25310),
        buurt=("BU99910100", "Windhoek", 390),
        boundary_changes=len(WHOLE_COUNTRY_ROWS) - 1,
    )
    changes = batch.boundary_changes.set_index("region_code")["change_code"]
    assert changes["BU99910100"] == 2 and changes["GM9990"] == 1


NAMES_ONLY_2015 = (
    '\ufeff"Kerncijfers wijken en buurten 2015"\r\n""\r\n"";"Onderwerp"\r\n'
    '"";"Inkomen|Inkomen van personen|Aantal inkomensontvangers\u00a0\u00a0";'
    '"Inkomen|Inkomen van personen|Gemiddeld inkomen per inwoner\u00a0";'
    '"Inkomen|Inkomen van huishoudens|Huishoudens met een laag inkomen"\r\n'
    '"Wijken en buurten";"aantal";"x 1 000 euro";"%"\r\n'
    '"Proefstad";"64100";"26,9";"12,8"\r\n'
    '"Stadsdeel Centrum";"7100";"35,8";"13,7"\r\n'
    '"Oude Haven";"370";"30,1";"16,3"\r\n'
    '"Bron: CBS"\r\n'
)
"""Made up in the layout of a StatLine 'tabel' download of KWB 2015 with regions selected by
name only: a title row, an empty row, a three-row header (topic, label path, unit) with
non-breaking spaces in the labels, decimal commas, the 'Bron: CBS' footer; no codes."""


def test_a_download_of_regions_by_name_only_is_refused_naming_what_to_select(
    catalogue: Catalogue,
) -> None:
    with pytest.raises(SourceError, match=r"_2015\.csv.*no region codes.*Codering"):
        load(NAMES_ONLY_2015.encode("utf-8"), "Kerncijfers_wijken_en_buurten_2015.csv", catalogue)


@pytest.mark.parametrize("year", [2017, 2019])
def test_a_kwb_download_resaved_by_r_reads_like_the_original(
    catalogue: Catalogue, year: int
) -> None:
    name = f"Kerncijfers_wijken_en_buurten_{year}.csv"
    batch = load(kwb_resaved_by_r(year), name, catalogue)
    assert_reads_a_kwb_resaved_by_r(
        batch,
        year,
        per_level={"gemeente": 1, "wijk": 3, "buurt": 8},
        gemeente=(GEMEENTE, figures(GEMEENTE, year)["inhabitants"]),
    )
    for code in (GEMEENTE, HAVENKADE.old_code):
        income = figures(code, year)["income_per_inhabitant"]
        assert value(batch, code, "income_per_inhabitant") == pytest.approx(income)
    assert batch.regions.set_index("code").loc[HAVENKADE.old_code, "name"] == HAVENKADE.name
    national = batch.national.set_index("indicator_id")["value"]
    assert national["population"] == figures("NL00", year)["inhabitants"]


def test_an_extract_with_its_own_column_names_reads_through_a_mapping_file(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    everyone = [*BUURTEN, NEW_ONLY]
    batch = read_the_renamed_extract(
        extract_2024(),
        EXTRACT_NAME,
        catalogue,
        tmp_path,
        per_level={"gemeente": 1, "wijk": 3, "buurt": 9},
        gemeente=(GEMEENTE, sum(b.inhabitants for b in everyone), extract_woz(GEMEENTE)),
        buurt=(HAVENKADE.new_code, HAVENKADE.name),
    )
    income = batch.observations[batch.observations.indicator_id == "income_per_inhabitant"]
    assert len(income) == 13


@pytest.mark.realdata(
    twin="test_a_whole_country_download_leaves_out_the_country_and_keeps_boundary_changes"
)
def test_whole_country_csv(catalogue: Catalogue) -> None:
    path = real_file("nederland/Kerncijfers_wijken_en_buurten_2024_geslachten.csv")
    assert_reads_the_whole_country_download(
        load(path.read_bytes(), path.name, catalogue),
        per_level={"gemeente": 342, "wijk": 3393, "buurt": 14574},
        gemeente=("GM1680", 25845),
        buurt=("BU01935200", "Windesheim", 390),
        boundary_changes=18309,
    )


@pytest.mark.realdata(
    twin="test_a_download_of_regions_by_name_only_is_refused_naming_what_to_select"
)
def test_names_only_table_is_refused_clearly(catalogue: Catalogue) -> None:
    path = real_file("amsterdam/Kerncijfers_wijken_en_buurten_2015.csv")
    with pytest.raises(SourceError, match=r"_2015\.csv.*no region codes.*Codering"):
        load(path.read_bytes(), path.name, catalogue)


@pytest.mark.realdata(twin="test_a_kwb_download_resaved_by_r_reads_like_the_original")
@pytest.mark.parametrize(("year", "inwoners"), [(2017, 844947), (2019, 862965)])
def test_amsterdam_resaved_by_r(catalogue: Catalogue, year: int, inwoners: int) -> None:
    path = real_file(f"amsterdam/Kerncijfers_wijken_en_buurten_{year}.csv")
    batch = load(path.read_bytes(), path.name, catalogue)
    assert_reads_a_kwb_resaved_by_r(
        batch,
        year,
        per_level={"gemeente": 1, "wijk": 99, "buurt": 479},
        gemeente=("GM0363", inwoners),
    )
    if year == 2019:
        assert value(batch, "GM0363", "income_per_inhabitant") == pytest.approx(31.3)
        assert value(batch, "BU03630000", "income_per_inhabitant") == pytest.approx(37.3)


@pytest.mark.realdata(twin="test_an_extract_with_its_own_column_names_reads_through_a_mapping_file")
def test_renamed_extract_with_a_mapping_file(catalogue: Catalogue, tmp_path: Path) -> None:
    path = real_file(
        "amsterdam/tommasozf/Kerncijfers_wijken_en_buurten_2024_without_income_data.csv"
    )
    read_the_renamed_extract(
        path.read_bytes(),
        path.name,
        catalogue,
        tmp_path,
        per_level={"gemeente": 1, "wijk": 110, "buurt": 517},
        gemeente=("GM0363", 931298, 498),
        buurt=("BU0363AA01", "Planciusbuurt-Noord"),
    )


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


def _load_damaged(
    catalogue: Catalogue, data: bytes, name: str, mutation: tuple[list[tuple[int, int]], int | None]
) -> None:
    """Load ``data`` damaged by ``mutation``: a valid batch, or an error naming the file that
    did not come from the loader tripping over its own code."""
    try:
        batch = LOADER.load(_mutate(data, *mutation), name, catalogue, LoadOptions())
    except WijkkompasError as exc:
        assert name in str(exc)
        assert not isinstance(exc.__cause__, PROGRAMMING_ERRORS), repr(exc.__cause__)
    else:
        if len(batch.named_regions):
            # Damage can leave a table of names (its code column gone): a valid result, which
            # the importer finishes by finding the codes; its tables must still be whole.
            batch = dataclasses.replace(batch, named_regions=batch.named_regions.iloc[:0])
        batch.validate()


@pytest.mark.realdata(twin="test_a_damaged_kwb_download_resaved_by_r_fails_cleanly")
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(mutation=MUTATIONS)
def test_damaged_amsterdam_csv_fails_cleanly(
    catalogue: Catalogue, mutation: tuple[list[tuple[int, int]], int | None]
) -> None:
    path = real_file("amsterdam/Kerncijfers_wijken_en_buurten_2019.csv")
    head = b"".join(path.read_bytes().splitlines(keepends=True)[:150])  # keeps the suite fast
    _load_damaged(catalogue, head, path.name, mutation)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(mutation=MUTATIONS)
def test_a_damaged_kwb_download_resaved_by_r_fails_cleanly(
    catalogue: Catalogue, mutation: tuple[list[tuple[int, int]], int | None]
) -> None:
    data = kwb_resaved_by_r(2019)
    _load_damaged(catalogue, data, "Kerncijfers_wijken_en_buurten_2019.csv", mutation)


def test_a_table_without_region_codes_or_names_is_refused_with_what_to_select(
    catalogue: Catalogue,
) -> None:
    """Found by the fuzzing above: a header cut so that neither the code nor the name column
    survives, while a figure column still matches."""
    data = b'"Perioden","Bevolking/Aantal inwoners (aantal)"\n"2019","100"\n"2019","250"\n'
    with pytest.raises(SourceError, match="no column holds region codes") as raised:
        LOADER.load(data, "kwb-knipsel.csv", catalogue, LoadOptions())
    assert "kwb-knipsel.csv" in str(raised.value)
