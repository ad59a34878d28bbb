"""Leefbaarometer 3.0 as a reference layer: repeated rows, derived extracts, year rules, zeros.

Real-format tests read ../shared/data (see its PROVENANCE.md) and skip when it is absent; the
pinned values were read by hand from those files. CSVs marked "hand-built" are made up.
"""

from __future__ import annotations

import csv
import functools
import io
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from real_data import SHARED_DATA, shared_catalogue
from real_data import real_bytes as real

from wijkkompas.catalogue import Catalogue
from wijkkompas.errors import WijkkompasError
from wijkkompas.sources import registry
from wijkkompas.sources.base import LoadOptions, SourceError
from wijkkompas.sources.leefbaarometer import LOADER
from wijkkompas.store import AnalyticStore, ImportBatch

SHARED = SHARED_DATA / "leefbaarometer"
GRONINGEN = SHARED / "groningen_testset" / "Leefbarometer_test_set.xlsx"
UTRECHT = SHARED / "utrecht_provincie" / "buurten.csv"
LBM_IDS = {
    "lbm_score", "lbm_deviation", "lbm_housing", "lbm_physical_environment", "lbm_amenities",
    "lbm_social_cohesion", "lbm_nuisance_insecurity",
}  # fmt: skip


def figure(batch: ImportBatch, code: str, indicator: str, year: int) -> tuple[float, bool]:
    obs = batch.observations
    row = obs[
        (obs["region_code"] == code)
        & (obs["indicator_id"] == indicator)
        & (obs["region_year"] == year)
    ]
    assert len(row) == 1, f"{code} {indicator} {year}: {len(row)} rows"
    return float(row["value"].iloc[0]), bool(row["suppressed"].iloc[0])


def test_lbm_indicators_are_a_reference_layer_never_scored(catalogue: Catalogue) -> None:
    for indicator_id in LBM_IDS:
        indicator = catalogue.by_id(indicator_id)
        assert indicator.direction == "context" and not indicator.scored
        assert indicator.dimension is None and indicator.social_quality is None
        assert not indicator.cumulation


@pytest.mark.realdata(twin="test_an_xlsx_excerpt_joined_to_postcodes_is_merged_per_buurt_and_year")
def test_groningen_xlsx_repeated_rows_are_merged(catalogue: Catalogue, tmp_path: Path) -> None:
    batch = LOADER.load(real(GRONINGEN), GRONINGEN.name, catalogue, LoadOptions())
    # 99 rows (buurt x year x PC4) -> 8 buurten, 7 of them x 8 years, BU00140100 x 3 years
    assert len(batch.regions) == 59
    assert batch.regions["code"].nunique() == 8
    assert batch.provenance["duplicate_rows_merged"] == 40
    assert sorted(batch.regions["year"].unique()) == [
        2002,
        2008,
        2012,
        2014,
        2016,
        2018,
        2020,
        2022,
    ]
    assert sorted(batch.regions.loc[batch.regions["code"] == "BU00140100", "year"]) == [
        2002,
        2008,
        2012,
    ]
    assert set(batch.observations["indicator_id"]) == {"lbm_score"}
    assert figure(batch, "BU00140000", "lbm_score", 2022)[0] == pytest.approx(4.349848, abs=1e-6)
    assert figure(batch, "BU00140000", "lbm_score", 2002)[0] == pytest.approx(4.134895, abs=1e-6)
    obs = batch.observations
    assert (obs["period"] == obs["region_year"].astype(str)).all()
    names = batch.regions.drop_duplicates("code").set_index("code")["name"]
    assert names["BU00140000"] == "Binnenstad-Noord"
    assert batch.provenance["ignored_columns"] == ["PC4"]  # a join key, not a figure
    assert "each row's own" in batch.provenance["year_from"]
    AnalyticStore(tmp_path / "w.duckdb").import_batch(batch)


