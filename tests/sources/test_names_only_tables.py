"""StatLine tables that name their regions without codes (KWB Heerlen 2016-2020): read, placed,
resolved to codes by name at import, and every row that is not resolved reported by name.

The synthetic twins are written by the tests in the layout of the real files: a database export
whose header carries a BOM inside the quotes of ``Wijk_Buurt`` and whose columns are StatLine
label paths joined by underscores, and a whole-country StatLine download with codes. Their
fictional gemeenten (GM9997 Andersdorp, GM9998 Proefstad) exist nowhere. Tests on the real files
read ../shared/data (see its PROVENANCE.md) and skip, saying which file is missing, without it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from file_layouts import WHOLE_COUNTRY_HEADER, whole_country_csv
from hypothesis import given, settings
from hypothesis import strategies as st
from real_data import SHARED_DATA, real_path, shared_catalogue
from typer.testing import CliRunner

from real_stores import wijkkompas
from wijkkompas.catalogue import Catalogue
from wijkkompas.cli import app
from wijkkompas.errors import WijkkompasError
from wijkkompas.sources import registry
from wijkkompas.sources.base import LoadOptions, SourceError
from wijkkompas.sources.importer import FileReport, import_files
from wijkkompas.sources.region_names import NameResolution, name_key, place_rows
from wijkkompas.sources.statline import LOADER as STATLINE
from wijkkompas.sources.statline_labels import is_underscore_path, underscore_label
from wijkkompas.store import AnalyticStore, ImportBatch

HEERLEN = SHARED_DATA / "kwb" / "heerlen"
NEDERLAND_2024 = (
    SHARED_DATA / "kwb" / "nederland" / "Kerncijfers_wijken_en_buurten_2024_geslachten.csv"
)
NEDERLAND_NAMES = (
    SHARED_DATA / "kwb" / "nederland" / "Kerncijfers_wijken_en_buurten_2024_11122025_141648.csv"
)

# -- the synthetic twins --------------------------------------------------------------------------

NAME_COLUMNS = [
    "Regioaanduiding_Indelingswijziging_wijken_en_buurten",
    "Bevolking_Aantal_inwoners",
    "Bevolking_Leeftijdsgroepen_0_tot_15_jaar",
    "Bevolking_Personen_met_een_migratieachtergrond_Niet_westers_Marokko",
    "Inkomen_Inkomen_van_personen_40proc_personen_met_laagste_inkomen",
    "Inkomen_Inkomen_van_huishoudens_Huish_onder_of_rond_sociaal_minimum",
    "Inkomen_Inkomen_van_personen_Gemiddeld_inkomen_per_inwoner ",
    "Zorg_Wmo_cliënten_",
]
"""Columns as the real export names them (the trailing space and underscore included)."""


def names_table(rows: list[list[str]]) -> bytes:
    """A names-only table in the layout of heerlen_kwb_YYYY.csv, with its 'Bron: CBS' footer."""
    out = io.StringIO()
    out.write('"Wijk_Buurt\ufeff",' + ",".join(NAME_COLUMNS) + "\n")
    writer = csv.writer(out, lineterminator="\n")
    width = len(NAME_COLUMNS)
    for row in rows:
        writer.writerow((row + [""] * (width + 1))[: width + 1])
    writer.writerow(["Bron: CBS"] + [""] * width)
    return out.getvalue().encode("utf-8")


PROEFSTAD_2016 = [
    ["Proefstad", "", "12000.0", "1900.0", "300.0", "38.1", "9.0", "24.5", "800.0"],
    ["Wijk 10 Oude Kern", "1.0", "5000.0", "700.0", "100.0", "41.0", "10.2", "22.0", "400.0"],
    ["OUDE  kern", "1.0", "2000.0", "300.0", "60.0", "44.0", "11.0", "21.0", "150.0"],
    ["Molenbeemd", "1.0", "1800.0", "250.0", "20.0", "39.0", "9.5", "23.0", "140.0"],
    ["Centrum", "1.0", "1200.0", "150.0", "20.0", "40.0", "", "", "110.0"],
    ["Wijk 20 Veldhoven-Zuid", "1.0", "6500.0", "1100.0", "150.0", "35.0", "7.1", "27.0", "380.0"],
    ["Erika-Park", "1.0", "4000.0", "800.0", "90.0", "33.0", "6.0", "28.0", "200.0"],
    ["Centrum", "1.0", "2500.0", "300.0", "60.0", "37.0", "8.0", "25.5", "180.0"],
    ["Verdwenen Hoek", "1.0", "5.0", "", "", "", "", "", ""],
    ["Wijk 30 Nieuwbouw", "1.0", "500.0", "100.0", "50.0", "", "", "", "20.0"],
]
"""Proefstad in 2016 by name: the names differ from the 2024 codes file in case, spacing and
accents; 'Centrum' lies in two wijken; the last two rows have no counterpart in 2024."""


def codes_table(rows: list[tuple[str, str, str, str, str]]) -> bytes:
    """A whole-country StatLine download with codes (layout of the KWB 2024 file)."""
    header = [
        "Wijken en buurten",
        "Regioaanduiding/Gemeentenaam (naam)",
        "Regioaanduiding/Soort regio (omschrijving)",
        "Regioaanduiding/Codering (code)",
        "Bevolking/Aantal inwoners (aantal)",
    ]
    lines = [";".join(f'"{h}"' for h in header)]
    for name, gemeente, kind, code, inwoners in rows:
        lines.append(f'"{name}";"{gemeente:<40}";"{kind:<10}";"{code:<10}";{inwoners}')
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


CODES_2024 = [
    ("Nederland", "Nederland", "Land", "NL00", "17942942"),
    ("Andersdorp", "Andersdorp", "Gemeente", "GM9997", "3000"),
    ("Wijk 10 Oude Kern", "Andersdorp", "Wijk", "WK999710", "3000"),
    ("Oude Kern", "Andersdorp", "Buurt", "BU99971000", "3000"),
    ("Proefstad", "Proefstad", "Gemeente", "GM9998", "12500"),
    ("Wijk 10 Oude Kern", "Proefstad", "Wijk", "WK999810", "5100"),
    ("Oude Kern", "Proefstad", "Buurt", "BU99981000", "2050"),
    ("Molenbeemd", "Proefstad", "Buurt", "BU99981001", "1850"),
    ("Centrum", "Proefstad", "Buurt", "BU99981002", "1200"),
    ("Wijk 20 Veldhoven-Zuid", "Proefstad", "Wijk", "WK999820", "7400"),
    ("Ériká-Park", "Proefstad", "Buurt", "BU99982000", "4100"),
    ("Centrum", "Proefstad", "Buurt", "BU99982001", "2600"),
    ("Nieuwe Akker", "Proefstad", "Buurt", "BU99982002", "700"),
]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def figure(store: AnalyticStore, code: str, indicator: str, year: int) -> pd.Series:
    with store.reader() as reader:
        obs = reader.observations([indicator], [code])
    row = obs[obs["region_year"] == year]
    assert len(row) == 1, f"{code} {indicator} {year}: {len(row)} rows"
    return row.iloc[0]


def imported(
    tmp_path: Path, names: bytes, *, with_codes: bool = True
) -> tuple[AnalyticStore, FileReport]:
    """Import the 2024 codes file and a names table (proefstad_kwb_2016.csv) in one command."""
    store = AnalyticStore(tmp_path / "store.duckdb")
    paths = [write(tmp_path, "proefstad_kwb_2016.csv", names)]
    if with_codes:
        paths.insert(0, write(tmp_path, "kwb_codes_2024.csv", codes_table(CODES_2024)))
    reports = import_files(store, paths)
    return store, reports[-1]


# -- underscore-joined label paths ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "path"),
    [
        ("Bevolking_Aantal_inwoners", True),
        ("Inkomen_Inkomen_van_personen_Gemiddeld_inkomen_per_inwoner ", True),
        ("Zorg_Wmo_cliënten_", True),
        ("AantalInwoners_5", False),  # an OData key
        ("k_0Tot15Jaar_8", False),
        ("Bevolking/Aantal inwoners (aantal)", False),  # a StatLine label
        ("Bevolking.Aantal.inwoners..aantal.", False),  # R's mangling
    ],
)
def test_an_underscore_label_path_is_told_from_an_odata_key(label: str, path: bool) -> None:
    assert is_underscore_path(label) is path


def test_an_underscore_label_reads_as_words_with_proc_as_percent() -> None:
    assert underscore_label("Inkomen_Inkomen_van_personen_40proc_personen_met_laagste_inkomen") == (
        "Inkomen Inkomen van personen 40% personen met laagste inkomen"
    )
    assert underscore_label("Criminaliteit_Gewelds__en_seksuele_misdrijven") == (
        "Criminaliteit Gewelds en seksuele misdrijven"
    )


def test_underscore_columns_feed_the_catalogue_and_migration_background_stays_unmatched(
    catalogue: Catalogue,
) -> None:
    batch = STATLINE.load(
        names_table(PROEFSTAD_2016), "proefstad_kwb_2016.csv", catalogue, LoadOptions()
    )
    matched = batch.provenance["matched_columns"]
    assert matched == {
        "Bevolking_Aantal_inwoners": "population",
        "Bevolking_Leeftijdsgroepen_0_tot_15_jaar": "age_00_14",
        "Inkomen_Inkomen_van_personen_40proc_personen_met_laagste_inkomen": (
            "income_lowest_40_share"
        ),
        "Inkomen_Inkomen_van_huishoudens_Huish_onder_of_rond_sociaal_minimum": (
            "social_minimum_households"
        ),
        # the header's padding is gone, as in every StatLine label
        "Inkomen_Inkomen_van_personen_Gemiddeld_inkomen_per_inwoner": "income_per_inhabitant",
        "Zorg_Wmo_cliënten_": "wmo_clients",
    }
    # the catalogue has no indicator on migration background, and none may be guessed
    assert batch.provenance["unmatched_columns"] == [
        "Bevolking_Personen_met_een_migratieachtergrond_Niet_westers_Marokko"
    ]
    assert batch.provenance["table_year"] == 2016
    assert batch.provenance["regions_identified_by"] == "name"


@pytest.mark.parametrize(
    ("column", "indicator"),
    [
        ("Bevolking_Geslacht_Mannen", "men"),
        ("Wonen_Woningvoorraad", "dwellings"),  # 'Wonen en vastgoed' in KWB 2024
        ("Wonen_Gemiddelde_woningwaarde", "woz_value"),  # a title of the older tables
        ("Motorvoertuigen_Personenautos_Personenautos_naar_oppervlakte", "cars_per_km2"),
        # its last word is a known topic, but under other parents: not that topic
        ("Arbeid_Werkzame_beroepsbevolking_Mannen", None),
        ("Energie_Gemiddeld_aardgasverbruik_Naar_woningtype_Appartement", None),
    ],
)
def test_an_underscore_column_matches_only_under_its_own_topic(
    catalogue: Catalogue, column: str, indicator: str | None
) -> None:
    rows = [["Proefstad", "", "1"], ["Wijk 10 Oude Kern", "1.0", "1"], ["Oude Kern", "1.0", "1"]]
    data = names_table(rows).replace(NAME_COLUMNS[1].encode(), column.encode(), 1)
    batch = STATLINE.load(data, "proefstad_kwb_2016.csv", catalogue, LoadOptions())
    assert batch.provenance["matched_columns"].get(column) == indicator


# -- placing the rows of a names-only table -------------------------------------------------------


def test_rows_are_placed_by_cbs_naming_gemeente_first_then_each_wijk_with_its_buurten() -> None:
    names = [row[0] for row in PROEFSTAD_2016]
    placed = place_rows(names)
    assert [p.level for p in placed] == [
        "gemeente", "wijk", "buurt", "buurt", "buurt", "wijk", "buurt", "buurt", "buurt", "wijk",
    ]  # fmt: skip
    assert {p.gemeente for p in placed} == {"Proefstad"}
    # a buurt remembers the wijk row above it: it decides between the two 'Centrum's
    assert placed[4].parent == 1 and placed[7].parent == 5
    assert placed[1].parent is None


def test_wijk_names_without_the_usual_spacing_are_wijken() -> None:
    placed = place_rows(["Voerendaal", "Wijk02 Kunrade", "Kunrade", "Wijke 52 Fluitenberg"])
    assert [p.level for p in placed] == ["gemeente", "wijk", "buurt", "wijk"]


def test_a_soort_regio_and_gemeentenaam_column_place_every_row() -> None:
    placed = place_rows(
        ["Nederland", "Proefstad", "Oude Kern", "Oude Kern", "Andersdorp", "Nederland"],
        gemeenten=["Nederland", "Proefstad", "Proefstad", "Proefstad", "Andersdorp", "Andersdorp"],
        kinds=["Land", "Gemeente", "Wijk", "Buurt", "Gemeente", "Buurt"],
    )
    assert [(p.level, p.gemeente) for p in placed] == [
        ("land", None),
        ("gemeente", "Proefstad"),
        ("wijk", "Proefstad"),
        ("buurt", "Proefstad"),
        ("gemeente", "Andersdorp"),
        ("buurt", "Andersdorp"),  # a buurt called Nederland is no country
    ]


def test_rows_before_the_first_wijk_cannot_be_placed() -> None:
    placed = place_rows(["Amsterdam", "Stadsdeel Centrum", "Burgwallen-Oude Zijde"])
    assert [p.level for p in placed] == ["gemeente", None, None]


def test_names_compare_without_case_accents_or_whitespace() -> None:
    assert name_key("Ériká-Park") == name_key("erika-park") == name_key(" ERIKA -Park ")
    assert name_key("Versiliënbosch") == name_key("Versilienbosch")
    assert name_key("Oude Kern") != name_key("Oude-Kern")


def test_a_names_only_table_that_cannot_be_placed_is_refused_as_before(
    catalogue: Catalogue,
) -> None:
    data = (
        b'"Kerncijfers wijken en buurten 2015"\n""\n'
        b'"Wijken en buurten";"Bevolking|Aantal inwoners (aantal)"\n'
        b'"Amsterdam";"800000"\n"Stadsdeel Centrum";"80000"\n"Burgwallen";"4000"\n'
    )
    with pytest.raises(SourceError, match=r"no region codes.*cannot be placed.*Codering"):
        STATLINE.load(data, "namen_2015.csv", catalogue, LoadOptions())


def test_the_loader_leaves_placeholders_that_the_store_refuses_to_write(
    catalogue: Catalogue,
) -> None:
    batch = STATLINE.load(
        names_table(PROEFSTAD_2016), "proefstad_kwb_2016.csv", catalogue, LoadOptions()
    )
    assert batch.regions.empty
    assert len(batch.named_regions) == 10  # every row but the footer
    assert set(batch.observations["region_code"]) == set(batch.named_regions["key"])
    assert batch.named_regions["row"].tolist() == list(range(2, 12))  # file lines, for messages
    with pytest.raises(WijkkompasError, match="without a code"):
        batch.validate()


# -- auto-detection -------------------------------------------------------------------------------


def test_a_names_only_table_called_kwb_goes_to_statline_not_to_the_kwb_loader() -> None:
    head = names_table(PROEFSTAD_2016)
    assert registry.detect("heerlen_kwb_2016.csv", head).key == "statline-names"
    # files with codes keep their loaders
    assert registry.detect("kwb_codes_2024.csv", codes_table(CODES_2024)).key == "statline"
    kwb = b"gwb_code_10;regio;a_inw\nGM0344;Utrecht;367947\n"
    assert registry.detect("kwb-2023.csv", kwb).key == "kwb"


# -- resolving names to codes at import -----------------------------------------------------------


def test_names_resolve_within_their_gemeente_and_level_and_the_rest_is_reported(
    tmp_path: Path,
) -> None:
    store, report = imported(tmp_path, names_table(PROEFSTAD_2016))
    assert report.names_matched == 8
    assert report.unmatched_names == ["Verdwenen Hoek", "Wijk 30 Nieuwbouw"]
    assert report.name_code_years == [2024]
    assert report.regions_per_level == {"gemeente": 1, "wijk": 2, "buurt": 5}
    assert report.years == [2016]
    with store.reader() as reader:
        regions = reader.regions(gemeente="GM9998", year=2016).set_index("code")
    # the 2016 regions carry their 2016 names and the codes the names had in 2024
    assert regions["name"].to_dict() == {
        "GM9998": "Proefstad",
        "WK999810": "Wijk 10 Oude Kern",
        "BU99981000": "OUDE  kern",
        "BU99981001": "Molenbeemd",
        "BU99981002": "Centrum",
        "WK999820": "Wijk 20 Veldhoven-Zuid",
        "BU99982000": "Erika-Park",
        "BU99982001": "Centrum",
    }
    # the figures keep the table year as region year, with the indicator's own period
    population = figure(store, "BU99981000", "population", 2016)
    assert population["value"] == 2000 and population["period"] == "2016-01-01"
    income = figure(store, "BU99982001", "income_per_inhabitant", 2016)
    assert income["value"] == 25.5 and income["period"] == "2014"
    # the two Centrums went each to the buurt of their own wijk
    assert figure(store, "BU99981002", "population", 2016)["value"] == 1200
    assert figure(store, "BU99982001", "population", 2016)["value"] == 2500
    # Andersdorp has the same wijk and buurt names: nothing went there
    with store.reader() as reader:
        assert reader.regions(gemeente="GM9997", year=2016).empty
        assert not reader.observations(region_codes=["BU99971000"])["region_year"].eq(2016).any()


def test_the_provenance_says_where_the_codes_came_from_and_why_rows_were_left_out(
    tmp_path: Path,
) -> None:
    store, _ = imported(tmp_path, names_table(PROEFSTAD_2016))
    with store.reader() as reader:
        imports = reader.imports()
    record = json.loads(
        imports.loc[imports["description"].str.contains("proefstad"), "provenance"].iloc[0]
    )
    assert "2024 indeling" in record["region_codes_from"]
    assert record["region_code_years"] == {"GM9998": 2024}
    left_out = {u["name"]: (u["level"], u["line"], u["reason"]) for u in record["names_unmatched"]}
    assert left_out == {
        "Verdwenen Hoek": ("buurt", 10, "no buurt of that name in the gemeente"),
        "Wijk 30 Nieuwbouw": ("wijk", 11, "no wijk of that name in the gemeente"),
    }


def test_a_buurt_under_another_wijk_than_its_namesake_is_not_matched(tmp_path: Path) -> None:
    rows = [
        ["Proefstad", "", "12000.0"],
        ["Wijk 20 Veldhoven-Zuid", "1.0", "6500.0"],
        ["Molenbeemd", "1.0", "1800.0"],  # in 2024 Molenbeemd lies in wijk 10
        ["Nieuwe Akker", "1.0", "700.0"],
    ]
    _, report = imported(tmp_path, names_table(rows))
    assert report.names_matched == 3
    assert report.unmatched_names == ["Molenbeemd"]


def test_two_rows_resolving_to_one_region_are_both_left_out(tmp_path: Path) -> None:
    rows = [
        ["Proefstad", "", "12000.0"],
        ["Wijk 10 Oude Kern", "1.0", "5000.0"],
        ["Oude Kern", "1.0", "2000.0"],
        ["oude  kern", "1.0", "2100.0"],
        ["Molenbeemd", "1.0", "1800.0"],
    ]
    _, report = imported(tmp_path, names_table(rows))
    assert report.unmatched_names == ["Oude Kern", "oude  kern"]
    assert report.names_matched == 3


def test_names_resolve_against_regions_already_in_the_store(tmp_path: Path) -> None:
    store = AnalyticStore(tmp_path / "store.duckdb")
    import_files(store, [write(tmp_path, "kwb_codes_2024.csv", codes_table(CODES_2024))])
    names = write(tmp_path, "proefstad_kwb_2016.csv", names_table(PROEFSTAD_2016))
    (report,) = import_files(store, [names])
    assert report.names_matched == 8
    # a second table year resolves the same way; the 2016 regions do not distract it
    later = write(tmp_path, "proefstad_kwb_2017.csv", names_table(PROEFSTAD_2016))
    (report,) = import_files(store, [later])
    assert report.names_matched == 8 and report.name_code_years == [2024]


def test_nothing_matched_is_refused_naming_the_file_to_import_first(tmp_path: Path) -> None:
    store = AnalyticStore(tmp_path / "store.duckdb")
    names = write(tmp_path, "proefstad_kwb_2016.csv", names_table(PROEFSTAD_2016))
    with pytest.raises(SourceError) as refused:
        import_files(store, [names])
    message = " ".join(str(refused.value).split())
    assert "proefstad_kwb_2016.csv" in message and "Proefstad" in message
    assert "in the same command or first" in message
    assert "Kerncijfers_wijken_en_buurten_2024.csv proefstad_kwb_2016.csv" in message
    assert not store.exists()  # nothing written


def test_an_unknown_gemeente_is_refused_too(tmp_path: Path) -> None:
    rows = [["Nergenshuizen", "", "100.0"], ["Wijk 00 Nergenshuizen", "1.0", "100.0"]]
    with pytest.raises(SourceError, match=r"Nergenshuizen.*needs a KWB file with region codes"):
        imported(tmp_path, names_table(rows))


def test_the_cli_prints_the_names_left_out(tmp_path: Path) -> None:
    codes = write(tmp_path, "kwb_codes_2024.csv", codes_table(CODES_2024))
    names = write(tmp_path, "proefstad_kwb_2016.csv", names_table(PROEFSTAD_2016))
    result = subprocess.run(
        [sys.executable, "-m", "wijkkompas", "--store", str(tmp_path / "s.duckdb"), "import",
         str(codes), str(names)],
        capture_output=True, text=True, timeout=300, env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    summary = " ".join(result.stdout.split())
    assert "regions identified by name: 8 matched to the codes of the 2024 indeling" in summary
    assert "names not matched, not imported: 2: Verdwenen Hoek; Wijk 30 Nieuwbouw" in summary


@settings(max_examples=40, deadline=None)
@given(
    cut=st.integers(0, 1500),
    flips=st.lists(st.tuples(st.integers(0, 1500), st.integers(0, 255)), max_size=4),
)
def test_a_damaged_names_table_loads_or_is_refused_naming_the_file(
    cut: int, flips: list[tuple[int, int]]
) -> None:
    data = bytearray(names_table(PROEFSTAD_2016)[: max(cut, 1)])
    for offset, byte in flips:
        if offset < len(data):
            data[offset] = byte
    try:
        registry.get("statline-names").load(
            bytes(data), "kapot_kwb_2016.csv", shared_catalogue(), LoadOptions()
        )
    except WijkkompasError as error:
        assert "kapot_kwb_2016.csv" in str(error)


# -- twins of the real-file tests -----------------------------------------------------------------

BEITEL_CODES_2024 = [
    *CODES_2024,
    ("Wijk 30 Versiliënbosch", "Proefstad", "Wijk", "WK999830", "900"),
    ("Versiliënbosch", "Proefstad", "Buurt", "BU99983000", "830"),
    ("Wijk 42 De Beitel", "Proefstad", "Wijk", "WK999842", "70"),
    ("Beitel", "Proefstad", "Buurt", "BU99984200", "70"),
]
"""The 2024 codes with the two Heerlen quirks: a name with a diaeresis, and a wijk numbered 42."""
PROEFSTAD_LIKE_HEERLEN_2016 = [
    ["Proefstad", "", "12970.0", "1900.0", "300.0", "38.1", "9.0", "24.5", "800.0"],
    ["Wijk 10 Oude Kern", "1.0", "5000.0", "700.0", "100.0", "41.0", "10.2", "22.0", "400.0"],
    ["Oude Kern", "1.0", "3700.0", "300.0", "60.0", "44.0", "11.0", "21.0", "150.0"],
    ["Molenbeemd", "1.0", "1300.0", "250.0", "20.0", "39.0", "9.5", "23.0", "140.0"],
    ["Wijk 30 Versiliënbosch", "1.0", "900.0", "100.0", "10.0", "40.0", "8.0", "23.0", "60.0"],
    ["Versiliënbosch", "1.0", "830.0", "90.0", "10.0", "40.0", "8.0", "23.0", "55.0"],
    ["Wijk 41 De Beitel", "1.0", "70.0", "10.0", "0.0", "30.0", "4.0", "", "5.0"],
    ["Beitel", "1.0", "70.0", "10.0", "0.0", "30.0", "4.0", "", "5.0"],
]
"""Proefstad in 2016 as Heerlen's 2016 table names it: the wijk that is 'Wijk 42' in 2024 is
called 'Wijk 41 De Beitel' (a second wijk 41), so only that row finds no namesake."""


def test_a_names_table_resolves_every_row_but_a_renumbered_wijk(tmp_path: Path) -> None:
    """The twin of Heerlen 2016: the wijk row is left out and reported, its buurt is not."""
    store = AnalyticStore(tmp_path / "store.duckdb")
    codes = write(tmp_path, "kwb_codes_2024.csv", codes_table(BEITEL_CODES_2024))
    names = write(tmp_path, "proefstad_kwb_2016.csv", names_table(PROEFSTAD_LIKE_HEERLEN_2016))
    report = import_files(store, [codes, names])[1]
    assert_resolves_every_row_but_the_renumbered_wijk(
        store,
        report,
        matched=7,
        levels={"gemeente": 1, "wijk": 2, "buurt": 4},
        gemeente=("GM9998", 12970),
        buurt="BU99981000",
        names={
            "WK999810": "Wijk 10 Oude Kern",
            "BU99984200": "Beitel",  # its wijk row was left out, the buurt was not
            "BU99983000": "Versiliënbosch",
        },
    )
    with store.reader() as reader:
        regions = reader.regions(gemeente="GM9998", year=2016).set_index("code")["name"]
    assert "WK999842" not in regions


def assert_resolves_every_row_but_the_renumbered_wijk(
    store: AnalyticStore,
    report: FileReport,
    *,
    matched: int,
    levels: dict[str, int],
    gemeente: tuple[str, float],
    buurt: str,
    names: dict[str, str],
) -> None:
    """A names-only table of 2016 read against the 2024 codes: ``matched`` rows resolve, the
    one wijk whose name changed ('Wijk 41 De Beitel') is left out and reported, the buurt's
    population is 3700 and the gemeente's as given; ``names`` stand under their codes."""
    assert report.names_matched == matched
    assert report.unmatched_names == ["Wijk 41 De Beitel"]
    assert report.regions_per_level == levels
    assert report.name_code_years == [2024]
    population = figure(store, buurt, "population", 2016)
    assert population["value"] == 3700 and population["source_column"] == (
        "Bevolking_Aantal_inwoners"
    )
    code, people = gemeente
    assert figure(store, code, "population", 2016)["value"] == people
    with store.reader() as reader:
        regions = reader.regions(gemeente=code, year=2016).set_index("code")["name"]
    for region, name in names.items():
        assert regions[region] == name, region


