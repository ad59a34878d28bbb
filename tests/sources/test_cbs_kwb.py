"""The kwb download files: real Utrecht extracts, re-saved variants, damaged files, bad tables."""

from __future__ import annotations

import functools
import importlib.util
import io
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import python_calamine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from real_data import SHARED_DATA, real_path, value

from twin_cities import KWB_XLS_COLUMNS as KWB_XLSX_COLUMNS
from twin_cities import kwb_workbook as xlsx_of
from wijkkompas.catalogue import Catalogue
from wijkkompas.errors import WijkkompasError
from wijkkompas.sources import registry
from wijkkompas.sources.base import LoadOptions, SourceError
from wijkkompas.sources.cbs_kwb import LOADER
from wijkkompas.store import AnalyticStore, ImportBatch

REPO = Path(__file__).resolve().parents[2]
SHARED = SHARED_DATA
UTRECHT = SHARED / "kwb" / "utrecht"


def real_file(name: str) -> Path:
    return real_path(UTRECHT / name)


def load(data: bytes, name: str, catalogue: Catalogue, **options: object):
    return LOADER.load(data, name, catalogue, LoadOptions(**options))  # type: ignore[arg-type]


SMALL_CSV = (
    "gwb_code_10;regio;gm_naam;recs;ind_wbi;a_inw;g_ink_pi;a_gehuwd;p_koopw\n"
    "NL00;Nederland;Nederland;Land;.;17942942;32,1;8920768;57\n"
    "GM9990;Proefstad;Proefstad;Gemeente;1;2000;29,5;990;40\n"
    "WK999000;Wijk 00;Proefstad;Wijk;1;2000;29,5;990;40\n"
    "BU99900000;Oud Centrum;Proefstad;Buurt;1;1200;.;600;x\n"
    "BU99900001;Nieuwbouw;Proefstad;Buurt;2;800;31,0;390;\n"
)


# --- hand-built files (always run) ------------------------------------------------------------


def test_small_csv_regions_values_and_suppression(catalogue: Catalogue) -> None:
    batch = load(SMALL_CSV.encode("cp1252"), "kwb-2023.csv", catalogue)
    batch.validate()
    assert sorted(batch.regions["code"]) == ["BU99900000", "BU99900001", "GM9990", "WK999000"]
    assert batch.provenance["skipped_rows"]["national"] == 1
    buurt = batch.regions.set_index("code").loc["BU99900000"]
    assert (buurt["level"], buurt["gemeente_code"], buurt["wijk_code"]) == (
        "buurt",
        "GM9990",
        "WK999000",
    )
    assert value(batch, "GM9990", "income_per_inhabitant") == pytest.approx(29.5)
    obs = batch.observations.set_index(["region_code", "indicator_id"])
    dot = obs.loc[("BU99900000", "income_per_inhabitant")]
    assert math.isnan(dot["value"]) and bool(dot["suppressed"]) is True
    empty = obs.loc[("BU99900001", "owner_occupied_share")]
    assert math.isnan(empty["value"]) and bool(empty["suppressed"]) is False
    assert bool(obs.loc[("BU99900000", "owner_occupied_share")]["suppressed"]) is True
    suppressed = batch.observations[batch.observations["suppressed"]]
    assert len(suppressed) == 2 and suppressed["value"].isna().all()
    assert batch.boundary_changes.set_index("region_code")["change_code"].to_dict() == {
        "GM9990": 1,
        "WK999000": 1,
        "BU99900000": 1,
        "BU99900001": 2,
    }


def test_small_csv_unmatched_and_identification(catalogue: Catalogue) -> None:
    batch = load(SMALL_CSV.encode("utf-8"), "kwb-2023.csv", catalogue)
    unmatched = batch.unmatched
    assert set(unmatched["source_column"]) == {"a_gehuwd"}
    assert unmatched.set_index("region_code").loc["BU99900001", "value_text"] == "390"
    assert not {"regio", "gm_naam", "recs", "gwb_code_10", "ind_wbi"} & set(
        batch.observations["source_column"]
    )


