"""Writing the analytic store by copy-and-rename, reading it read-only.

DuckDB allows one writer or many readers per file. The web app keeps readers open, so an import
never writes the live file: it copies it to a temporary file beside it, writes the copy in one
transaction, checkpoints, and renames it over the live file (atomic on POSIX). Readers that are
open keep reading the old inode; new readers see the new file. If anything fails before the
rename, the temporary file is removed and the live store is untouched, byte for byte.

A writer that is killed (SIGKILL, a power cut, the OOM killer) cannot remove its temporary file
(and DuckDB's ``.wal`` beside it). Every writer holds the store's lock for as long as its
temporary exists, so the next writer, once it holds the lock, knows that any temporary it finds
belongs to a dead writer and removes it before it starts.

Work that writes more than once (the demo: its figures, then an index run computed from them)
uses :meth:`AnalyticStore.staged`: all its writes go to one private copy, swapped in once, so
a reader never sees figures without their index run.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from wijkkompas import __version__
from wijkkompas.errors import StoreError
from wijkkompas.store import run_tables
from wijkkompas.store.batch import ImportBatch
from wijkkompas.store.reader import StoreReader
from wijkkompas.store.schema import ensure_schema, run_scores_table
from wijkkompas.store.tables import check_region_references, next_import_id, write_tables

Progress = Callable[[str], None]
log = logging.getLogger(__name__)

STORE_READ_ERRORS: tuple[type[Exception], ...] = (StoreError, duckdb.Error)
"""What reading the store raises when the file is missing, is no wijkkompas store, or is damaged
(for example copied over in place, not renamed: a reader then finds other blocks than its
catalogue says). The web app answers each of them, wherever it happens, with 503 "no data yet"."""


@dataclass(frozen=True)
class ImportSummary:
    """What one import wrote."""

    import_id: int
    source: str
    regions: int
    observations: int
    unmatched: int
    geometries: int
    seconds: float
    national: int = 0
    """Figures for the whole country (``national_observations``)."""


class AnalyticStore:
    """One DuckDB file of numbers about places; see the module docstring for the write protocol."""

    def __init__(self, path: Path | str, *, _staging: bool = False) -> None:
        self.path = Path(path)
        self._staging = _staging
        """A private copy handed out by :meth:`staged`: written in place, no lock, no copy."""

    def exists(self) -> bool:
        return self.path.is_file()

    def missing(self) -> StoreError:
        """The error for a store file that is not there, saying how to make one."""
        return StoreError(
            f"There is no analytic store at {self.path}. Build one with "
            f"`wijkkompas --store {self.path} demo`, or import data into it first."
        )

    @contextmanager
    def reader(self) -> Iterator[StoreReader]:
        """Open the current store file read-only; the caller may hold it while imports swap."""
        if not self.path.is_file():
            raise self.missing()
        try:
            con = duckdb.connect(str(self.path), read_only=True)
        except duckdb.Error as exc:
            raise StoreError(
                f"The file {self.path} could not be opened as an analytic store ({exc}). "
                "Is it a wijkkompas store? Choose another path with --store."
            ) from exc
        try:
            yield StoreReader(con)
        finally:
            con.close()

    @property
    def is_staging(self) -> bool:
        """A private copy handed out by :meth:`staged` (nothing is cached beside it)."""
        return self._staging

    @contextmanager
    def writing(self, *, changes_figures: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to a private copy of the store, swapped in only if the block succeeds.

        Unless the caller says it only adds runs or references (``changes_figures=False``), the
        write gives the store a new figures version: what was computed from the old figures
        and kept beside the store (:mod:`wijkkompas.store.panel_cache`) is then not used."""
        if not self._staging:
            with self.staged() as staging, staging.writing(changes_figures=changes_figures) as con:
                yield con
            return
        con = duckdb.connect(str(self.path))
        try:
            ensure_schema(con)
            con.execute("BEGIN TRANSACTION")
            yield con
            if changes_figures:
                con.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('figures_version', ?)", [uuid.uuid4().hex]
                )
            con.execute("COMMIT")
            con.execute("CHECKPOINT")
        finally:
            con.close()

    @contextmanager
    def staged(self) -> Iterator[AnalyticStore]:
        """A private copy of the store to write and read as often as the block needs; it
        replaces the live store in one rename when the block succeeds and is removed when it
        fails, so readers see all of the block's writes or none of them."""
        if self._staging:
            yield self
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._writer_lock():
            self._remove_stale_temporaries()
            tmp = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex}.tmp")
            try:
                if self.path.exists():
                    shutil.copy2(self.path, tmp)
                yield AnalyticStore(tmp, _staging=True)
                _fsync(tmp)
                os.replace(tmp, self.path)
                _fsync(self.path.parent)
            finally:
                _remove(tmp)
                _remove(tmp.with_name(tmp.name + ".wal"))
                _remove(tmp.with_name(tmp.name + ".tmp"))

    def _remove_stale_temporaries(self) -> list[Path]:
        """Remove what killed writers left beside the store; call only with the lock held.

        Only this store's own temporaries are touched: ``.<store name>.<32 hex>.tmp``, with
        DuckDB's ``.wal`` file and ``.tmp`` spill folder beside it.
        """
        own = re.compile(rf"\.{re.escape(self.path.name)}\.[0-9a-f]{{32}}\.tmp(\.wal|\.tmp)?")
        stale = [p for p in self.path.parent.iterdir() if own.fullmatch(p.name)]
        for path in stale:
            _remove(path)
        if stale:
            log.info("removed temporaries of an interrupted write: %s", [p.name for p in stale])
        return stale

    @contextmanager
    def _writer_lock(self) -> Iterator[None]:
        """Serialise writers, so two imports cannot both copy the same old file."""
        lock_path = self.path.with_name(self.path.name + ".lock")
        with open(lock_path, "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreError(
                    f"Another import is writing {self.path} right now. Wait until it has "
                    "finished and try again."
                ) from None
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def import_batch(self, batch: ImportBatch, progress: Progress | None = None) -> ImportSummary:
        """Write one batch in one transaction; replace what the same source wrote for the same keys."""
        return self.import_batches([batch], progress=progress)[0]

    def save_index_run(
        self,
        *,
        run_id: str,
        label: str,
        catalogue_sha256: str,
        scope: str,
        manifest: dict[str, object],
        reference_json: str,
        scores: pd.DataFrame,
    ) -> None:
        """Keep an index run, so a plan's baseline can point at exactly the run it came from.

        ``scores`` has ``code``, ``level``, ``year`` and any score columns. They are kept as one
        compressed Parquet table (:mod:`wijkkompas.store.run_tables`), so new score columns need
        no schema change and a whole-country run adds megabytes to the store, not a hundred.
        """
        table = run_tables.encode(scores)
        with self.writing(changes_figures=False) as con:
            con.execute(
                "INSERT INTO index_runs VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    run_id,
                    datetime.now(UTC).replace(tzinfo=None),
                    label,
                    catalogue_sha256,
                    scope,
                    json.dumps(manifest, default=str, sort_keys=True),
                    reference_json,
                ],
            )
            name = run_scores_table(run_id)
            con.execute(f"CREATE TABLE {name} (scores BLOB NOT NULL)")
            con.execute(f"INSERT INTO {name} VALUES (?)", [table])
            con.execute(
                "INSERT INTO index_run_parts VALUES (?, ?, ?)", [run_id, run_tables.FORMAT, name]
            )

    def save_reference(
        self,
        *,
        name: str,
        catalogue_version: str,
        catalogue_hash: str,
        reference_json: str,
        note: str,
        activate: bool,
    ) -> None:
        """Keep a fitted reference under its name (refusing to overwrite one: a reference is a
        yardstick others cite), optionally making it the one ``index`` uses."""
        with self.writing(changes_figures=False) as con:
            (exists,) = con.execute(
                "SELECT count(*) FROM index_references WHERE name = ?", [name]
            ).fetchone() or (0,)
            if exists:
                raise StoreError(
                    f"The store already has a reference named '{name}'. References are never "
                    "overwritten (runs and plans cite them): choose another --name."
                )
            if activate:
                con.execute("UPDATE index_references SET active = FALSE")
            con.execute(
                "INSERT INTO index_references VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    name, datetime.now(UTC).replace(tzinfo=None), catalogue_version,
                    catalogue_hash, activate, note, reference_json,
                ],
            )  # fmt: skip

    def activate_reference(self, name: str | None) -> None:
        """Make a stored reference the one ``index`` uses; None goes back to the catalogue's."""
        with self.writing(changes_figures=False) as con:
            if name is not None:
                (exists,) = con.execute(
                    "SELECT count(*) FROM index_references WHERE name = ?", [name]
                ).fetchone() or (0,)
                if not exists:
                    raise StoreError(
                        f"The store has no reference named '{name}'. "
                        "`wijkkompas reference list` shows the names."
                    )
            con.execute("UPDATE index_references SET active = (name = ?)", [name or ""])

    def import_batches(
        self, batches: list[ImportBatch], progress: Progress | None = None
    ) -> list[ImportSummary]:
        """Write several batches in one transaction: all of them land, or none does."""
        for batch in batches:
            batch.validate()
        step = progress or (lambda _message: None)
        summaries = []
        with self.writing() as con:
            for batch in batches:
                summaries.append(_write_batch(con, batch, step))
            for batch, summary in zip(batches, summaries, strict=True):
                check_region_references(con, batch.source, summary.import_id)
            step("saving")
        return summaries


def _write_batch(
    con: duckdb.DuckDBPyConnection, batch: ImportBatch, step: Progress
) -> ImportSummary:
    started = datetime.now(UTC).replace(tzinfo=None)
    clock = time.perf_counter()
    import_id = next_import_id(con)
    write_tables(con, batch, import_id, step)
    con.execute(
        "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            import_id,
            batch.source,
            batch.description,
            started,
            datetime.now(UTC).replace(tzinfo=None),
            __version__,
            json.dumps(batch.provenance, default=str, sort_keys=True),
            len(batch.regions),
            len(batch.observations),
            len(batch.unmatched),
            len(batch.geometries),
        ],
    )
    return ImportSummary(
        import_id=import_id,
        source=batch.source,
        regions=len(batch.regions),
        observations=len(batch.observations),
        unmatched=len(batch.unmatched),
        geometries=len(batch.geometries),
        seconds=time.perf_counter() - clock,
        national=len(batch.national),
    )


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
