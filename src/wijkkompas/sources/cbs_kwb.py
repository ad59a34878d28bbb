"""The CBS 'Kerncijfers wijken en buurten' download files: ``kwb-YYYY.xlsx``/``.xls``/``.csv``.

These files use short column names (``gwb_code_10``, ``regio``, ``a_inw``, ``g_ink_pi``, …) and
``.`` for unknown or suppressed figures; one file is one table year, whole country or a filtered
part of it. The table year is not in the cells, so it comes from the sheet or file name
(``kwb-2023``) or from ``--year``. Spreadsheets are read with calamine because a whole-country
file (18,000 rows × 120 columns) must import in seconds, where openpyxl takes most of a minute.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import python_calamine

from wijkkompas.catalogue import Catalogue
from wijkkompas.sources import xlsx_guard
from wijkkompas.sources.base import LoadOptions, SourceError
from wijkkompas.sources.textfile import (
    as_source_error,
    csv_rows,
    decode_text,
    sniff_delimiter,
    unique_names,
)
from wijkkompas.sources.widetable import (
    MAPPING_CODE,
    MAPPING_NAME,
    ColumnRoles,
    TableInfo,
    mapped_roles,
    table_batch,
)
from wijkkompas.sources.year import (
    KWB_NAME_YEAR,
    TableYear,
    release_in_text,
    resolve_release,
    resolve_year,
    year_from_name,
)
from wijkkompas.store.batch import ImportBatch

CODE_COLUMNS = ("gwb_code_10", "gwb_code10", "gwb_code", "gm_code_10", "code")
"""Region code columns in the order they are trusted (all hold ``GM0344``-style codes)."""
NAME_COLUMNS = ("regio", "gwb_naam", "naam")
CHANGE_COLUMNS = ("ind_wbi",)
IDENTIFICATION = frozenset(
    {"gwb_code_10", "gwb_code_8", "gwb_code10", "gwb_code8", "gwb_code", "regio", "gm_naam"}
    | {"recs", "gm_code", "wk_code", "bu_code", "wk_naam", "bu_naam", "ind_wbi", "gwb_naam"}
)
"""Columns that say which region a row is, not something about it: never 'unmatched'."""
HEADER_SCAN_ROWS = 15
SPREADSHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


class KwbLoader:
    """Loader for the kwb download files (see the module docstring)."""

    key = "kwb"
    description = "CBS Kerncijfers wijken en buurten, download file kwb-YYYY (.xlsx, .xls, .csv)"

    def sniff(self, name: str, head: bytes) -> bool:
        """A kwb file is named kwb-YYYY or has kwb region columns in its (text) header."""
        lowered = name.lower()
        if KWB_NAME_YEAR.search(lowered) and lowered.endswith((".xls", ".xlsx", ".csv")):
            return True
        if head.startswith(SPREADSHEET_MAGIC):
            return False
        first_line = head.split(b"\n", 1)[0].lower()
        return b"gwb_code" in first_line and (b"regio" in first_line or b"a_inw" in first_line)

    def load(
        self, data: bytes, name: str, catalogue: Catalogue, options: LoadOptions
    ) -> ImportBatch:
        """Parse a kwb file; a damaged one raises SourceError naming it."""
        with as_source_error(name, "a CBS kwb file"):
            if data.startswith(SPREADSHEET_MAGIC) or name.lower().endswith((".xls", ".xlsx")):
                frame, rows, sheet, layout = read_spreadsheet(data, name, options)
            else:
                frame, rows, layout = read_kwb_csv(data, name)
                sheet = None
            roles = kwb_roles(list(frame.columns), catalogue, options, name)
            year = resolve_year(name, options, _sheet_year(sheet), year_from_name(name, kwb=True))
            info = TableInfo.of(
                name,
                data,
                source=self.key,
                description=f"CBS Kerncijfers wijken en buurten {year.year} ({name})",
                layout=layout,
                year=year,
                release=resolve_release(name, options, release_in_text(sheet) if sheet else None),
                extra={"sheet": sheet} if sheet else {},
            )
            return table_batch(frame, rows, roles, info)


def _sheet_year(sheet: str | None) -> TableYear | None:
    found = KWB_NAME_YEAR.search(sheet) if sheet else None
    return TableYear(int(found.group(1)), f"sheet name {sheet!r}") if found else None


def read_spreadsheet(
    data: bytes, name: str, options: LoadOptions
) -> tuple[pd.DataFrame, list[int], str, str]:
    """The kwb sheet as a frame of cells, the spreadsheet row of each, the sheet name, the layout."""
    try:
        workbook = xlsx_guard.load_workbook(data, name)
    except python_calamine.CalamineError as exc:
        raise SourceError(
            f"{name}: not a readable Excel workbook ({exc}). Download the kwb file again from "
            "CBS, or save it as .xlsx or .csv."
        ) from exc
    wanted = {c.lower() for c in options.mapping} | set(CODE_COLUMNS)
    chosen: tuple[str, list[list[Any]], int] | None = None
    for sheet_name in workbook.sheet_names:
        cells = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        header = _header_row(cells, wanted)
        if header is not None:
            chosen = (sheet_name, cells, header)
            break
        if chosen is None and cells:
            chosen = (sheet_name, cells, 0)
    if chosen is None:
        raise SourceError(f"{name}: the workbook has no sheet with data.")
    sheet_name, cells, header = chosen
    columns = unique_names([_header_text(c) for c in cells[header]])
    body: list[list[Any]] = list(cells[header + 1 :])
    rows = [header + 2 + i for i, row in enumerate(body) if any(c not in ("", None) for c in row)]
    body = [row for row in body if any(c not in ("", None) for c in row)]
    width = len(columns)
    if any(len(row) != width for row in body):
        body = [(list(row) + [None] * width)[:width] for row in body]
    # One 2-D object array, then column views: no per-cell Python work, no dtype guessing.
    cells_2d = np.array(body, dtype=object).reshape(len(body), width)
    frame = pd.DataFrame(cells_2d, columns=columns, dtype=object, copy=False)
    layout = "kwb-xls" if data.startswith(b"\xd0\xcf\x11\xe0") else "kwb-xlsx"
    return frame, rows, sheet_name, layout


def _header_text(cell: Any) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip() if cell is not None else ""


def _header_row(cells: list[list[Any]], wanted: set[str]) -> int | None:
    for index, row in enumerate(cells[:HEADER_SCAN_ROWS]):
        if any(isinstance(c, str) and c.strip().lower() in wanted for c in row):
            return index
    return None


def read_kwb_csv(data: bytes, name: str) -> tuple[pd.DataFrame, list[int], str]:
    """A kwb file saved as CSV: one header row of short names, ``;`` or ``,``."""
    text, encoding = decode_text(data)
    delimiter = sniff_delimiter(text)
    records, lines = csv_rows(text, delimiter)
    records_lines = [
        (r, ln) for r, ln in zip(records, lines, strict=True) if any(c.strip() for c in r)
    ]
    if not records_lines:
        raise SourceError(f"{name}: the file is empty.")
    header, *body = [r for r, _ in records_lines]
    columns = unique_names([c.strip() for c in header])
    width = len(columns)
    padded = [(row + [""] * width)[:width] for row in body]
    frame = pd.DataFrame(padded, columns=columns, dtype=object)
    layout = f"kwb-csv (delimiter {delimiter!r}, {encoding})"
    return frame, [ln for _, ln in records_lines[1:]], layout


def kwb_roles(
    columns: list[str], catalogue: Catalogue, options: LoadOptions, name: str
) -> ColumnRoles:
    """Which column is the code, the name, the change flag, an indicator or unmatched."""
    roles = ColumnRoles()
    mapped = mapped_roles(columns, options.mapping, catalogue, name)
    lowered = {c.lower(): c for c in columns}
    for column, goal in mapped.items():
        if goal == MAPPING_CODE:
            roles.code = column
        elif goal == MAPPING_NAME:
            roles.name = column
    roles.code = roles.code or next((lowered[c] for c in CODE_COLUMNS if c in lowered), None)
    roles.name = roles.name or next((lowered[c] for c in NAME_COLUMNS if c in lowered), None)
    roles.change = next((lowered[c] for c in CHANGE_COLUMNS if c in lowered), None)
    for column in columns:
        target = mapped.get(column)
        if column in (roles.code, roles.name, roles.change) or column.lower() in IDENTIFICATION:
            roles.identification.append(column)
        elif target is not None and not isinstance(target, str):
            roles.claim(column, target)
        elif (indicator := catalogue.by_kwb_name(column)) is not None:
            roles.claim(column, indicator)
        else:
            roles.unmatched.append(column)
    if roles.code is None and not roles.matched:
        raise SourceError(
            f"{name}: none of its columns is a kwb column wijkkompas knows. Expected a region "
            f"code column ({', '.join(CODE_COLUMNS[:3])}) and kwb short names such as a_inw, "
            f"g_ink_pi or p_koopw; found {', '.join(columns[:10])}"
            f"{' …' if len(columns) > 10 else ''}. Is this a StatLine export (use --source "
            "statline), or were the columns renamed (pass --mapping)?"
        )
    return roles


LOADER = KwbLoader()
