"""Writing one batch's tables inside the import transaction, each the same way.

Rows whose key the batch brings again are deleted first, then the batch is inserted (from Arrow,
which DuckDB reads without copying): a re-import replaces figures instead of doubling them.
:class:`~wijkkompas.store.store.AnalyticStore` owns the transaction, the file swap and the log.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pandas as pd
import pyarrow as pa

from wijkkompas.errors import WijkkompasError
from wijkkompas.store import unmatched
from wijkkompas.store.batch import ImportBatch
from wijkkompas.store.schema import NATIONAL_KEY, OBSERVATION_KEY


def write_tables(
    con: duckdb.DuckDBPyConnection,
    batch: ImportBatch,
    import_id: int,
    step: Callable[[str], None],
) -> None:
    """Every table of ``batch``, regions first (the others refer to them)."""
    step(f"{batch.source}: regions")
    _write_regions(con, batch, import_id)
    step(f"{batch.source}: observations")
    _write_observations(con, batch, import_id)
    _write_national(con, batch, import_id)
    step(f"{batch.source}: geometries")
    _write_geometries(con, batch, import_id)
    _write_boundary_changes(con, batch, import_id)
    _write_unmatched(con, batch, import_id)
    _write_crosswalk(con, batch, import_id)
    _write_margins(con, batch, import_id)


def next_import_id(con: duckdb.DuckDBPyConnection) -> int:
    (row,) = con.execute("SELECT coalesce(max(import_id), 0) + 1 FROM imports").fetchall()
    return int(row[0])


def _write_regions(con: duckdb.DuckDBPyConnection, batch: ImportBatch, import_id: int) -> None:
    frame = batch.regions.assign(import_id=import_id)
    con.register("batch_regions", frame)
    con.execute(
        """INSERT INTO regions
           SELECT code, name, level, CAST(year AS INTEGER), gemeente_code, wijk_code,
                  CAST(import_id AS INTEGER)
           FROM batch_regions
           ON CONFLICT (code, year) DO UPDATE SET
               -- a file that only knows the code (OData, crime) keeps the name a KWB file gave
               name = CASE WHEN excluded.name IS NULL OR excluded.name = excluded.code
                                OR trim(excluded.name) = ''
                           THEN regions.name ELSE excluded.name END,
               level = excluded.level,
               gemeente_code = excluded.gemeente_code,
               wijk_code = excluded.wijk_code,
               import_id = excluded.import_id"""
    )
    con.unregister("batch_regions")


def arrow(frame: pd.DataFrame) -> pa.Table:
    """DuckDB scans Arrow columns much faster than pandas object columns."""
    return pa.Table.from_pandas(frame, preserve_index=False)


def _figures(frame: pd.DataFrame, year: str) -> pd.DataFrame:
    """A batch's figures (a region's or the country's) typed as their table stores them. The
    source and import are the same for every figure: the SQL takes them as parameters rather
    than as columns of hundreds of thousands of copies."""
    frame = frame.copy(deep=False)
    frame["value"] = pd.to_numeric(frame["value"], errors="raise").astype("float64")
    frame[year] = frame[year].astype("int64")
    frame["period"] = frame["period"].astype(str)
    frame["suppressed"] = frame["suppressed"].astype(bool)
    return frame


def _repeated_keys(
    con: duckdb.DuckDBPyConnection, table: str, key: tuple[str, ...]
) -> list[tuple[object, ...]]:
    """Up to three keys that occur more than once in a registered batch table (with counts)."""
    return con.execute(
        f"""SELECT {", ".join(key)}, count(*) FROM {table}
            GROUP BY ALL HAVING count(*) > 1 LIMIT 3"""
    ).fetchall()


def _write_observations(con: duckdb.DuckDBPyConnection, batch: ImportBatch, import_id: int) -> None:
    frame = _figures(batch.observations, "region_year")
    con.register("batch_observations", arrow(frame))
    per_row = tuple(c for c in OBSERVATION_KEY if c != "source")
    key = " AND ".join(f"o.{c} = b.{c}" for c in per_row) + " AND o.source = ?"
    if duplicates := _repeated_keys(con, "batch_observations", per_row):
        shown = "; ".join(f"{d[0]} ({d[1]}) {d[2]} {d[3]}" for d in duplicates)
        raise WijkkompasError(
            f"The import from '{batch.source}' has the same figure more than once: {shown}. "
            "Each region, indicator and period may occur once per file; nothing was written."
        )
    years = _years_clause("o", frame["region_year"])
    key += years
    # A new year of a source replaces nothing: asked first (DuckDB skips the other years'
    # row groups), the joins over the stored figures are then not needed at all.
    for table in ("observations", "observation_margins"):
        if _has_rows(con, f"{table} o", f"o.source = ?{years}", batch.source):
            # A figure replaced loses its margin too (the new one, if any, is written next).
            con.execute(
                f"DELETE FROM {table} o USING batch_observations b WHERE {key}", [batch.source]
            )
    con.execute(
        """INSERT INTO observations
           SELECT region_code, CAST(region_year AS INTEGER), indicator_id, period,
                  CASE WHEN isnan(value) THEN NULL ELSE value END, suppressed,
                  CAST(? AS VARCHAR), source_column, release, CAST(? AS INTEGER)
           FROM batch_observations""",
        [batch.source, import_id],
    )
    con.unregister("batch_observations")


def _write_national(con: duckdb.DuckDBPyConnection, batch: ImportBatch, import_id: int) -> None:
    """The country's figures, replacing what the same source wrote for the same key, so
    importing a file again updates its national figures instead of doubling them."""
    if batch.national.empty:
        return
    frame = _figures(batch.national, "table_year")
    con.register("batch_national", arrow(frame))
    per_row = tuple(c for c in NATIONAL_KEY if c != "source")
    if duplicates := _repeated_keys(con, "batch_national", per_row):
        shown = "; ".join(f"{d[0]} {d[1]} (table {d[3]})" for d in duplicates)
        raise WijkkompasError(
            f"The import from '{batch.source}' has the same national figure more than once: "
            f"{shown}. Each indicator and period may occur once per table; nothing was written."
        )
    key = " AND ".join(f"n.{c} = b.{c}" for c in per_row) + " AND n.source = ?"
    con.execute(
        f"DELETE FROM national_observations n USING batch_national b WHERE {key}", [batch.source]
    )
    con.execute(
        """INSERT INTO national_observations
           SELECT indicator_id, period, CASE WHEN isnan(value) THEN NULL ELSE value END,
                  suppressed, source_column, release, CAST(table_year AS INTEGER),
                  CAST(? AS VARCHAR), CAST(? AS INTEGER)
           FROM batch_national""",
        [batch.source, import_id],
    )
    con.unregister("batch_national")


def _write_geometries(con: duckdb.DuckDBPyConnection, batch: ImportBatch, import_id: int) -> None:
    frame = batch.geometries.assign(import_id=import_id)
    con.register("batch_geometries", frame)
    con.execute(
        """INSERT OR REPLACE INTO geometries
           SELECT region_code, CAST(region_year AS INTEGER), CAST(wkb AS BLOB),
                  CAST(wkb_web AS BLOB), CAST(import_id AS INTEGER)
           FROM batch_geometries"""
    )
    con.unregister("batch_geometries")


def _write_boundary_changes(
    con: duckdb.DuckDBPyConnection, batch: ImportBatch, import_id: int
) -> None:
    frame = batch.boundary_changes.assign(import_id=import_id)
    con.register("batch_changes", frame)
    con.execute(
        """INSERT OR REPLACE INTO boundary_changes
           SELECT region_code, CAST(region_year AS INTEGER), CAST(change_code AS INTEGER),
                  CAST(import_id AS INTEGER)
           FROM batch_changes"""
    )
    con.unregister("batch_changes")


def _write_unmatched(con: duckdb.DuckDBPyConnection, batch: ImportBatch, import_id: int) -> None:
    """The batch's unmatched cells as one part of their own (:mod:`wijkkompas.store.unmatched`):
    nothing older is rewritten, and readers let these replace older cells of the same key."""
    if batch.unmatched.empty:
        return
    frame = batch.unmatched
    cells = pa.table(
        {
            "region_code": _text(frame["region_code"]),
            "region_year": pa.array(frame["region_year"].to_numpy(dtype="int32")),
            "period": _text(frame["period"]),
            "source_column": _text(frame["source_column"]),
            "value_text": _text(frame["value_text"]),
        }
    )
    unmatched.write(con, cells, batch.source, import_id)


def _has_rows(con: duckdb.DuckDBPyConnection, table: str, where: str, source: str) -> bool:
    """Whether ``table`` has a row ``where`` holds (``?`` is the source)."""
    found = con.execute(f"SELECT 1 FROM {table} WHERE {where} LIMIT 1", [source]).fetchall()
    return bool(found)


def _years_clause(alias: str, years: pd.Series) -> str:
    """`` AND alias.region_year IN (…)`` with the batch's boundary years written out: DuckDB
    then skips the stored row groups of other years instead of probing every stored row (a
    new year's file no longer pays for the eleven already in the store)."""
    found = sorted({int(y) for y in pd.unique(years)})
    return f" AND {alias}.region_year IN ({', '.join(map(str, found))})" if found else ""


def _text(column: pd.Series) -> pa.Array | pa.ChunkedArray:
    """A column as Arrow text (missing as null), without a pandas string array in between:
    a kwb file keeps 1.4 million unmatched cells, and that detour cost half a second."""
    arrow_backed = hasattr(column.array, "__arrow_array__")  # pandas' Arrow text: no copy
    values = column.array if arrow_backed else column.to_numpy(dtype=object)
    try:
        return pa.array(values, pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # numbers among the text: as pandas shows them
        return pa.array(
            column.astype("string").to_numpy(dtype=object), pa.string(), from_pandas=True
        )


def _write_margins(con: duckdb.DuckDBPyConnection, batch: ImportBatch, import_id: int) -> None:
    if batch.margins.empty:
        return
    frame = batch.margins.assign(import_id=import_id, source=batch.source)
    frame["region_year"] = frame["region_year"].astype("int64")
    frame["period"] = frame["period"].astype(str)
    for column in ("margin_of_error", "effective_n"):
        frame[column] = pd.to_numeric(frame[column], errors="raise").astype("float64")
    frame["respondents"] = frame["respondents"].astype("int64")
    con.register("batch_margins", arrow(frame))
    con.execute(
        """INSERT INTO observation_margins
           SELECT region_code, CAST(region_year AS INTEGER), indicator_id, period, source,
                  release, CASE WHEN isnan(margin_of_error) THEN NULL ELSE margin_of_error END,
                  CAST(respondents AS INTEGER),
                  CASE WHEN isnan(effective_n) THEN NULL ELSE effective_n END,
                  CAST(import_id AS INTEGER)
           FROM batch_margins"""
    )
    con.unregister("batch_margins")


def _write_crosswalk(con: duckdb.DuckDBPyConnection, batch: ImportBatch, import_id: int) -> None:
    frame = batch.crosswalk.assign(import_id=import_id, source=batch.source)
    con.register("batch_crosswalk", frame)
    con.execute(
        """INSERT OR REPLACE INTO crosswalk
           SELECT old_code, CAST(old_year AS INTEGER), new_code, CAST(new_year AS INTEGER),
                  CAST(share AS DOUBLE), source, CAST(import_id AS INTEGER)
           FROM batch_crosswalk"""
    )
    con.unregister("batch_crosswalk")


def check_region_references(con: duckdb.DuckDBPyConnection, source: str, import_id: int) -> None:
    """Every figure the import ``import_id`` wrote must belong to a known region of its boundary
    year; else nothing is written. Only that import's rows are read: an import adds or updates
    regions and never removes one, so rows that passed at their own import still pass (reading
    every stored figure took 0.19 s at thirteen whole-country years, and grew with every
    import)."""
    for table in ("observations", "geometries", "boundary_changes"):
        rows = con.execute(
            f"""SELECT DISTINCT t.region_code, t.region_year FROM {table} t
                ANTI JOIN regions r ON r.code = t.region_code AND r.year = t.region_year
                WHERE t.import_id = ?
                ORDER BY 1, 2 LIMIT 6""",
            [import_id],
        ).fetchall()
        if rows:
            shown = ", ".join(f"{code} ({year})" for code, year in rows[:5])
            raise WijkkompasError(
                f"The import from '{source}' has {table} for region codes that are not in the "
                f"regions of that boundary year: {shown}{' …' if len(rows) > 5 else ''}. "
                "Check the codes (and the year) in the file; nothing was written."
            )
