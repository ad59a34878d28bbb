"""Crafted spreadsheets are refused before any reader spends memory on them (issue 17, item 7).

Each hostile file is built at run time (a few KB on disk) and imported with the real command
in a process whose address space is capped and whose peak memory is measured: before the
guard, these files made the reader abort with a Rust backtrace (exit −6) or take gigabytes;
now the import ends with exit 1, one paragraph naming the file and the limit, a peak below
500 MB, and the store untouched. Honest workbooks import under the same cap, so the cap is not
what refuses.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest
import python_calamine
from excel_workbooks import ExcelSheet, excel_workbook
from hostile_workbooks import (
    KWB_HEADER,
    KWB_ROW,
    MiB,
    one_gib_cell,
    part,
    sheet_xml,
    workbook,
    xls_record_offset,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli_process import CappedRun, run_capped
from wijkkompas.sources import xlsx_guard
from wijkkompas.sources.base import SourceError

SRC = Path(__file__).resolve().parents[2] / "src" / "wijkkompas"
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
ADDRESS_SPACE = 4096 * MiB
"""The cap on each import's address space (DuckDB alone reserves more than 2 GiB of it)."""
REFUSAL_RSS = 500 * MiB
"""A refusal must come before memory is spent: the command's whole peak resident size, Python
and its libraries included (about 250 MB), stays below this."""


def wijkkompas_capped(*args: str | Path) -> CappedRun:
    """`python -m wijkkompas …` with its address space capped and its peak memory measured."""
    return run_capped(
        [sys.executable, "-m", "wijkkompas", *map(str, args)],
        ADDRESS_SPACE,
        env={"COLUMNS": "200", "RUST_BACKTRACE": "0"},
    )


@pytest.fixture
def store(tmp_path: Path, demo_store: Path) -> Path:
    path = tmp_path / "store.duckdb"
    path.write_bytes(demo_store.read_bytes())
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_refused(
    result: CappedRun | subprocess.CompletedProcess[str], file: Path, *phrases: str
) -> None:
    message = " ".join(result.stderr.split())
    assert result.returncode == 1, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr and "panicked" not in result.stderr
    assert file.name in message
    for phrase in phrases:
        assert phrase in message, message


def test_an_honest_workbook_imports_under_the_same_memory_cap(tmp_path: Path) -> None:
    honest = tmp_path / "kwb-2023.xlsx"
    honest.write_bytes(workbook(sheet_xml(KWB_HEADER + KWB_ROW)))
    result = wijkkompas_capped("--store", tmp_path / "s.duckdb", "import", honest)
    assert result.returncode == 0, result.stderr
    assert "1 gemeente" in " ".join(result.stdout.split())


@pytest.mark.parametrize("source", ["kwb", "leefbaarometer"])
def test_a_workbook_reaching_cell_XFD1048576_is_refused_before_the_reader_allocates(
    tmp_path: Path, store: Path, source: str
) -> None:
    far = tmp_path / "far.xlsx"
    far.write_bytes(
        workbook(sheet_xml(KWB_HEADER + KWB_ROW + '<row r="1048576"><c r="XFD1048576">'
                           "<v>1</v></c></row>"))
    )  # fmt: skip
    assert far.stat().st_size < 2048
    before = digest(store)
    result = wijkkompas_capped("--store", store, "import", far, "--source", source,
                               "--year", "2023")  # fmt: skip
    assert_refused(result, far, "XFD1048576", "17,179,869,184 cells", "10,000,000")
    assert digest(store) == before