def test_period_follows_the_catalogue_lag(catalogue: Catalogue) -> None:
    batch = load(SMALL_CSV.encode(), "kwb-2023.csv", catalogue)
    periods = batch.observations.groupby("indicator_id")["period"].first()
    income = catalogue.by_id("income_per_inhabitant")
    assert periods["income_per_inhabitant"] == str(2023 - income.reference_lag_years)
    assert periods["population"].startswith("2023")
    assert set(batch.observations["region_year"]) == {2023}


def test_comma_delimited_utf8_reads_alike(catalogue: Catalogue) -> None:
    semicolon = load(SMALL_CSV.encode(), "kwb-2023.csv", catalogue)
    comma_text = SMALL_CSV.replace(",", ".").replace(";", ",")
    comma = load(comma_text.encode("utf-8-sig"), "kwb-2023.csv", catalogue)
    pd.testing.assert_frame_equal(semicolon.observations, comma.observations)


def test_year_needed_when_the_name_does_not_say_it(catalogue: Catalogue) -> None:
    with pytest.raises(SourceError, match=r"cijfers\.csv.*--year"):
        load(SMALL_CSV.encode(), "cijfers.csv", catalogue)
    batch = load(SMALL_CSV.encode(), "cijfers.csv", catalogue, year=2022)
    assert batch.provenance["table_year"] == 2022
    assert batch.provenance["table_year_from"] == "--year option"


def test_year_conflict_is_refused(catalogue: Catalogue) -> None:
    with pytest.raises(SourceError, match=r"2023.*--year 2020"):
        load(SMALL_CSV.encode(), "kwb-2023.csv", catalogue, year=2020)


def test_release_from_options_and_default(catalogue: Catalogue) -> None:
    default = load(SMALL_CSV.encode(), "kwb-2023.csv", catalogue)
    assert set(default.observations["release"]) == {"definitief"}
    early = load(SMALL_CSV.encode(), "kwb-2023.csv", catalogue, release="voorlopig")
    assert set(early.observations["release"]) == {"voorlopig"}
    with pytest.raises(SourceError, match="release"):
        load(SMALL_CSV.encode(), "kwb-2023.csv", catalogue, release="concept")


def test_duplicate_codes_name_file_code_and_rows(catalogue: Catalogue) -> None:
    text = SMALL_CSV + "BU99900001;Nieuwbouw;Proefstad;Buurt;1;800;31,0;390;50\n"
    with pytest.raises(SourceError, match=r"kwb-2023\.csv.*BU99900001 \(rows 6, 7\)"):
        load(text.encode(), "kwb-2023.csv", catalogue)


def test_only_unknown_columns_is_refused(catalogue: Catalogue) -> None:
    text = "buurtnaam;inwoners\nOud Centrum;1200\n"
    with pytest.raises(SourceError, match=r"weird-kwb-2023\.csv.*gwb_code_10.*a_inw"):
        load(text.encode(), "weird-kwb-2023.csv", catalogue)


def test_unparseable_cells_are_missing_and_counted(catalogue: Catalogue) -> None:
    text = SMALL_CSV.replace(";1200;", ";twaalfhonderd;")
    batch = load(text.encode(), "kwb-2023.csv", catalogue)
    assert math.isnan(value(batch, "BU99900000", "population"))
    assert batch.provenance["n_unparseable"] == 1
    assert batch.provenance["unparseable_by_column"] == {"a_inw": 1}


def test_mapping_renames_columns(catalogue: Catalogue) -> None:
    text = SMALL_CSV.replace("gwb_code_10", "CODE").replace("a_inw", "inwoners")
    batch = load(
        text.encode(), "kwb-2023.csv", catalogue, mapping={"CODE": "code", "inwoners": "a_inw"}
    )
    assert value(batch, "BU99900000", "population") == 1200


def test_sniff(catalogue: Catalogue) -> None:
    assert LOADER.sniff("kwb-2024.xlsx", b"PK\x03\x04")
    assert LOADER.sniff("export.csv", SMALL_CSV.encode()[:200])
    assert not LOADER.sniff("Kerncijfers_wijken_en_buurten_2019.csv", b'"","Wijken.en.buurten"')
    assert registry.get("kwb").inner is LOADER


