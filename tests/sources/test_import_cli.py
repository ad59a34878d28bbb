"""`wijkkompas import` end to end: real files in, a summary out; bad files out, store unchanged.

Every bad-input case must exit with code 1, name the file in a one-paragraph message (no
traceback) and leave the store byte for byte as it was.

The real files come from ../shared/data and their tests skip without it; each such test has a
synthetic twin beside it that writes made-up regions in the same layout (file_layouts.py) and runs
the command line in-process.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from file_layouts import (
    R_ABOVE_THE_BUURTEN,
    ROTTERDAM_LIKE,
    RRegion,
    carto_geojson,
    english_kwb_2024_csv,
    gebiedsindeling_geojson,
    ikgeo_json,
    kwb_rows,
    r_resaved_kwb_csv,
    write_kwb_xls,
    write_kwb_xlsx,
)
from shapely.geometry import box

from cli_process import CliResult, run_cli, wijkkompas

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
UTRECHT_2023 = SHARED / "kwb" / "utrecht" / "CBS-Utrecht-kwb-2023.xlsx"
AMSTERDAM_2019 = SHARED / "kwb" / "amsterdam" / "Kerncijfers_wijken_en_buurten_2019.csv"
ROTTERDAM_JSON = SHARED / "kwb" / "rotterdam" / "ikgeoData.json"
ROTTERDAM_GEOJSON = SHARED / "geo" / "rotterdam" / "rotterdam_buurten.geojson"

needs_shared = pytest.mark.skipif(
    not UTRECHT_2023.is_file(), reason="../shared/data (real CBS samples) is not available here"
)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def store(tmp_path: Path, demo_store: Path) -> Path:
    """A private copy of the demo store, so each test can check it stays unchanged."""
    path = tmp_path / "store.duckdb"
    path.write_bytes(demo_store.read_bytes())
    return path


def assert_refused(result: subprocess.CompletedProcess[str] | CliResult, file_name: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    message = " ".join(result.stderr.split())
    assert file_name in message
    assert "Traceback" not in result.stderr


Run = Callable[..., "subprocess.CompletedProcess[str] | CliResult"]
""":func:`cli_process.wijkkompas` (a separate process) or :func:`cli_process.run_cli`."""


def said(result: subprocess.CompletedProcess[str] | CliResult) -> str:
    """Standard output with rich's line wrapping undone."""
    return " ".join(result.stdout.split())


def assert_imports_and_shows_with_its_source_columns(
    run: Run, store: Path, path: Path, *, counts: Sequence[str], gemeente: str, population: float
) -> list[str]:
    """A kwb-xls file imports, the summary counting ``counts`` ('10 wijk', …); ``show`` gives
    the gemeente's population with its source column a_inw. Returns the buurt codes listed."""
    result = run("--store", store, "import", path)
    assert result.returncode == 0, result.stderr
    summary = said(result)
    assert all(count in summary for count in counts), summary
    assert "indicators matched" in summary and "share missing" in summary

    listed = run(
        "--store", store, "regions", "--gemeente", gemeente, "--level", "buurt", "--format", "csv"
    )
    shown = run("--store", store, "show", gemeente, "--year", "2023", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(shown.stdout)))
    assert {"indicator", "source_column", "year", "value", "unit"} <= set(rows[0])
    found = [r for r in rows if r["indicator"] == "population"]
    assert found and found[0]["source_column"] == "a_inw"
    assert float(found[0]["value"]) == population
    return [r["code"] for r in csv.DictReader(io.StringIO(listed.stdout))]


def shown_alike_from_xls_and_xlsx(run: Run, xls: Path, xlsx: Path, code: str) -> str:
    """Each file into a store of its own: ``show code`` prints the same from both; returns it."""
    via_xls = xls.parent / "xls.duckdb"
    via_xlsx = xls.parent / "xlsx.duckdb"
    assert run("--store", via_xls, "import", xls).returncode == 0
    assert run("--store", via_xlsx, "import", xlsx).returncode == 0
    shown = [run("--store", s, "show", code, "--format", "csv").stdout for s in (via_xls, via_xlsx)]
    assert shown[0] == shown[1]
    assert "a_inw" in shown[0]
    return shown[0]


