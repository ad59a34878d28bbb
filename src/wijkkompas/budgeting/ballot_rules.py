"""The rules a single ballot must follow, as Pabulib's META states them.

A ballot that breaks a rule is refused *with the reason*, before anything is stored: a resident
who picked one project too many must be told so, and a paper ballot entered by a coordinator is
held to exactly the same rules as an online one. The rules are the META keys of the Pabulib
format, so an exported election carries the rules its ballots were checked against.

Violations are returned as data (which rule, the limit, the value found), not as sentences: the
web app words them for residents in their language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Final

from wijkkompas.budgeting.numbers import format_number, parse_number
from wijkkompas.errors import WijkkompasError

BALLOT_VOTE_TYPES: Final = ("approval", "cumulative", "ordinal")
"""The ballot forms a neighbourhood budget offers online and on paper."""

_INT_KEYS: Final = ("min_length", "max_length", "min_points", "max_points")
_NUMBER_KEYS: Final = ("min_sum_cost", "max_sum_cost", "min_sum_points", "max_sum_points")


@dataclass(frozen=True)
class BallotRules:
    """Limits on one ballot; ``None`` means no limit.

    ``min_points``/``max_points`` bound the points given to one project on a cumulative ballot,
    ``min_sum_points``/``max_sum_points`` the points on the whole ballot.
    """

    vote_type: str
    min_length: int | None = None
    max_length: int | None = None
    min_sum_cost: Fraction | None = None
    max_sum_cost: Fraction | None = None
    min_points: int | None = None
    max_points: int | None = None
    min_sum_points: Fraction | None = None
    max_sum_points: Fraction | None = None

    def __post_init__(self) -> None:
        if self.vote_type not in BALLOT_VOTE_TYPES:
            raise WijkkompasError(
                f"Unknown ballot type {self.vote_type!r}; use one of {', '.join(BALLOT_VOTE_TYPES)}."
            )
        for low, high in (
            (self.min_length, self.max_length),
            (self.min_sum_cost, self.max_sum_cost),
            (self.min_points, self.max_points),
            (self.min_sum_points, self.max_sum_points),
        ):
            if low is not None and high is not None and low > high:
                raise WijkkompasError(f"A ballot minimum ({low}) is above its maximum ({high}).")
        if self.vote_type == "cumulative" and self.max_sum_points is None:
            raise WijkkompasError("A cumulative ballot needs max_sum_points: the points to share.")

    @classmethod
    def from_meta(cls, meta: Mapping[str, str]) -> BallotRules:
        """The rules in a Pabulib META section (absent keys: no limit)."""
        values: dict[str, object] = {}
        for key in _INT_KEYS + _NUMBER_KEYS:
            raw = meta.get(key, "").strip()
            if not raw:
                continue
            number = parse_number(raw)
            if number is None or number < 0:
                raise WijkkompasError(f"META {key} {raw!r} is not a non-negative number.")
            if key in _INT_KEYS:
                if number.denominator != 1:
                    raise WijkkompasError(f"META {key} {raw!r} must be a whole number.")
                values[key] = int(number)
            else:
                values[key] = number
        return cls(vote_type=meta.get("vote_type", ""), **values)  # type: ignore[arg-type]

    def to_meta(self) -> dict[str, str]:
        """The META entries for these rules, in the order Pabulib lists them."""
        meta = {"vote_type": self.vote_type}
        for key in _INT_KEYS + _NUMBER_KEYS:
            value = getattr(self, key)
            if value is not None:
                meta[key] = str(value) if isinstance(value, int) else format_number(value)
        return meta


@dataclass(frozen=True)
class Violation:
    """One broken rule: ``rule`` names it, ``limit`` and ``actual`` are the numbers compared.

    ``project`` is set for rules about one project (unknown, twice on the ballot, points).
    """

    rule: str
    limit: Fraction | int | None = None
    actual: Fraction | int | None = None
    project: str | None = None


def check_ballot(
    rules: BallotRules,
    costs: Mapping[str, Fraction],
    projects: Sequence[str],
    points: Sequence[int] | None = None,
) -> list[Violation]:
    """Every rule ``projects`` (with ``points`` on a cumulative ballot) breaks; [] if none.

    Parameters
    ----------
    rules : BallotRules
        The election's ballot rules.
    costs : Mapping[str, Fraction]
        The projects on the ballot paper (only feasible ones) and their costs.
    projects : Sequence[str]
        The projects chosen; for an ordinal ballot in order of preference, best first.
    points : Sequence[int], optional
        Points per chosen project, aligned with ``projects`` (cumulative ballots only).
    """
    found: list[Violation] = []
    seen: set[str] = set()
    for project in projects:
        if project not in costs:
            found.append(Violation("unknown_project", project=project))
        elif project in seen:
            found.append(Violation("duplicate_project", project=project))
        seen.add(project)
    length = len(projects)
    if length == 0:
        found.append(Violation("empty"))
    if rules.min_length is not None and length < rules.min_length:
        found.append(Violation("min_length", rules.min_length, length))
    if rules.max_length is not None and length > rules.max_length:
        found.append(Violation("max_length", rules.max_length, length))
    total_cost = sum((costs.get(p, Fraction(0)) for p in set(projects)), Fraction(0))
    if rules.min_sum_cost is not None and total_cost < rules.min_sum_cost:
        found.append(Violation("min_sum_cost", rules.min_sum_cost, total_cost))
    if rules.max_sum_cost is not None and total_cost > rules.max_sum_cost:
        found.append(Violation("max_sum_cost", rules.max_sum_cost, total_cost))
    if rules.vote_type == "cumulative":
        found.extend(_check_points(rules, projects, points))
    elif points is not None:
        found.append(Violation("points_not_allowed"))
    return found


def _check_points(
    rules: BallotRules, projects: Sequence[str], points: Sequence[int] | None
) -> list[Violation]:
    if points is None or len(points) != len(projects):
        return [Violation("points_missing")]
    found = []
    lowest = max(rules.min_points or 1, 1)
    for project, value in zip(projects, points, strict=True):
        if value < lowest:
            found.append(Violation("min_points", lowest, value, project))
        if rules.max_points is not None and value > rules.max_points:
            found.append(Violation("max_points", rules.max_points, value, project))
    total = Fraction(sum(points))
    if rules.min_sum_points is not None and total < rules.min_sum_points:
        found.append(Violation("min_sum_points", rules.min_sum_points, total))
    if rules.max_sum_points is not None and total > rules.max_sum_points:
        found.append(Violation("max_sum_points", rules.max_sum_points, total))
    return found