def test_not_a_workbook_is_a_source_error(catalogue: Catalogue) -> None:
    with pytest.raises(SourceError, match=r"kwb-2023\.xlsx"):
        load(b"PK\x03\x04 this is not a zip", "kwb-2023.xlsx", catalogue)


def test_benchmark_generator_imports(tmp_path: Path, catalogue: Catalogue) -> None:
    """The benchmark stays runnable: its generated file imports (small, without timing it)."""
    spec = importlib.util.spec_from_file_location(
        "bench_kwb_import", REPO / "benchmarks" / "bench_kwb_import.py"
    )
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    sys.modules["bench_kwb_import"] = bench
    spec.loader.exec_module(bench)
    path = tmp_path / "kwb-2024.xlsx"
    bench.write_kwb_xlsx(path, n_rows=60)
    batch = load(path.read_bytes(), path.name, catalogue)
    assert len(batch.regions) == 59
    assert len(batch.unmatched["source_column"].unique()) > 50


# --- what a kwb-xlsx workbook must give, real or twin -------------------------------------------


def assert_reads_the_kwb_xlsx_layout(
    batch: ImportBatch,
    *,
    year: int,
    levels: dict[str, int],
    gemeente: tuple[str, float],
    buurt: tuple[str, str, float],
) -> None:
    """The regions per level, all of ``year``; the gemeente's (code, population) and a buurt's
    (code, name, population); every region's change code 1; the layout and year in the
    provenance."""
    batch.validate()
    assert batch.regions["level"].value_counts().to_dict() == levels
    assert set(batch.regions["year"]) == {year}
    assert value(batch, gemeente[0], "population") == gemeente[1]
    code, name, people = buurt
    assert batch.regions.set_index("code").loc[code, "name"] == name
    assert value(batch, code, "population") == people
    assert len(batch.boundary_changes) == sum(levels.values())
    assert set(batch.boundary_changes["change_code"]) == {1}
    assert batch.provenance["table_year"] == year
    assert batch.provenance["layout"] == "kwb-xlsx"
    assert len(batch.provenance["sha256"]) == 64


def assert_income_suppressed_not_zero(batch: ImportBatch, catalogue: Catalogue, rows: int) -> None:
    """The 2024 early release's income column of dots: ``rows`` figures, each missing and
    suppressed, of the 2024 period."""
    income = batch.observations[batch.observations.indicator_id == "income_per_inhabitant"]
    assert len(income) == rows
    assert income["value"].isna().all() and income["suppressed"].all()
    assert set(income["period"]) == {catalogue.by_id("income_per_inhabitant").period_label(2024)}


def assert_unmatched_kept_verbatim(batch: ImportBatch, cells: dict[tuple[str, str], str]) -> None:
    """The unmatched ``cells`` ((code, column) → text) as the file has them; the identifying
    columns are not among the unmatched, and every figure column is matched or kept."""
    unmatched = batch.unmatched.set_index(["region_code", "source_column"])["value_text"]
    for cell, text in cells.items():
        assert unmatched.loc[cell] == text, cell
    columns = set(batch.unmatched["source_column"])
    assert not columns & {"gwb_code_10", "gwb_code_8", "regio", "gm_naam", "recs", "gwb_code"}
    matched = set(batch.observations["source_column"])
    assert len(columns) + len(matched) == 121 - 7


def assert_resaved_by_openpyxl_imports_identically(
    path: Path, catalogue: Catalogue, folder: Path
) -> None:
    """The workbook's cells, written again by openpyxl in a sheet 'Blad1', give the same frames."""
    original = load(path.read_bytes(), path.name, catalogue)
    workbook = python_calamine.load_workbook(path)
    rows = workbook.get_sheet_by_name(workbook.sheet_names[0]).to_python()
    out = Workbook()
    sheet = out.active
    sheet.title = "Blad1"
    for row in rows:
        sheet.append(row)
    resaved = folder / "kwb-2023.xlsx"
    out.save(resaved)
    again = load(resaved.read_bytes(), resaved.name, catalogue)
    for name in ("regions", "observations", "unmatched", "boundary_changes"):
        pd.testing.assert_frame_equal(getattr(original, name), getattr(again, name), obj=name)