def assert_a_mapping_template_is_written_and_filled_in(
    run: Run, store: Path, extract: Path, mapping: Path
) -> str:
    """The extract is refused without a mapping, pointing to ``wijkkompas mapping``; that
    writes a template (code and name filled in, 23 rows) that imports once the user fills in
    the population, and is not overwritten. Returns what the import said."""
    refused = run("--store", store, "import", extract, "--source", "statline")
    assert refused.returncode == 1
    assert "wijkkompas mapping" in " ".join(refused.stderr.split())
    written = run("mapping", extract, "--out", mapping)
    assert written.returncode == 0, written.stderr
    rows = list(csv.DictReader(io.StringIO(mapping.read_text(encoding="utf-8"))))
    assert list(rows[0]) == ["column", "indicator", "unit"]
    filled = {r["column"]: r["indicator"] for r in rows if r["indicator"]}
    assert filled == {"Area_Code": "code", "District_Type": "name"}  # the rest: the user's call
    assert len(rows) == 23
    # The user fills in one indicator; the blank rows map nothing.
    text = mapping.read_text(encoding="utf-8").replace(
        "Population_Total,,", "Population_Total,a_inw,"
    )
    mapping.write_text(text, encoding="utf-8")
    imported = run(
        "--store", store, "import", extract, "--source", "statline", "--mapping", mapping
    )
    assert imported.returncode == 0, imported.stderr
    again = run("mapping", extract, "--out", mapping)
    assert again.returncode == 1 and "does not overwrite" in " ".join(again.stderr.split())
    return said(imported)


def import_the_renamed_extract(run: Run, store: Path, extract: Path, folder: Path) -> str:
    """The renamed 2024 extract with a mapping of its code, name, population and owner-occupied
    columns; returns what the import said."""
    mapping = folder / "mapping.csv"
    mapping.write_text(
        "column,indicator\nArea_Code,code\nDistrict_Type,name\nPopulation_Total,a_inw\n"
        "Pct_Owner_Occupied,p_koopw\n",
        encoding="utf-8",
    )
    result = run("--store", store, "import", extract, "--source", "statline", "--mapping", mapping)
    assert result.returncode == 0, result.stderr
    return said(result)


def assert_joins_all_but_the_municipal_extra(
    run: Run, store: Path, boundaries: Path, joined: int
) -> None:
    """The municipal boundaries join ``joined`` buurten; the one buurt more than CBS has
    (BU0363MK06) is reported, not an error."""
    result = run("--store", store, "import", boundaries, "--year", "2024")
    assert result.returncode == 0, result.stderr
    summary = said(result)
    assert f"boundaries joined: {joined}; not joined: 1" in summary
    assert "BU0363MK06" in summary


@pytest.mark.realdata(twin="test_a_kwb_xlsx_imports_and_shows_with_its_source_columns")
@needs_shared
def test_utrecht_kwb_file_imports_and_shows_with_its_source_columns(store: Path) -> None:
    buurten = assert_imports_and_shows_with_its_source_columns(
        wijkkompas,
        store,
        UTRECHT_2023,
        counts=("10 wijk", "111 buurt", "1 gemeente"),
        gemeente="GM0344",
        population=367947,
    )
    assert len(buurten) == 111


def test_a_kwb_xlsx_imports_and_shows_with_its_source_columns(store: Path, tmp_path: Path) -> None:
    """CBS's kwb-2023.xlsx layout, written here: sheet 'kwb-2023', the kwb-xls column names,
    numbers mixed with numbers stored as text and '.' for unpublished figures."""
    path = write_kwb_xlsx(tmp_path / "kwb-2023.xlsx", kwb_rows())
    buurten = assert_imports_and_shows_with_its_source_columns(
        run_cli,
        store,
        path,
        counts=("2 wijk", "3 buurt", "1 gemeente"),
        gemeente="GM9998",
        population=10500,
    )
    assert buurten == ["BU99980101", "BU99980102", "BU99980201"]


@pytest.mark.realdata(twin="test_an_odata_json_with_its_carto_boundaries_joins_every_buurt")
@needs_shared
def test_rotterdam_json_with_its_boundaries_joins_all_92_buurten(store: Path) -> None:
    result = wijkkompas(
        "--store", store, "import", ROTTERDAM_JSON, ROTTERDAM_GEOJSON, "--year", "2017"
    )
    assert result.returncode == 0, result.stderr
    summary = " ".join(result.stdout.split())
    assert "boundaries joined: 92; not joined: 0" in summary


