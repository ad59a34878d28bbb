"""Resident codes and the record of failed attempts to enter one."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wijkkompas.web.apps.accounts.permissions import Scope


class ResidentCode(models.Model):
    """A personal code from a letter: proof of living in ``area_code``, nothing more.

    Only a keyed hash of the code is stored (``codes.code_hash``): someone who reads the
    database cannot sign in as a resident. The account is made when the code is first used;
    it carries a pseudonym, never a name unless the resident adds an e-mail address.
    """

    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    area_code = models.CharField(_("gebied"), max_length=10)
    batch = models.CharField(_("reeks"), max_length=120, blank=True)
    """Which letter or invitation round the code came with, e.g. "Brief Oosterpark 2026"."""
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resident_code",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["area_code"])]

    def __str__(self) -> str:
        return f"code@{self.area_code}"

    def permission_scope(self) -> Scope:
        return Scope(area=(self.area_code,))


class CodeAttempt(models.Model):
    """Failed code entries per client per time window: the rate limit, shared by all processes.

    ``client`` is a keyed hash of the client address, so no IP address is kept.
    """

    client = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    failures = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "window_start"], name="one_window_per_client")
        ]

    def __str__(self) -> str:
        return f"{self.failures} pogingen"
