"""Ballot rules from Pabulib's META: every real ballot follows its file's rules, and a ballot
that breaks one is refused with the rule, the limit and what was found."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from wijkkompas.budgeting import Instance, parse_pabulib
from wijkkompas.budgeting.ballot_rules import BallotRules, Violation, check_ballot
from wijkkompas.errors import WijkkompasError

from .conftest import STORED, real
from .pabulib_layouts import LAYOUTS, write_layout

COSTS = {"1": Fraction(4000), "2": Fraction(7000), "3": Fraction(1000)}


@pytest.mark.realdata(twin="test_every_ballot_in_a_file_of_each_real_layout_follows_its_rules")
@pytest.mark.parametrize("name", [n for n in STORED if n != "Netherlands_Amsterdam_643.pb"])
def test_every_real_ballot_follows_the_rules_in_its_own_file(name: str) -> None:
    """(Amsterdam 643 is choose-1: such files are read and recounted, not offered as a ballot.)"""
    instance = real(name)
    rules = BallotRules.from_meta(instance.meta)
    _assert_every_ballot_follows(instance, rules)


def _assert_every_ballot_follows(instance: Instance, rules: BallotRules) -> None:
    costs = {p.id: p.cost for p in instance.projects}
    for ballot in instance.ballots:
        points = [int(p) for p in ballot.points or ()] if rules.vote_type == "cumulative" else None
        assert check_ballot(rules, costs, ballot.projects, points) == [], ballot.voter_id


RULES_OF_LAYOUT = {
    "amsterdam_categories.pb": BallotRules("approval", max_sum_cost=Fraction(75_000)),
    "amsterdam_lengths.pb": BallotRules("approval", min_length=3, max_length=15),
    "warszawa_approval.pb": BallotRules("approval", min_length=1, max_length=15),
    "krakow_ordinal.pb": BallotRules("ordinal", min_length=3, max_length=3),
    "czestochowa_cumulative.pb": BallotRules("cumulative", max_sum_points=Fraction(10)),
}
"""The rules each made-up file's META states (the choose-1 file offers no ballot)."""

BROKEN = {
    "amsterdam_categories.pb": (
        ["90431", "90432", "90433", "90435", "90434", "90436", "90437"],
        None,
        [Violation("max_sum_cost", Fraction(75_000), Fraction(101_000))],
    ),
    "amsterdam_lengths.pb": (["16567", "16590"], None, [Violation("min_length", 3, 2)]),
    "warszawa_approval.pb": ([], None, [Violation("empty"), Violation("min_length", 1, 0)]),
    "krakow_ordinal.pb": (
        ["BO.D9.1/24", "BO.D9.2/24", "BO.D9.4/24", "BO.D9.3/24"],
        None,
        [Violation("max_length", 3, 4)],
    ),
    "czestochowa_cumulative.pb": (
        ["619", "595"],
        [6, 5],
        [Violation("max_sum_points", Fraction(10), Fraction(11))],
    ),
}
"""Per made-up file: a ballot that breaks its rules, its points, and what is found."""


@pytest.mark.parametrize("name", sorted(RULES_OF_LAYOUT))
def test_every_ballot_in_a_file_of_each_real_layout_follows_its_rules(
    name: str, tmp_path: Path
) -> None:
    """The rules are read from the META of a made-up file in each real layout, every ballot in
    it passes them, and a ballot that breaks them is caught."""
    assert set(RULES_OF_LAYOUT) | {"amsterdam_choose_1.pb"} == set(LAYOUTS)
    instance = parse_pabulib(write_layout(tmp_path, name).read_bytes(), name=name)
    rules = BallotRules.from_meta(instance.meta)
    assert rules == RULES_OF_LAYOUT[name]
    _assert_every_ballot_follows(instance, rules)
    costs = {p.id: p.cost for p in instance.projects}
    projects, given, found = BROKEN[name]
    assert check_ballot(rules, costs, projects, given) == found


def test_the_rules_are_written_back_as_the_meta_they_came_from() -> None:
    meta = {
        "vote_type": "approval",
        "min_length": "1",
        "max_length": "15",
        "max_sum_cost": "250000",
    }
    assert BallotRules.from_meta(meta).to_meta() == meta


def test_approval_limits_on_number_and_cost() -> None:
    rules = BallotRules("approval", min_length=2, max_length=2, max_sum_cost=Fraction(10_000))
    assert check_ballot(rules, COSTS, ["1", "3"]) == []
    assert check_ballot(rules, COSTS, ["1", "2"]) == [
        Violation("max_sum_cost", Fraction(10_000), Fraction(11_000))
    ]
    assert check_ballot(rules, COSTS, ["3"]) == [Violation("min_length", 2, 1)]


def test_unknown_and_repeated_projects_and_empty_ballots() -> None:
    rules = BallotRules("approval")
    assert check_ballot(rules, COSTS, ["9"]) == [Violation("unknown_project", project="9")]
    assert check_ballot(rules, COSTS, ["1", "1"]) == [Violation("duplicate_project", project="1")]
    assert check_ballot(rules, COSTS, []) == [Violation("empty")]


def test_cumulative_points_per_project_and_in_total() -> None:
    rules = BallotRules("cumulative", max_points=6, max_sum_points=Fraction(10))
    assert check_ballot(rules, COSTS, ["1", "2"], [6, 4]) == []
    assert {v.rule for v in check_ballot(rules, COSTS, ["1", "2"], [7, 4])} == {
        "max_points",
        "max_sum_points",
    }
    assert check_ballot(rules, COSTS, ["1"], [0]) == [Violation("min_points", 1, 0, "1")]
    assert check_ballot(rules, COSTS, ["1"], None) == [Violation("points_missing")]


def test_inconsistent_rules_are_refused_before_anyone_votes() -> None:
    with pytest.raises(WijkkompasError, match="minimum"):
        BallotRules("approval", min_length=3, max_length=2)
    with pytest.raises(WijkkompasError, match="max_sum_points"):
        BallotRules("cumulative")
    with pytest.raises(WijkkompasError, match="ballot type"):
        BallotRules("choose-1")
