"""Append-only records: the plan's history and everything that is a dated statement.

A row of an append-only model is written once and never updated or deleted, not even through a
queryset; a correction is a new row. That is what lets the plan page say "this is what was
decided, by whom, when" without having to trust that nobody edited it since.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    """Someone tried to change or delete a record that may only be added to."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model.__name__} rows are never updated; add a new one")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model.__name__} rows are never deleted")


class AppendOnly(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are never updated; add a new one")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{type(self).__name__} rows are never deleted")


class HistoryEntry(AppendOnly):
    """One change to a plan or one of its parts: who (pseudonym), when, in which role, what."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="history")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.CharField(_("wie"), max_length=32)
    """The person's pseudonym, never a name: history outlives an erasure request."""
    actor_role = models.CharField(max_length=32)
    actor_organisation = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=32)
    object_id = models.PositiveBigIntegerField()
    changes = models.JSONField(default=dict)
    """``{field: [old, new]}``; on creation the old values are null."""

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}:{self.object_id}"
