"""The wijkaanpak itself, its partners, their reciprocal agreements and its goals."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from wijkkompas.web.apps.accounts.models import Organisation
from wijkkompas.web.apps.accounts.permissions import Scope
from wijkkompas.web.apps.plans.models.history import AppendOnly


class Plan(models.Model):
    """A wijkaanpak: an area, a span of years and a vision shared by its partners."""

    title = models.CharField(_("naam van de aanpak"), max_length=200)
    gemeente_code = models.CharField(max_length=6)
    area_codes = models.JSONField(default=list)
    """CBS codes (wijken and/or buurten) in the boundaries of ``boundary_year``."""
    boundary_year = models.PositiveSmallIntegerField(null=True)
    start_year = models.PositiveSmallIntegerField(_("eerste jaar"))
    end_year = models.PositiveSmallIntegerField(_("laatste jaar"))
    vision = models.TextField(_("gezamenlijke visie"))
    residents_goals = models.TextField(_("doelen van bewoners, in hun eigen woorden"), blank=True)
    demo_key = models.CharField(max_length=40, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_year", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)

    @property
    def is_demo(self) -> bool:
        return self.gemeente_code == "GM9999"

    def permission_scope(self) -> Scope:
        partners = frozenset(self.partners.values_list("organisation_id", flat=True))
        return Scope(area=tuple(self.area_codes), organisations=partners)


class PlanPartner(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="partners")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    contribution = models.TextField(_("wat deze partner inbrengt"), blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "organisation"], name="one_partnership")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}/{self.organisation_id}"


class Agreement(models.Model):
    """A prestatieafspraak: one party commits something, in return for something from another."""

    class Kind(models.TextChoices):
        MONEY = "geld", _("Geld")
        PEOPLE = "mensen", _("Mensen")
        HOUSING = "woningen", _("Woningen")
        SERVICES = "diensten", _("Diensten")
        OTHER = "anders", _("Anders")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="agreements")
    giver = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("soort inzet"), max_length=16, choices=Kind.choices)
    commitment = models.TextField(_("wat de partner belooft"))
    quantity = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    """Euros per year for money, fte for people, dwellings for housing; empty otherwise."""
    receiver = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    in_return = models.TextField(_("wat daar tegenover staat"))
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start_year", "id"]

    def __str__(self) -> str:
        return f"{self.giver_id} → {self.receiver_id}: {self.commitment[:40]}"

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)

    def permission_scope(self) -> Scope:
        return Scope(
            area=tuple(self.plan.area_codes),
            organisations=frozenset({self.giver_id, self.receiver_id}),
        )


class AgreementStatus(AppendOnly):
    """How an agreement stood in one year, as recorded on one date; the newest one counts."""

    class Status(models.TextChoices):
        AGREED = "afgesproken", _("Afgesproken")
        UNDERWAY = "bezig", _("Bezig")
        KEPT = "nagekomen", _("Nagekomen")
        PARTLY = "deels", _("Deels nagekomen")
        NOT_KEPT = "niet_nagekomen", _("Niet nagekomen")

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="statuses")
    year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices)
    note = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.CharField(max_length=32)

    class Meta:
        ordering = ["year", "recorded_at", "id"]


class Goal(models.Model):
    """A goal on a monitor measure (indicator, dimension, condition) or a qualitative one."""

    class Kind(models.TextChoices):
        INDICATOR = "indicator", _("Indicator")
        DIMENSION = "dimension", _("Dimensie")
        SOCIAL_QUALITY = "social_quality", _("Conditie van sociale kwaliteit")
        QUALITATIVE = "qualitative", _("Kwalitatief, beoordeeld door bewoners")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="goals")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(_("doel in gewone woorden"), max_length=300)
    indicator_id = models.CharField(max_length=64, blank=True)
    dimension = models.CharField(max_length=32, blank=True)
    social_quality = models.CharField(max_length=32, blank=True)
    """For an indicator goal: the condition its indicator is tagged with in the catalogue."""
    baseline_year = models.PositiveSmallIntegerField(null=True, blank=True)
    baseline_value = models.FloatField(null=True, blank=True)
    baseline_source = models.CharField(max_length=64, blank=True)
    """The monitor source (import or index run) the baseline was read from."""
    target_year = models.PositiveSmallIntegerField()
    target_value = models.FloatField(null=True, blank=True)
    resident_measure = models.TextField(_("hoe bewoners het beoordelen"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title

    @property
    def index_run_id(self) -> str | None:
        """The saved index run a dimension or condition goal's baseline came from."""
        # imported here: the progress module pulls in the monitor (pandas, scipy), which Django
        # should not load just to know its models
        from wijkkompas.plans.index_progress import run_id_of

        return run_id_of(self.baseline_source)

    def permission_scope(self) -> Scope:
        return self.plan.permission_scope()
