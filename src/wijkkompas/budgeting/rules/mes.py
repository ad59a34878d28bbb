"""The Method of Equal Shares with pabutools' standard completion.

1. MES (Peters, Pierczyński & Skowron 2021): every voter gets an equal share of the budget and
   the project whose supporters can pay for it at the lowest price per unit of utility is
   bought, round after round, until no remaining project is affordable.
2. Add1: while the outcome is neither exhaustive nor over budget, every voter's share is raised
   by one currency unit and MES is run again; the last outcome within the budget is kept.
3. Greedy completion: the money still left funds projects by support (``greedy``).

This is what pabutools computes with ``completion_by_rule_combination(instance, profile,
[method_of_equal_shares, greedy_utilitarian_welfare], [{"sat_class": ...,
"voter_budget_increment": 1}, {"sat_class": ...}])``, and the oracle tests check that the winners
are identical, in the same order, for every stored Pabulib instance.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from wijkkompas.budgeting.model import Instance
from wijkkompas.budgeting.rules.greedy import greedy_pass
from wijkkompas.budgeting.rules.mes_engine import MESEngine
from wijkkompas.budgeting.rules.mes_exact import replay
from wijkkompas.budgeting.rules.result import MESDetails, RuleResult
from wijkkompas.budgeting.rules.support import CategoryCaps, Utilities, utilities
from wijkkompas.errors import WijkkompasError

UTILITY_LABELS = {
    "approval": "cost of the project (Cost_Sat)",
    "choose-1": "cost of the project (Cost_Sat)",
    "cumulative": "points given (Additive_Cardinal_Sat)",
    "scoring": "points given (Additive_Cardinal_Sat)",
    "ordinal": "positional points",
}


def method_of_equal_shares(
    instance: Instance, *, category_budgets: bool = False, increment: Fraction | int = 1
) -> RuleResult:
    """The Method of Equal Shares, completed by Add1 and then by greedy.

    Parameters
    ----------
    instance : Instance
        The election. Utilities per vote type are those of
        :mod:`wijkkompas.budgeting.rules.support`: the project's cost for approval and choose-1
        ballots, the points for cumulative and scoring ballots, positional points for ordinal.
    category_budgets : bool
        Respect META ``budget_per_category``: MES does not buy, and completion does not fund, a
        project that no longer fits one of its capped categories.
    increment : Fraction or int
        The Add1 step, in currency units per voter (pabutools' ``voter_budget_increment``).

    Returns
    -------
    RuleResult
        ``selected`` in purchase order, then the completion's additions; ``details`` is a
        :class:`MESDetails` with every round's price and payments.

    Notes
    -----
    MES is the rule of Peters, Pierczyński & Skowron (2021), "Proportional participatory
    budgeting with additive utilities", NeurIPS 34. Ties go to the smallest project id in string
    order, as pabutools' default lexicographic tie-breaking. Arithmetic is exact: floats only
    filter decisions whose outcome their error bounds already settle (see ``mes_engine``).
    """
    util = utilities(instance)
    caps = CategoryCaps(instance, category_budgets)
    budget = instance.budget
    totals = util.total_weight()
    ids = util.project_ids
    free = sorted(
        (j for j, t in enumerate(totals) if t > 0 and util.costs[j] == 0), key=ids.__getitem__
    )
    eligible = [j for j, t in enumerate(totals) if t > 0 and util.costs[j] > 0]
    for j in free:
        caps.add(j)
    n = util.num_ballots
    start = Fraction(budget, n) if n else Fraction(0)
    bought: list[tuple[int, Fraction]] = []
    steps, stop = 0, "no voters or no supported project"
    if n and eligible:
        if max(totals) >= 2**53 or util.weight_max >= 2**31:
            raise WijkkompasError(  # weights must stay exact in float64 sums and int32 cells
                f"{instance.name}: the points are too fine-grained for exact MES "
                "(a point is more than 2**31 of the smallest unit)."
            )
        steps, bought, stop = _add1(util, caps, eligible, budget, start, Fraction(increment), free)
    per_voter = start + steps * Fraction(increment)
    voter_ids = [b.voter_id for b in instance.ballots]
    outcome = free + [j for j, _ in bought]
    taken = set(outcome)
    losers = [j for j in eligible if j not in taken]
    support = util.supporters
    rounds, wallets = replay(util, voter_ids, per_voter, bought, support)
    after = caps.copy()
    for j, _ in bought:
        after.add(j)
    blocked = {ids[j]: hit[0] for j in losers if (hit := after.blocking(j)) is not None}
    selected, completion = greedy_pass(util, budget, outcome, after, stage="completion")
    details = MESDetails(
        utility=UTILITY_LABELS[instance.vote_type],
        initial_budget_per_voter=start,
        budget_per_voter=per_voter,
        increments=steps,
        stop_reason=stop,
        free=tuple(ids[j] for j in free),
        rounds=tuple(rounds),
        left_money={ids[j]: wallets.total(support[j][0]) for j in losers},
        blocked_by_category=blocked,
        unsupported=tuple(ids[j] for j, t in enumerate(totals) if t == 0),
        completion=completion,
    )
    return RuleResult(
        rule="mes",
        selected=[ids[j] for j in selected],
        total_cost=sum((util.costs[j] for j in selected), Fraction(0)),
        budget=budget,
        details=details,
        category_budgets=caps.caps,
    )


def _add1(
    util: Utilities,
    caps: CategoryCaps,
    eligible: list[int],
    budget: Fraction,
    start: Fraction,
    increment: Fraction,
    free: Sequence[int],
) -> tuple[int, list[tuple[int, Fraction]], str]:
    """Raise the per-voter budget until MES is exhaustive or overspends (pabutools' loop)."""
    engine = _engine(util, eligible)
    fits = _CapsFilter(caps, eligible) if caps.caps else None
    spent_free = sum((util.costs[j] for j in free), Fraction(0))
    steps = 0
    previous: list[tuple[int, Fraction]] | None = None
    while True:
        bought = [(eligible[e], pi) for e, pi in engine.run(start + steps * increment, fits)]
        spent = spent_free + sum((util.costs[j] for j, _ in bought), Fraction(0))
        if spent > budget:
            if previous is None:
                raise RuntimeError("MES overspent with equal shares of the budget")
            return (
                steps - 1,
                previous,
                (f"raising every share by one more unit would overspend ({spent} > {budget})"),
            )
        if _exhaustive(util, caps, eligible, {j for j, _ in bought}, budget - spent):
            return steps, bought, "no further supported project fits the budget left"
        previous = bought
        steps += 1


def _exhaustive(
    util: Utilities, caps: CategoryCaps, eligible: list[int], bought: set[int], left: Fraction
) -> bool:
    state = caps.copy()
    for j in bought:
        state.add(j)
    return not any(
        j not in bought and util.costs[j] <= left and state.blocking(j) is None for j in eligible
    )


def _engine(util: Utilities, eligible: list[int]) -> MESEngine:
    by_id = sorted(range(len(eligible)), key=lambda e: util.project_ids[eligible[e]])
    ranks = [0] * len(eligible)
    for rank, e in enumerate(by_id):
        ranks[e] = rank
    return MESEngine(
        n_voters=util.num_ballots,
        supporters=[util.supporters[j] for j in eligible],
        costs=[util.costs[j] for j in eligible],
        units=[util.units[j] for j in eligible],
        ranks=ranks,
    )


class _CapsFilter:
    """``fits`` for the engine: does engine project ``e`` still fit its capped categories?"""

    def __init__(self, caps: CategoryCaps, eligible: list[int]) -> None:
        self.base, self.eligible = caps, eligible
        self.state = caps.copy()
        self.seen: list[int] | None = None
        self.count = 0

    def __call__(self, e: int, chosen: list[int]) -> bool:
        if self.seen is not chosen:
            self.seen, self.state, self.count = chosen, self.base.copy(), 0
        while self.count < len(chosen):
            self.state.add(self.eligible[chosen[self.count]])
            self.count += 1
        return self.state.blocking(self.eligible[e]) is None
