"""Neighbourhood budgets: creating one, its phases, proposals, feasibility and the ballots
(what is on the ballot paper and the outcome are read in ``selectors.budgets``).

Casting a ballot is the one place where correctness under concurrency matters most. The vote
mark (code × budget, unique) and the sealed ballot are written in one transaction: when 200
ballots arrive at once, a second ballot for the same code fails on the unique constraint and
rolls back whole, so every code is counted exactly once. On SQLite the transaction takes the
write lock at its start (``transaction_mode = IMMEDIATE`` in the settings), on PostgreSQL the
constraint does the work.

Secrecy is the other half. Whatever is written in one transaction stays tied together in the
database, so while the vote is open a ballot exists only as a sealed box (``ballot_box``); the
close opens the boxes and writes the ballots at once, in random order, with random keys. Closing
and casting exclude each other (a shared lock on the budget row while casting, an exclusive one
while closing), so no box is left behind unopened.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from wijkkompas.budgeting.ballot_rules import Violation, check_ballot
from wijkkompas.regions import within
from wijkkompas.web.apps.accounts.permissions import require
from wijkkompas.web.apps.accounts.services import pseudonym_of
from wijkkompas.web.apps.participation.models import (
    Ballot,
    BallotEntry,
    BudgetProject,
    NeighbourhoodBudget,
    ResidentCode,
    SealedBallot,
    VoteMark,
)
from wijkkompas.web.apps.participation.selectors.budgets import ballot_paper
from wijkkompas.web.apps.participation.services import ballot_box
from wijkkompas.web.apps.participation.services.ballot_box import BallotContent
from wijkkompas.web.common.errors import InvalidInput

log = logging.getLogger(__name__)
Phase = NeighbourhoodBudget.Phase
PHASE_ORDER: list[str] = list(NeighbourhoodBudget.Phase.values)


class BallotRefused(Exception):
    """The ballot was not counted; ``violations`` says which rules it broke (may be empty)."""

    def __init__(self, reason: str, violations: Sequence[Violation] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.violations = list(violations)


@dataclass(frozen=True)
class Choice:
    """What a voter chose: projects (ranked, for ordinal) and points (cumulative)."""

    projects: tuple[int, ...]
    """Project numbers."""
    points: tuple[int, ...] | None = None


def may_vote_in(code: ResidentCode, budget: NeighbourhoodBudget) -> bool:
    """A code for a buurt may vote in the budget of its wijk, not the other way round."""
    return within(code.area_code, budget.area_code)


@transaction.atomic
def create_budget(*, budget: NeighbourhoodBudget, actor: Any) -> NeighbourhoodBudget:
    """Save a new budget (``budget`` as the form made it), in preparation, for an area within
    the organiser's role; its ballot rules must hold together first (their own checks raise
    ``WijkkompasError`` and nothing is saved)."""
    require(actor, "budget.create", budget)
    budget.ballot_rules()
    budget.save()
    return budget


@transaction.atomic
def propose_project(
    *,
    budget: NeighbourhoodBudget,
    user: Any,
    title: str,
    description: str,
    cost: int,
    category: str = "",
) -> BudgetProject:
    budget = NeighbourhoodBudget.objects.select_for_update().get(pk=budget.pk)
    if budget.phase != Phase.SUBMIT:
        raise InvalidInput(
            {"__all__": ["Indienen kan nu niet: deze fase is voorbij of nog niet begonnen."]}
        )
    if cost <= 0 or cost > budget.amount:
        raise InvalidInput(
            {
                "cost": [
                    f"De kosten moeten tussen 1 en {budget.amount} euro liggen (het hele budget)."
                ]
            }
        )
    number = (budget.projects.aggregate(n=Max("number"))["n"] or 0) + 1
    project = BudgetProject.objects.create(
        budget=budget,
        number=number,
        title=title.strip(),
        description=description.strip(),
        cost=cost,
        category=category.strip(),
        proposed_by=user if getattr(user, "is_authenticated", False) else None,
    )
    log.info("project %s proposed for budget %s by %s", number, budget.pk, pseudonym_of(user))
    return project


@transaction.atomic
def set_feasibility(*, project: BudgetProject, feasible: bool, reason: str, actor: Any) -> None:
    if not feasible and not reason.strip():
        raise InvalidInput(
            {"reason": ["Schrijf op waarom het project niet kan: de indiener leest dit."]}
        )
    if project.budget.phase not in (Phase.SUBMIT, Phase.CHECK):
        raise InvalidInput({"__all__": ["Na het begin van het stemmen ligt de stembrief vast."]})
    project.feasible = feasible
    project.feasibility_reason = reason.strip()
    project.save(update_fields=["feasible", "feasibility_reason"])
    log.info("project %s marked feasible=%s by %s", project.pk, feasible, pseudonym_of(actor))


@transaction.atomic
def set_phase(
    *, budget: NeighbourhoodBudget, phase: str, actor: Any, rng: random.Random | None = None
) -> None:
    """Phases only move forward: a vote that has begun cannot be reopened for new projects.

    Moving to the result opens the ballot box (:func:`open_ballot_box`); ``rng`` shuffles the
    ballots and is a cryptographic generator unless a test passes its own.
    """
    budget = NeighbourhoodBudget.objects.select_for_update().get(pk=budget.pk)
    if phase not in PHASE_ORDER:
        raise InvalidInput({"phase": ["Onbekende fase."]})
    if PHASE_ORDER.index(phase) <= PHASE_ORDER.index(budget.phase):
        raise InvalidInput({"phase": ["Een fase kan alleen vooruit."]})
    if phase == Phase.VOTE:
        unchecked = budget.projects.filter(feasible__isnull=True).count()
        if unchecked:
            raise InvalidInput(
                {"phase": [f"Eerst alle projecten beoordelen: nog {unchecked} niet bekeken."]}
            )
        if not budget.projects.filter(feasible=True).exists():
            raise InvalidInput({"phase": ["Er staat geen uitvoerbaar project op de stembrief."]})
        budget.ballot_rules()  # refuses inconsistent rules before anyone votes
    if phase == Phase.RESULT:
        open_ballot_box(budget, rng or random.SystemRandom())
        transaction.on_commit(compact_ballot_tables)
    budget.phase = phase
    budget.save(update_fields=["phase"])
    log.info("budget %s moved to phase %s by %s", budget.pk, phase, pseudonym_of(actor))


def open_ballot_box(budget: NeighbourhoodBudget, rng: random.Random) -> int:
    """Open every sealed ballot of ``budget`` and write all its ballots anew in random order.

    Call inside the transaction that closes the vote, with the budget row locked. The ballots
    are first sorted by their content, so the order they came in is gone before ``rng`` shuffles
    them; ballots already written in the clear (by the migration that introduced the box, for a
    vote that was open then) are shuffled together with the rest. Returns the number of ballots.
    """
    sealed = list(SealedBallot.objects.filter(budget=budget))
    try:
        contents = [ballot_box.open_box(s.box, budget_id=budget.pk) for s in sealed]
    except ballot_box.BoxUnreadable:
        log.error("budget %s: a sealed ballot does not open with the secret key", budget.pk)
        raise InvalidInput(
            {
                "phase": [
                    _(
                        "De stembus gaat niet open: de geheime sleutel van de site is veranderd "
                        "sinds het stemmen begon. Zet de oude sleutel terug (of in "
                        "WIJKKOMPAS_SECRET_KEYS_OLD) en probeer het opnieuw."
                    )
                ]
            }
        ) from None
    for ballot in Ballot.objects.filter(budget=budget).prefetch_related("entries"):
        entries = sorted(ballot.entries.all(), key=lambda e: e.position)
        contents.append(
            BallotContent(ballot.channel, tuple((e.project_id, e.points) for e in entries))
        )
    contents.sort(key=BallotContent.canonical)
    rng.shuffle(contents)
    _erase_deleted_rows()
    SealedBallot.objects.filter(budget=budget).delete()
    Ballot.objects.filter(budget=budget).delete()
    ballots = Ballot.objects.bulk_create(
        Ballot(budget_id=budget.pk, channel=content.channel) for content in contents
    )
    BallotEntry.objects.bulk_create(
        BallotEntry(ballot=ballot, project_id=project_id, position=position, points=points)
        for ballot, content in zip(ballots, contents, strict=True)
        for position, (project_id, points) in enumerate(content.entries)
    )
    log.info("budget %s: ballot box opened, %d ballots in random order", budget.pk, len(ballots))
    return len(ballots)


def _erase_deleted_rows() -> None:
    """SQLite: overwrite deleted rows with zeros, so the file keeps no trace of the old order.

    Debian builds SQLite with this on; others do not. PostgreSQL has no such switch, hence
    :func:`compact_ballot_tables` after the close.
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")


