"""Leefbaarometer 3.0 as a reference layer: repeated rows, derived extracts, year rules, zeros.

Real-format tests read ../shared/data (see its PROVENANCE.md) and skip when it is absent; the
pinned values were read by hand from those files. CSVs marked "hand-built" are made up.
"""

from __future__ import annotations

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

from utrecht_layouts import derived_buurten_csv
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


def assert_excerpt_merged_per_buurt_and_year(
    batch: ImportBatch,
    folder: Path,
    *,
    regions: int,
    buurten: int,
    merged: int,
    years: list[int],
    fewer_years: tuple[str, list[int]],
    buurt: tuple[str, str],
) -> None:
    """An xlsx excerpt joined to postcodes: one region per buurt and year (``regions``, of
    ``buurten``), ``merged`` repeats merged, the ``years``, one buurt measured in fewer; only
    lbm, each row's period its own year; ``buurt`` (code, name) scored 4.134895 in 2002 and
    4.349848 in 2022; PC4 is ignored, and the batch passes the store."""
    assert len(batch.regions) == regions
    assert batch.regions["code"].nunique() == buurten
    assert batch.provenance["duplicate_rows_merged"] == merged
    assert sorted(batch.regions["year"].unique()) == years
    code, its_years = fewer_years
    assert sorted(batch.regions.loc[batch.regions["code"] == code, "year"]) == its_years
    assert set(batch.observations["indicator_id"]) == {"lbm_score"}
    code, name = buurt
    assert figure(batch, code, "lbm_score", 2022)[0] == pytest.approx(4.349848, abs=1e-6)
    assert figure(batch, code, "lbm_score", 2002)[0] == pytest.approx(4.134895, abs=1e-6)
    obs = batch.observations
    assert (obs["period"] == obs["region_year"].astype(str)).all()
    names = batch.regions.drop_duplicates("code").set_index("code")["name"]
    assert names[code] == name
    assert batch.provenance["ignored_columns"] == ["PC4"]  # a join key, not a figure
    assert "each row's own" in batch.provenance["year_from"]
    AnalyticStore(folder / "w.duckdb").import_batch(batch)


def derived_extract_read_with_year(
    data: bytes, catalogue: Catalogue, *, regions: int, scored: int, buurt: tuple[str, str]
) -> ImportBatch:
    """An author's buurten.csv: refused without --year; with --year 2020, ``regions`` buurten of
    which ``scored`` have an lbm (empty is missing, not suppressed); ``buurt`` (code, name)
    with its 2020 scores (a real 0 among them); the other columns kept or ignored."""
    with pytest.raises(SourceError, match=r"^buurten\.csv: cannot tell which year.*--year"):
        LOADER.load(data, "buurten.csv", catalogue, LoadOptions())
    batch = LOADER.load(data, "buurten.csv", catalogue, LoadOptions(year=2020))
    assert len(batch.regions) == regions and set(batch.regions["year"]) == {2020}
    assert batch.provenance["year_from"] == "--year option"
    lbm = batch.observations[batch.observations["indicator_id"] == "lbm_score"]
    assert len(lbm) == regions and lbm["value"].notna().sum() == scored
    assert not lbm["suppressed"].any()  # empty: missing, not suppressed
    code, name = buurt
    assert figure(batch, code, "lbm_score", 2020) == (4.15, False)
    assert figure(batch, code, "lbm_physical_environment", 2020) == (-0.03, False)
    assert figure(batch, code, "lbm_nuisance_insecurity", 2020) == (-0.10, False)
    assert figure(batch, code, "lbm_social_cohesion", 2020) == (0.0, False)  # a real 0
    assert figure(batch, code, "lbm_amenities", 2020) == (0.19, False)
    assert batch.regions.set_index("code").loc[code, "name"] == name
    # the author's other columns (KWB, nabijheid, noise) are kept, not guessed
    assert "aantal_inwoners" in set(batch.unmatched["source_column"])
    assert "gm_naam" in batch.provenance["ignored_columns"]
    return batch


def assert_sniffed_and_detected(excerpt_name: str, excerpt: bytes, derived: bytes) -> None:
    assert LOADER.sniff(excerpt_name, excerpt[:65536])
    assert LOADER.sniff("buurten.csv", derived[:65536])
    assert registry.detect("buurten.csv", derived[:65536]).key == "leefbaarometer"


MUTATIONS = {
    "kind": st.sampled_from(["flip", "truncate", "delete", "insert"]),
    "position": st.integers(min_value=0, max_value=2**31),
    "byte": st.integers(min_value=0, max_value=255),
}
"""How :func:`load_mutated` damages a file: one edit, where, and with which byte."""