def assert_lands_in_the_store(batch: ImportBatch, folder: Path, regions: int) -> None:
    summary = AnalyticStore(folder / "store.duckdb").import_batch(batch)
    assert summary.regions == regions
    assert summary.observations == len(batch.observations)


def assert_damaged_fails_cleanly(damaged: bytes, catalogue: Catalogue) -> None:
    """A clean error naming the file (not a programming error underneath), or a valid batch."""
    try:
        batch = LOADER.load(damaged, "kwb-2023.xlsx", catalogue, LoadOptions())
    except WijkkompasError as exc:
        assert "kwb-2023.xlsx" in str(exc)
        assert not isinstance(exc.__cause__, PROGRAMMING_ERRORS), repr(exc.__cause__)
    else:
        batch.validate()
        assert np.isfinite(batch.observations["value"].dropna()).all()


# --- synthetic twins of the Utrecht workbooks (always run) --------------------------------------

TEXT_NUMBERS = set(
    KWB_XLSX_COLUMNS[KWB_XLSX_COLUMNS.index("a_nl_all") : KWB_XLSX_COLUMNS.index("p_ste") + 1]
)
"""Columns the 2023 download stores as numbers formatted as text ('222298', not 222298.0)."""
EARLY_RELEASE_DOTS = {"a_geb", "p_geb", "a_ste", "p_ste", "g_wozbag", "g_ink_po", "g_ink_pi"}
"""Some of the columns CBS leaves at '.' in the first 2024 release (income, WOZ, births …)."""

ProefstadRow = tuple[str, str, str, dict[str, float | str]]
PROEFSTAD: list[ProefstadRow] = [
    ("GM9990", "Proefstad", "Gemeente", {"a_inw": 4210.0, "a_gehuwd": 1710.0, "g_ink_pi": 31.2}),
    ("WK999001", "Wijk 01 Centrum", "Wijk", {"a_inw": 2630.0, "a_gehuwd": 1050.0}),
    ("BU99900101", "Molenkwartier, De Hoven", "Buurt", {"a_inw": 1815.0, "a_gehuwd": 350.0}),
    ("BU99900102", "Stationsbuurt", "Buurt", {"a_inw": 815.0, "g_ink_pi": "."}),
    ("WK999002", "Wijk 02 Noord", "Wijk", {"a_inw": 1580.0, "g_hhgro": 2.4}),
    ("BU99900201", "Bedrijvengebied Noord", "Buurt", {"a_inw": 1580.0, "a_nl_all": "190"}),
]
"""Made-up Proefstad (GM9990) in the Utrecht files' shape: a gemeente, two wijken, three
buurten; every other cell is filled by :func:`kwb_cell`."""


def kwb_cell(column: str, number: int, year: int) -> float | str:
    """A plausible cell of the CBS download: a float, a number stored as text, or '.'."""
    if column in ("g_ele", "g_gas"):
        return "."  # not published: CBS writes a dot
    if column.startswith("g_"):
        return 1.9
    value = float(10 * number + KWB_XLSX_COLUMNS.index(column))
    return str(int(value)) if column in TEXT_NUMBERS and year < 2024 else value


def kwb_workbook(year: int, sheet: str | None = None) -> bytes:
    """A kwb-YYYY.xlsx in the layout of the Utrecht extracts: one sheet (``kwb-YYYY`` or the
    author's own name), the 121 short column names as an Excel table's header, codes and the
    8-digit code as text, ``ind_wbi`` as a number, figures as floats or text, '.' for unknown."""
    rows = []
    for number, (code, name, recs, values) in enumerate(PROEFSTAD, start=1):
        ids = [code, code[2:], name, "Proefstad", recs, code, 1.0]
        cells = [
            "."
            if year >= 2024 and c in EARLY_RELEASE_DOTS
            else values.get(c, kwb_cell(c, number, year))
            for c in KWB_XLSX_COLUMNS[7:]
        ]
        rows.append(ids + cells)
    return xlsx_of(rows, sheet or f"kwb-{year}", table=f"kwb{year}")


@functools.cache
def kwb_workbook_bytes(year: int) -> bytes:
    return kwb_workbook(year)


