"""What a rule returns: the winners and enough of the computation to explain every project.

Results carry their explanation (house rule 4): a report can say why a project won or lost
without running the rule again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

from wijkkompas.budgeting.rules.exact import distinct, exact_sum


@dataclass(frozen=True)
class GreedyStep:
    """One project as a greedy pass met it, in support order.

    ``blocked_by`` is None when the project was funded, ``"budget"`` when its cost exceeded the
    budget left (``left``), or ``"category:<name>"`` when it exceeded the money left in a capped
    category (``left`` is then the category's money left).
    """

    project: str
    rank: int
    support: Fraction
    cost: Fraction
    left: Fraction
    blocked_by: str | None

    @property
    def funded(self) -> bool:
        return self.blocked_by is None


@dataclass(frozen=True)
class GreedyDetails:
    """A greedy pass: the city rule itself, or MES's completion (``stage="completion"``)."""

    stage: str
    support_label: str
    steps: tuple[GreedyStep, ...]


@dataclass(frozen=True)
class MESRound:
    """One purchase of the Method of Equal Shares.

    ``rho`` is the price per unit of utility: a supporter with utility ``u`` pays
    ``min(budget, rho * u)``. ``payments`` maps each paying voter to the amount paid.
    """

    number: int
    project: str
    cost: Fraction
    rho: Fraction
    payments: dict[str, Fraction]

    @property
    def supporters_paying(self) -> int:
        return len(self.payments)

    # Worked out once per round: an explanation reads each several times, and comparing and
    # adding thousands of exact fractions is most of what explaining a large election costs.
    @cached_property
    def min_payment(self) -> Fraction:
        return min(distinct(self.payments.values()), default=Fraction(0))

    @cached_property
    def max_payment(self) -> Fraction:
        return max(distinct(self.payments.values()), default=Fraction(0))

    @cached_property
    def total_payment(self) -> Fraction:
        return exact_sum(self.payments.values())


@dataclass(frozen=True)
class MESDetails:
    """The run of MES whose outcome was kept, plus the completion that followed it.

    ``budget_per_voter`` is ``initial_budget_per_voter + increments``: the Add1 loop raised
    every voter's budget by one currency unit ``increments`` times. ``left_money`` is, for each
    supported project MES did not buy, what its supporters had left at the end (it was less than
    the cost, or the project did not fit its category cap: ``blocked_by_category``).
    """

    utility: str
    initial_budget_per_voter: Fraction
    budget_per_voter: Fraction
    increments: int
    stop_reason: str
    free: tuple[str, ...]
    rounds: tuple[MESRound, ...]
    left_money: dict[str, Fraction]
    blocked_by_category: dict[str, str]
    unsupported: tuple[str, ...]
    completion: GreedyDetails | None


@dataclass(frozen=True)
class RuleResult:
    """The outcome of a rule: ``selected`` in the order the rule chose them."""

    rule: str
    selected: list[str]
    total_cost: Fraction
    budget: Fraction
    details: GreedyDetails | MESDetails
    category_budgets: dict[str, Fraction] = field(default_factory=dict)
