"""Neighbourhood budgets: phases, proposals, feasibility, ballots and the outcome.

Casting a ballot is the one place where correctness under concurrency matters most. The vote
mark (code × budget, unique) and the anonymous ballot are written in one transaction: when 200
ballots arrive at once, a second ballot for the same code fails on the unique constraint and
rolls back whole, so every code is counted exactly once. On SQLite the transaction takes the
write lock at its start (``transaction_mode = IMMEDIATE`` in the settings), on PostgreSQL the
constraint does the work.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from wijkkompas.budgeting import Ballot as PbBallot
from wijkkompas.budgeting import Instance, Project, explain
from wijkkompas.budgeting.ballot_rules import Violation, check_ballot
from wijkkompas.budgeting.explain import ProjectExplanation
from wijkkompas.budgeting.rules import RULES, RuleResult
from wijkkompas.regions import within
from wijkkompas.web.apps.accounts.services import pseudonym_of
from wijkkompas.web.apps.participation.models import (
    Ballot,
    BallotEntry,
    BudgetProject,
    NeighbourhoodBudget,
    ResidentCode,
    VoteMark,
)
from wijkkompas.web.apps.plans.validation import InvalidInput

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


def ballot_paper(budget: NeighbourhoodBudget) -> list[BudgetProject]:
    """The projects on the ballot: the feasible ones, by number."""
    return list(budget.projects.filter(feasible=True).order_by("number"))


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
def set_phase(*, budget: NeighbourhoodBudget, phase: str, actor: Any) -> None:
    """Phases only move forward: a vote that has begun cannot be reopened for new projects."""
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
    budget.phase = phase
    budget.save(update_fields=["phase"])
    log.info("budget %s moved to phase %s by %s", budget.pk, phase, pseudonym_of(actor))


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
    projects = {p.number: p for p in ballot_paper(budget)}
    try:
        with transaction.atomic():
            phase = NeighbourhoodBudget.objects.values_list("phase", flat=True).get(pk=budget.pk)
            if phase != Phase.VOTE:
                raise BallotRefused("closed")
            VoteMark.objects.create(budget_id=budget.pk, code_id=code.pk)
            ballot = Ballot.objects.create(budget_id=budget.pk, channel=channel)
            BallotEntry.objects.bulk_create(
                BallotEntry(
                    ballot=ballot,
                    project=projects[number],
                    position=position,
                    points=None if choice.points is None else choice.points[position],
                )
                for position, number in enumerate(choice.projects)
            )
    except IntegrityError:
        raise BallotRefused("already_voted") from None
    log.debug("ballot counted in budget %s (%s)", budget.pk, channel)


def has_voted(code: ResidentCode | None, budget: NeighbourhoodBudget) -> bool:
    return code is not None and VoteMark.objects.filter(budget=budget, code=code).exists()


def instance_of(budget: NeighbourhoodBudget) -> Instance:
    """The election as a Pabulib instance: what is counted, exported and published.

    Ballots are numbered in the order of their random ids, so the voter ids in the published
    file say nothing about who voted when.
    """
    paper = ballot_paper(budget)
    by_pk = {p.pk: p for p in paper}
    entries: dict[Any, list[BallotEntry]] = {}
    channels: dict[Any, str] = {}
    for ballot in budget.ballots.order_by("id"):
        entries[ballot.id] = []
        channels[ballot.id] = ballot.channel
    for entry in BallotEntry.objects.filter(ballot__budget=budget).order_by(
        "ballot_id", "position"
    ):
        entries[entry.ballot_id].append(entry)
    with_points = budget.vote_type == NeighbourhoodBudget.VoteType.CUMULATIVE
    ballots = []
    for n, (ballot_id, rows) in enumerate(entries.items(), start=1):
        ballots.append(
            PbBallot(
                voter_id=str(n),
                projects=tuple(by_pk[e.project_id].pabulib_id for e in rows),
                points=tuple(Fraction(e.points or 0) for e in rows) if with_points else None,
                fields={"voting_method": "paper" if channels[ballot_id] == "paper" else "internet"},
            )
        )
    meta = {
        "description": budget.description.replace("\n", " ")[:500] or budget.name,
        "country": "Netherlands",
        "unit": budget.area_code,
        "instance": budget.name,
        "num_projects": str(len(paper)),
        "num_votes": str(len(ballots)),
        "budget": str(budget.amount),
        "rule": "equalshares" if budget.rule == "mes" else "greedy",
        "date_begin": str(budget.year),
        "language": "dutch",
        "currency": "EUR",
        **budget.ballot_rules().to_meta(),
    }
    if budget.vote_type == NeighbourhoodBudget.VoteType.ORDINAL:
        meta["scoring_fn"] = "Borda"
        meta.setdefault("max_length", str(len(paper)))
    projects = tuple(
        Project(
            id=p.pabulib_id,
            cost=Fraction(p.cost),
            fields={"name": p.title, "category": p.category} if p.category else {"name": p.title},
        )
        for p in paper
    )
    return Instance(
        meta=meta,
        projects=projects,
        ballots=tuple(ballots),
        project_columns=("project_id", "cost", "name", "category"),
        vote_columns=(
            "voter_id",
            "vote",
            *(["points"] if with_points else []),
            "voting_method",
        ),
        name=f"begroting {budget.pk}",
    )


@dataclass(frozen=True)
class Outcome:
    instance: Instance
    result: RuleResult
    explanations: list[ProjectExplanation]
    voters_with_a_winner: int
    """Voters who see at least one project they voted for funded."""


def outcome(budget: NeighbourhoodBudget) -> Outcome:
    instance = instance_of(budget)
    result = RULES[budget.rule](instance, category_budgets=budget.use_category_budgets)
    winners = set(result.selected)
    happy = sum(1 for b in instance.ballots if winners.intersection(b.projects))
    return Outcome(instance, result, explain(instance, result), happy)