@pytest.mark.parametrize(("year", "sheet"), [(2023, "kwb-2023"), (2024, "Gemeente-Proefstad")])
def test_reads_the_kwb_xlsx_layout_with_levels_names_and_year(
    catalogue: Catalogue, year: int, sheet: str
) -> None:
    """The year comes from the sheet (kwb-2023) or, under the author's sheet name, the file name."""
    name = f"CBS-Proefstad-kwb-{year}.xlsx"
    batch = load(kwb_workbook(year, sheet), name, catalogue)
    assert_reads_the_kwb_xlsx_layout(
        batch,
        year=year,
        levels={"buurt": 3, "wijk": 2, "gemeente": 1},
        gemeente=("GM9990", 4210),
        buurt=("BU99900101", "Molenkwartier, De Hoven", 1815),
    )
    regions = batch.regions.set_index("code")
    assert (regions.loc["BU99900101", "gemeente_code"], regions.loc["BU99900101", "wijk_code"]) == (
        "GM9990",
        "WK999001",
    )
    assert batch.provenance["sheet"] == sheet


def test_an_early_release_column_of_dots_is_suppressed_not_zero(catalogue: Catalogue) -> None:
    batch = load(kwb_workbook_bytes(2024), "CBS-Proefstad-kwb-2024.xlsx", catalogue)
    assert_income_suppressed_not_zero(batch, catalogue, rows=6)
    population = batch.observations[batch.observations.indicator_id == "population"]
    assert population["value"].notna().all() and not population["suppressed"].any()


def test_unmatched_kwb_xlsx_columns_are_kept_verbatim(catalogue: Catalogue) -> None:
    batch = load(kwb_workbook_bytes(2023), "CBS-Proefstad-kwb-2023.xlsx", catalogue)
    assert_unmatched_kept_verbatim(
        batch,
        {
            ("BU99900101", "a_gehuwd"): "350",  # a float cell, no '.0'
            ("WK999002", "g_hhgro"): "2.4",
            ("GM9990", "g_ele"): ".",
            ("BU99900201", "a_nl_all"): "190",  # a number stored as text
        },
    )