def regions_per_year_and_youth_care(
    store: Path, gemeente: str
) -> tuple[dict[int, int], list[tuple[float, str]]]:
    """The gemeente's regions per year before 2024, and its youth-care share in 2020 (value,
    period)."""
    with duckdb.connect(str(store), read_only=True) as con:
        counts = dict(
            con.execute(
                """SELECT year, count(*) FROM regions WHERE gemeente_code = ?
                   AND year < 2024 GROUP BY year ORDER BY year""",
                [gemeente],
            ).fetchall()
        )
        youth = con.execute(
            """SELECT value, period FROM observations WHERE region_code = ?
               AND region_year = 2020 AND indicator_id = 'youth_care_share'""",
            [gemeente],
        ).fetchall()
    return counts, youth


def resolve_by_row(
    by_name: ImportBatch, with_codes: ImportBatch, codes: Path, code_rows: list[list[str]]
) -> tuple[dict[str, str], NameResolution]:
    """The names-only rows resolved against the batch with codes; every name that resolves
    must resolve to the code on its own line of the file with codes (``code_rows``)."""
    from wijkkompas.sources.region_names import _resolve, reference_regions

    resolved, resolution = _resolve(
        by_name.named_regions,
        reference_regions([(codes, with_codes)], pd.DataFrame()),
    )
    code_on_line = {line: row[3].strip() for line, row in enumerate(code_rows, start=1)}
    wrong = {k: c for k, c in resolved.items() if code_on_line[int(k.split(":")[1])] != c}
    assert not wrong
    assert len(resolved) + len(resolution.unmatched) == len(by_name.named_regions)
    return resolved, resolution