@pytest.mark.parametrize(
    "decoy",
    ["", '<!-- sheetData --><dimension ref="A1"/>'],
    ids=["plain", "after a decoy"],
)
def test_a_range_declared_far_beyond_the_data_is_refused(tmp_path: Path, decoy: str) -> None:
    declared = tmp_path / "kwb-2023.xlsx"
    xml = sheet_xml(KWB_HEADER + KWB_ROW, dimension=None).replace(
        "<sheetData>", decoy + '<dimension ref="A1:XFD1048576"/><sheetData>'
    )
    declared.write_bytes(workbook(xml))
    result = wijkkompas_capped("--store", tmp_path / "s.duckdb", "import", declared)
    assert_refused(result, declared, "declares the range A1:XFD1048576", "kwb-2023")
    assert not (tmp_path / "s.duckdb").exists()


@pytest.mark.parametrize(
    ("case", "rows", "corner"),
    [
        (
            "cells without a reference, placed one after another",
            '<row r="1048576">' + "<c><v>1</v></c>" * 20 + "</row>",
            "T1048576",
        ),
        (
            "cells under a namespace prefix",
            '<x:row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>',
            "XFD1048576",
        ),
        (
            "a reference after other attributes, with a '>' in one of them",
            '<row r="9"><c s="0" t="n" x=">" r="XFD9"><v>1</v></c></row>'
            '<row r="1048576"><c r="A1048576"><v>1</v></c></row>',
            "XFD1048576",
        ),
    ],
)
def test_every_way_of_placing_a_cell_far_away_is_measured(
    tmp_path: Path, case: str, rows: str, corner: str
) -> None:
    hostile = tmp_path / "kwb-2023.xlsx"
    hostile.write_bytes(
        workbook(sheet_xml(KWB_HEADER + rows, dimension="A1:C2", namespaces=f' xmlns:x="{MAIN}"'))
    )
    result = wijkkompas_capped("--store", tmp_path / "s.duckdb", "import", hostile)
    assert_refused(result, hostile, f"reaches cell {corner}")


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@pytest.mark.parametrize(
    "row",
    [
        '<row r="2"><c r="A2" r="XFD1048576"><v>1</v></c></row>',  # the reader keeps the last r
        '<row r="2"><c r="A2"r="XFD1048576"><v>1</v></c></row>',  # ... also without a space
        '<row r="2"><c r="A2" r ="XFD1048576"><v>1</v></c></row>',
        '<row r="2"><c r="&#88;FD1048576"><v>1</v></c></row>',  # an entity in the reference
        '<row r="&#49;048576"><c><v>1</v></c></row>',
    ],
)
def test_a_reference_no_spreadsheet_program_writes_is_refused(tmp_path: Path, row: str) -> None:
    odd = tmp_path / "kwb-2023.xlsx"
    odd.write_bytes(workbook(sheet_xml(KWB_HEADER + row)))
    result = wijkkompas_capped("--store", tmp_path / "s.duckdb", "import", odd)
    assert_refused(result, odd, "sheet 'kwb-2023'", "reference")


@pytest.mark.parametrize("source", ["kwb", "leefbaarometer"])
def test_a_one_gib_cell_in_a_one_mb_workbook_is_refused_before_it_is_inflated(
    tmp_path: Path, store: Path, source: str
) -> None:
    bomb = tmp_path / "zipbomb.xlsx"
    bomb.write_bytes(one_gib_cell())
    assert bomb.stat().st_size < 2 * MiB
    before = digest(store)
    result = wijkkompas_capped("--store", store, "import", bomb, "--source", source,
                               "--year", "2023")  # fmt: skip
    assert_refused(result, bomb, "1,024 MiB", "256 MiB")
    assert digest(store) == before


def test_a_bomb_whose_headers_understate_its_size_is_refused_while_it_inflates(
    tmp_path: Path,
) -> None:
    bomb = tmp_path / "kwb-2023.xlsx"
    bomb.write_bytes(one_gib_cell(stated_size={"xl/worksheets/sheet1.xml": 4096}))
    result = wijkkompas_capped("--store", tmp_path / "s.duckdb", "import", bomb)
    assert_refused(result, bomb, "xl/worksheets/sheet1.xml", "ratio above 100:1")


