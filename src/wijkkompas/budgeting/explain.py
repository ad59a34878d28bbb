"""Why each project won or lost, in words and in numbers.

A participatory budget is only legitimate if every proposer can see why their project was or
was not funded. The explanation is read off the result's details, never recomputed, so it
describes exactly the run that produced the winners.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from wijkkompas.budgeting.model import Instance
from wijkkompas.budgeting.rules.result import (
    GreedyDetails,
    GreedyStep,
    MESDetails,
    MESRound,
    RuleResult,
)
from wijkkompas.budgeting.rules.support import utilities


@dataclass(frozen=True)
class ProjectExplanation:
    """One project's fate: ``stage`` is where it was decided, ``facts`` the numbers behind it.

    ``stage`` is ``"greedy"``, ``"mes"`` (bought in a round), ``"free"`` (costs nothing),
    ``"completion"`` (funded from the money MES left), or ``"not selected"``.
    """

    project: str
    name: str
    cost: Fraction
    support: Fraction
    selected: bool
    stage: str
    reason: str
    facts: dict[str, object] = field(default_factory=dict)


def explain(instance: Instance, result: RuleResult) -> list[ProjectExplanation]:
    """Explain every project of ``instance`` under ``result``.

    Parameters
    ----------
    instance : Instance
        The election the rule ran on.
    result : RuleResult
        The result of :func:`~wijkkompas.budgeting.rules.greedy` or
        :func:`~wijkkompas.budgeting.rules.method_of_equal_shares` on ``instance``.

    Returns
    -------
    list of ProjectExplanation
        The selected projects in the order they were selected, then the others by support.

    Notes
    -----
    For MES (Peters, Pierczyński & Skowron 2021, "Proportional participatory budgeting with
    additive utilities") a bought project is explained by its round, its price per unit of
    utility ``rho`` and how its supporters paid; a project MES did not buy by what its
    supporters had left at the end; the completion step like the greedy rule.
    """
    util = utilities(instance)
    support = dict(zip(util.project_ids, util.support, strict=True))
    order = {pid: rank for rank, pid in enumerate(result.selected)}
    by_support = {util.project_ids[j]: rank for rank, j in enumerate(util.support_order())}
    details = result.details
    explanations = []
    for project in instance.projects:
        if isinstance(details, MESDetails):
            stage, reason, facts = _mes(project.id, project.cost, details)
        else:
            stage, reason, facts = _greedy(_step(details, project.id), details)
        explanations.append(
            ProjectExplanation(
                project=project.id,
                name=project.name,
                cost=project.cost,
                support=support[project.id],
                selected=project.id in order,
                stage=stage,
                reason=reason,
                facts=facts,
            )
        )
    return sorted(
        explanations,
        key=lambda e: (0, order[e.project]) if e.selected else (1, by_support[e.project]),
    )


def money(value: Fraction) -> str:
    """An amount for people: whole units, or two decimals when there are cents."""
    if value.denominator == 1:
        return f"{value.numerator:,}".replace(",", " ")
    return f"{float(value):,.2f}".replace(",", " ")


def _step(details: GreedyDetails | None, project: str) -> GreedyStep | None:
    if details is None:
        return None
    return next((s for s in details.steps if s.project == project), None)


def _greedy(step: GreedyStep | None, details: GreedyDetails) -> tuple[str, str, dict[str, object]]:
    if step is None:  # already selected before this pass
        return "greedy", "Selected before the greedy pass.", {}
    facts: dict[str, object] = {"rank": step.rank, "left": step.left, "blocked_by": step.blocked_by}
    head = f"Rank {step.rank} by {details.support_label} ({_plain(step.support)})"
    if step.funded:
        return details.stage, f"{head}; funded, with {money(step.left)} left before it.", facts
    if step.blocked_by == "budget":
        why = f"the budget left, {money(step.left)}, was less than its cost {money(step.cost)}"
    else:
        category = (step.blocked_by or "").removeprefix("category:")
        why = (
            f"category {category!r} had only {money(step.left)} of its budget left, less than "
            f"its cost {money(step.cost)}"
        )
    return "not selected", f"{head}; skipped because {why}.", facts


def _mes(project: str, cost: Fraction, details: MESDetails) -> tuple[str, str, dict[str, object]]:
    bought = next((r for r in details.rounds if r.project == project), None)
    if bought is not None:
        return "mes", _bought(bought, details), _round_facts(bought)
    if project in details.free:
        return "free", "Costs nothing and has support, so it is selected before MES starts.", {}
    step = _step(details.completion, project)
    facts: dict[str, object] = {}
    if project in details.unsupported:
        first = "Nobody gave it any support, so MES could not buy it."
    elif project in details.blocked_by_category:
        category = details.blocked_by_category[project]
        first = f"MES did not buy it: it no longer fitted the budget of category {category!r}."
    else:
        left = details.left_money.get(project, Fraction(0))
        facts["supporters_money_left"] = left
        first = (
            f"MES did not buy it: at the end its supporters had {money(left)} left together, "
            f"less than its cost {money(cost)}."
        )
    if step is None or details.completion is None:
        return "not selected", first, facts
    _, second, more = _greedy(step, details.completion)
    facts.update(more)
    if step.funded:
        return "completion", f"{first} The greedy completion funded it: {second}", facts
    return "not selected", f"{first} In the greedy completion: {second}", facts


def _bought(r: MESRound, details: MESDetails) -> str:
    share = money(details.budget_per_voter)
    if r.min_payment == r.max_payment:
        each = f"each paid {money(r.min_payment)}"
    else:
        each = f"each paid between {money(r.min_payment)} and {money(r.max_payment)}"
    return (
        f"Bought in round {r.number} of the Method of Equal Shares (each voter's share: {share}): "
        f"{r.supporters_paying} supporters paid its cost {money(r.cost)}, {each}; the price was "
        f"{_plain(r.rho)} per unit of utility (utility: {details.utility})."
    )


def _round_facts(r: MESRound) -> dict[str, object]:
    return {
        "round": r.number,
        "rho": r.rho,
        "supporters_paying": r.supporters_paying,
        "min_payment": r.min_payment,
        "max_payment": r.max_payment,
        "total_payment": r.total_payment,
    }


def _plain(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.6g}"