YOUTH_CARE = "Zorg_Percentage_jongeren_met_jeugdzorg_"


def youth_names_table(rows: list[list[str]], share: str) -> bytes:
    """:func:`names_table` with the youth-care share of the later tables (``share`` % in every
    row that has figures) in place of the migration-background column."""
    with_share = [[*row[:4], share, *row[5:]] if len(row) > 4 else row for row in rows]
    return names_table(with_share).replace(NAME_COLUMNS[3].encode(), YOUTH_CARE.encode(), 1)


def test_five_names_tables_through_the_cli(tmp_path: Path) -> None:
    """The twin of Heerlen 2016-2020 through ``wijkkompas import`` (in process)."""
    store = tmp_path / "store.duckdb"
    files = [write(tmp_path, "kwb_codes_2024.csv", codes_table(CODES_2024))]
    later = [row for row in PROEFSTAD_2016 if row[0] not in ("Verdwenen Hoek", "Wijk 30 Nieuwbouw")]
    later.append(["Nieuwe Akker", "1.0", "650.0", "90.0", "11.5", "36.0", "7.0", "26.0", "30.0"])
    for year in range(2016, 2021):
        rows = PROEFSTAD_2016 if year == 2016 else later
        data = youth_names_table(rows, share=f"{year - 2005}.5")
        files.append(write(tmp_path, f"proefstad_kwb_{year}.csv", data))
    result = CliRunner().invoke(app, ["--store", str(store), "import", *map(str, files)])
    assert result.exit_code == 0, result.output
    counts, youth = regions_per_year_and_youth_care(store, "GM9998")
    assert counts == {2016: 8, 2017: 9, 2018: 9, 2019: 9, 2020: 9}
    assert youth == [(15.5, "2019")]  # the 2020 table's figure, of 2019


