"""The greedy rule, as cities run it, and the same pass as MES's completion.

Projects are taken in order of total support (approvals, points, or positional points) and
funded while they fit the budget that is left; a project that no longer fits is skipped and the
next one is tried. Ties go to the smaller project id in plain string order, as pabutools'
lexicographic tie-breaking does.
"""

from __future__ import annotations

from fractions import Fraction

from wijkkompas.budgeting.model import Instance
from wijkkompas.budgeting.rules.result import GreedyDetails, GreedyStep, RuleResult
from wijkkompas.budgeting.rules.support import CategoryCaps, Utilities, utilities


def greedy(instance: Instance, *, category_budgets: bool = False) -> RuleResult:
    """Fund projects by decreasing support while they fit the budget.

    Parameters
    ----------
    instance : Instance
        The election.
    category_budgets : bool
        Also respect META ``budget_per_category``: a project is skipped when it does not fit
        the money left in one of its capped categories.

    Returns
    -------
    RuleResult
        ``details`` is a :class:`GreedyDetails` with one step per project.

    Notes
    -----
    This is pabutools' ``greedy_utilitarian_welfare`` with ``Cost_Sat`` for approval ballots
    (whose ``total satisfaction / cost`` is the number of approvals). For points and ordinal
    ballots the order is by total points, the official rule of the Polish cities in Pabulib
    (Faliszewski et al. 2023), not pabutools' points-per-cost density.
    """
    util = utilities(instance)
    caps = CategoryCaps(instance, category_budgets)
    selected, details = greedy_pass(util, instance.budget, [], caps, stage="greedy")
    return RuleResult(
        rule="greedy",
        selected=[util.project_ids[j] for j in selected],
        total_cost=sum((util.costs[j] for j in selected), Fraction(0)),
        budget=instance.budget,
        details=details,
        category_budgets=caps.caps,
    )


def greedy_pass(
    util: Utilities, budget: Fraction, chosen: list[int], caps: CategoryCaps, *, stage: str
) -> tuple[list[int], GreedyDetails]:
    """Extend ``chosen`` greedily; returns all selected indices and the steps of this pass.

    ``caps`` must already account for ``chosen``; it is updated with the projects added.
    """
    selected = list(chosen)
    taken = set(chosen)
    left = budget - sum((util.costs[j] for j in chosen), Fraction(0))
    steps: list[GreedyStep] = []
    for rank, j in enumerate(util.support_order(), start=1):
        if j in taken:
            continue
        cost = util.costs[j]
        blocked: str | None = None
        shown = left
        if cost > left:
            blocked = "budget"
        else:
            category = caps.blocking(j)
            if category is not None:
                blocked, shown = f"category:{category[0]}", category[1]
        steps.append(
            GreedyStep(
                project=util.project_ids[j],
                rank=rank,
                support=util.support[j],
                cost=cost,
                left=shown,
                blocked_by=blocked,
            )
        )
        if blocked is None:
            selected.append(j)
            taken.add(j)
            caps.add(j)
            left -= cost
    return selected, GreedyDetails(
        stage=stage, support_label=util.support_label, steps=tuple(steps)
    )