def test_an_odata_json_with_its_carto_boundaries_joins_every_buurt(
    store: Path, tmp_path: Path
) -> None:
    """Rotterdam's two layouts, written here: OData records keyed by ID (padded strings, a BOM)
    that bring the regions, and the Carto GeoJSON whose buurten join them."""
    figures, boundaries = tmp_path / "ikgeoData.json", tmp_path / "rotterdam_buurten.geojson"
    codes = [buurt.code for buurt in ROTTERDAM_LIKE]
    figures.write_bytes(ikgeo_json(["GM0599", "WK059901", *codes]))
    boundaries.write_bytes(carto_geojson())
    result = run_cli("--store", store, "import", figures, boundaries, "--year", "2017")
    assert result.returncode == 0, result.stderr
    assert "4 buurt" in result.said
    assert f"boundaries joined: {len(codes)}; not joined: 0" in result.said


@pytest.mark.realdata(twin="test_an_r_resaved_kwb_csv_imports_its_buurten_and_keeps_nl00_apart")
@needs_shared
def test_amsterdam_r_resaved_csv_imports_all_buurten(store: Path) -> None:
    result = wijkkompas("--store", store, "import", AMSTERDAM_2019)
    assert result.returncode == 0, result.stderr
    summary = " ".join(result.stdout.split())
    assert "479 buurt" in summary
    assert "figures for Nederland (NL00), kept for comparison: 42" in summary


def test_an_r_resaved_kwb_csv_imports_its_buurten_and_keeps_nl00_apart(
    store: Path, tmp_path: Path
) -> None:
    """A StatLine KWB 2019 download as R re-saved it, written here: a row-number column,
    dotted labels, padded codes, quoted decimal commas, NA, and a row for Nederland first."""
    path = tmp_path / "Kerncijfers_wijken_en_buurten_2019.csv"
    path.write_bytes(
        r_resaved_kwb_csv(
            [
                *R_ABOVE_THE_BUURTEN,
                RRegion("Proefkade", "Buurt", "BU03630000", 1040, 7),
                RRegion("Oude Proefsteeg e.o.", "Buurt", "BU03630001", 705, None),
                RRegion("Proefwallen", "Buurt", "BU03630002", 2010, 12, income="."),
            ]
        )
    )
    result = run_cli("--store", store, "import", path)
    assert result.returncode == 0, result.stderr
    summary = result.said
    assert "3 buurt" in summary and "1 wijk" in summary and "1 gemeente" in summary
    # population, households, dwellings, owner-occupied share and income: Nederland's five
    assert "indicators matched: 5" in summary
    assert "figures for Nederland (NL00), kept for comparison: 5" in summary


def test_random_bytes_are_refused_and_the_store_is_unchanged(store: Path, tmp_path: Path) -> None:
    before = digest(store)
    bad = tmp_path / "kwb-2023.xlsx"
    bad.write_bytes(os.urandom(4096))
    assert_refused(wijkkompas("--store", store, "import", bad), "kwb-2023.xlsx")
    assert digest(store) == before


@pytest.mark.realdata(twin="test_a_truncated_kwb_xlsx_is_refused")
@needs_shared
def test_a_truncated_xlsx_is_refused(store: Path, tmp_path: Path) -> None:
    before = digest(store)
    bad = tmp_path / "kwb-2023.xlsx"
    bad.write_bytes(UTRECHT_2023.read_bytes()[:20000])
    assert_refused(wijkkompas("--store", store, "import", bad), "kwb-2023.xlsx")
    assert digest(store) == before


