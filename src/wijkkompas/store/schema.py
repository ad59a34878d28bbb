"""The analytic store's tables, in one place.

Plain DuckDB types only: geometry is WKB in a BLOB (shapely reads it), because DuckDB's spatial
extension downloads itself at run time and fails offline.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import duckdb

SCHEMA_VERSION = "8"
"""3: ``observation_margins`` (margins of error of survey figures). 4: ``national_observations``
(the country's figures, the KWB row NL00 "Nederland"). 5: ``index_references`` (named, fixed
yardsticks fitted on purpose; ADR 0010). 6: ``index_run_tables`` (a saved run's scores as one
Parquet table, :mod:`wijkkompas.store.run_tables`; older runs stay in ``index_scores``).
7: ``index_run_parts`` (each run's Parquet table in a table of its own, see
:func:`run_scores_table`; runs saved as schema 6 stay in ``index_run_tables``).
8: ``unmatched_parts`` (each import's unmatched cells as one Parquet table in a table of its
own, see :mod:`wijkkompas.store.unmatched`; cells imported before stay in
``unmatched_observations``). Each
version only adds tables, created on
the next write (``CREATE TABLE IF NOT EXISTS``), so an older store stays readable (readers check
for a newer table and return an empty frame without it) and gains the new tables when it is next
imported into."""

OBSERVATION_KEY = ("region_code", "region_year", "indicator_id", "period", "source", "release")
"""Unique per observation. Enforced by the writer (delete, then insert) rather than by a primary
key: DuckDB's index makes bulk inserts of a whole-country file ten times slower."""

NATIONAL_KEY = ("indicator_id", "period", "source", "release", "table_year")
"""Unique per national figure, enforced by the writer like :data:`OBSERVATION_KEY`."""

