"""A participatory-budgeting election as plain, immutable data.

The model keeps what the rules need as typed values (ids, exact costs, ballots) and every other
column of a Pabulib file as the verbatim text it was read as, so that a file can be read, used
and written back without losing anything a city or researcher put in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Final

from wijkkompas.budgeting.numbers import parse_number
from wijkkompas.errors import WijkkompasError

VOTE_TYPES: Final = ("approval", "choose-1", "cumulative", "scoring", "ordinal")
"""The ballot formats Pabulib defines (Faliszewski et al. 2023)."""

POINT_VOTE_TYPES: Final = ("cumulative", "scoring")
"""Vote types whose ballots carry a ``points`` column."""


@dataclass(frozen=True)
class Project:
    """One project on the ballot.

    ``fields`` holds the PROJECTS columns other than ``project_id`` and ``cost``, in file order,
    exactly as read (``votes``, ``name``, ``category``, ``selected``, ...).
    """

    id: str
    cost: Fraction
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.fields.get("name", "")

    @property
    def categories(self) -> tuple[str, ...]:
        """The project's categories; Pabulib separates several by commas."""
        raw = self.fields.get("category", self.fields.get("categories", ""))
        if raw.strip().lower() in ("", "none"):
            return ()
        return tuple(part.strip() for part in raw.split(",") if part.strip())


@dataclass(frozen=True)
class Ballot:
    """One voter's ballot.

    ``projects`` is in file order, which for ordinal ballots is the ranking (best first).
    ``points`` is set for cumulative and scoring ballots, aligned with ``projects``.
    ``fields`` holds the other VOTES columns (``age``, ``sex``, ``voting_method``, ...) verbatim.
    """

    voter_id: str
    projects: tuple[str, ...]
    points: tuple[Fraction, ...] | None = None
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Instance:
    """A Pabulib election: META key/values, projects and ballots.

    ``meta`` keeps every META entry verbatim and in file order; typed views of the entries the
    rules use (``budget``, ``vote_type``, category budgets, the ordinal scoring function) are
    properties. ``project_columns`` and ``vote_columns`` keep the section headers so that a
    written file has the same columns in the same order. ``name`` says where the instance came
    from, for messages only; it takes no part in equality.
    """

    meta: dict[str, str]
    projects: tuple[Project, ...]
    ballots: tuple[Ballot, ...]
    project_columns: tuple[str, ...] = ()
    vote_columns: tuple[str, ...] = ()
    name: str = field(default="<string>", compare=False)

    @cached_property
    def budget(self) -> Fraction:
        return _meta_number(self, "budget")

    @property
    def vote_type(self) -> str:
        vote_type = self.meta.get("vote_type", "")
        if vote_type not in VOTE_TYPES:
            raise WijkkompasError(f"{self.name}: unknown vote_type {vote_type!r}.")
        return vote_type

    @cached_property
    def project_by_id(self) -> dict[str, Project]:
        return {p.id: p for p in self.projects}

    @cached_property
    def category_budgets(self) -> dict[str, Fraction]:
        """Upper bounds per category from ``categories`` + ``budget_per_category``; {} if none.

        Amsterdam lists the categories once in META and the caps in the same order, so the two
        entries are read together and must have the same length.
        """
        raw = self.meta.get("budget_per_category")
        if raw is None:
            return {}
        names = [c.strip() for c in self.meta.get("categories", "").split(",") if c.strip()]
        caps = [c.strip() for c in raw.split(",")]
        if len(names) != len(caps):
            raise WijkkompasError(
                f"{self.name}: budget_per_category has {len(caps)} values but META categories "
                f"lists {len(names)} categories; they must correspond one to one."
            )
        return {
            n: _number(self, "budget_per_category", c) for n, c in zip(names, caps, strict=True)
        }

    def positional_points(self, length: int) -> tuple[Fraction, ...]:
        """Points for ranks 1..``length`` of an ordinal ballot, from META ``scoring_fn``.

        Pabulib's default scoring function is Borda, which we read as points per rank:
        ``max_length - position`` (position 0 = first choice; ``max_length`` defaults to the
        number of projects), so a first choice is worth the same on every ballot. This
        reproduces Kraków's published ``score`` column (3/2/1 for its ballots of exactly three).
        pabutools' ``Additive_Borda_Sat`` uses ``len(ballot) - position - 1`` instead (2/1/0
        there: a last choice counts for nothing). A ``scoring_fn`` of comma-separated numbers
        (``3,2,1``) gives the points per rank directly; ranks beyond the list get 0.
        """
        raw = self.meta.get("scoring_fn", "Borda").strip()
        if raw.lower() == "borda":
            top = int(self.meta.get("max_length", "") or len(self.projects))
            return tuple(Fraction(max(top - i, 0)) for i in range(length))
        values = [parse_number(part) for part in raw.split(",")]
        if any(v is None for v in values):
            raise WijkkompasError(
                f"{self.name}: scoring_fn {raw!r} is neither Borda nor points per rank (3,2,1)."
            )
        points = [v for v in values if v is not None]
        return tuple(points[i] if i < len(points) else Fraction(0) for i in range(length))


def _meta_number(instance: Instance, key: str) -> Fraction:
    if key not in instance.meta:
        raise WijkkompasError(f"{instance.name}: META has no {key!r} entry.")
    return _number(instance, key, instance.meta[key])


def _number(instance: Instance, key: str, text: str) -> Fraction:
    value = parse_number(text, decimal_comma=key == "budget")
    if value is None:
        raise WijkkompasError(f"{instance.name}: META {key} {text!r} is not a number.")
    return value