def compact_ballot_tables() -> None:
    """PostgreSQL: rewrite the ballot tables, so deleted boxes and rows leave the data files.

    A deleted row stays in PostgreSQL's files, with its transaction id, until the table is
    vacuumed; ``VACUUM FULL`` writes the live rows to new files at once. It runs after the close
    has committed (it cannot run inside a transaction); if it fails, the close stands and
    autovacuum removes the rows later.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    tables = ", ".join(
        connection.ops.quote_name(model._meta.db_table)
        for model in (SealedBallot, Ballot, BallotEntry)
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM FULL {tables}")
    except DatabaseError:
        log.warning("VACUUM FULL of the ballot tables failed; autovacuum will clean up later")


def check_choice(budget: NeighbourhoodBudget, choice: Choice) -> list[Violation]:
    paper = {str(p.number): Fraction(p.cost) for p in ballot_paper(budget)}
    return check_ballot(
        budget.ballot_rules(),
        paper,
        [str(n) for n in choice.projects],
        list(choice.points) if choice.points is not None else None,
    )


def cast_ballot(
    *, budget: NeighbourhoodBudget, code: ResidentCode, choice: Choice, channel: str
) -> None:
    """Count one ballot for ``code``, exactly once, or raise :class:`BallotRefused`."""
    if code.revoked_at is not None:
        raise BallotRefused("revoked")
    if not may_vote_in(code, budget):
        raise BallotRefused("not_eligible")
    violations = check_choice(budget, choice)
    if violations:
        raise BallotRefused("rules", violations)
    paper = ballot_paper(budget)
    projects = {p.number: p for p in paper}
    content = BallotContent(
        channel,
        tuple(
            (projects[number].pk, None if choice.points is None else choice.points[position])
            for position, number in enumerate(choice.projects)
        ),
    )
    box = ballot_box.seal(content, budget_id=budget.pk, slots=len(paper))
    try:
        with transaction.atomic():
            if phase_for_casting(budget.pk) != Phase.VOTE:
                raise BallotRefused("closed")
            VoteMark.objects.create(budget_id=budget.pk, code_id=code.pk)
            SealedBallot.objects.create(budget_id=budget.pk, box=box)
    except IntegrityError:
        raise BallotRefused("already_voted") from None
    # No channel, no choice, no code: a log line with a time on it must not describe a ballot.
    log.debug("ballot sealed in budget %s", budget.pk)


def phase_for_casting(budget_id: int) -> str:
    """The budget's phase, read under a shared lock on PostgreSQL until the ballot is in.

    Casters share the lock, so they do not wait for each other; closing takes the row for
    update, so it waits until every ballot that saw the vote open is in the box, and a ballot
    that comes after the close sees the new phase. SQLite needs no lock: its transactions
    start by taking the database's one write lock.
    """
    table = connection.ops.quote_name(NeighbourhoodBudget._meta.db_table)
    lock = " FOR SHARE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT phase FROM {table} WHERE id = %s{lock}", [budget_id])
        row = cursor.fetchone()
    return str(row[0]) if row else ""
