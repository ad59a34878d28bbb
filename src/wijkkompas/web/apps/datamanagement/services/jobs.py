"""Imports and index runs started from the browser, done in a background thread.

The request that starts a job returns at once; the job's row in the app database says how far
it is, so any web worker can show its status page. The work itself is exactly the command
line's: :func:`~wijkkompas.sources.importer.import_files` (all or nothing) and
:func:`~wijkkompas.services.scoring.run_index` with the run saved, then the checks of ``wijkkompas
validate``.

**One write job per store at a time.** The request takes a lock file beside the store
(``<store>.web-job.lock``, ``flock``) before it creates the job, and hands it to the thread,
which lets go only after it has written the job's outcome. A second job, from any worker on
the machine, is refused while the lock is held. The kernel drops the lock when a process dies,
so a job still "running" in the database without its lock held was interrupted: it is marked
so (:func:`check_alive`) and no longer blocks anything. An import on the command line has the
store's own writer lock; a job that meets it fails with a message saying so, and changes
nothing.
"""

from __future__ import annotations

import fcntl
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any

from django.db import OperationalError, connections, transaction
from django.utils import timezone

from wijkkompas.errors import StoreError, WijkkompasError
from wijkkompas.store import AnalyticStore
from wijkkompas.web.apps.datamanagement.models import Job
from wijkkompas.web.apps.datamanagement.services import uploads

log = logging.getLogger(__name__)

LOCK_SUFFIX = ".web-job.lock"


class Busy(Exception):
    """Another write job holds this store."""


class FilesGone(Exception):
    """The files a re-import needs are no longer kept."""


