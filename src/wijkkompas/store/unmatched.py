"""Source columns that matched no indicator, kept verbatim: one Parquet table per import.

A whole-country KWB file has some 70 such columns, 1.3 million cells. Inserted as rows of one
table (schema 7 and before) they took 0.8 s of every import and half of the store's bytes,
which every later write copies. Kept as one zstd Parquet table per import, in a table of its
own (as saved runs are), they take 0.3 s and a twentieth of the space.

A re-import used to delete the older cells of the same key (source, region, boundary year,
period, source column) before inserting its own. Parts are never rewritten, so readers do the
same when they read: of each key's cells only those of the newest import count
(:func:`current_cells`). Cells imported before schema 8 are rows of ``unmatched_observations``
and take part as the older imports they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import pairwise

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from wijkkompas.store.schema import has_table, registered

FORMAT = "parquet-1"
CELL_COLUMNS = ("region_code", "region_year", "period", "source_column", "value_text")
_EMPTY = pa.schema(
    [
        ("region_code", pa.string()), ("region_year", pa.int32()), ("period", pa.string()),
        ("source", pa.string()), ("source_column", pa.string()), ("value_text", pa.string()),
        ("import_id", pa.int32()),
    ]
).empty_table()  # fmt: skip
KEY = ("source", "region_code", "region_year", "period", "source_column")
"""Cells of one key from a newer import replace those of older ones."""


def cells_table(import_id: int) -> str:
    """The quoted name of the table that holds one import's unmatched cells."""
    return f'"unmatched_cells {int(import_id)}"'


RUN_GROUPS = 1000
"""Up to this many runs of one source column, each run is a row group of its own."""


def encode(cells: pa.Table) -> bytes:
    """``cells`` (:data:`CELL_COLUMNS`) as Parquet bytes.

    Loaders list a wide table's cells column by column; each such run becomes a row group of
    its own, whose statistics then name its one source column, so a reader that wants a few
    columns (the postcodes) skips the rest unread (:func:`current_cells`)."""
    cells = cells.select(list(CELL_COLUMNS))
    names = pc.cast(cells["source_column"], pa.string()).combine_chunks()
    changes = pc.not_equal(names[1:], names[:-1]) if len(names) > 1 else pa.array([], pa.bool_())
    starts = [0, *(np.flatnonzero(changes.to_numpy(zero_copy_only=False)) + 1).tolist()]
    sink = pa.BufferOutputStream()
    if len(starts) > RUN_GROUPS or not cells.num_rows:
        pq.write_table(cells, sink, compression="zstd")
    else:
        with pq.ParquetWriter(sink, cells.schema, compression="zstd") as writer:
            for start, stop in pairwise([*starts, cells.num_rows]):
                writer.write_table(cells.slice(start, stop - start))
    return bytes(sink.getvalue().to_pybytes())


def _read(data: bytes, columns: Callable[[str], bool] | None) -> pa.Table:
    """One part's cells (of the source columns ``columns`` accepts), reading only the row
    groups that may hold such a column."""
    if columns is None:
        return pq.read_table(pa.BufferReader(data))
    file = pq.ParquetFile(pa.BufferReader(data))
    at = file.schema_arrow.get_field_index("source_column")
    chosen = []
    for group in range(file.num_row_groups):
        stats = file.metadata.row_group(group).column(at).statistics
        one_column = stats is not None and stats.has_min_max and stats.min == stats.max
        if one_column and not columns(str(stats.min)):
            continue  # a run of a column nobody asked for
        chosen.append(group)
    table = file.read_row_groups(chosen) if chosen else file.schema_arrow.empty_table()
    return _only(table, columns)


def write(con: duckdb.DuckDBPyConnection, cells: pa.Table, source: str, import_id: int) -> None:
    name = cells_table(import_id)
    con.execute(f"CREATE TABLE {name} (cells BLOB NOT NULL)")
    con.execute(f"INSERT INTO {name} VALUES (?)", [encode(cells)])
    con.execute(
        "INSERT INTO unmatched_parts VALUES (?, ?, ?, ?)", [import_id, source, FORMAT, name]
    )


def current_cells(
    con: duckdb.DuckDBPyConnection,
    source: str | None = None,
    columns: Callable[[str], bool] | None = None,
) -> pa.Table:
    """Every unmatched cell that a newer import has not replaced, with ``source`` and
    ``import_id``; only of ``source`` and of the source columns ``columns`` accepts, if given."""
    parts = [_only(_legacy(con, source), columns)]
    if has_table(con, "unmatched_parts"):
        sql = "SELECT import_id, source, table_name FROM unmatched_parts"
        found = con.execute(
            sql + (" WHERE source = ?" if source else "") + " ORDER BY import_id",
            [source] if source else [],
        ).fetchall()
        for import_id, part_source, name in found:
            rows_of = con.execute(f"SELECT cells FROM {name}").fetchall()
            data = rows_of[0][0] if rows_of else b""
            cells = _read(data, columns)
            rows = cells.num_rows
            parts.append(
                pa.table(
                    {
                        "region_code": cells["region_code"].cast(pa.string()),
                        "region_year": cells["region_year"].cast(pa.int32()),
                        "period": cells["period"].cast(pa.string()),
                        "source": pa.array([part_source] * rows, pa.string()),
                        "source_column": cells["source_column"].cast(pa.string()),
                        "value_text": cells["value_text"].cast(pa.string()),
                        "import_id": pa.array([import_id] * rows, pa.int32()),
                    }
                )
            )
    with registered(con, pa.concat_tables(parts), "unmatched_cells") as name:
        return con.sql(
            f"""SELECT * FROM {name}
                QUALIFY import_id = max(import_id) OVER (PARTITION BY {", ".join(KEY)})"""
        ).to_arrow_table()


def postcode_column(name: str) -> bool:
    """The KWB's "meest voorkomende postcode", as each of its layouts names it (ADR 0008)."""
    lowered = name.lower()
    return lowered == "pst_mvp" or re.search("meest.?voorkomende.?postcode", lowered) is not None


def _only(cells: pa.Table, columns: Callable[[str], bool] | None) -> pa.Table:
    """The cells of the source columns ``columns`` accepts (all of them without it)."""
    if columns is None or not cells.num_rows:
        return cells
    names = pc.unique(cells["source_column"]).to_pylist()
    wanted = pa.array([n for n in names if n is not None and columns(str(n))], pa.string())
    return cells.filter(pc.is_in(cells["source_column"], value_set=wanted))


def _legacy(con: duckdb.DuckDBPyConnection, source: str | None) -> pa.Table:
    """Cells imported before schema 8, as rows of ``unmatched_observations``."""
    if not has_table(con, "unmatched_observations"):
        return _EMPTY
    sql = (
        "SELECT region_code, region_year, period, source, source_column, value_text, import_id "
        "FROM unmatched_observations"
    )
    return con.sql(
        sql + (" WHERE source = ?" if source else ""), params=[source] if source else []
    ).to_arrow_table()
