"""Neighbourhood budgets decided by residents (participatory budgeting)."""

from __future__ import annotations

import uuid
from fractions import Fraction

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wijkkompas.budgeting.ballot_rules import BallotRules
from wijkkompas.web.apps.accounts.permissions import Scope


class NeighbourhoodBudget(models.Model):
    """Money for one area that residents distribute, in phases the organiser opens one by one."""

    class Phase(models.TextChoices):
        DRAFT = "draft", _("In voorbereiding")
        SUBMIT = "submit", _("Ideeën indienen")
        CHECK = "check", _("Ideeën worden bekeken")
        VOTE = "vote", _("Stemmen")
        RESULT = "result", _("Uitslag")

    class VoteType(models.TextChoices):
        APPROVAL = "approval", _("Vink de projecten aan die u goed vindt")
        CUMULATIVE = "cumulative", _("Verdeel punten over de projecten")
        ORDINAL = "ordinal", _("Zet projecten op volgorde")

    class Rule(models.TextChoices):
        MES = "mes", _("Methode van gelijke delen (met aanvulling)")
        GREEDY = "greedy", _("Meeste stemmen eerst")

    name = models.CharField(_("naam"), max_length=140)
    description = models.TextField(_("uitleg"), blank=True)
    area_code = models.CharField(_("gebied"), max_length=10)
    year = models.PositiveIntegerField(_("jaar"))
    amount = models.PositiveIntegerField(_("budget (euro)"))
    phase = models.CharField(max_length=8, choices=Phase.choices, default=Phase.DRAFT)
    vote_type = models.CharField(
        _("manier van stemmen"), max_length=12, choices=VoteType.choices, default=VoteType.APPROVAL
    )
    rule = models.CharField(_("rekenregel"), max_length=8, choices=Rule.choices, default=Rule.MES)
    use_category_budgets = models.BooleanField(default=False)
    min_length = models.PositiveIntegerField(_("minimaal aantal projecten"), null=True, blank=True)
    max_length = models.PositiveIntegerField(_("maximaal aantal projecten"), null=True, blank=True)
    min_sum_cost = models.PositiveIntegerField(null=True, blank=True)
    max_sum_cost = models.PositiveIntegerField(
        _("maximale kosten van de gekozen projecten"), null=True, blank=True
    )
    max_points = models.PositiveIntegerField(
        _("maximaal punten per project"), null=True, blank=True
    )
    max_sum_points = models.PositiveIntegerField(_("punten om te verdelen"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-year", "name"]

    def __str__(self) -> str:
        return self.name

    def permission_scope(self) -> Scope:
        return Scope(area=(self.area_code,))

    def ballot_rules(self) -> BallotRules:
        def number(value: int | None) -> Fraction | None:
            return None if value is None else Fraction(value)

        return BallotRules(
            vote_type=self.vote_type,
            min_length=self.min_length,
            max_length=self.max_length,
            min_sum_cost=number(self.min_sum_cost),
            max_sum_cost=number(self.max_sum_cost),
            max_points=self.max_points,
            max_sum_points=number(self.max_sum_points),
        )


class BudgetProject(models.Model):
    """A project proposed for a budget; only feasible ones reach the ballot."""

    budget = models.ForeignKey(
        NeighbourhoodBudget, on_delete=models.PROTECT, related_name="projects"
    )
    number = models.PositiveIntegerField()
    """The project id in the published Pabulib file."""
    title = models.CharField(_("titel"), max_length=140)
    description = models.TextField(_("beschrijving"), max_length=4000)
    cost = models.PositiveIntegerField(_("kosten (euro)"))
    category = models.CharField(_("thema"), max_length=60, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="budget_projects",
    )
    feasible = models.BooleanField(null=True)
    """None: not checked yet; the organiser decides, with a reason when it is not feasible."""
    feasibility_reason = models.CharField(_("reden"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "number"], name="project_number_per_budget")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def pabulib_id(self) -> str:
        return str(self.number)


class SealedBallot(models.Model):
    """A ballot while the vote is open: encrypted, padded, opened only when the vote closes.

    It is written in the same transaction as the code's :class:`VoteMark`, so the database ties
    the two together (PostgreSQL's transaction id, the physical order of rows, SQLite's rowid);
    the box is what keeps that tie from revealing a choice. See ``services.ballot_box``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    budget = models.ForeignKey(NeighbourhoodBudget, on_delete=models.PROTECT, related_name="+")
    box = models.BinaryField()

    def __str__(self) -> str:
        return f"verzegelde stem {self.pk}"


class Ballot(models.Model):
    """One anonymous ballot: a random id, no time, no link to a code or a person.

    Ballots are written only when the vote closes, all at once and in random order (see
    ``services.ballot_box``): neither their ids nor their place in the table follow the moment
    anyone voted.
    """

    class Channel(models.TextChoices):
        ONLINE = "online", _("online")
        PAPER = "paper", _("op papier")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    budget = models.ForeignKey(
        NeighbourhoodBudget, on_delete=models.PROTECT, related_name="ballots"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)

    def __str__(self) -> str:
        return f"stembiljet {self.pk}"


class BallotEntry(models.Model):
    """One project on a ballot: ``position`` is the rank (ordinal) or the order chosen.

    A random key, not a sequence: a ballot's lowest entry id must not tell when it was written.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="entries")
    project = models.ForeignKey(BudgetProject, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()
    points = models.PositiveIntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "project"], name="project_once_per_ballot")
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id}:{self.project_id}"


class VoteMark(models.Model):
    """That a code has voted in a budget — and nothing about how.

    The unique constraint is what makes "one ballot per code" hold under concurrency: the mark
    and the sealed ballot are written in one transaction, and a second mark for the same code
    fails. Its id follows time, which is harmless: it says who voted when, and the ballots it
    could be compared with carry no order (see :class:`Ballot`).
    """

    budget = models.ForeignKey(NeighbourhoodBudget, on_delete=models.PROTECT, related_name="+")
    code = models.ForeignKey(
        "participation.ResidentCode", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["budget", "code"], name="one_ballot_per_code")
        ]

    def __str__(self) -> str:
        return f"gestemd in {self.budget_id}"
