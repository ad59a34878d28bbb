"""The background jobs a page shows: the latest of this store, and whether an upload is taken."""

from __future__ import annotations

from pathlib import Path

from wijkkompas.store import AnalyticStore
from wijkkompas.web.apps.datamanagement.models import Job
from wijkkompas.web.apps.datamanagement.services.jobs import store_key

RECENT_JOBS = 10


def recent_jobs(store: AnalyticStore, limit: int = RECENT_JOBS) -> list[Job]:
    """The newest jobs on ``store`` (a site may switch stores; the jobs of another are not shown)."""
    return list(Job.objects.filter(store=store_key(store))[:limit])


def upload_taken(folder: Path) -> bool:
    """Whether a job took the files in ``folder`` (the upload view deletes them otherwise)."""
    return Job.objects.filter(upload_dir=str(folder)).exists()


def latest_index_job(store: AnalyticStore) -> Job | None:
    """The newest index run started here that finished: the validation page shows its result."""
    return Job.objects.filter(
        store=store_key(store), kind=Job.Kind.INDEX, state=Job.State.DONE
    ).first()