@pytest.mark.realdata(twin="test_a_derived_extract_without_a_year_column_needs_year")
def test_utrecht_derived_extract_needs_year(catalogue: Catalogue) -> None:
    data = real(UTRECHT)
    with pytest.raises(SourceError, match=r"^buurten\.csv: cannot tell which year.*--year"):
        LOADER.load(data, UTRECHT.name, catalogue, LoadOptions())
    batch = LOADER.load(data, UTRECHT.name, catalogue, LoadOptions(year=2020))
    assert len(batch.regions) == 969 and set(batch.regions["year"]) == {2020}
    assert batch.provenance["year_from"] == "--year option"
    lbm = batch.observations[batch.observations["indicator_id"] == "lbm_score"]
    assert len(lbm) == 969 and lbm["value"].notna().sum() == 714
    assert not lbm["suppressed"].any()  # empty: missing, not suppressed
    assert figure(batch, "BU03440111", "lbm_score", 2020) == (4.15, False)
    assert figure(batch, "BU03440111", "lbm_physical_environment", 2020) == (-0.03, False)
    assert figure(batch, "BU03440111", "lbm_nuisance_insecurity", 2020) == (-0.10, False)
    assert figure(batch, "BU03440111", "lbm_social_cohesion", 2020) == (0.0, False)  # a real 0
    assert figure(batch, "BU03440111", "lbm_amenities", 2020) == (0.19, False)
    assert batch.regions.set_index("code").loc["BU03440111", "name"] == "Welgelegen, Den Hommel"
    # the author's other columns (KWB, nabijheid, noise) are kept, not guessed
    assert "aantal_inwoners" in set(batch.unmatched["source_column"])
    assert "gm_naam" in batch.provenance["ignored_columns"]


@pytest.mark.realdata(twin="test_sniff_and_detect_the_xlsx_excerpt_and_the_derived_extract")
def test_sniff_and_detect() -> None:
    for path in (GRONINGEN, UTRECHT):
        assert LOADER.sniff(path.name, real(path)[:65536])
    assert LOADER.sniff("buurten.csv", real(UTRECHT)[:65536])
    assert registry.detect("buurten.csv", real(UTRECHT)[:65536]).key == "leefbaarometer"


OFFICIAL = (
    "bu_code,jaar,lbm,afw,won,fys,vrz,soc,onv\n"
    "BU03440111,2020,4.15,0.05,0.01,-0.03,0.19,0.00,-0.10\n"
    "BU03440111,2020,4.15,0.05,0.01,-0.03,0.19,0.00,-0.10\n"
    "BU03440112,2020,0,0,0.02,0,0.17,0.01,-0.04\n"
    "BU03440112,2022,4.24,0.14,0.02,-0.02,0.17,0.01,-0.04\n"
)
"""Hand-built in the official open-data column layout, with an exact repeat and a 0-filled lbm."""


def test_official_layout_all_seven_columns(catalogue: Catalogue) -> None:
    batch = LOADER.load(OFFICIAL.encode(), "lbm.csv", catalogue, LoadOptions())
    assert set(batch.observations["indicator_id"]) == LBM_IDS
    assert batch.provenance["duplicate_rows_merged"] == 1
    assert figure(batch, "BU03440111", "lbm_deviation", 2020) == (0.05, False)
    assert figure(batch, "BU03440111", "lbm_housing", 2020) == (0.01, False)


def test_an_lbm_of_zero_is_missing(catalogue: Catalogue) -> None:
    batch = LOADER.load(OFFICIAL.encode(), "lbm.csv", catalogue, LoadOptions())
    assert batch.provenance["zero_lbm_read_as_missing"] == 1
    for indicator in ("lbm_score", "lbm_deviation", "lbm_physical_environment"):
        value, suppressed = figure(batch, "BU03440112", indicator, 2020)
        assert math.isnan(value) and not suppressed
    # non-zero dimension scores on that row are real figures and stay
    assert figure(batch, "BU03440112", "lbm_amenities", 2020) == (0.17, False)


def test_conflicting_repeats_stop_the_import(catalogue: Catalogue) -> None:
    conflict = OFFICIAL.replace(
        "BU03440111,2020,4.15,0.05,0.01,-0.03,0.19,0.00,-0.10\n",
        "BU03440111,2020,4.16,0.05,0.01,-0.03,0.19,0.00,-0.10\n",
        1,
    )
    with pytest.raises(
        SourceError,
        match=r"^lbm\.csv: BU03440111 2020 has different values in 'lbm'.*line 2, line 3",
    ):
        LOADER.load(conflict.encode(), "lbm.csv", catalogue, LoadOptions())


