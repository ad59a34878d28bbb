"""Cells of a CBS table to numbers or verbatim text, by the shared CBS rules, fast.

A whole-country kwb file has two million cells, nearly all either a spreadsheet number or CBS's
``.`` marker. Those two cases are recognised with C-level operations (type inference, one
comparison, one cast); only the remaining text cells go through the slower rules for markers,
padding and decimal commas. That is what keeps an import within seconds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from wijkkompas.sources.base import MISSING_MARKERS, NIL_MARKER, to_number

SUPPRESSION_MARKERS = frozenset({".", "..", "x", "X", "?"})
"""CBS's own symbols for 'unknown, unreliable or kept secret' (the KWB files have one mark, ``.``,
for all three; StatLine has ``x`` for secret; ``-`` is nil, a zero). An empty cell or an ``NA`` written by another
tool only says the figure is absent, so it is missing but not marked suppressed."""
NUMERIC_KINDS = frozenset({"floating", "integer", "mixed-integer-float", "empty"})


def split_cells(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Values of the cells that are numbers already (NaN elsewhere) and which cells are '.'."""
    n = len(series)
    if series.dtype.kind in "iuf":
        values = np.array(series.to_numpy(dtype="float64", na_value=np.nan), dtype="float64")
        return values, np.zeros(n, dtype=bool)
    if series.dtype != object:
        text = series.astype("string").str.strip()
        return np.full(n, np.nan), (text == ".").fillna(False).to_numpy(dtype=bool)
    cells = series.to_numpy(dtype=object)
    kind = pd.api.types.infer_dtype(cells, skipna=False)
    if kind in NUMERIC_KINDS:
        return cells.astype("float64"), np.zeros(n, dtype=bool)
    dots = np.asarray(cells == ".", dtype=bool)
    others = cells[~dots]
    if pd.api.types.infer_dtype(others, skipna=False) in NUMERIC_KINDS:
        values = np.full(n, np.nan)
        values[~dots] = others.astype("float64")
        return values, dots
    values = np.fromiter(
        (v if type(v) is float or type(v) is int else np.nan for v in cells), "float64", count=n
    )
    return values, dots


def parse_cells(series: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values (NaN when missing), suppressed flags and unparseable flags of one column."""
    n = len(series)
    values, dots = split_cells(series)
    suppressed = dots.copy()
    unparseable = np.zeros(n, dtype=bool)
    rest = np.isnan(values) & ~dots & series.notna().to_numpy(dtype=bool)
    if rest.any():
        positions = np.flatnonzero(rest)
        text = [str(v).strip() for v in series.to_numpy(dtype=object)[positions]]
        suppressed[positions] = [t in SUPPRESSION_MARKERS for t in text]
        text = ["0" if t == NIL_MARKER else t for t in text]
        figures = np.array([t not in MISSING_MARKERS for t in text], dtype=bool)
        candidates = pd.Series([t for t, f in zip(text, figures, strict=True) if f], dtype=object)
        parsed = np.array(pd.to_numeric(candidates, errors="coerce"), dtype="float64")
        again = np.isnan(parsed)
        if again.any():
            parsed[again] = to_number(candidates[again]).to_numpy(dtype="float64", na_value=np.nan)
        values[positions[figures]] = parsed
        unparseable[positions[figures]] = np.isnan(parsed)
    infinite = np.isinf(values)
    if infinite.any():
        values[infinite] = np.nan
        unparseable |= infinite
    return values, suppressed, unparseable


def cell_text(series: pd.Series) -> pa.Array:
    """Cells as the text the file holds (padding removed), null when the cell is empty.

    Arrow formats numbers in bulk, with the shortest round-trip form and integers without
    '.0' (a spreadsheet's ``367947.0`` reads ``367947``), and the result stays an Arrow array:
    a whole-country file has 1.6 million unmatched cells, too many to make Python strings of.
    """
    values, dots = split_cells(series)
    is_number = ~np.isnan(values)
    covered = is_number | dots
    others = ~covered & series.notna().to_numpy(dtype=bool) if not covered.all() else ~covered
    if not others.any():
        numbers = pa.array(values, from_pandas=True).cast(pa.string())
        return pc.if_else(pa.array(dots), pa.scalar("."), numbers) if dots.any() else numbers
    cells = series.to_numpy(dtype=object)
    out = np.full(len(cells), None, dtype=object)
    out[dots] = "."
    if is_number.any():
        formatted = pa.array(values[is_number]).cast(pa.string())
        out[is_number] = np.asarray(formatted.to_numpy(zero_copy_only=False))
    positions = np.flatnonzero(others)
    out[positions] = [_text(v) for v in cells[positions]]
    return pa.array(out, type=pa.string())


def _text(value: object) -> str | None:
    if isinstance(value, float):
        if value != value:
            return None
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if value is None or value is pd.NA:
        return None
    text = str(value).strip()
    return text or None
