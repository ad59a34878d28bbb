"""The write jobs an analyst starts from the browser: imports and index runs.

A job runs in a background thread of the web process (:mod:`.jobs`); this table is how every
web worker sees how far it is, and what it produced. People are named by pseudonym only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import models


class Job(models.Model):
    class Kind(models.TextChoices):
        IMPORT = "import"
        INDEX = "index"

    class State(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    ACTIVE = (State.QUEUED, State.RUNNING)

    kind = models.CharField(max_length=16, choices=Kind.choices)
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    store = models.CharField(max_length=1000)
    """The analytic store the job writes (its resolved path)."""
    started_by = models.CharField(max_length=32)
    """The pseudonym of who started it, never a name."""
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    stage = models.CharField(max_length=16, blank=True)
    """``reading``, ``writing``, ``scoring`` or ``validating``: what the page says it does."""
    stage_detail = models.CharField(max_length=300, blank=True)
    """The file being read, during ``reading``."""
    files = models.JSONField(default=list, blank=True)
    """``{"name", "size", "stored"}`` per file: its own (cleaned) name, and the generated name
    it is kept under in ``upload_dir`` while it is kept."""
    options = models.JSONField(default=dict, blank=True)
    """What the command line's ``import`` options would say: source, year, release, mapping,
    units, and the metadata file's generated name."""
    upload_dir = models.CharField(max_length=1000, blank=True)
    """Where the uploaded files are kept; empty once they are deleted."""
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reimports"
    )
    """The import this one repeats with a mapping."""
    result = models.JSONField(default=dict, blank=True)
    failure = models.CharField(max_length=32, blank=True)
    """Why it failed, as a code the page words in the reader's language."""
    detail = models.TextField(blank=True)
    """The importer's or the index's own message (English), for the analyst to act on."""

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["store", "state"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} ({self.state})"

    @property
    def active(self) -> bool:
        return self.state in self.ACTIVE

    @property
    def files_kept(self) -> bool:
        return bool(self.upload_dir) and Path(self.upload_dir).is_dir()

    @property
    def reports(self) -> list[dict[str, Any]]:
        return list(self.result.get("reports", [])) if self.kind == self.Kind.IMPORT else []

    @property
    def unmatched_columns(self) -> list[str]:
        """Every column of this import's files that matched no indicator, once, in order."""
        seen: dict[str, None] = {}
        for report in self.reports:
            for column in report.get("unmatched_columns", []):
                seen.setdefault(str(column), None)
        return list(seen)