def load_mutated(data: bytes, name: str, kind: str, position: int, byte: int) -> None:
    """``data`` damaged one way loads (buurten.csv with --year 2020) into a valid batch, or
    fails with an error that names the file."""
    at = position % len(data)
    data = {
        "flip": data[:at] + bytes([byte]) + data[at + 1 :],
        "truncate": data[:at],
        "delete": data[:at] + data[at + 1 + byte :],
        "insert": data[:at] + bytes([byte, 44]) + data[at:],
    }[kind]
    try:
        options = LoadOptions(year=2020 if name == "buurten.csv" else None)
        batch = LOADER.load(data, name, shared_catalogue(), options)
    except WijkkompasError as exc:
        assert name in str(exc)
    else:
        batch.validate()


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
    assert_excerpt_merged_per_buurt_and_year(
        batch,
        tmp_path,
        regions=59,
        buurten=8,
        merged=40,
        years=[2002, 2008, 2012, 2014, 2016, 2018, 2020, 2022],
        fewer_years=("BU00140100", [2002, 2008, 2012]),
        buurt=("BU00140000", "Binnenstad-Noord"),
    )


@pytest.mark.realdata(twin="test_a_derived_extract_without_a_year_column_needs_year")
def test_utrecht_derived_extract_needs_year(catalogue: Catalogue) -> None:
    derived_extract_read_with_year(
        real(UTRECHT),
        catalogue,
        regions=969,
        scored=714,
        buurt=("BU03440111", "Welgelegen, Den Hommel"),
    )


@pytest.mark.realdata(twin="test_sniff_and_detect_the_xlsx_excerpt_and_the_derived_extract")
def test_sniff_and_detect() -> None:
    # UTRECHT is itself named buurten.csv
    assert_sniffed_and_detected(GRONINGEN.name, real(GRONINGEN), real(UTRECHT))


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
    **MUTATIONS,
)
def test_mutated_real_files_fail_only_with_a_clear_error(
    which: Path, kind: str, position: int, byte: int
) -> None:
    load_mutated(real(which), which.name, kind, position, byte)


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


DERIVED_ROWS = [
    # code, gemeente, name, inhabitants, lbm, fys, onv, soc, vrz
    ("BU99900101", "Proefstad", "Molenkwartier, De Hoven", 1855, "4.15", "-0.03", "-0.1", "0.0", "0.19"),
    ("BU99900102", "Proefstad", "Spoorzone", 115, "", "", "", "", ""),  # no LBM: left empty
    ("BU99910000", "Andersdorp", "Dorp", 710, "4.22", "0.02", "-0.14", "-0.04", "0.24"),
]  # fmt: skip


@functools.cache
def derived_csv() -> bytes:
    """The twin of the author's buurten.csv (its 35 columns: a pandas index first, then KWB 2022,
    nabijheid, Leefbaarometer 2020 rounded to 2 decimals, energy, SES-WOA and noise, under own
    names): comma-separated, names with a comma quoted, 0.0 where the author filled a gap, float
    noise like 37.480000000000004."""
    rows = []
    for code, gemeente, name, people, *lbm in DERIVED_ROWS:
        kwb = [people, 42.32, 7.01, 1.6, 910, 370.0, 79.0, 92.0, 44.0, 30.0]
        distances = [4.3, 0.8, 1.6, 0.6, 0.5, 0.0, 0.0, 0.0, 1.6, 0.0, 0.0]
        rest = [380.0, 2150.0, -0.07, 20.0, 37.480000000000004]
        rows.append([code, gemeente, name, *kwb, *distances, *lbm, *rest])
    return derived_buurten_csv(rows)


def test_an_xlsx_excerpt_joined_to_postcodes_is_merged_per_buurt_and_year(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    """The twin of the Groningen test set: repeats per postcode merge, PC4 is no figure."""
    batch = LOADER.load(excerpt_xlsx(), "Leefbarometer_test_set.xlsx", catalogue, LoadOptions())
    assert batch.provenance["sheet"] == "Blad1"
    # 9 rows (buurt x year x PC4) -> 3 buurten: 3, 2 and 1 years
    assert_excerpt_merged_per_buurt_and_year(
        batch,
        tmp_path,
        regions=6,
        buurten=3,
        merged=3,
        years=[2002, 2012, 2022],
        fewer_years=("BU99900001", [2002, 2012]),
        buurt=("BU99900000", "Binnenstad-Oost"),
    )


def test_a_derived_extract_without_a_year_column_needs_year(catalogue: Catalogue) -> None:
    """The twin of the Utrecht province extract: --year required, empty is missing, 0 is 0."""
    batch = derived_extract_read_with_year(
        derived_csv(),
        catalogue,
        regions=3,
        scored=2,
        buurt=("BU99900101", "Molenkwartier, De Hoven"),
    )
    value, suppressed = figure(batch, "BU99900102", "lbm_score", 2020)
    assert math.isnan(value) and not suppressed


def test_sniff_and_detect_the_xlsx_excerpt_and_the_derived_extract() -> None:
    assert_sniffed_and_detected("Leefbarometer_test_set.xlsx", excerpt_xlsx(), derived_csv())


@settings(max_examples=25, deadline=None)
@given(
    which=st.sampled_from(["Leefbarometer_test_set.xlsx", "buurten.csv"]),
    **MUTATIONS,
)
def test_mutated_twin_files_fail_only_with_a_clear_error(
    which: str, kind: str, position: int, byte: int
) -> None:
    data = excerpt_xlsx() if which.endswith(".xlsx") else derived_csv()
    load_mutated(data, which, kind, position, byte)
