"""Organisations, people and their roles.

Personal data (a name, an e-mail address) lives only in :class:`Person`, apart from the login
account and from everything people did: plan history refers to the person's ``pseudonym``. On an
erasure request (AVG art. 17) the person's data are wiped and the account closed, while the
history keeps pointing at the same pseudonym, so the record of decisions stays whole.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wijkkompas.web.apps.accounts.roles import Role


def new_pseudonym() -> str:
    """Random, not derived from any personal data, so it reveals nothing after erasure."""
    return "p-" + secrets.token_hex(5)


class Organisation(models.Model):
    """A partner in the wijkaanpak; roles and plan commitments are held on its behalf."""

    class Kind(models.TextChoices):
        GEMEENTE = "gemeente", _("Gemeente")
        WONINGCORPORATIE = "woningcorporatie", _("Woningcorporatie")
        WELZIJN = "welzijn", _("Welzijn")
        ZORG = "zorg", _("Zorg")
        GGZ = "ggz", _("GGZ")
        POLITIE = "politie", _("Politie")
        ONDERWIJS = "onderwijs", _("Onderwijs")
        HUURDERSORGANISATIE = "huurdersorganisatie", _("Huurdersorganisatie")
        BEWONERSORGANISATIE = "bewonersorganisatie", _("Bewonersorganisatie")
        ONDERNEMERS = "ondernemers", _("Ondernemers")
        OTHER = "other", _("Andere organisatie")

    name = models.CharField(_("naam"), max_length=200, unique=True)
    kind = models.CharField(_("soort"), max_length=32, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """The erasable personal data of one account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="person"
    )
    pseudonym = models.CharField(max_length=16, unique=True, default=new_pseudonym, editable=False)
    name = models.CharField(_("naam"), max_length=200, blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)
    """A demo account with a published password: only ever created on the demo data."""

    def __str__(self) -> str:
        return self.pseudonym


class RoleAssignment(models.Model):
    """One role, for one organisation (partners) and/or one area (empty: everywhere)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("rol"), max_length=32, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    area_code = models.CharField(_("gebied"), max_length=10, blank=True)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organisation", "area_code"], name="unique_role"
            ),
            models.CheckConstraint(
                condition=~models.Q(role="public"), name="public_is_never_assigned"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role}@{self.organisation_id or '-'}/{self.area_code or '*'}"


class FailureCount(models.Model):
    """Failed attempts per key per time window: throttles that hold across every worker process.

    Used for logging in (per account, per client) and for entering a resident code (per client,
    per client and code prefix); see :mod:`wijkkompas.web.apps.accounts.throttle`. ``key`` is a
    keyed hash, so the table holds no user name, address or code.
    """

    scope = models.CharField(max_length=32)
    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key", "window_start"], name="one_failure_count_per_window"
            )
        ]
        indexes = [models.Index(fields=["scope", "window_start"], name="failure_count_age")]

    def __str__(self) -> str:
        return f"{self.scope}: {self.count}"