def test_a_kwb_workbook_resaved_by_openpyxl_imports_identically(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    path = tmp_path / "CBS-Proefstad-kwb-2023.xlsx"
    path.write_bytes(kwb_workbook_bytes(2023))
    assert_resaved_by_openpyxl_imports_identically(path, catalogue, tmp_path)


def test_a_kwb_workbook_lands_in_the_store(catalogue: Catalogue, tmp_path: Path) -> None:
    batch = load(kwb_workbook_bytes(2023), "CBS-Proefstad-kwb-2023.xlsx", catalogue)
    assert len(batch.observations) > 0
    assert_lands_in_the_store(batch, tmp_path, regions=6)


# --- real CBS samples ---------------------------------------------------------------------------


@pytest.mark.realdata(twin="test_reads_the_kwb_xlsx_layout_with_levels_names_and_year")
@pytest.mark.parametrize(
    ("year", "gemeente", "welgelegen"), [(2023, 367947, 1810), (2024, 374238, 1800)]
)
def test_utrecht_counts_and_spot_values(
    catalogue: Catalogue, year: int, gemeente: int, welgelegen: int
) -> None:
    path = real_file(f"CBS-Utrecht-kwb-{year}.xlsx")
    assert_reads_the_kwb_xlsx_layout(
        load(path.read_bytes(), path.name, catalogue),
        year=year,
        levels={"gemeente": 1, "wijk": 10, "buurt": 111},
        gemeente=("GM0344", gemeente),
        buurt=("BU03440111", "Welgelegen, Den Hommel", welgelegen),
    )


@pytest.mark.realdata(twin="test_an_early_release_column_of_dots_is_suppressed_not_zero")
def test_utrecht_2024_early_release_is_suppressed_not_zero(catalogue: Catalogue) -> None:
    path = real_file("CBS-Utrecht-kwb-2024.xlsx")
    batch = load(path.read_bytes(), path.name, catalogue)
    assert_income_suppressed_not_zero(batch, catalogue, rows=122)


@pytest.mark.realdata(twin="test_unmatched_kwb_xlsx_columns_are_kept_verbatim")
def test_utrecht_unmatched_columns_are_kept_verbatim(catalogue: Catalogue) -> None:
    path = real_file("CBS-Utrecht-kwb-2023.xlsx")
    batch = load(path.read_bytes(), path.name, catalogue)
    assert_unmatched_kept_verbatim(
        batch,
        {
            ("BU03440111", "a_gehuwd"): "350",
            ("GM0344", "g_hhgro"): "1.9",
            ("GM0344", "g_ele"): ".",
        },
    )


@pytest.mark.realdata(twin="test_a_kwb_workbook_resaved_by_openpyxl_imports_identically")
def test_utrecht_resaved_by_openpyxl_imports_identically(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    path = real_file("CBS-Utrecht-kwb-2023.xlsx")
    assert_resaved_by_openpyxl_imports_identically(path, catalogue, tmp_path)


@pytest.mark.realdata(twin="test_a_kwb_workbook_lands_in_the_store")
def test_utrecht_lands_in_the_store(catalogue: Catalogue, tmp_path: Path) -> None:
    path = real_file("CBS-Utrecht-kwb-2023.xlsx")
    assert_lands_in_the_store(load(path.read_bytes(), path.name, catalogue), tmp_path, regions=122)


PROGRAMMING_ERRORS = (AttributeError, NameError, TypeError, IndexError, KeyError, AssertionError)
"""A damaged file may fail, but not because the loader tripped over its own code."""


def _mutate(data: bytes, flips: list[tuple[int, int]], cut: int | None) -> bytes:
    mutated = bytearray(data)
    for position, byte in flips:
        mutated[position % len(mutated)] = byte
    return bytes(mutated[: cut % len(mutated)] if cut is not None else mutated)


MUTATIONS = st.tuples(
    st.lists(st.tuples(st.integers(0, 10**7), st.integers(0, 255)), max_size=8),
    st.one_of(st.none(), st.integers(0, 10**7)),
)
DAMAGED = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
"""How hard each damaged-file test tries: 30 damaged copies."""


@pytest.mark.realdata(twin="test_damaged_kwb_workbook_fails_cleanly")
@DAMAGED
@given(mutation=MUTATIONS)
def test_damaged_utrecht_workbook_fails_cleanly(
    catalogue: Catalogue, mutation: tuple[list[tuple[int, int]], int | None]
) -> None:
    data = real_file("CBS-Utrecht-kwb-2023.xlsx").read_bytes()
    damaged = _mutate(data, *mutation)
    assert_damaged_fails_cleanly(damaged, catalogue)


@DAMAGED
@given(mutation=MUTATIONS)
def test_damaged_kwb_workbook_fails_cleanly(
    catalogue: Catalogue, mutation: tuple[list[tuple[int, int]], int | None]
) -> None:
    """The twin of the Utrecht workbook, damaged: a clean error naming the file, or a valid batch."""
    damaged = _mutate(kwb_workbook_bytes(2023), *mutation)
    assert_damaged_fails_cleanly(damaged, catalogue)


@DAMAGED
@given(mutation=MUTATIONS)
def test_damaged_csv_fails_cleanly(
    catalogue: Catalogue, mutation: tuple[list[tuple[int, int]], int | None]
) -> None:
    damaged = _mutate(SMALL_CSV.encode("cp1252"), *mutation)
    try:
        batch = LOADER.load(damaged, "kwb-2023.csv", catalogue, LoadOptions())
    except WijkkompasError as exc:
        assert "kwb-2023.csv" in str(exc)
        assert not isinstance(exc.__cause__, PROGRAMMING_ERRORS), repr(exc.__cause__)
    else:
        batch.validate()


def test_workbook_bytes_are_read_from_memory(catalogue: Catalogue) -> None:
    """A workbook built in memory (no file name year) imports with --year."""
    out = Workbook()
    sheet = out.active
    for row in SMALL_CSV.strip().split("\n"):
        cells = [c.replace(",", ".") for c in row.split(";")]
        sheet.append([float(c) if c.replace(".", "", 1).isdigit() else c for c in cells])
    buffer = io.BytesIO()
    out.save(buffer)
    batch = load(buffer.getvalue(), "upload.xlsx", catalogue, year=2023)
    assert value(batch, "BU99900000", "population") == 1200
    assert batch.provenance["table_year_from"] == "--year option"