COUNTRY_2024 = [
    # name, gemeente, soort regio, code, inhabitants
    ("Nederland", "Nederland", "Land", "NL00", 17942942),
    ("Andersdorp", "Andersdorp", "Gemeente", "GM9997", 3000),
    ("Wijk 10 Oude Kern", "Andersdorp", "Wijk", "WK999710", 3000),
    ("Oude Kern", "Andersdorp", "Buurt", "BU99971000", 3000),
    ("Proefstad", "Proefstad", "Gemeente", "GM9998", 12500),
    ("Wijk 10 Oude Kern", "Proefstad", "Wijk", "WK999810", 5100),
    ("Oude Kern", "Proefstad", "Buurt", "BU99981000", 2050),
    ("Centrum", "Proefstad", "Buurt", "BU99981002", 1200),
    ("Wijk 20 Veldhoven-Zuid", "Proefstad", "Wijk", "WK999820", 7400),
    ("Ériká-Park", "Proefstad", "Buurt", "BU99982000", 4100),
    ("Centrum", "Proefstad", "Buurt", "BU99982001", 2600),
    # a gemeente whose wijken are not called 'Wijk NN …': its rows cannot be placed
    ("Grachtstad", "Grachtstad", "Gemeente", "GM9996", 9000),
    ("Centrum", "Grachtstad", "Wijk", "WK999601", 9000),
    ("Burgwallen", "Grachtstad", "Buurt", "BU99960100", 4000),
]
"""One made-up country in the row order of the two whole-country 2024 downloads."""


