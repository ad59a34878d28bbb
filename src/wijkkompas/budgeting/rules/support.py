"""What each ballot is worth to each project, per Pabulib vote type.

Every rule here reads ballots through :class:`Utilities`: a ballot's utility for a project is a
positive integer *weight* times a per-project *unit*, so that the Method of Equal Shares can do
its bookkeeping in integers and only the unit carries fractions:

==============  =========================  ======================  =========================
vote type       MES utility                weight x unit           greedy support (score)
==============  =========================  ======================  =========================
approval        project cost (Cost_Sat)    1 x cost                number of approvals
choose-1        project cost (Cost_Sat)    1 x cost                number of votes
cumulative      points (Additive_Cardinal) points*L x 1/L          total points
scoring         points (Additive_Cardinal) points*L x 1/L          total points
ordinal         positional points          points*L x 1/L          total positional points
==============  =========================  ======================  =========================

``L`` is the least common denominator of all points, 1 for integer points. Positional points come
from :meth:`~wijkkompas.budgeting.model.Instance.positional_points`. Only positive utilities make
a voter a supporter, as in pabutools.
"""

from __future__ import annotations

import copy
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from itertools import chain, repeat
from math import lcm

import numpy as np

from wijkkompas.budgeting.model import POINT_VOTE_TYPES, Ballot, Instance
from wijkkompas.errors import WijkkompasError

SUPPORT_LABELS = {
    "approval": "approvals",
    "choose-1": "votes",
    "cumulative": "points",
    "scoring": "points",
    "ordinal": "positional points",
}


@dataclass(frozen=True)
class Utilities:
    """Ballots as ``(project index, weight)`` pairs; indices follow ``instance.projects``."""

    project_ids: tuple[str, ...]
    costs: tuple[Fraction, ...]
    units: tuple[Fraction, ...]
    ballots: tuple[tuple[tuple[int, int], ...], ...]
    support: tuple[Fraction, ...]
    support_label: str
    weight_totals: tuple[int, ...] = ()
    """Per project, the sum of its supporters' weights (exact integers)."""
    weight_max: int = 0
    """The largest weight any ballot gives a project (0 when nobody supports anything)."""

    @property
    def num_ballots(self) -> int:
        return len(self.ballots)

    @cached_property
    def supporters(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per project: its supporters' ballot indices (ascending) and their weights.

        Made once, with one stable sort of all (project, ballot) pairs: MES's engine and its
        exact replay both need it, and a Python loop over every ballot per use was a tenth of
        the whole command on a city's election."""
        sizes = [len(b) for b in self.ballots]
        flat = chain.from_iterable(chain.from_iterable(self.ballots))
        pairs = np.array(list(flat), dtype=np.int64).reshape(-1, 2)
        order = np.argsort(pairs[:, 0], kind="stable")
        voters = np.repeat(np.arange(len(self.ballots), dtype=np.int64), sizes)[order]
        weights = pairs[order, 1]
        bounds = np.searchsorted(pairs[order, 0], np.arange(len(self.project_ids) + 1))
        return [
            (voters[a:b], weights[a:b])
            for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)
        ]

    def support_order(self) -> list[int]:
        """Projects by decreasing support, ties by id in plain string order (as pabutools)."""
        return sorted(
            range(len(self.project_ids)), key=lambda j: (-self.support[j], self.project_ids[j])
        )

    def total_weight(self) -> list[int]:
        """Per project, the sum of its supporters' weights."""
        return list(self.weight_totals)


_made: dict[int, tuple[weakref.ref[Instance], Utilities]] = {}
"""The utilities of each live instance: a rule and the explanation of its outcome both need
them, and building them walks every ballot (a city's election: a tenth of the command)."""


