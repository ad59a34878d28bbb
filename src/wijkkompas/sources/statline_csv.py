"""The shapes a StatLine table takes once downloaded as CSV, read into one frame of text cells.

* StatLine's own download: ``;``, UTF-8 with BOM, optional title rows ("Kerncijfers wijken en
  buurten 2015"), one header row of labels with the unit in brackets or two header rows (labels
  with ``|`` between topic levels, then a row of units), decimal comma, a "Bron: CBS" footer.
* The same table after R's ``write.csv``: ``,``, a leading unnamed row-number column, labels with
  every non-alphanumeric character turned into a dot, ``NA`` for missing.
* Extracts whose columns someone renamed (``Area_Code``, ``Population_Total``): read the same
  way; the user's ``--mapping`` says what the columns are.

Everything stays text here; parsing numbers is the shared job of :mod:`widetable`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from wijkkompas.sources.base import MISSING_MARKERS, NIL_MARKER, SourceError
from wijkkompas.sources.textfile import csv_rows, decode_text, sniff_delimiter, unique_names

MAX_HEADER_ROWS = 4
FOOTER_START = re.compile(r"^\s*(bron|source|cbs\b|©)", re.IGNORECASE)
NUMBER = re.compile(r"^\s*-?\d+(?:[.,]\d+)*\s*$")
R_ROW_INDEX = re.compile(r"^\d+$")


@dataclass
class CsvTable:
    """A parsed CSV: text cells, the line of each data row, and what surrounded the table."""

    frame: pd.DataFrame
    lines: list[int]
    layout: str
    titles: list[str] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)


def read_statline_csv(data: bytes, name: str) -> CsvTable:
    """Split a CSV into title rows, header rows, data rows and footer (see the module docstring)."""
    text, encoding = decode_text(data)
    delimiter = sniff_delimiter(text)
    records, lines = csv_rows(text, delimiter)
    kept = [(r, ln) for r, ln in zip(records, lines, strict=True) if any(c.strip() for c in r)]
    if not kept:
        raise SourceError(f"{name}: the file is empty.")
    width = max(len(r) for r, _ in kept)
    if width < 2:
        raise SourceError(
            f"{name}: every line has a single field, so this is not a table wijkkompas can read "
            "(expected columns separated by ';' or ',')."
        )
    first_full = next(i for i, (r, _) in enumerate(kept) if len(r) == width)
    titles = [" ".join(c.strip() for c in r if c.strip()) for r, _ in kept[:first_full]]
    rest = kept[first_full:]
    n_header = _header_rows(rest)
    header_rows = [(r + [""] * width)[:width] for r, _ in rest[:n_header]]
    body, footer = _body_and_footer(rest[n_header:], width)
    labels = _labels(header_rows)
    layout = f"statline-csv (delimiter {delimiter!r}, {encoding}, {n_header} header row(s))"
    frame = pd.DataFrame([r for r, _ in body], columns=labels, dtype=object)
    rows = [ln for _, ln in body]
    if _is_r_index(frame):
        frame = frame.drop(columns=frame.columns[0])
        layout = f"statline-csv re-saved by R (delimiter {delimiter!r}, {encoding})"
    return CsvTable(frame=frame, lines=rows, layout=layout, titles=titles, footer=footer)


def _looks_like_data(row: list[str]) -> bool:
    """A data row has a figure or a CBS missing marker beyond its first cell; a header has not."""
    cells = [c.strip() for c in row[1:]]
    return any(
        NUMBER.match(c) or c == NIL_MARKER or (c in MISSING_MARKERS and c != "") for c in cells
    )


def _header_rows(rows: list[tuple[list[str], int]]) -> int:
    for index, (row, _) in enumerate(rows[: MAX_HEADER_ROWS + 1]):
        if _looks_like_data(row):
            return max(index, 1)
    return 1


def _body_and_footer(
    rows: list[tuple[list[str], int]], width: int
) -> tuple[list[tuple[list[str], int]], list[str]]:
    """Data rows padded to the table width; a short row or a 'Bron: CBS' line ends the table."""
    body: list[tuple[list[str], int]] = []
    for index, (row, line) in enumerate(rows):
        first = row[0] if row else ""
        if FOOTER_START.match(first) and not any(c.strip() for c in row[1:]):
            return body, [" ".join(c for c in r if c.strip()) for r, _ in rows[index:]]
        if len(row) < width and len(row) <= 1:
            return body, [" ".join(c for c in r if c.strip()) for r, _ in rows[index:]]
        body.append(((row + [""] * width)[:width], line))
    return body, []


def _labels(header_rows: list[list[str]]) -> list[str]:
    """One label per column: topic levels joined with '|', a units row appended as '(unit)'."""
    if len(header_rows) == 1:
        return unique_names([c.strip() for c in header_rows[0]])
    *upper, last = header_rows
    labels = []
    for column in range(len(last)):
        parts = [row[column].strip() for row in upper if row[column].strip()]
        unit = last[column].strip()
        if column == 0 or not parts:
            labels.append(" | ".join([*parts, unit] if unit else parts))
        else:
            labels.append("|".join(parts) + (f" ({unit})" if unit else ""))
    return unique_names(labels)


def _is_r_index(frame: pd.DataFrame) -> bool:
    """R's write.csv adds an unnamed first column counting rows from 1."""
    if frame.empty or not str(frame.columns[0]).startswith("column_"):
        return False
    first = frame.iloc[:, 0].astype(str).str.strip()
    if not first.str.match(R_ROW_INDEX).all():
        return False
    numbers = pd.to_numeric(first)
    return bool((numbers.diff().iloc[1:] == 1).all())