def country_table(with_codes: bool) -> bytes:
    """A whole-country KWB 2024 download: with codes (``…_geslachten.csv``,
    ``file_layouts.whole_country_csv``) or, on the same rows in the same order, with names only
    (``…_11122025_141648.csv``): UTF-8 with BOM, ';', CRLF, label headers, gemeente names
    padded to 40 characters."""
    if with_codes:
        rows = []
        for name, gemeente, kind, code, people in COUNTRY_2024:
            change = "." if kind == "Land" else "1"
            men = people // 2
            rows.append((name, gemeente, kind, code, change, [people, men, people - men]))
        return whole_country_csv(rows, WHOLE_COUNTRY_HEADER[:8])
    header = [
        "Wijken en buurten", "Regioaanduiding/Gemeentenaam (naam)",
        "Bevolking/Aantal inwoners (aantal)",
        "Bevolking/Bevolking naar herkomst/Herkomstland/Nederland (aantal)",
        "Bevolking/Bevolking naar herkomst/Herkomstland/Europa (exclusief Nederland)  (aantal)",
        "Bevolking/Bevolking naar herkomst/Herkomstland/Buiten Europa  (aantal)",
    ]  # fmt: skip
    lines = [";".join(f'"{h}"' for h in header)]
    for name, gemeente, _, _, people in COUNTRY_2024:
        dutch, europe = people * 7 // 10, people // 10
        fields = [f'"{name}"', f'"{gemeente:<40}"', str(people), str(dutch), str(europe),
                  str(people - dutch - europe)]  # fmt: skip
        lines.append(";".join(fields))
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def test_names_of_a_whole_country_table_resolve_to_the_codes_of_the_same_rows(
    catalogue: Catalogue,
) -> None:
    """The twin of the two 2024 whole-country downloads, one with codes and one without."""
    codes = country_table(with_codes=True)
    name = "Kerncijfers_wijken_en_buurten_2024_11122025_141648.csv"
    with_codes = STATLINE.load(
        codes, "Kerncijfers_wijken_en_buurten_2024_geslachten.csv", catalogue, LoadOptions()
    )
    by_name = STATLINE.load(country_table(with_codes=False), name, catalogue, LoadOptions())
    rows = list(csv.reader(io.StringIO(codes.decode("utf-8-sig")), delimiter=";"))
    resolved, resolution = resolve_by_row(by_name, with_codes, Path("codes.csv"), rows)
    # the two Centrums went each to their own row's code
    assert sorted(c for c in resolved.values() if c.startswith("BU9998")) == [
        "BU99981000", "BU99981002", "BU99982000", "BU99982001",
    ]  # fmt: skip
    # gemeenten that name their wijken 'Wijk NN …' resolve; Grachtstad's wijk and buurt cannot
    # be placed and are reported (the gemeente row itself resolves)
    assert len(resolved) == 11 and resolved["name:13"] == "GM9996"
    assert resolution.unmatched_names == ["Centrum", "Burgwallen"]