def utilities(instance: Instance) -> Utilities:
    """The :class:`Utilities` of ``instance`` for its vote type (see the module table); made
    once per instance (an instance is immutable), and forgotten with it."""
    key = id(instance)
    kept = _made.get(key)
    if kept is not None and kept[0]() is instance:
        return kept[1]
    made = _utilities(instance)
    _made[key] = (weakref.ref(instance, lambda _gone: _made.pop(key, None)), made)
    return made


def _utilities(instance: Instance) -> Utilities:
    vote_type = instance.vote_type
    index = {p.id: j for j, p in enumerate(instance.projects)}
    costs = tuple(p.cost for p in instance.projects)
    try:
        ids = [[index[pid] for pid in ballot.projects] for ballot in instance.ballots]
    except KeyError as exc:
        raise WijkkompasError(
            f"{instance.name}: a ballot votes for unknown project {exc}."
        ) from None
    if vote_type in ("approval", "choose-1"):
        counts = [0] * len(costs)
        for row in ids:
            for j in row:
                counts[j] += 1
        return Utilities(
            project_ids=tuple(p.id for p in instance.projects),
            costs=costs,
            units=costs,
            ballots=tuple(tuple(zip(row, repeat(1))) for row in ids),
            support=tuple(Fraction(c) for c in counts),
            support_label=SUPPORT_LABELS[vote_type],
            weight_totals=tuple(counts),
            weight_max=1 if any(counts) else 0,
        )
    ranks: dict[int, Sequence[Fraction]] = {}
    points = [_ballot_points(instance, b, ranks) for b in instance.ballots]
    scale = lcm(1, *{v.denominator for row in points for v in row})
    scaled = [[int(v * scale) for v in row] for row in points]
    totals = [0] * len(costs)
    for row, values in zip(ids, scaled, strict=True):
        for j, v in zip(row, values, strict=True):
            totals[j] += v
    return Utilities(
        project_ids=tuple(p.id for p in instance.projects),
        costs=costs,
        units=tuple(Fraction(1, scale) for _ in costs),
        ballots=tuple(
            tuple((j, v) for j, v in zip(row, values, strict=True) if v > 0)
            for row, values in zip(ids, scaled, strict=True)
        ),
        support=tuple(Fraction(t, scale) for t in totals),
        support_label=SUPPORT_LABELS[vote_type],
        weight_totals=tuple(totals),
        weight_max=max((v for row in scaled for v in row), default=0),
    )


def _ballot_points(
    instance: Instance, ballot: Ballot, ranks: dict[int, Sequence[Fraction]]
) -> Sequence[Fraction]:
    if instance.vote_type in POINT_VOTE_TYPES:
        if ballot.points is None or len(ballot.points) != len(ballot.projects):
            raise WijkkompasError(
                f"{instance.name}: voter {ballot.voter_id} lacks points for the projects voted for."
            )
        return ballot.points
    length = len(ballot.projects)
    if length not in ranks:
        ranks[length] = instance.positional_points(length)
    return ranks[length]


class CategoryCaps:
    """Money left per capped category while a rule selects projects.

    A project fits when its cost fits every capped category it belongs to; projects without a
    capped category are never blocked. With no caps every project fits.
    """

    def __init__(self, instance: Instance, enabled: bool) -> None:
        self.caps = dict(instance.category_budgets) if enabled else {}
        self.costs = [p.cost for p in instance.projects]
        self.categories = [
            tuple(c for c in p.categories if c in self.caps) for p in instance.projects
        ]
        self.spent = dict.fromkeys(self.caps, Fraction(0))

    def copy(self) -> CategoryCaps:
        clone = copy.copy(self)
        clone.spent = dict(self.spent)
        return clone

    def blocking(self, j: int) -> tuple[str, Fraction] | None:
        """The first capped category project ``j`` does not fit, with the money left in it."""
        for category in self.categories[j]:
            left = self.caps[category] - self.spent[category]
            if self.costs[j] > left:
                return category, left
        return None

    def add(self, j: int) -> None:
        for category in self.categories[j]:
            self.spent[category] += self.costs[j]
