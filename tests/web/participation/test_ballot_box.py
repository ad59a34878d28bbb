"""The ballot box: sealed while the vote is open, opened in random order when it closes."""

from __future__ import annotations

import random
import uuid

import pytest
from django.db import connection

from wijkkompas.web.apps.participation.models import (
    Ballot,
    BallotEntry,
    NeighbourhoodBudget,
    SealedBallot,
)
from wijkkompas.web.apps.participation.selectors import budgets as budget_selectors
from wijkkompas.web.apps.participation.services import ballot_box, budgets, codes
from wijkkompas.web.apps.participation.services.ballot_box import BallotContent
from wijkkompas.web.common.errors import InvalidInput

pytestmark = pytest.mark.django_db
CHOICES = [(1,), (2, 3), (1, 2, 3), (3,), (1, 3), (2,)]


def _budget(name: str = "Test") -> NeighbourhoodBudget:
    budget = NeighbourhoodBudget.objects.create(
        name=name, area_code="WK999901", year=2026, amount=10_000, phase="submit"
    )
    for title in ("Bankjes", "Speeltuin", "Feest"):
        project = budgets.propose_project(
            budget=budget, user=None, title=title, description=title, cost=1_000
        )
        budgets.set_feasibility(project=project, feasible=True, reason="", actor=None)
    budgets.set_phase(budget=budget, phase="vote", actor=None)
    return budget


def _vote(budget: NeighbourhoodBudget, choices: list[tuple[int, ...]], first: int = 0) -> None:
    for n, projects in enumerate(choices, start=first):
        code = codes.add_known_code(code=f"BOX-{n:04d}", area_code="BU99990101", batch="t")
        budgets.cast_ballot(
            budget=budget, code=code, choice=budgets.Choice(projects), channel="online"
        )


def _stored(budget: NeighbourhoodBudget) -> list[tuple[int, ...]]:
    """The ballots in the order they lie in the table (SQLite's rowid), as project numbers."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM participation_ballot WHERE budget_id = %s ORDER BY rowid", [budget.pk]
        )
        ids = [row[0] for row in cursor.fetchall()]
    return [
        tuple(
            e.project.number
            for e in BallotEntry.objects.filter(ballot_id=i)
            .select_related("project")
            .order_by("position")
        )
        for i in ids
    ]


def test_while_the_vote_is_open_a_ballot_is_only_a_sealed_box() -> None:
    budget = _budget()
    _vote(budget, CHOICES)
    assert not Ballot.objects.filter(budget=budget).exists()
    boxes = list(SealedBallot.objects.filter(budget=budget).values_list("box", flat=True))
    assert len(boxes) == len(CHOICES)
    assert len({len(bytes(b)) for b in boxes}) == 1  # one project or three: the same size
    assert budget_selectors.ballot_counts(budget) == (len(CHOICES), 0)


def test_closing_the_vote_opens_every_box_and_counts_every_ballot_as_cast() -> None:
    budget = _budget()
    _vote(budget, CHOICES)
    budgets.set_phase(budget=budget, phase="result", actor=None)
    assert not SealedBallot.objects.filter(budget=budget).exists()
    assert sorted(_stored(budget)) == sorted(CHOICES)
    assert all(isinstance(pk, uuid.UUID) for pk in BallotEntry.objects.values_list("pk", flat=True))
    assert len(budget_selectors.outcome(budget).instance.ballots) == len(CHOICES)


def test_the_order_of_the_ballots_after_the_close_does_not_depend_on_the_order_of_voting() -> None:
    # The same ballots, cast in opposite orders; the same seed for the shuffle at the close.
    forwards, backwards = _budget("Heen"), _budget("Terug")
    _vote(forwards, CHOICES)
    _vote(backwards, CHOICES[::-1], first=100)
    for budget in (forwards, backwards):
        budgets.set_phase(budget=budget, phase="result", actor=None, rng=random.Random(18))
    assert _stored(forwards) == _stored(backwards)
    assert sorted(_stored(forwards)) == sorted(CHOICES)


def test_no_two_boxes_are_alike_even_for_the_same_ballot() -> None:
    content = BallotContent("online", ((7, None),))
    first = ballot_box.seal(content, budget_id=1, slots=6)
    second = ballot_box.seal(content, budget_id=1, slots=6)
    assert first != second  # a fresh nonce each time: equal ballots do not show as equal
    fuller = ballot_box.seal(BallotContent("paper", ((7, 3), (8, 2), (9, 5))), budget_id=1, slots=6)
    assert len(first) == len(fuller)
    assert ballot_box.open_box(first, budget_id=1) == content


def test_a_box_opens_only_for_its_own_budget_and_with_the_site_key(settings) -> None:
    content = BallotContent("paper", ((3, 4), (1, 6)))
    box = ballot_box.seal(content, budget_id=5, slots=3)
    with pytest.raises(ballot_box.BoxUnreadable):
        ballot_box.open_box(box, budget_id=6)
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-key-" + "x" * 50
    with pytest.raises(ballot_box.BoxUnreadable):
        ballot_box.open_box(box, budget_id=5)
    settings.SECRET_KEY_FALLBACKS = [old_key]  # a rotated key: the old one still opens
    assert ballot_box.open_box(box, budget_id=5) == content


def test_a_vote_sealed_under_another_key_stays_open_rather_than_lose_ballots(settings) -> None:
    budget = _budget()
    _vote(budget, CHOICES[:2])
    settings.SECRET_KEY = "a-new-key-" + "x" * 50
    with pytest.raises(InvalidInput, match="geheime sleutel"):
        budgets.set_phase(budget=budget, phase="result", actor=None)
    budget.refresh_from_db()
    assert budget.phase == "vote"
    assert SealedBallot.objects.filter(budget=budget).count() == 2
