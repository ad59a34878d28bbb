"""What the neighbourhood budget pages and downloads read: which budgets a visitor sees, the
projects and the ballot paper, whether a code has voted, how many ballots are in, and the
outcome as the budget's rule computes it from the stored ballots.

The ballot paper is read here for the vote page and for the services that check a ballot
against it (``services.budgets.check_choice``): a voter is shown exactly what is checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from wijkkompas.budgeting import Ballot as PbBallot
from wijkkompas.budgeting import Instance, Project, explain
from wijkkompas.budgeting.explain import ProjectExplanation
from wijkkompas.budgeting.rules import RULES, RuleResult
from wijkkompas.web.apps.accounts.permissions import can
from wijkkompas.web.apps.participation import models
from wijkkompas.web.apps.participation.services import ballot_box

Phase = models.NeighbourhoodBudget.Phase


def visible_budgets(user: Any) -> list[models.NeighbourhoodBudget]:
    """Every budget, those still in preparation only for whoever may manage them."""
    return [
        b
        for b in models.NeighbourhoodBudget.objects.all()
        if b.phase != Phase.DRAFT or can(user, "budget.manage", b)
    ]


def projects(budget: models.NeighbourhoodBudget) -> list[models.BudgetProject]:
    """Every project proposed, by number: the feasible, the refused and those not yet judged."""
    return list(budget.projects.all())


def projects_by_number(budget: models.NeighbourhoodBudget) -> dict[str, models.BudgetProject]:
    """Every project by its number as a ballot form names it, to word a refused ballot."""
    return {str(p.number): p for p in budget.projects.all()}


def ballot_paper(budget: models.NeighbourhoodBudget) -> list[models.BudgetProject]:
    """The projects on the ballot: the feasible ones, by number."""
    return list(budget.projects.filter(feasible=True).order_by("number"))


def rank_places(budget: models.NeighbourhoodBudget) -> range:
    """The places a voter can give on a ranked ballot: one per project they may choose (every
    feasible project when the budget sets no maximum)."""
    return range(1, (budget.max_length or budget.projects.filter(feasible=True).count()) + 1)


@dataclass(frozen=True)
class BudgetDetail:
    projects: list[models.BudgetProject]
    """What the page lists: every project, only the feasible ones once the vote has begun."""
    refused: list[models.BudgetProject]
    """Projects judged infeasible, shown with the organiser's reason."""
    has_voted: bool
    ballots: int | None
    """Ballots counted, once the result is out."""


def budget_detail(
    budget: models.NeighbourhoodBudget, code: models.ResidentCode | None
) -> BudgetDetail:
    every = projects(budget)
    shown = every
    if budget.phase in (Phase.VOTE, Phase.RESULT):
        shown = [p for p in every if p.feasible]
    return BudgetDetail(
        projects=shown,
        refused=[p for p in every if p.feasible is False],
        has_voted=has_voted(code, budget),
        ballots=budget.ballots.count() if budget.phase == Phase.RESULT else None,
    )


def has_voted(code: models.ResidentCode | None, budget: models.NeighbourhoodBudget) -> bool:
    return code is not None and models.VoteMark.objects.filter(budget=budget, code=code).exists()


def ballot_counts(budget: models.NeighbourhoodBudget) -> tuple[int, int]:
    """How many ballots are in (sealed or not) and how many of them came on paper.

    The channel is inside the box, so while the vote is open the boxes are opened here, in
    memory, to count it; nothing else is read from them.
    """
    channels = list(budget.ballots.values_list("channel", flat=True))
    for box in models.SealedBallot.objects.filter(budget=budget).values_list("box", flat=True):
        try:
            channels.append(ballot_box.open_box(box, budget_id=budget.pk).channel)
        except ballot_box.BoxUnreadable:  # counted, channel unknown; closing will say why
            channels.append("")
    return len(channels), channels.count(models.Ballot.Channel.PAPER)


def instance_of(budget: models.NeighbourhoodBudget) -> Instance:
    """The election as a Pabulib instance: what is counted, exported and published.

    Ballots are numbered in the order of their random ids, so the voter ids in the published
    file say nothing about who voted when.
    """
    paper = ballot_paper(budget)
    by_pk = {p.pk: p for p in paper}
    entries: dict[Any, list[models.BallotEntry]] = {}
    channels: dict[Any, str] = {}
    for ballot in budget.ballots.order_by("id"):
        entries[ballot.id] = []
        channels[ballot.id] = ballot.channel
    for entry in models.BallotEntry.objects.filter(ballot__budget=budget).order_by(
        "ballot_id", "position"
    ):
        entries[entry.ballot_id].append(entry)
    with_points = budget.vote_type == models.NeighbourhoodBudget.VoteType.CUMULATIVE
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
    if budget.vote_type == models.NeighbourhoodBudget.VoteType.ORDINAL:
        meta["scoring_fn"] = "Borda"
        meta.setdefault("max_length", str(len(paper)))
    project_rows = tuple(
        Project(
            id=p.pabulib_id,
            cost=Fraction(p.cost),
            fields={"name": p.title, "category": p.category} if p.category else {"name": p.title},
        )
        for p in paper
    )
    return Instance(
        meta=meta,
        projects=project_rows,
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


def outcome(budget: models.NeighbourhoodBudget) -> Outcome:
    """The budget's rule applied to the stored ballots, with every project's explanation."""
    instance = instance_of(budget)
    result = RULES[budget.rule](instance, category_budgets=budget.use_category_budgets)
    winners = set(result.selected)
    happy = sum(1 for b in instance.ballots if winners.intersection(b.projects))
    return Outcome(instance, result, explain(instance, result), happy)