# -- the real files -------------------------------------------------------------------------------


def heerlen(year: int) -> Path:
    return real_path(HEERLEN / f"heerlen_kwb_{year}.csv")


@pytest.mark.realdata(twin="test_a_names_table_resolves_every_row_but_a_renumbered_wijk")
def test_heerlen_2016_resolves_80_of_81_rows_by_name(tmp_path: Path) -> None:
    store = AnalyticStore(tmp_path / "store.duckdb")
    reports = import_files(store, [real_path(NEDERLAND_2024), heerlen(2016)])
    # 82 records: gemeente, 23 wijken, 57 buurten and the 'Bron: CBS' footer. CBS called
    # wijk 42 'Wijk 41 De Beitel' in 2016 (two wijken numbered 41); in 2024 it is 'Wijk 42 De
    # Beitel', so the name does not match and the row is left out, reported
    assert_resolves_every_row_but_the_renumbered_wijk(
        store,
        reports[1],
        matched=80,
        levels={"gemeente": 1, "wijk": 22, "buurt": 57},
        gemeente=("GM0917", 87406),
        buurt="BU09171000",  # Maria Gewanden
        names={
            "WK091710": "Wijk 10 Maria Gewanden en Terschuren",
            "BU09174200": "Beitel",  # its wijk row was left out, the buurt was not
            "BU09172003": "Versiliënbosch",
        },
    )