def test_a_truncated_kwb_xlsx_is_refused(store: Path, tmp_path: Path) -> None:
    """A kwb-2023.xlsx in CBS's layout, written here, that a download cut off halfway."""
    whole = write_kwb_xlsx(tmp_path / "whole.xlsx", kwb_rows()).read_bytes()
    before = digest(store)
    bad = tmp_path / "kwb-2023.xlsx"
    bad.write_bytes(whole[: len(whole) // 2])
    assert_refused(run_cli("--store", store, "import", bad), "kwb-2023.xlsx")
    assert digest(store) == before


def test_a_file_of_unknown_columns_only_is_refused(store: Path, tmp_path: Path) -> None:
    before = digest(store)
    bad = tmp_path / "kwb-2023.csv"
    bad.write_text("colour;taste\nred;sweet\nblue;sour\n", encoding="utf-8")
    assert_refused(wijkkompas("--store", store, "import", bad, "--source", "kwb"), "kwb-2023.csv")
    assert digest(store) == before


def test_duplicate_region_codes_are_refused(store: Path, tmp_path: Path) -> None:
    before = digest(store)
    bad = tmp_path / "kwb-2023.csv"
    bad.write_text(
        "gwb_code_10;regio;gm_naam;recs;a_inw\n"
        "GM0344;Utrecht;Utrecht;Gemeente;367947\n"
        "BU03440111;Welgelegen;Utrecht;Buurt;1810\n"
        "BU03440111;Welgelegen;Utrecht;Buurt;1811\n",
        encoding="utf-8",
    )
    result = wijkkompas("--store", store, "import", bad)
    assert_refused(result, "kwb-2023.csv")
    assert "BU03440111" in result.stderr
    assert digest(store) == before


def test_a_year_that_cannot_be_determined_asks_for_year(store: Path, tmp_path: Path) -> None:
    before = digest(store)
    bad = tmp_path / "kerncijfers.csv"
    bad.write_text(
        "gwb_code_10;regio;gm_naam;recs;a_inw\nGM0344;Utrecht;Utrecht;Gemeente;367947\n",
        encoding="utf-8",
    )
    result = wijkkompas("--store", store, "import", bad, "--source", "kwb")
    assert_refused(result, "kerncijfers.csv")
    assert "--year" in result.stderr
    assert digest(store) == before


def test_a_boundary_file_matching_no_region_is_refused(store: Path, tmp_path: Path) -> None:
    before = digest(store)
    bad = tmp_path / "buurten.geojson"
    square = [[[5.0, 52.0], [5.01, 52.0], [5.01, 52.01], [5.0, 52.01], [5.0, 52.0]]]
    bad.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"buurtcode": "BU01230001", "buurtnaam": "Nergens"},
                        "geometry": {"type": "Polygon", "coordinates": square},
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    assert_refused(wijkkompas("--store", store, "import", bad), "buurten.geojson")
    assert digest(store) == before


def test_a_wrong_encoding_is_read_or_refused_clearly(store: Path, tmp_path: Path) -> None:
    """A cp1252 file with accented names must import; UTF-16 noise must be refused clearly."""
    latin = tmp_path / "kwb-2023.csv"
    latin.write_bytes(
        "gwb_code_10;regio;gm_naam;recs;a_inw\nGM0344;Utrecht;Utrecht;Gemeente;367947\n"
        "WK034401;Wijk 01 Weré;Utrecht;Wijk;29040\n".encode("cp1252")
    )
    result = wijkkompas("--store", store, "import", latin)
    assert result.returncode == 0, result.stderr

    before = digest(store)
    noise = tmp_path / "kwb-2024.csv"
    noise.write_bytes(b"\xff\xfe" + "gwb_code_10;a_inw\n".encode("utf-16-le") + os.urandom(64))
    assert_refused(wijkkompas("--store", store, "import", noise, "--source", "kwb"), "kwb-2024.csv")
    assert digest(store) == before


def test_a_missing_file_is_a_user_error(store: Path, tmp_path: Path) -> None:
    assert_refused(wijkkompas("--store", store, "import", tmp_path / "nope.csv"), "nope.csv")


def test_when_one_of_two_files_is_bad_neither_is_imported(store: Path, tmp_path: Path) -> None:
    before = digest(store)
    good = tmp_path / "kwb-2023.csv"
    good.write_text(
        "gwb_code_10;regio;gm_naam;recs;a_inw\nGM0344;Utrecht;Utrecht;Gemeente;367947\n",
        encoding="utf-8",
    )
    bad = tmp_path / "kwb-2024.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    assert_refused(wijkkompas("--store", store, "import", good, bad), "kwb-2024.xlsx")
    assert digest(store) == before


AMSTERDAM_2024 = (
    SHARED
    / "kwb"
    / "amsterdam"
    / "tommasozf"
    / "Kerncijfers_wijken_en_buurten_2024_without_income_data.csv"
)
AMSTERDAM_GEOJSON = SHARED / "geo" / "amsterdam" / "buurten.geojson"


ENGLISH_REGIONS = [
    ("Amsterdam", "GM0363", 900000),
    ("Proefwallen", "WK0363AE", 4590),
    ("Proefkade", "BU0363AE01", 345),
    ("Oude Proefsteeg e.o.", "BU0363AE02", 2395),
    ("Proef-wallen", "BU0363AE03", 1850),
]
"""Made-up regions for the renamed 2024 extract: the gemeente, a wijk and three buurten."""


def english_extract(tmp_path: Path) -> Path:
    """The 2024 extract with English headers, under the real file's name (its year is in it)."""
    path = tmp_path / "Kerncijfers_wijken_en_buurten_2024_without_income_data.csv"
    path.write_bytes(english_kwb_2024_csv(ENGLISH_REGIONS))
    return path


@pytest.mark.realdata(twin="test_a_renamed_extract_with_a_mapping_joins_the_municipal_boundaries")
@needs_shared
def test_renamed_amsterdam_extract_with_a_mapping_joins_all_517_buurten(
    store: Path, tmp_path: Path
) -> None:
    assert "517 buurt" in import_the_renamed_extract(wijkkompas, store, AMSTERDAM_2024, tmp_path)
    assert_joins_all_but_the_municipal_extra(wijkkompas, store, AMSTERDAM_GEOJSON, joined=517)


def test_a_renamed_extract_with_a_mapping_joins_the_municipal_boundaries(
    store: Path, tmp_path: Path
) -> None:
    """The renamed 2024 extract (BOM, semicolons, padded codes, decimal commas, empty income
    columns) and the gebiedsindeling GeoJSON with one buurt CBS does not have, written here."""
    extract = english_extract(tmp_path)
    assert "3 buurt" in import_the_renamed_extract(run_cli, store, extract, tmp_path)
    boundaries = tmp_path / "buurten.geojson"
    extra = ("BU0363MK06", "Nieuwe Proefhaven", box(4.95, 52.35, 4.96, 52.36))
    boundaries.write_bytes(gebiedsindeling_geojson(extra=[extra]))
    assert_joins_all_but_the_municipal_extra(run_cli, store, boundaries, joined=3)


@pytest.mark.realdata(twin="test_a_kwb_xls_imports_like_the_same_rows_in_xlsx")
@needs_shared
def test_a_kwb_xls_written_from_the_real_utrecht_file_imports_like_the_xlsx(
    tmp_path: Path,
) -> None:
    """Fixture built by the test: the real Utrecht kwb-2023 rows written in the old .xls format."""
    import pandas as pd
    import xlwt

    frame = pd.read_excel(UTRECHT_2023, engine="calamine", dtype=str)
    book = xlwt.Workbook()
    sheet = book.add_sheet("kwb-2023")
    for col, name in enumerate(frame.columns):
        sheet.write(0, col, name)
    for row, values in enumerate(frame.itertuples(index=False), start=1):
        for col, value in enumerate(values):
            sheet.write(row, col, None if pd.isna(value) else value)
    xls = tmp_path / "kwb-2023.xls"
    book.save(str(xls))
    shown_alike_from_xls_and_xlsx(wijkkompas, xls, UTRECHT_2023, "BU03440111")


def test_a_kwb_xls_imports_like_the_same_rows_in_xlsx(tmp_path: Path) -> None:
    """The synthetic kwb-2023 rows written twice, in the old .xls and in .xlsx."""
    xls = write_kwb_xls(tmp_path / "kwb-2023.xls", kwb_rows())
    xlsx = write_kwb_xlsx(tmp_path / "kwb-2023.xlsx", kwb_rows())
    assert ",3900.0," in shown_alike_from_xls_and_xlsx(run_cli, xls, xlsx, "BU99980101")


@pytest.mark.realdata(twin="test_a_mapping_template_is_written_for_a_renamed_extract")
@needs_shared
def test_a_mapping_template_is_written_for_a_table_with_unknown_columns(
    store: Path, tmp_path: Path
) -> None:
    imported = assert_a_mapping_template_is_written_and_filled_in(
        wijkkompas, store, AMSTERDAM_2024, tmp_path / "mapping.csv"
    )
    assert "517 buurt" in imported


def test_a_mapping_template_is_written_for_a_renamed_extract(store: Path, tmp_path: Path) -> None:
    """The renamed 2024 extract, written here with all 23 of its English columns."""
    imported = assert_a_mapping_template_is_written_and_filled_in(
        run_cli, store, english_extract(tmp_path), tmp_path / "mapping.csv"
    )
    assert "3 buurt" in imported and "indicators matched: 1 (population)" in imported


def test_a_folder_imports_its_files_and_says_what_it_skipped(store: Path, tmp_path: Path) -> None:
    folder = tmp_path / "gemeente"
    folder.mkdir()
    (folder / "kwb-2020.csv").write_text(
        "gwb_code_10;regio;gm_naam;recs;a_inw\n"
        "GM9998;Proefdorp;Proefdorp;Gemeente;2000\n"
        "WK999801;Wijk 01;Proefdorp;Wijk;2000\n"
        "BU99980101;Dorp;Proefdorp;Buurt;2000\n",
        encoding="utf-8",
    )
    (folder / "notes.db").write_bytes(b"SQLite format 3\x00")
    result = wijkkompas("--store", store, "import", folder)
    assert result.returncode == 0, result.stderr
    said = " ".join(result.stderr.split())
    assert "1 file(s)" in said and "skipped (not a format wijkkompas reads): notes.db" in said
    assert "kwb-2020.csv" in result.stdout
