"""A saved run's scores as one compressed Parquet table, read back as the JSON rows were.

Until schema 6 every region-year of a run was a row of ``index_scores`` holding its scores as
JSON. A whole-country run of twelve years made 231,000 such rows: 110 MB added to the store by
every saved run (and copied again by every later write), and seconds of JSON parsing for every
report. One Parquet table per run (zstd, dictionary-encoded text) holds the same values in a
fraction of the space, and reads back in a fraction of the time.

Readers were written against the frame the JSON rows gave, so :func:`decode` gives exactly that
frame: text as pandas' ``str`` (missing as NaN), integers that have a missing value as floats,
a column that is missing in every row as ``object`` with None, ``year`` as 32-bit integers
(the column type of ``index_scores``). A test holds the two ways alike; runs saved before
schema 6 are still read from their JSON rows.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

FORMAT = "parquet-1"
KEYS = ("code", "level", "year")


def encode(scores: pd.DataFrame) -> bytes:
    """``scores`` (``code``, ``level``, ``year`` and any score columns) as Parquet bytes."""
    table = pa.Table.from_pandas(scores, preserve_index=False)
    keys = [table[name].cast(pa.int32() if name == "year" else pa.string()) for name in KEYS]
    table = table.drop_columns(list(KEYS))
    for position, (name, column) in enumerate(zip(KEYS, keys, strict=True)):
        table = table.add_column(position, name, column)
    # Dictionaries for the text and small integers only: a double column has nearly as many
    # values as rows, and its dictionary is built only to be dropped (whole-country run:
    # 0.23 s and 13.8 MB without them, 0.30 s and 15.9 MB with).
    coded = [f.name for f in table.schema if not pa.types.is_floating(f.type)]
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd", use_dictionary=coded)
    return bytes(sink.getvalue().to_pybytes())


def decode(data: bytes) -> pd.DataFrame:
    """The scores frame :func:`encode` was given, typed as the JSON rows were read."""
    table = pq.read_table(pa.BufferReader(data))
    table = table.sort_by([("year", "ascending"), ("code", "ascending")])
    columns: dict[str, object] = {}
    for name in table.column_names:
        columns[name] = _as_json_read(table[name], key=name in KEYS)
    return pd.DataFrame(columns)


def _as_json_read(column: pa.ChunkedArray, *, key: bool) -> object:
    """One column as ``pd.DataFrame(json.loads(...))`` types it."""
    kind = column.type
    if pa.types.is_dictionary(kind):
        column = column.cast(kind.value_type)
        kind = column.type
    if key:
        return column.to_pandas()
    if column.null_count == len(column) and len(column):
        return pd.Series([None] * len(column), dtype=object)
    if pa.types.is_boolean(kind) and column.null_count:
        return pd.Series(column.to_pylist(), dtype=object)
    if pa.types.is_integer(kind) and column.null_count:
        return column.cast(pa.float64()).to_pandas()
    if pa.types.is_integer(kind):
        return column.cast(pa.int64()).to_pandas()
    return column.to_pandas()
