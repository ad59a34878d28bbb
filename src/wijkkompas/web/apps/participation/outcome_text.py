"""The outcome of a neighbourhood budget in plain words (language level B1).

The budgeting core explains every project with numbers (``ProjectExplanation.facts`` and the
rule's details); this module only words them for residents, in Dutch or English, so the page
says exactly what the computation did.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext as _

from wijkkompas.budgeting.explain import ProjectExplanation, money
from wijkkompas.budgeting.rules.result import GreedyDetails, GreedyStep, MESDetails
from wijkkompas.web.apps.participation.selectors.budgets import Outcome
from wijkkompas.web.money import euro


@dataclass(frozen=True)
class ProjectLine:
    number: str
    name: str
    cost: str
    support: str
    selected: bool
    reason: str


def _step(details: GreedyDetails | None, project: str) -> GreedyStep | None:
    if details is None:
        return None
    return next((s for s in details.steps if s.project == project), None)


def _greedy_words(step: GreedyStep | None) -> str:
    if step is None:
        return ""
    if step.funded:
        return _(
            "Het stond op plaats %(rank)s van de meeste steun en paste nog: er was nog %(left)s over."
        ) % {"rank": step.rank, "left": euro(step.left)}
    if step.blocked_by == "budget":
        return _(
            "Het stond op plaats %(rank)s van de meeste steun. Toen was er nog %(left)s over. "
            "Dat is minder dan de kosten (%(cost)s)."
        ) % {"rank": step.rank, "left": euro(step.left), "cost": euro(step.cost)}
    return _(
        "Het stond op plaats %(rank)s, maar het geld voor dit thema was op (nog %(left)s over)."
    ) % {"rank": step.rank, "left": euro(step.left)}


def project_reason(e: ProjectExplanation, outcome: Outcome) -> str:
    details = outcome.result.details
    if isinstance(details, GreedyDetails):
        return _greedy_words(_step(details, e.project))
    assert isinstance(details, MESDetails)
    bought = next((r for r in details.rounds if r.project == e.project), None)
    if bought is not None:
        if bought.min_payment == bought.max_payment:
            each = _("ieder betaalde %(a)s") % {"a": euro(bought.min_payment)}
        else:
            each = _("ieder betaalde tussen %(a)s en %(b)s") % {
                "a": euro(bought.min_payment),
                "b": euro(bought.max_payment),
            }
        return _(
            "Gekozen in ronde %(round)s. %(n)s stemmers die dit project steunden, betaalden samen "
            "de kosten van %(cost)s uit hun deel: %(each)s."
        ) % {
            "round": bought.number,
            "n": bought.supporters_paying,
            "cost": euro(e.cost),
            "each": each,
        }
    if e.project in details.free:
        return _("Het kost niets en heeft steun. Daarom is het gekozen.")
    if e.project in details.unsupported:
        return _("Niemand heeft op dit project gestemd.")
    if e.project in details.blocked_by_category:
        first = _("Het geld voor dit thema was op.")
    else:
        left = details.left_money.get(e.project, Fraction(0))
        first = _(
            "De stemmers die dit project steunden, hadden samen nog %(left)s van hun deel over. "
            "Dat is minder dan de kosten (%(cost)s)."
        ) % {"left": euro(left), "cost": euro(e.cost)}
    step = _step(details.completion, e.project)
    if step is None:
        return first
    if step.funded:
        second = _(
            "Daarna is het geld dat over was verdeeld op volgorde van steun. Dit project paste nog: "
            "er was nog %(left)s over."
        ) % {"left": euro(step.left)}
    else:
        second = _(
            "Daarna is het geld dat over was verdeeld op volgorde van steun. Toen was er nog "
            "%(left)s over: te weinig."
        ) % {"left": euro(step.left)}
    return f"{first} {second}"


def project_lines(outcome: Outcome) -> list[ProjectLine]:
    return [
        ProjectLine(
            number=e.project,
            name=e.name,
            cost=euro(e.cost),
            support=money(e.support),
            selected=e.selected,
            reason=project_reason(e, outcome),
        )
        for e in outcome.explanations
    ]


@dataclass(frozen=True)
class ShareSpending:
    """How the voters' equal shares were spent (MES only)."""

    share: str
    voters: int
    spent_all: int
    spent_some: int
    spent_none: int
    total_spent: str
    per_project: list[tuple[str, int, str]]
    """(project name, voters who paid, how much in total)."""


def share_spending(outcome: Outcome) -> ShareSpending | None:
    details = outcome.result.details
    if not isinstance(details, MESDetails):
        return None
    spent: Counter[str] = Counter()
    for r in details.rounds:
        for voter, amount in r.payments.items():
            spent[voter] += amount  # type: ignore[assignment]
    voters = [b.voter_id for b in outcome.instance.ballots]
    share = details.budget_per_voter
    full = sum(1 for v in voters if spent.get(v, 0) >= share)
    none = sum(1 for v in voters if spent.get(v, 0) == 0)
    names = {p.id: p.name for p in outcome.instance.projects}
    return ShareSpending(
        share=euro(share),
        voters=len(voters),
        spent_all=full,
        spent_some=len(voters) - full - none,
        spent_none=none,
        total_spent=euro(sum(spent.values(), Fraction(0))),
        per_project=[
            (names.get(r.project, r.project), r.supporters_paying, euro(r.total_payment))
            for r in details.rounds
        ],
    )