def _xls(tmp_path: Path, far_cell: bool = False) -> tuple[Path, bytes]:
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    sheet = book.add_sheet("kwb-2023")
    for column, label in enumerate(["gwb_code_10", "regio", "a_inw"]):
        sheet.write(0, column, label)
    sheet.write(1, 0, "GM9998")
    sheet.write(1, 1, "Proefdorp")
    sheet.write(1, 2, 1200)
    if far_cell:
        sheet.write(65535, 255, 1)
    path = tmp_path / "kwb-2023.xls"
    book.save(str(path))
    return path, path.read_bytes()


def test_an_honest_xls_imports(tmp_path: Path) -> None:
    path, _ = _xls(tmp_path)
    result = wijkkompas_capped("--store", tmp_path / "s.duckdb", "import", path)
    assert result.returncode == 0, result.stderr


def test_an_xls_with_a_cell_at_its_far_corner_is_refused(tmp_path: Path) -> None:
    path, data = _xls(tmp_path, far_cell=True)
    assert len(data) < 16 * 1024
    result = wijkkompas_capped("--store", tmp_path / "s.duckdb", "import", path)
    assert_refused(result, path, "16,777,216 cells", "10,000,000")


def test_an_xls_declaring_four_billion_rows_is_refused(tmp_path: Path) -> None:
    path, data = _xls(tmp_path)
    at = xls_record_offset(data, 0x0200, 14) + 4  # DIMENSIONS: first row, last row + 1, …
    patched = bytearray(data)
    patched[at + 4 : at + 8] = struct.pack("<I", 0xFFFFFFFF)
    path.write_bytes(bytes(patched))
    result = wijkkompas_capped("--store", tmp_path / "s.duckdb", "import", path)
    assert_refused(result, path, "declares a range of")


def test_an_xls_announcing_two_billion_strings_is_refused(tmp_path: Path) -> None:
    path, data = _xls(tmp_path)
    sst = data.index(struct.pack("<H", 0x00FC))
    patched = bytearray(data)
    patched[sst + 8 : sst + 12] = struct.pack("<i", 2**31 - 1)  # cstUnique
    path.write_bytes(bytes(patched))
    result = wijkkompas_capped("--store", tmp_path / "s.duckdb", "import", path)
    assert_refused(result, path, "announces more strings than it holds")


# --- the measure itself -------------------------------------------------------------------


@st.composite
def sheets(draw: st.DrawFn) -> str:
    """Small sheets written every way the reader accepts: references first, later or absent,
    rows numbered or not, self-closing cells, white space other than a space, a prefix."""
    prefix = draw(st.sampled_from(["", "x:"]))
    space = draw(st.sampled_from([" ", "\t", "\n"]))
    rows = []
    row_number = 0
    for _ in range(draw(st.integers(1, 8))):
        row_number += draw(st.integers(1, 40))
        numbered = draw(st.booleans())
        cells = []
        column = 0
        for _ in range(draw(st.integers(0, 6))):
            column += draw(st.integers(1, 30))
            ref = f"{xlsx_guard._column_letters(column)}{row_number}"
            how = draw(st.sampled_from(["first", "later", "adjacent", "none", "empty"]))
            if how == "first":
                cells.append(f'<{prefix}c{space}r="{ref}"><{prefix}v>1</{prefix}v></{prefix}c>')
            elif how == "later":
                cells.append(
                    f'<{prefix}c s="0"{space}r="{ref}"><{prefix}v>2</{prefix}v></{prefix}c>'
                )
            elif how == "adjacent":  # no white space between attributes: the reader takes it
                cells.append(f'<{prefix}c t="n"r="{ref}"><{prefix}v>4</{prefix}v></{prefix}c>')
            elif how == "none":
                cells.append(f"<{prefix}c><{prefix}v>3</{prefix}v></{prefix}c>")
            else:
                cells.append(f'<{prefix}c r="{ref}"/>')
        head = f'<{prefix}row{space}r="{row_number}">' if numbered else f"<{prefix}row>"
        rows.append(head + "".join(cells) + f"</{prefix}row>")
    text = sheet_xml("".join(rows), dimension=None, namespaces=f' xmlns:x="{MAIN}"')
    if prefix:
        text = text.replace("<sheetData>", "<x:sheetData>").replace(
            "</sheetData>", "</x:sheetData>"
        )
    return text


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(xml=sheets())
def test_the_guard_never_measures_less_than_the_reader_allocates(xml: str) -> None:
    data = workbook(xml)
    quick = xlsx_guard.sheet_extents(data, "t.xlsx")["kwb-2023"]
    thorough = xlsx_guard.sheet_extents(data, "t.xlsx", quick=False)["kwb-2023"]
    try:
        sheet = python_calamine.load_workbook(io.BytesIO(data)).get_sheet_by_name("kwb-2023")
    except python_calamine.CalamineError:
        return  # the reader refuses it itself
    if sheet.end is None:
        return
    reader_rows, reader_columns = sheet.end[0] + 1, sheet.end[1] + 1
    for rows, columns in (quick, thorough):
        assert rows >= reader_rows and columns >= reader_columns, (quick, thorough, sheet.end)