def test_year_column_wins_and_contradicting_year_stops(catalogue: Catalogue) -> None:
    with pytest.raises(SourceError, match=r"lbm\.csv: the column 'jaar'.*--year 2021"):
        LOADER.load(OFFICIAL.encode(), "lbm.csv", catalogue, LoadOptions(year=2021))
    for cell in ("twee", "inf", "2020.5"):
        bad = OFFICIAL.replace("BU03440112,2022", f"BU03440112,{cell}")
        with pytest.raises(SourceError, match=rf"^lbm\.csv, line 5: '{cell}' in column 'jaar'"):
            LOADER.load(bad.encode(), "lbm.csv", catalogue, LoadOptions())


def test_semicolon_decimal_comma_and_wijk_codes(catalogue: Catalogue) -> None:
    data = 'wk_code;wk_naam;jaar;lbm\n"WK034401";"Wijk 01 West";2022;"4,21"\n'  # hand-built
    batch = LOADER.load(data.encode(), "wijken.csv", catalogue, LoadOptions())
    assert figure(batch, "WK034401", "lbm_score", 2022) == (4.21, False)
    assert batch.regions.iloc[0][["level", "name"]].tolist() == ["wijk", "Wijk 01 West"]


def test_errors_name_the_file(catalogue: Catalogue) -> None:
    with pytest.raises(SourceError, match=r"^x\.csv: no region code column.*--mapping"):
        LOADER.load(b"gebied,jaar,lbm\nBU03440111,2020,4.1\n", "x.csv", catalogue, LoadOptions())
    with pytest.raises(SourceError, match=r"^x\.csv: no Leefbaarometer score column"):
        LOADER.load(b"bu_code,jaar,score\nBU03440111,2020,4.1\n", "x.csv", catalogue, LoadOptions())
    with pytest.raises(SourceError, match=r"^x\.xlsx: cannot read it as an Excel workbook"):
        LOADER.load(b"PK\x03\x04broken", "x.xlsx", catalogue, LoadOptions())


@pytest.mark.realdata(twin="test_mutated_twin_files_fail_only_with_a_clear_error")
@settings(max_examples=25, deadline=None)
@given(
    which=st.sampled_from([GRONINGEN, UTRECHT]),
    kind=st.sampled_from(["flip", "truncate", "delete", "insert"]),
    position=st.integers(min_value=0, max_value=2**31),
    byte=st.integers(min_value=0, max_value=255),
)
def test_mutated_real_files_fail_only_with_a_clear_error(
    which: Path, kind: str, position: int, byte: int
) -> None:
    catalogue = shared_catalogue()
    data = real(which)
    at = position % len(data)
    data = {
        "flip": data[:at] + bytes([byte]) + data[at + 1 :],
        "truncate": data[:at],
        "delete": data[:at] + data[at + 1 + byte :],
        "insert": data[:at] + bytes([byte, 44]) + data[at:],
    }[kind]
    try:
        options = LoadOptions(year=2020 if which == UTRECHT else None)
        batch = LOADER.load(data, which.name, catalogue, options)
    except WijkkompasError as exc:
        assert which.name in str(exc)
    else:
        batch.validate()


# --- synthetic twins of the real files (always run) ---------------------------------------------

TEST_SET_ROWS = [
    ("BU99900000", "Binnenstad-Oost", year, lbm, pc4)
    for year, lbm in ((2002, 4.134894643), (2012, 4.217256481), (2022, 4.349848192))
    for pc4 in (9991, 9992)  # one row per postcode the buurt touches
] + [
    ("BU99900001", "Havenkwartier", 2002, 3.912345678, 9992),
    ("BU99900001", "Havenkwartier", 2012, 3.987654321, 9992),
    ("BU99900100", "Dorpskern", 2002, 4.0123, 9993),
]
"""Made-up rows in the layout of Leefbarometer_test_set.xlsx: full-precision lbm, joined to
PC4 by the author, so one buurt-year repeats once per postcode."""