@pytest.mark.realdata(twin="test_five_names_tables_through_the_cli")
def test_heerlen_2016_to_2020_through_the_cli(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    files = [heerlen(year) for year in range(2016, 2021)]
    wijkkompas(store, "import", real_path(NEDERLAND_2024), *files)
    counts, youth = regions_per_year_and_youth_care(store, "GM0917")
    assert counts == {2016: 80, 2017: 81, 2018: 81, 2019: 81, 2020: 81}
    assert len(youth) == 1 and youth[0][1] == "2019"


@pytest.mark.realdata(
    twin="test_names_of_a_whole_country_table_resolve_to_the_codes_of_the_same_rows"
)
@pytest.mark.slow
def test_whole_country_names_resolve_to_the_codes_of_the_same_rows(catalogue: Catalogue) -> None:
    """The two 2024 whole-country downloads list the same rows in the same order, one with
    codes and one without: every name that resolves must resolve to its own row's code."""
    codes = real_path(NEDERLAND_2024)
    names = real_path(NEDERLAND_NAMES)
    with_codes = STATLINE.load(codes.read_bytes(), codes.name, catalogue, LoadOptions())
    by_name: ImportBatch = STATLINE.load(names.read_bytes(), names.name, catalogue, LoadOptions())
    rows = list(csv.reader(codes.open(encoding="utf-8-sig"), delimiter=";"))
    resolved, _ = resolve_by_row(by_name, with_codes, codes, rows)
    # gemeenten that name their wijken 'Wijk NN …' resolve; the others are reported unplaced
    assert len(resolved) > 8000