@pytest.mark.realdata(
    twin="test_workbooks_saved_by_excel_pass_and_both_measures_agree_with_their_dimension"
)
@pytest.mark.parametrize(
    ("relative", "extent"),
    [
        ("kwb/utrecht/CBS-Utrecht-kwb-2023.xlsx", (123, 121)),
        ("rivm/RIVM_gezondheid2020_18+.xlsx", (17342, 43)),
        ("leefbaarometer/groningen_testset/Leefbarometer_test_set.xlsx", (100, 5)),
    ],
)
def test_real_workbooks_pass_and_both_measures_agree_with_their_dimension(
    relative: str, extent: tuple[int, int]
) -> None:
    path = SHARED / relative
    if not path.is_file():
        pytest.skip("../shared/data (real CBS samples) is not available here")
    data = path.read_bytes()
    xlsx_guard.check_workbook(data, path.name)
    sheets = {k: v for k, v in xlsx_guard.sheet_extents(data, path.name).items() if v != (0, 0)}
    assert list(sheets.values()) == [extent]
    assert xlsx_guard.sheet_extents(data, path.name, quick=False) == xlsx_guard.sheet_extents(
        data, path.name
    )


RIVM_FIGURES = [f"Figuur{i}_{i + 4}" for i in range(35)]
EXCEL_SHEETS = [
    ExcelSheet(
        name="kwb-2023",
        header=["gwb_code_10", "gwb_code_8", "regio", "gm_naam", "recs", "gwb_code", "ind_wbi",
                "a_inw", "a_man", "a_vrouw", "bev_dich", "g_wozbag", "p_koopw", "g_ink_pi"],
        rows=[
            ["GM9999", "9999", "Proefstad", "Proefstad", "Gemeente", "GM9999", 1, 61200, 30100,
             31100, 2480, 312, 51, 31.4],
            ["WK999901", "999901", "Oosterpark", "Proefstad", "Wijk", "WK999901", 1, 4100, 2020,
             2080, 8120, 268, 38, "."],
            ["BU99990101", "99990101", "Oude Haven", "Proefstad", "Buurt", "BU99990101", 1, 900,
             440, 460, 10450, 301, 44, 29.8],
            ["BU99990102", "99990102", "Molenwijk", "Proefstad", "Buurt", "BU99990102", 1, 3200,
             1580, 1620, 7630, 259, 36, "."],
        ],
        table=True,
        body_style=2,
    ),
    ExcelSheet(
        name="RIVM_gezondheid2020_18+",
        header=["ID", "Leeftijd", "Marges", "WijkenEnBuurten", "Perioden", "Gemeentenaam_1",
                "SoortRegio_2", "Codering_3", *RIVM_FIGURES],
        rows=[
            [i, 20300, "MW00000", f"{code:<10}", "2020JJ00", f"{'Proefstad':<40}",
             f"{kind:<10}", f"{code:<20}",
             *[None if j in (30, 31, 32) else f"{40 + i + j / 10:8.1f}" for j in range(35)]]
            for i, (code, kind) in enumerate(
                [("NL01", "Land"), ("GM9999", "Gemeente"), ("WK999901", "Wijk"),
                 ("BU99990101", "Buurt"), ("BU99990102", "Buurt")]
            )
        ],
    ),
    ExcelSheet(
        name="Blad1",
        header=["bu_code", "bu_naam", "jaar", "lbm", "PC4"],
        rows=[
            [code, name, year, 4.1 + k / 50 + (year - 2002) / 400, 9711 + k % 2]
            for k, (code, name) in enumerate(
                [("BU99990101", "Oude Haven"), ("BU99990102", "Molenwijk")]
            )
            for year in (2002, 2008, 2012, 2016)
        ],
        header_style=1,
        body_style=2,
    ),
]  # fmt: skip
"""Made-up rows in the shape of the three real workbooks: a kwb extract in an Excel table, the
RIVM table (numbers as padded text, empty cells left out) and the Leefbaarometer test set."""


