"""Interventions (small resident initiatives included), their budgets, spending and timeline."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from wijkkompas.web.apps.accounts.models import Organisation
from wijkkompas.web.apps.accounts.permissions import Scope
from wijkkompas.web.apps.plans.models.history import AppendOnly
from wijkkompas.web.apps.plans.models.plan import Goal, Plan


class Intervention(models.Model):
    class Pillar(models.TextChoices):
        SOCIAL_BASE = "sociale_basis", _("Sociale basis")
        SOCIAL_MOBILITY = "sociale_stijging", _("Sociale stijging")
        SOCIAL_RECLAIM = "sociale_herovering", _("Sociale herovering")
        PHYSICAL = "fysiek", _("Fysiek")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="interventions")
    title = models.CharField(_("naam"), max_length=200)
    description = models.TextField(_("wat er gebeurt"))
    pillar = models.CharField(_("pijler"), max_length=24, choices=Pillar.choices)
    lead = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    partners = models.ManyToManyField(Organisation, blank=True, related_name="+")
    goals = models.ManyToManyField(Goal, blank=True, related_name="interventions")
    area_codes = models.JSONField(default=list, blank=True)
    """Empty: the whole plan area."""
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("einde"), null=True, blank=True)
    resident_initiative = models.BooleanField(_("bewonersinitiatief"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start_date", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def area(self) -> list[str]:
        return list(self.area_codes) or list(self.plan.area_codes)

    def organisation_ids(self) -> frozenset[int]:
        return frozenset({self.lead_id, *(p.pk for p in self.partners.all())})

    def permission_scope(self) -> Scope:
        return Scope(area=tuple(self.area), organisations=self.organisation_ids())


class BudgetLine(models.Model):
    """What one partner budgets for an intervention in one year; changes are in the history."""

    intervention = models.ForeignKey(
        Intervention, on_delete=models.PROTECT, related_name="budget_lines"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["year", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["intervention", "organisation", "year"], name="one_budget_line"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.year}: {self.amount}"


class Spending(AppendOnly):
    """Money actually spent, as reported by a partner; a correction is a new (negative) row."""

    intervention = models.ForeignKey(
        Intervention, on_delete=models.PROTECT, related_name="spending"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    note = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.CharField(max_length=32)

    class Meta:
        ordering = ["year", "recorded_at", "id"]


class TimelineEntry(AppendOnly):
    """A dated status update: what happened, and what the status was from then on."""

    class Status(models.TextChoices):
        PLANNED = "gepland", _("Gepland")
        STARTED = "gestart", _("Gestart")
        RUNNING = "loopt", _("Loopt")
        DELAYED = "vertraagd", _("Vertraagd")
        DONE = "afgerond", _("Afgerond")
        STOPPED = "gestopt", _("Gestopt")

    intervention = models.ForeignKey(
        Intervention, on_delete=models.PROTECT, related_name="timeline"
    )
    date = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices)
    note = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.CharField(max_length=32)

    class Meta:
        ordering = ["date", "recorded_at", "id"]