@functools.cache
def excerpt_xlsx() -> bytes:
    """The twin of Leefbarometer_test_set.xlsx: sheet Blad1, five columns, years and postcodes
    as numbers, as Excel stores them."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Blad1"
    sheet.append(["bu_code", "bu_naam", "jaar", "lbm", "PC4"])
    for code, name, year, lbm, pc4 in TEST_SET_ROWS:
        sheet.append([code, name, float(year), lbm, float(pc4)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


DERIVED_HEADER = (
    ",buurt_code,gm_naam,regio,aantal_inwoners,aantal_inwoners_tussen_25_44_percentage,"
    "aantal_huishoudens_met_kinderen_percentage,gemiddelde_huishoudensgrootte,woningvoorraad,"
    "gemiddelde_woningwaarde,meergezinswoning_percentage,bewoond_percentage,koopwoning_percentage,"
    "bouwjaar_vanaf_2000_percentage,afstand_tot_ziekenhuis_km,afstand_tot_grote_supermarkt_km,"
    "afstand_tot_cafe_km,afstand_tot_kinderdagverblijf_km,afstand_tot_buitenschoolseopvang_km,"
    "afstand_tot_openbaar_groen_km,afstand_tot_park_of_plantsoen_km,afstand_tot_bos_km,"
    "afstand_tot_hoofdverkeersweg_km,afstand_tot_treinstation_km,"
    "AfstandTotSemiOpenbaarGroenTotaal_83,leefbarometer_score,leefbarometer_fysieke_omgeving,"
    "leefbarometer_fysieke_overlast,leefbarometer_sociale_samenhang,leefbarometer_voorzieningen,"
    "aardgasverbruik_m3_gemiddeld,elektriciteitsverbruik_kwh_gemiddeld,"
    "social_economische_score_gemiddeld,geluid_van_treinverkeer,geluid_van_weg"
)
"""The 35 columns of the author's buurten.csv (a pandas index first, then KWB 2022, nabijheid,
Leefbaarometer 2020 rounded to 2 decimals, energy, SES-WOA and noise, under own names)."""
DERIVED_ROWS = [
    # code, gemeente, name, inhabitants, lbm, fys, onv, soc, vrz
    ("BU99900101", "Proefstad", "Molenkwartier, De Hoven", 1855, "4.15", "-0.03", "-0.1", "0.0", "0.19"),
    ("BU99900102", "Proefstad", "Spoorzone", 115, "", "", "", "", ""),  # no LBM: left empty
    ("BU99910000", "Andersdorp", "Dorp", 710, "4.22", "0.02", "-0.14", "-0.04", "0.24"),
]  # fmt: skip


@functools.cache
def derived_csv() -> bytes:
    """The twin of the author's buurten.csv: comma-separated, pandas index column, names with a
    comma quoted, 0.0 where the author filled a gap, float noise like 37.480000000000004."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    out.write(DERIVED_HEADER + "\n")
    for index, (code, gemeente, name, people, *lbm) in enumerate(DERIVED_ROWS):
        kwb = [people, 42.32, 7.01, 1.6, 910, 370.0, 79.0, 92.0, 44.0, 30.0]
        distances = [4.3, 0.8, 1.6, 0.6, 0.5, 0.0, 0.0, 0.0, 1.6, 0.0, 0.0]
        rest = [380.0, 2150.0, -0.07, 20.0, 37.480000000000004]
        writer.writerow([index, code, gemeente, name, *kwb, *distances, *lbm, *rest])
    return out.getvalue().encode()