TABLES: dict[str, str] = {
    "meta": """
        CREATE TABLE IF NOT EXISTS meta (
            key VARCHAR PRIMARY KEY,
            value VARCHAR NOT NULL
        )""",
    "imports": """
        CREATE TABLE IF NOT EXISTS imports (
            import_id INTEGER PRIMARY KEY,
            source VARCHAR NOT NULL,
            description VARCHAR NOT NULL,
            started_at TIMESTAMP NOT NULL,
            finished_at TIMESTAMP NOT NULL,
            tool_version VARCHAR NOT NULL,
            provenance JSON NOT NULL,
            n_regions INTEGER NOT NULL,
            n_observations INTEGER NOT NULL,
            n_unmatched INTEGER NOT NULL,
            n_geometries INTEGER NOT NULL
        )""",
    "regions": """
        CREATE TABLE IF NOT EXISTS regions (
            code VARCHAR NOT NULL,
            name VARCHAR NOT NULL,
            level VARCHAR NOT NULL CHECK (level IN ('gemeente', 'wijk', 'buurt')),
            year INTEGER NOT NULL,
            gemeente_code VARCHAR NOT NULL,
            wijk_code VARCHAR,
            import_id INTEGER NOT NULL,
            PRIMARY KEY (code, year)
        )""",
    "observations": """
        CREATE TABLE IF NOT EXISTS observations (
            region_code VARCHAR NOT NULL,
            region_year INTEGER NOT NULL,
            indicator_id VARCHAR NOT NULL,
            period VARCHAR NOT NULL,
            value DOUBLE,
            suppressed BOOLEAN NOT NULL,
            source VARCHAR NOT NULL,
            source_column VARCHAR,
            release VARCHAR NOT NULL CHECK (release IN ('voorlopig', 'definitief')),
            import_id INTEGER NOT NULL
        )""",
    "observation_margins": """
        CREATE TABLE IF NOT EXISTS observation_margins (
            region_code VARCHAR NOT NULL,
            region_year INTEGER NOT NULL,
            indicator_id VARCHAR NOT NULL,
            period VARCHAR NOT NULL,
            source VARCHAR NOT NULL,
            release VARCHAR NOT NULL,
            margin_of_error DOUBLE,
            respondents INTEGER NOT NULL,
            effective_n DOUBLE,
            import_id INTEGER NOT NULL
        )""",
    "national_observations": """
        CREATE TABLE IF NOT EXISTS national_observations (
            indicator_id VARCHAR NOT NULL,
            period VARCHAR NOT NULL,
            value DOUBLE,
            suppressed BOOLEAN NOT NULL,
            source_column VARCHAR,
            release VARCHAR NOT NULL CHECK (release IN ('voorlopig', 'definitief')),
            table_year INTEGER NOT NULL,
            source VARCHAR NOT NULL,
            import_id INTEGER NOT NULL
        )""",
    "unmatched_observations": """
        CREATE TABLE IF NOT EXISTS unmatched_observations (
            region_code VARCHAR NOT NULL,
            region_year INTEGER NOT NULL,
            period VARCHAR,
            source VARCHAR NOT NULL,
            source_column VARCHAR NOT NULL,
            value_text VARCHAR,
            import_id INTEGER NOT NULL
        )""",
    "geometries": """
        CREATE TABLE IF NOT EXISTS geometries (
            region_code VARCHAR NOT NULL,
            region_year INTEGER NOT NULL,
            wkb BLOB NOT NULL,
            wkb_web BLOB NOT NULL,
            import_id INTEGER NOT NULL,
            PRIMARY KEY (region_code, region_year)
        )""",
    "boundary_changes": """
        CREATE TABLE IF NOT EXISTS boundary_changes (
            region_code VARCHAR NOT NULL,
            region_year INTEGER NOT NULL,
            change_code INTEGER NOT NULL,
            import_id INTEGER NOT NULL,
            PRIMARY KEY (region_code, region_year)
        )""",
    "crosswalk": """
        CREATE TABLE IF NOT EXISTS crosswalk (
            old_code VARCHAR NOT NULL,
            old_year INTEGER NOT NULL,
            new_code VARCHAR NOT NULL,
            new_year INTEGER NOT NULL,
            share DOUBLE NOT NULL CHECK (share >= 0 AND share <= 1),
            source VARCHAR NOT NULL,
            import_id INTEGER NOT NULL,
            PRIMARY KEY (old_code, old_year, new_code, new_year, source)
        )""",
    "index_runs": """
        CREATE TABLE IF NOT EXISTS index_runs (
            run_id VARCHAR PRIMARY KEY,
            created_at TIMESTAMP NOT NULL,
            label VARCHAR NOT NULL,
            catalogue_sha256 VARCHAR NOT NULL,
            scope VARCHAR NOT NULL,
            manifest JSON NOT NULL,
            reference JSON NOT NULL
        )""",
    "index_references": """
        CREATE TABLE IF NOT EXISTS index_references (
            name VARCHAR PRIMARY KEY,
            created_at TIMESTAMP NOT NULL,
            catalogue_version VARCHAR NOT NULL,
            catalogue_hash VARCHAR NOT NULL,
            active BOOLEAN NOT NULL,
            note VARCHAR NOT NULL,
            reference JSON NOT NULL
        )""",
    "index_run_tables": """
        CREATE TABLE IF NOT EXISTS index_run_tables (
            run_id VARCHAR PRIMARY KEY,
            format VARCHAR NOT NULL,
            scores BLOB NOT NULL
        )""",
    "index_run_parts": """
        CREATE TABLE IF NOT EXISTS index_run_parts (
            run_id VARCHAR PRIMARY KEY,
            format VARCHAR NOT NULL,
            table_name VARCHAR NOT NULL
        )""",
    "unmatched_parts": """
        CREATE TABLE IF NOT EXISTS unmatched_parts (
            import_id INTEGER PRIMARY KEY,
            source VARCHAR NOT NULL,
            format VARCHAR NOT NULL,
            table_name VARCHAR NOT NULL
        )""",
    "index_scores": """
        CREATE TABLE IF NOT EXISTS index_scores (
            run_id VARCHAR NOT NULL,
            code VARCHAR NOT NULL,
            level VARCHAR NOT NULL,
            year INTEGER NOT NULL,
            scores JSON NOT NULL,
            PRIMARY KEY (run_id, code, year)
        )""",
}


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the store has a table: an older store lacks the ones added after it."""
    (exists,) = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchall()
    return bool(exists[0])


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, table: Any, prefix: str) -> Iterator[str]:
    """``table`` (Arrow or pandas) visible to queries on ``con`` under a name of its own for the
    block, then gone: a fixed name would clash with another caller on the same connection."""
    name = f"{prefix}_{uuid.uuid4().hex}"
    con.register(name, table)
    try:
        yield name
    finally:
        con.unregister(name)


def run_scores_table(run_id: str) -> str:
    """The quoted name of the table that holds one saved run's scores.

    DuckDB rewrites a table's last row group whole when rows are added to it: with every run's
    Parquet bytes in one table (schema 6), each save compressed all earlier runs again, a
    second more for every dozen whole-country runs kept. A table of its own per run costs the
    same for the first run and the hundredth."""
    return '"' + f"index_run_scores {run_id}".replace('"', '""') + '"'


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables and record the schema version (idempotent)."""
    for ddl in TABLES.values():
        con.execute(ddl)
    con.execute(
        "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?), ('kind', 'wijkkompas-store')",
        [SCHEMA_VERSION],
    )
