"""A mapping file to fill in, for a table whose columns were renamed by whoever shared it.

`wijkkompas import` refuses a table none of whose columns it recognises. Writing the mapping by
hand means knowing its header (``column,indicator,unit``), every column name exactly and the
catalogue's ids; this module writes that file for the user: one row per column of the table,
with what can be known for sure already filled in — the region code column (its values are
CBS region codes), the name column (varied text beside the codes) and columns whose name is a
catalogue id, a kwb short name or a StatLine key. Everything else is left blank: a blank row
maps nothing, and nothing is guessed from a resemblance of names.
"""

from __future__ import annotations

import csv
import io
import re

import pandas as pd

from wijkkompas.catalogue import Catalogue
from wijkkompas.sources import xlsx_guard
from wijkkompas.sources.base import SourceError
from wijkkompas.sources.reading import is_xlsx, key, read_rows, rows_to_frame

SAMPLE_ROWS = 200
REGION_CODE = re.compile(r"^(GM|WK|BU)[0-9A-Z]{4,8}$")


def sample_table(data: bytes, name: str) -> pd.DataFrame:
    """The header and the first rows of a CSV or xlsx table, as text."""
    if is_xlsx(data):
        try:
            sheets = xlsx_guard.read_excel(data, name, dtype=object, nrows=SAMPLE_ROWS)
        except SourceError:
            raise  # the guard's refusal says why
        except Exception as exc:  # calamine raises many types on a broken workbook
            raise SourceError(
                f"{name}: cannot read it as an Excel workbook ({type(exc).__name__}). Save it "
                "again as .xlsx, or export it as CSV."
            ) from None
        if not sheets:
            raise SourceError(f"{name}: the workbook has no sheets.")
        frame = next(iter(sheets.values()))
        frame.columns = [str(c).strip() for c in frame.columns]
        return frame.astype("string").fillna("")
    if data.lstrip()[:1] in (b"{", b"["):
        raise SourceError(
            f"{name}: a mapping template is for CSV and Excel tables; a JSON file names its "
            "columns in its own structure."
        )
    rows, _info = read_rows(data, name)
    frame, _unnamed = rows_to_frame(rows[: SAMPLE_ROWS + 1], name)
    return frame.astype("string").fillna("")


def mapping_template(data: bytes, name: str, catalogue: Catalogue) -> str:
    """The mapping CSV for ``name`` (see the module docstring)."""
    frame = sample_table(data, name)
    known: dict[str, str] = {}
    for indicator in catalogue.indicators:
        for label in [indicator.id, *indicator.kwb, *indicator.statline]:
            known.setdefault(key(label), indicator.id)
    code = _code_column(frame)
    name_column = _name_column(frame, code)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["column", "indicator", "unit"])
    for column in frame.columns:
        if column == code:
            guess = "code"
        elif column == name_column:
            guess = "name"
        else:
            guess = known.get(key(str(column)), "")
        writer.writerow([column, guess, ""])
    return out.getvalue()


def _code_column(frame: pd.DataFrame) -> str | None:
    for column in frame.columns:
        values = frame[column].str.strip().str.upper()
        values = values[values != ""]
        if len(values) and values.str.match(REGION_CODE).mean() >= 0.8:
            return str(column)
    return None


def _name_column(frame: pd.DataFrame, code: str | None) -> str | None:
    """Beside the codes, the column of varied text: region names (a gemeente name repeated on
    every row, or a figure, is not one)."""
    for column in frame.columns:
        if column == code:
            continue
        values = frame[column].str.strip()
        values = values[values != ""]
        if len(values) < 2:
            continue
        numeric = pd.to_numeric(values.str.replace(",", ".", regex=False), errors="coerce")
        if numeric.notna().mean() > 0.2:
            continue
        if values.nunique() >= 0.8 * len(values):
            return str(column)
    return None
