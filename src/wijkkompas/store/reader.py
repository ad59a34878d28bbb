"""Read queries on the analytic store; every method returns a plain pandas DataFrame."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from wijkkompas.regions import Level
from wijkkompas.store import run_tables, unmatched
from wijkkompas.store.batch import NATIONAL_COLUMNS, with_source
from wijkkompas.store.schema import has_table, registered

if TYPE_CHECKING:
    from wijkkompas.index.inputs import Selection, SourceRules

_REGION_SELECT = "r.code, r.name, r.level, r.year, r.gemeente_code, r.wijk_code"
NATIONAL_READ_COLUMNS = with_source(NATIONAL_COLUMNS)
"""What :meth:`StoreReader.national_observations` returns, in this order."""


class StoreReader:
    """Queries over one read-only connection; create it through ``AnalyticStore.reader()``."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def _frame(self, sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
        return self._con.execute(sql, list(params)).df()

    def latest_year(self, gemeente: str | None = None) -> int | None:
        """The newest boundary year in the store (for one gemeente when given)."""
        sql = "SELECT max(year) FROM regions"
        params: list[object] = []
        if gemeente:
            sql += " WHERE gemeente_code = ?"
            params.append(gemeente)
        (row,) = self._con.execute(sql, params).fetchall()
        return None if row[0] is None else int(row[0])

    def years(self) -> list[int]:
        """All boundary years that have regions, oldest first."""
        return [
            int(y)
            for (y,) in self._con.execute(
                "SELECT DISTINCT year FROM regions ORDER BY year"
            ).fetchall()
        ]

    def _region_filter(
        self, level: Level | None, gemeente: str | None, year: int | None
    ) -> tuple[str, list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        if level:
            clauses.append("r.level = ?")
            params.append(level)
        if gemeente:
            clauses.append("r.gemeente_code = ?")
            params.append(gemeente)
        if year is None:
            year = self.latest_year(gemeente)
        if year is not None:
            clauses.append("r.year = ?")
            params.append(year)
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
        return where, params

    def regions(
        self, level: Level | None = None, gemeente: str | None = None, year: int | None = None
    ) -> pd.DataFrame:
        """Regions of one boundary year (the newest when ``year`` is None), sorted by code."""
        where, params = self._region_filter(level, gemeente, year)
        return self._frame(f"SELECT {_REGION_SELECT} FROM regions r{where} ORDER BY r.code", params)

    def all_regions(self) -> pd.DataFrame:
        """Every region of every boundary year (for joining new files to what is there)."""
        return self._frame(f"SELECT {_REGION_SELECT} FROM regions r ORDER BY r.code, r.year")

    def geometries(
        self,
        level: Level,
        gemeente: str | None = None,
        year: int | None = None,
        simplified: bool = True,
    ) -> pd.DataFrame:
        """Regions with their boundary as WGS84 WKB (the web copy when ``simplified``)."""
        where, params = self._region_filter(level, gemeente, year)
        column = "wkb_web" if simplified else "wkb"
        sql = f"""SELECT {_REGION_SELECT}, g.{column} AS wkb FROM regions r
                  JOIN geometries g ON g.region_code = r.code AND g.region_year = r.year
                  {where} ORDER BY r.code"""
        frame = self._frame(sql, params)
        frame["wkb"] = frame["wkb"].map(bytes)
        return frame

    def observations(
        self,
        indicator_ids: Sequence[str] | None = None,
        region_codes: Sequence[str] | None = None,
        gemeente: str | None = None,
        shared_with: str | None = None,
    ) -> pd.DataFrame:
        """Figures per region, indicator and period; a definitief figure hides its voorlopig one.

        ``import_id`` says which import (hence which file, see :meth:`imports`) gave a figure.
        ``shared_with`` keeps only the regions and indicators that a source other than this one
        gives too: the only figures where this source can be chosen over another or lose. An import asks for
        those to report its choices; without the filter that question read the whole store
        (a minute for twelve whole-country files), to find nothing to choose between."""
        clauses: list[str] = []
        params: list[object] = []
        if indicator_ids:
            clauses.append("o.indicator_id IN (SELECT unnest(?))")
            params.append(list(indicator_ids))
        if region_codes:
            clauses.append("o.region_code IN (SELECT unnest(?))")
            params.append(list(region_codes))
        if gemeente:
            clauses.append("r.gemeente_code = ?")
            params.append(gemeente)
        shared = ""
        if shared_with is not None:
            # Regions and indicators another source gives too (a semi join: fast when, as
            # usual, no other source gives any); rows of other pairs cannot differ by source.
            shared = """SEMI JOIN (SELECT DISTINCT region_code, indicator_id FROM observations
                                   WHERE source <> ?) s
                        ON s.region_code = o.region_code AND s.indicator_id = o.indicator_id"""
            params.insert(0, shared_with)
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
        sql = f"""SELECT o.region_code, o.region_year, r.level, r.gemeente_code, o.indicator_id,
                         o.period, o.value, o.suppressed, o.source, o.source_column, o.release,
                         o.import_id
                  FROM observations o
                  {shared}
                  JOIN regions r ON r.code = o.region_code AND r.year = o.region_year
                  {where}
                  QUALIFY row_number() OVER (
                      PARTITION BY o.region_code, o.region_year, o.indicator_id, o.period, o.source
                      ORDER BY o.release = 'definitief' DESC) = 1
                  ORDER BY o.indicator_id, o.region_code, o.region_year, o.period"""
        return self._frame(sql, params)

    def chosen_figures(self, rules: SourceRules, gemeente: str | None = None) -> Selection | None:
        """``select_figures(self.observations(gemeente=gemeente), rules)`` read the fast way
        (see :mod:`wijkkompas.store.figures`), or None when there are no observations."""
        from wijkkompas.store.figures import choose, stored_figures  # the engine loads late

        table = stored_figures(self._con, gemeente)
        return choose(table, rules) if table.num_rows else None

    def national_observations(self, indicator_ids: Sequence[str] | None = None) -> pd.DataFrame:
        """The country's figures (the KWB row NL00 "Nederland"), to compare a region with.

        One row per indicator, period, source and table year, sorted by indicator and period;
        as in :meth:`observations`, a definitief figure hides its voorlopig one. A store written
        before schema version 4 has none: the frame is then empty (with these columns).
        """
        if not self._has_table("national_observations"):
            return pd.DataFrame({c: pd.Series(dtype="object") for c in NATIONAL_READ_COLUMNS})
        where = ""
        params: list[object] = []
        if indicator_ids:
            where = " WHERE indicator_id IN (SELECT unnest(?))"
            params.append(list(indicator_ids))
        sql = f"""SELECT {", ".join(NATIONAL_READ_COLUMNS)} FROM national_observations{where}
                  QUALIFY row_number() OVER (
                      PARTITION BY indicator_id, period, source, table_year
                      ORDER BY release = 'definitief' DESC) = 1
                  ORDER BY indicator_id, period, table_year, source"""
        return self._frame(sql, params)

    def _has_table(self, name: str) -> bool:
        return has_table(self._con, name)

    def margins(
        self,
        indicator_ids: Sequence[str] | None = None,
        region_codes: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Margins of error, respondents and effective sample sizes of survey figures.

        Keyed like observations (region, boundary year, indicator, period, source, release).
        A store written before schema version 3 has none: the frame is then empty.
        """
        columns = [
            "region_code", "region_year", "indicator_id", "period", "source", "release",
            "margin_of_error", "respondents", "effective_n",
        ]  # fmt: skip
        if not self._has_table("observation_margins"):
            return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
        clauses: list[str] = []
        params: list[object] = []
        if indicator_ids:
            clauses.append("indicator_id IN (SELECT unnest(?))")
            params.append(list(indicator_ids))
        if region_codes:
            clauses.append("region_code IN (SELECT unnest(?))")
            params.append(list(region_codes))
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
        return self._frame(
            f"SELECT {', '.join(columns)} FROM observation_margins{where} "
            "ORDER BY indicator_id, region_code, region_year, period",
            params,
        )

    def indicator_ids(self, gemeente: str | None = None) -> set[str]:
        """Indicators with at least one known figure (in one gemeente when given)."""
        sql = """SELECT DISTINCT o.indicator_id FROM observations o
                 JOIN regions r ON r.code = o.region_code AND r.year = o.region_year
                 WHERE o.value IS NOT NULL"""
        params: list[object] = []
        if gemeente:
            sql += " AND r.gemeente_code = ?"
            params.append(gemeente)
        return {str(row[0]) for row in self._con.execute(sql, params).fetchall()}

    def unmatched(self, source: str | None = None) -> pd.DataFrame:
        """Source columns that matched no catalogue indicator, kept verbatim (of each key only
        the newest import's cells: :mod:`wijkkompas.store.unmatched`)."""
        cells = unmatched.current_cells(self._con, source)
        with registered(self._con, cells, "cells") as name:
            return self._frame(
                f"SELECT * EXCLUDE (import_id) FROM {name} "
                "ORDER BY source_column, region_code, region_year"
            )

    def postcodes(self) -> pd.DataFrame:
        """Each region-year's most common postcode as its source wrote it (``region_code``,
        ``region_year``, ``postcode``), from the newest import that had one.

        The KWB's "meest voorkomende postcode" is text, not a figure, so loaders keep it
        verbatim among the unmatched columns (ADR 0008): ``pst_mvp`` in the kwb files,
        ``MeestVoorkomendePostcode_NNN`` in OData and "Meest voorkomende postcode" in StatLine
        label exports. Missing markers ('.') are left to the caller.
        """
        cells = unmatched.current_cells(self._con, columns=unmatched.postcode_column)
        with registered(self._con, cells, "cells") as name:
            return self._frame(
                f"""SELECT region_code, region_year, trim(value_text) AS postcode
                    FROM {name}
                    WHERE value_text IS NOT NULL
                    QUALIFY row_number() OVER (
                        PARTITION BY region_code, region_year ORDER BY import_id DESC) = 1
                    ORDER BY region_code, region_year"""
            )

    def boundary_changes(self) -> pd.DataFrame:
        return self._frame(
            "SELECT region_code, region_year, change_code FROM boundary_changes ORDER BY 1, 2"
        )

    def crosswalk(self) -> pd.DataFrame:
        """Code crosswalks between boundary years, as imported."""
        return self._frame("SELECT * EXCLUDE (import_id) FROM crosswalk ORDER BY 1, 2, 3, 4")

    def references(self) -> pd.DataFrame:
        """Stored references, oldest first (without their JSON)."""
        columns = ["name", "created_at", "catalogue_version", "catalogue_hash", "active", "note"]
        if not self._has_table("index_references"):
            return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
        return self._frame(f"SELECT {', '.join(columns)} FROM index_references ORDER BY created_at")

    def reference_json(self, name: str) -> str | None:
        if not self._has_table("index_references"):
            return None
        rows = self._con.execute(
            "SELECT reference FROM index_references WHERE name = ?", [name]
        ).fetchall()
        return str(rows[0][0]) if rows else None

    def active_reference(self) -> str | None:
        """The name of the reference ``index`` uses, or None for the catalogue's own."""
        if not self._has_table("index_references"):
            return None
        rows = self._con.execute("SELECT name FROM index_references WHERE active").fetchall()
        return str(rows[0][0]) if rows else None

    def figures_version(self) -> str | None:
        """Changes with every write that can change the figures (not with a saved run or
        reference); None for a store written before versions were kept."""
        rows = self._con.execute("SELECT value FROM meta WHERE key = 'figures_version'").fetchall()
        return str(rows[0][0]) if rows else None

    def other_sources_have_figures(self, source: str) -> bool:
        """Whether an import by another source than ``source`` wrote figures. Asked of the
        small imports table first: a store of one source (twelve KWB years) then needs no scan
        of its millions of figures to know that no two sources overlap."""
        (found,) = self._con.execute(
            "SELECT count(*) FROM imports WHERE source <> ? AND n_observations > 0", [source]
        ).fetchone() or (0,)
        return bool(found)

    def index_runs(self) -> pd.DataFrame:
        """Saved index runs, newest last (without their bulky reference)."""
        return self._frame(
            "SELECT run_id, created_at, label, catalogue_sha256, scope, manifest "
            "FROM index_runs ORDER BY created_at"
        )

    def index_run_reference(self, run_id: str) -> str | None:
        rows = self._con.execute(
            "SELECT reference FROM index_runs WHERE run_id = ?", [run_id]
        ).fetchall()
        return str(rows[0][0]) if rows else None

    def index_scores(self, run_id: str) -> pd.DataFrame:
        """The scores of one saved run: code, level, year and one column per score.

        Runs saved since schema 6 are one Parquet table (:mod:`wijkkompas.store.run_tables`),
        since schema 7 in a table of their own (``index_run_parts`` names it); older runs are
        JSON rows, read by :meth:`_index_scores_json`."""
        if self._has_table("index_run_parts"):
            parts = self._con.execute(
                "SELECT table_name FROM index_run_parts WHERE run_id = ?", [run_id]
            ).fetchall()
            if parts:
                stored = self._con.execute(f"SELECT scores FROM {parts[0][0]}").fetchall()
                return run_tables.decode(stored[0][0] if stored else b"")
        if self._has_table("index_run_tables"):
            rows = self._con.execute(
                "SELECT scores FROM index_run_tables WHERE run_id = ?", [run_id]
            ).fetchall()
            if rows:
                return run_tables.decode(rows[0][0])
        return self._index_scores_json(run_id)

    def _index_scores_json(self, run_id: str) -> pd.DataFrame:
        """The scores of a run saved before schema 6, from its JSON rows.

        DuckDB joins the rows' JSON into one array, parsed in one call: a whole-country run of
        twelve years has 200,000 rows, and parsing them one by one (then ``json_normalize``)
        took most of the time of ``wijkkompas report``. The rows are flat objects, for which
        ``json_normalize`` is the plain frame of the records (a test holds the two alike)."""
        frame = self._frame(
            "SELECT code, level, year FROM index_scores WHERE run_id = ? ORDER BY year, code",
            [run_id],
        )
        if frame.empty:
            return frame
        (text,) = self._con.execute(
            """SELECT '[' || string_agg(CAST(scores AS VARCHAR), ',' ORDER BY year, code) || ']'
               FROM index_scores WHERE run_id = ?""",
            [run_id],
        ).fetchall()[0]
        return pd.concat([frame, pd.DataFrame(json.loads(text))], axis=1)

    def imports(self) -> pd.DataFrame:
        """Provenance of every import, newest last."""
        return self._frame("SELECT * FROM imports ORDER BY import_id")

    def import_years(self) -> dict[int, list[int]]:
        """Per import, the boundary years of what it wrote that is still in the store (its
        regions, figures and boundaries; a later import of the same keys replaces them)."""
        rows = self._con.execute(
            """SELECT import_id, list(DISTINCT year ORDER BY year) FROM (
                   SELECT import_id, year FROM regions
                   UNION ALL SELECT import_id, region_year FROM observations
                   UNION ALL SELECT import_id, region_year FROM geometries
               ) GROUP BY import_id"""
        ).fetchall()
        return {int(i): [int(y) for y in years] for i, years in rows}