@pytest.mark.parametrize("sheet", EXCEL_SHEETS, ids=[s.name for s in EXCEL_SHEETS])
def test_workbooks_saved_by_excel_pass_and_both_measures_agree_with_their_dimension(
    sheet: ExcelSheet,
) -> None:
    data = excel_workbook(sheet)
    name = f"{sheet.name}.xlsx"
    xlsx_guard.check_workbook(data, name)
    extents = xlsx_guard.sheet_extents(data, name)
    sheets = {k: v for k, v in extents.items() if v != (0, 0)}
    assert sheets == {sheet.name: (len(sheet.rows) + 1, len(sheet.header))}
    assert xlsx_guard.sheet_extents(data, name, quick=False) == extents
    # and it is a workbook the reader takes, in full, as Excel wrote it
    frame = xlsx_guard.read_excel(data, name)[sheet.name]
    assert list(frame.columns) == sheet.header and len(frame) == len(sheet.rows)


def test_a_part_in_utf16_is_refused() -> None:
    """The guard reads ASCII-compatible bytes; a reader that decoded UTF-16 would see cells
    the guard does not, so such a part is refused outright."""
    xml = sheet_xml(KWB_HEADER + '<row r="9"><c r="XFD9"><v>1</v></c></row>', dimension=None)
    data = workbook(part("xl/worksheets/sheet1.xml", b"\xff\xfe" + xml.encode("utf-16-le")))
    with pytest.raises(SourceError, match=r"sheet1\.xml is written in UTF-16"):
        xlsx_guard.check_workbook(data, "wide.xlsx")


def test_a_damaged_zip_is_a_clear_error() -> None:
    data = workbook(sheet_xml(KWB_HEADER + KWB_ROW))
    with pytest.raises(SourceError, match=r"^broken\.xlsx: .*damaged"):
        xlsx_guard.check_workbook(data[: len(data) // 2], "broken.xlsx")


def test_no_module_reads_a_spreadsheet_except_through_the_guard() -> None:
    """A new loader that called a reader directly would skip every limit above."""
    reader = re.compile(
        r"python_calamine\.load_workbook|read_excel\(|openpyxl\.load_workbook|"
        r"from openpyxl import load_workbook|CalamineWorkbook\.from_|xlrd"
    )
    offenders = [
        f"{path.relative_to(SRC)}:{number}"
        for path in SRC.rglob("*.py")
        if path.name != "xlsx_guard.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if reader.search(line) and "xlsx_guard." not in line
    ]
    assert offenders == []