def test_an_xlsx_excerpt_joined_to_postcodes_is_merged_per_buurt_and_year(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    """The twin of the Groningen test set: repeats per postcode merge, PC4 is no figure."""
    batch = LOADER.load(excerpt_xlsx(), "Leefbarometer_test_set.xlsx", catalogue, LoadOptions())
    # 9 rows (buurt x year x PC4) -> 3 buurten: 3, 2 and 1 years
    assert len(batch.regions) == 6
    assert batch.regions["code"].nunique() == 3
    assert batch.provenance["duplicate_rows_merged"] == 3
    assert sorted(batch.regions["year"].unique()) == [2002, 2012, 2022]
    assert sorted(batch.regions.loc[batch.regions["code"] == "BU99900001", "year"]) == [2002, 2012]
    assert set(batch.observations["indicator_id"]) == {"lbm_score"}
    assert figure(batch, "BU99900000", "lbm_score", 2022)[0] == pytest.approx(4.349848, abs=1e-6)
    assert figure(batch, "BU99900000", "lbm_score", 2002)[0] == pytest.approx(4.134895, abs=1e-6)
    obs = batch.observations
    assert (obs["period"] == obs["region_year"].astype(str)).all()
    names = batch.regions.drop_duplicates("code").set_index("code")["name"]
    assert names["BU99900000"] == "Binnenstad-Oost"
    assert batch.provenance["ignored_columns"] == ["PC4"]  # a join key, not a figure
    assert "each row's own" in batch.provenance["year_from"]
    assert batch.provenance["sheet"] == "Blad1"
    AnalyticStore(tmp_path / "w.duckdb").import_batch(batch)


def test_a_derived_extract_without_a_year_column_needs_year(catalogue: Catalogue) -> None:
    """The twin of the Utrecht province extract: --year required, empty is missing, 0 is 0."""
    data = derived_csv()
    with pytest.raises(SourceError, match=r"^buurten\.csv: cannot tell which year.*--year"):
        LOADER.load(data, "buurten.csv", catalogue, LoadOptions())
    batch = LOADER.load(data, "buurten.csv", catalogue, LoadOptions(year=2020))
    assert len(batch.regions) == 3 and set(batch.regions["year"]) == {2020}
    assert batch.provenance["year_from"] == "--year option"
    lbm = batch.observations[batch.observations["indicator_id"] == "lbm_score"]
    assert len(lbm) == 3 and lbm["value"].notna().sum() == 2
    assert not lbm["suppressed"].any()  # empty: missing, not suppressed
    assert figure(batch, "BU99900101", "lbm_score", 2020) == (4.15, False)
    assert figure(batch, "BU99900101", "lbm_physical_environment", 2020) == (-0.03, False)
    assert figure(batch, "BU99900101", "lbm_nuisance_insecurity", 2020) == (-0.10, False)
    assert figure(batch, "BU99900101", "lbm_social_cohesion", 2020) == (0.0, False)  # a real 0
    assert figure(batch, "BU99900101", "lbm_amenities", 2020) == (0.19, False)
    value, suppressed = figure(batch, "BU99900102", "lbm_score", 2020)
    assert math.isnan(value) and not suppressed
    assert batch.regions.set_index("code").loc["BU99900101", "name"] == "Molenkwartier, De Hoven"
    # the author's other columns (KWB, nabijheid, noise) are kept, not guessed
    assert "aantal_inwoners" in set(batch.unmatched["source_column"])
    assert "gm_naam" in batch.provenance["ignored_columns"]


def test_sniff_and_detect_the_xlsx_excerpt_and_the_derived_extract() -> None:
    assert LOADER.sniff("Leefbarometer_test_set.xlsx", excerpt_xlsx()[:65536])
    assert LOADER.sniff("buurten.csv", derived_csv()[:65536])
    assert registry.detect("buurten.csv", derived_csv()[:65536]).key == "leefbaarometer"


@settings(max_examples=25, deadline=None)
@given(
    which=st.sampled_from(["Leefbarometer_test_set.xlsx", "buurten.csv"]),
    kind=st.sampled_from(["flip", "truncate", "delete", "insert"]),
    position=st.integers(min_value=0, max_value=2**31),
    byte=st.integers(min_value=0, max_value=255),
)
def test_mutated_twin_files_fail_only_with_a_clear_error(
    which: str, kind: str, position: int, byte: int
) -> None:
    catalogue = shared_catalogue()
    data = excerpt_xlsx() if which.endswith(".xlsx") else derived_csv()
    at = position % len(data)
    data = {
        "flip": data[:at] + bytes([byte]) + data[at + 1 :],
        "truncate": data[:at],
        "delete": data[:at] + data[at + 1 + byte :],
        "insert": data[:at] + bytes([byte, 44]) + data[at:],
    }[kind]
    try:
        options = LoadOptions(year=2020 if which == "buurten.csv" else None)
        batch = LOADER.load(data, which, catalogue, options)
    except WijkkompasError as exc:
        assert which in str(exc)
    else:
        batch.validate()