class JobLock:
    """The store's job lock, held from the request that starts a job until the job has ended."""

    def __init__(self, store: AnalyticStore) -> None:
        store.path.parent.mkdir(parents=True, exist_ok=True)
        self._handle: IO[str] | None = open(  # noqa: SIM115 (held beyond this function)
            store.path.with_name(store.path.name + LOCK_SUFFIX), "a+"
        )
        try:
            fcntl.flock(self._handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._handle.close()
            self._handle = None
            raise Busy(str(store.path)) from None

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


def is_busy(store: AnalyticStore) -> bool:
    """Whether a write job holds the store right now (in any process on this machine)."""
    try:
        JobLock(store).release()
    except Busy:
        return True
    return False


def store_key(store: AnalyticStore) -> str:
    return str(store.path.resolve())


def check_alive(job: Job) -> Job:
    """A job the database calls active while nobody holds its store's lock was interrupted
    (the server stopped or restarted during it): say so, and stop it blocking new jobs."""
    if job.active and not is_busy(AnalyticStore(job.store)):
        job.refresh_from_db()
        if job.active:
            _mark_interrupted(Job.objects.filter(pk=job.pk))
            job.refresh_from_db()
    return job


def active_job(store: AnalyticStore) -> Job | None:
    job = Job.objects.filter(store=store_key(store), state__in=Job.ACTIVE).first()
    if job is not None:
        job = check_alive(job)
    return job if job is not None and job.active else None


def _mark_interrupted(jobs: Any) -> None:
    for job in jobs.filter(state__in=Job.ACTIVE):
        _finish_files(job, keep=False)
    jobs.filter(state__in=Job.ACTIVE).update(
        state=Job.State.FAILED, failure="interrupted", finished_at=timezone.now()
    )


def _launch(work: Callable[[], None]) -> None:
    """Run ``work`` in a background thread (tests replace this to run it inline)."""

    def in_thread() -> None:
        try:
            work()
        finally:
            connections.close_all()  # this thread's connections only

    threading.Thread(target=in_thread, name="wijkkompas-job", daemon=True).start()


def start(
    *,
    store: AnalyticStore,
    kind: str,
    started_by: str,
    files: list[dict[str, Any]] | None = None,
    options: dict[str, Any] | None = None,
    upload_dir: str = "",
    parent: Job | None = None,
) -> Job:
    """Create a job and start it; :class:`Busy` when another holds the store.

    With the lock held, jobs the database still calls active were interrupted, and kept
    uploads of earlier imports are deleted: only the newest import's are kept for a mapping.
    """
    lock = JobLock(store)
    try:
        key = store_key(store)
        _mark_interrupted(Job.objects.filter(store=key))
        with transaction.atomic():
            if parent is not None:
                parent.refresh_from_db()
                if not upload_dir or parent.upload_dir != upload_dir:
                    raise FilesGone(upload_dir)
            earlier = Job.objects.filter(store=key).exclude(upload_dir="")
            if kind == Job.Kind.IMPORT:
                for old in earlier:
                    if old.upload_dir != upload_dir:
                        uploads.remove(old.upload_dir)
                earlier.update(upload_dir="")
                tidy_uploads(keep=upload_dir)
            job = Job.objects.create(
                kind=kind,
                store=key,
                started_by=started_by,
                files=files or [],
                options=options or {},
                upload_dir=upload_dir,
                parent=parent,
            )
    except BaseException:
        lock.release()
        raise
    _launch(lambda: run(job.pk, lock))
    return job


def tidy_uploads(keep: str = "") -> None:
    """Delete kept uploads older than a day (``uploads.KEEP_FOR``), never an active job's."""
    active = Job.objects.filter(state__in=Job.ACTIVE).exclude(upload_dir="")
    uploads.tidy(keep=[keep, *active.values_list("upload_dir", flat=True)])
    for job in Job.objects.exclude(upload_dir="").exclude(state__in=Job.ACTIVE):
        if not Path(job.upload_dir).is_dir():
            Job.objects.filter(pk=job.pk).update(upload_dir="")


LOCKED_RETRIES = 60
"""Tries of a job's own status write while SQLite reports the table locked (about 3 s)."""


def _retry_while_locked(write: Callable[[], Any]) -> Any:
    """``write()``, tried again while SQLite says the table is locked.

    A job writes its status from its own thread while page requests read the same table. In
    SQLite's shared-cache mode (the test database, and any deployment that uses it) a
    conflicting table lock fails at once with "database table is locked", without waiting
    for the busy timeout: a job must not fail for that, so its writes wait their turn."""
    for attempt in range(LOCKED_RETRIES):
        try:
            return write()
        except OperationalError as exc:
            if "locked" not in str(exc) or attempt == LOCKED_RETRIES - 1:
                raise
            time.sleep(0.05)
    return None  # not reached: the last attempt raises


def run(job_id: int, lock: JobLock) -> None:
    """Do one job and record its outcome, whatever happens; then let go of the store."""
    try:
        job = Job.objects.get(pk=job_id)
    except BaseException:
        lock.release()
        raise
    try:
        _retry_while_locked(
            lambda: Job.objects.filter(pk=job_id).update(
                state=Job.State.RUNNING, started_at=timezone.now()
            )
        )
        result = _run_import(job) if job.kind == Job.Kind.IMPORT else _run_index(job)
        _finish(job, state=Job.State.DONE, result=result)
    except StoreError as exc:
        _finish(job, state=Job.State.FAILED, failure="store", detail=str(exc))
    except WijkkompasError as exc:
        failure = "import" if job.kind == Job.Kind.IMPORT else "index"
        _finish(job, state=Job.State.FAILED, failure=failure, detail=str(exc))
    except Exception:
        # A defect, not the user's file: the details go to the server's log, never the page.
        log.exception("job %s (%s) failed unexpectedly", job_id, job.kind)
        _finish(job, state=Job.State.FAILED, failure="defect")
    finally:
        lock.release()


def _finish(job: Job, *, state: str, result: dict[str, Any] | None = None, **fields: str) -> None:
    _retry_while_locked(lambda: _record_outcome(job, state, result, fields))


def _record_outcome(
    job: Job, state: str, result: dict[str, Any] | None, fields: dict[str, str]
) -> None:
    job.refresh_from_db()
    job.state = state
    job.result = result or {}
    job.finished_at = timezone.now()
    job.stage = ""
    job.stage_detail = ""
    for name, value in fields.items():
        setattr(job, name, value)
    keep = state == Job.State.DONE and bool(job.unmatched_columns)
    _finish_files(job, keep=keep)
    job.save()


def _finish_files(job: Job, *, keep: bool) -> None:
    """Delete the uploaded files unless they are kept for a re-import with a mapping."""
    if job.upload_dir and not keep:
        uploads.remove(job.upload_dir)
        job.upload_dir = ""
        Job.objects.filter(pk=job.pk).update(upload_dir="")


class Progress:
    """The importer's and the index's steps, as the stage the status page words."""

    def __init__(self, job: Job) -> None:
        self.job_id = job.pk
        self.last: tuple[str, str] = ("", "")

    def __call__(self, message: str) -> None:
        if message.startswith("reading "):
            now = ("reading", message.removeprefix("reading ")[:300])
        else:
            now = ("writing", "")
        self.set(*now)

    def set(self, stage: str, detail: str = "") -> None:
        if (stage, detail) != self.last:
            self.last = (stage, detail)
            _retry_while_locked(
                lambda: Job.objects.filter(pk=self.job_id).update(stage=stage, stage_detail=detail)
            )


def _run_import(job: Job) -> dict[str, Any]:
    from wijkkompas.sources.base import LoadOptions
    from wijkkompas.sources.importer import import_files

    folder = Path(job.upload_dir)
    options = job.options
    metadata = options.get("metadata")
    load_options = LoadOptions(
        year=options.get("year"),
        mapping=dict(options.get("mapping", {})),
        units=dict(options.get("units", {})),
        metadata=(folder / metadata).read_bytes() if metadata else None,
        release=options.get("release"),
    )
    reports = import_files(
        AnalyticStore(job.store),
        [folder / f["stored"] for f in job.files],
        source=options.get("source", "auto"),
        options=load_options,
        progress=Progress(job),
        names=[f["name"] for f in job.files],
    )
    return {"reports": plain([asdict(r) for r in reports])}


INDEX_DRAWS = 200
"""Draws for the rank intervals: the default of ``wijkkompas index``."""
LEEFBAAROMETER_MEASURES = ("lbm_score",)
SES_WOA_MEASURES = ("ses_woa_score",)


def _run_index(job: Job) -> dict[str, Any]:
    from wijkkompas.services.scoring import run_index
    from wijkkompas.services.validation import agreement_with_leefbaarometer, agreement_with_ses_woa

    store = AnalyticStore(job.store)
    progress = Progress(job)
    progress.set("scoring")
    run = run_index(store, draws=INDEX_DRAWS, save=True)
    table = run.table
    scored = table.dropna(subset=["total"])
    result: dict[str, Any] = {
        "run_id": run.run_id,
        "scope": run.scope,
        "reference": run.notes[0] if run.notes else "",
        "years": sorted(int(y) for y in table["year"].unique()),
        "regions": {str(k): int(v) for k, v in table.groupby("level")["code"].nunique().items()},
        "with_total": {
            str(k): int(v) for k, v in scored.groupby("level")["code"].nunique().items()
        },
    }
    progress.set("validating")
    # The run is saved: from here on nothing may fail the job, or its page would say that
    # nothing changed.
    try:
        with store.reader() as reader:
            present = reader.indicator_ids()
    except Exception:
        log.exception("job %s: the store could not be read for validation", job.pk)
        present = set()
    result["validation"] = {
        "leefbaarometer": _agreement(
            present, LEEFBAAROMETER_MEASURES, lambda: agreement_with_leefbaarometer(run, store)
        ),
        "ses_woa": _agreement(
            present, SES_WOA_MEASURES, lambda: agreement_with_ses_woa(run, store)
        ),
    }
    return result


def _agreement(
    present: set[str], measures: tuple[str, ...], compute: Callable[[], Any]
) -> dict[str, Any]:
    """The agreements, or why there are none: no such figures at all, or too few pairs."""
    if not present.intersection(measures):
        return {"available": False, "reason": "no_figures"}
    try:
        found = compute()
    except WijkkompasError as exc:
        return {"available": False, "reason": "no_pairs", "detail": str(exc)}
    except Exception:
        log.exception("validation against %s failed", measures)
        return {"available": False, "reason": "defect"}
    return {"available": True, "agreements": plain([asdict(a) for a in found])}


def plain(value: Any) -> Any:
    """``value`` as JSON the app database keeps on any backend: numbers as Python numbers, a
    missing one (NaN) as null."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, bool | str) or value is None:
        return value
    if isinstance(value, int | float) or hasattr(value, "item"):
        number = value.item() if hasattr(value, "item") else value
        if isinstance(number, float) and not math.isfinite(number):
            return None
        return number
    return str(value)
