"""Bytes to frames of text cells, for the small CSV and xlsx files people download and re-save.

Every cell stays text here (CBS symbols and decimal commas are the loaders' business), and every
frame is indexed by the line or row a person sees when opening the file, so an error can point
at it. Any problem becomes a :class:`SourceError` that names the file: a broken download must
never surface as a traceback.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable

import numpy as np
import pandas as pd

from wijkkompas.sources import xlsx_guard
from wijkkompas.sources.base import SourceError
from wijkkompas.sources.textfile import decode_or_refuse, sniff_delimiter

XLSX_MAGIC = b"PK\x03\x04"


def key(label: str) -> str:
    """A column name reduced to what survives renaming by tools: lower-case letters and digits."""
    return re.sub(r"[^0-9a-z]", "", label.lower())


def read_rows(data: bytes, name: str) -> tuple[list[tuple[int, list[str]]], dict[str, str]]:
    """All CSV records with the line each starts on; empty records are left out."""
    text, encoding = decode_or_refuse(data, name)
    if "\x00" in text:
        raise SourceError(f"{name}: the file contains NUL bytes, so it is not a CSV text file.")
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for record in reader:
            if (record and record[0].strip()) or any(cell.strip() for cell in record):
                rows.append((line, record))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise SourceError(
            f"{name}, line {reader.line_num}: the CSV is malformed ({exc}). Check the quotes on "
            "that line, or download the file again."
        ) from None
    return rows, {"encoding": encoding, "delimiter": delimiter}


def rows_to_frame(
    rows: list[tuple[int, list[str]]], name: str, header_at: int = 0
) -> tuple[pd.DataFrame, list[str]]:
    """A frame of text cells indexed by file line, plus the columns that had no header.

    A record longer or shorter than the header means a shifted column, which would put figures
    under the wrong topic; such a file is refused. A one-cell record after the data (StatLine's
    "Bron: CBS" footer) is skipped.
    """
    if len(rows) <= header_at:
        raise SourceError(f"{name}: the file has no header row, so there is nothing to import.")
    header = [cell.strip() for cell in rows[header_at][1]]
    unnamed = []
    for i, cell in enumerate(header):
        if not cell:
            header[i] = f"(column {i + 1})"
            unnamed.append(header[i])
    seen: set[str] = set()
    for cell in header:
        if cell in seen:
            raise SourceError(
                f"{name}, line {rows[header_at][0]}: the column '{cell}' occurs twice in the "
                "header. Rename or remove one of them and import again."
            )
        seen.add(cell)
    records, lines = [], []
    for line, record in rows[header_at + 1 :]:
        if len(record) == 1 and len(header) > 1:
            continue  # footer such as "Bron: CBS"
        if len(record) != len(header):
            raise SourceError(
                f"{name}, line {line}: {len(record)} fields where the header has {len(header)}. "
                "A separator or quote in that line is probably wrong; fix it or download the "
                "file again."
            )
        records.append(record)
        lines.append(line)
    frame = pd.DataFrame(records, columns=header, index=pd.Index(lines, name="line"), dtype=object)
    return frame, unnamed


def read_sheet(data: bytes, name: str, wanted: Iterable[str]) -> tuple[pd.DataFrame, str]:
    """The first sheet of an xlsx file whose header has one of the ``wanted`` columns.

    The index is the Excel row number, so an error can point at the row a person sees.
    """
    wanted_keys = {key(w) for w in wanted}
    try:
        sheets = xlsx_guard.read_excel(data, name, dtype=object)
    except SourceError:
        raise
    except Exception as exc:  # calamine, zipfile and pandas raise many types on a broken file
        raise SourceError(
            f"{name}: cannot read it as an Excel workbook ({type(exc).__name__}: {exc}). Open it "
            "in a spreadsheet program and save it again as .xlsx, or export it as CSV."
        ) from None
    for sheet, frame in sheets.items():
        columns = [str(c).strip() for c in frame.columns]
        if wanted_keys & {key(c) for c in columns}:
            frame = frame.copy()
            frame.columns = pd.Index(columns)
            if frame.columns.duplicated().any():
                dup = frame.columns[frame.columns.duplicated()][0]
                raise SourceError(f"{name}, sheet '{sheet}': the column '{dup}' occurs twice.")
            frame.index = pd.Index(range(2, len(frame) + 2), name="row")
            text = frame.map(
                lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
            )
            return text, str(sheet)
    raise SourceError(
        f"{name}: no sheet has a region code column ({', '.join(sorted(wanted_keys)[:6])}). "
        "Check that this is the right workbook, or name the code column with --mapping FILE."
    )


def is_xlsx(data: bytes) -> bool:
    return data[:4] == XLSX_MAGIC and _looks_like_workbook(data)


def _looks_like_workbook(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(n.startswith("xl/") for n in archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return True  # let the Excel reader give the precise error


def first_line(head: bytes) -> str:
    """The first non-empty line of a file's head, lower-case: the title or header row, which is
    where a source says what it is (a description further down may mention anything)."""
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
    return next((line.strip().lower() for line in text.splitlines() if line.strip()), "")
