"""Budgets against spending, per intervention, partner and year: one table for every output.

The page, the PDF, the CSV and the Excel file all read :func:`budget_rows`, so the public
accountability page can never show other sums than the export a journalist downloads.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from wijkkompas.web.apps.plans.models import Intervention, Plan

ZERO = Decimal("0")


@dataclass(frozen=True)
class BudgetRow:
    intervention: Intervention
    organisation: str
    year: int
    budget: Decimal
    spent: Decimal


@dataclass(frozen=True)
class Totals:
    budget: Decimal
    spent: Decimal
    by_year: list[tuple[int, Decimal, Decimal]]
    by_organisation: list[tuple[str, Decimal, Decimal]]
    by_pillar: list[tuple[str, Decimal, Decimal]]


def budget_rows(plan: Plan) -> list[BudgetRow]:
    cells: dict[tuple[int, str, int], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    interventions = {
        i.pk: i
        for i in plan.interventions.select_related("lead").prefetch_related(
            "budget_lines__organisation", "spending__organisation"
        )
    }
    for intervention in interventions.values():
        for line in intervention.budget_lines.all():
            cells[(intervention.pk, line.organisation.name, line.year)][0] += line.amount
        for spent in intervention.spending.all():
            cells[(intervention.pk, spent.organisation.name, spent.year)][1] += spent.amount
    return [
        BudgetRow(interventions[pk], org, year, budget, spent)
        for (pk, org, year), (budget, spent) in sorted(
            cells.items(), key=lambda item: (interventions[item[0][0]].start_date, item[0])
        )
    ]


def _grouped(rows: list[BudgetRow], key: str) -> list[tuple[str, Decimal, Decimal]]:
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for row in rows:
        name = {
            "year": str(row.year),
            "organisation": row.organisation,
            "pillar": str(row.intervention.get_pillar_display()),
        }[key]
        sums[name][0] += row.budget
        sums[name][1] += row.spent
    return [(name, b, s) for name, (b, s) in sorted(sums.items())]


def totals(rows: list[BudgetRow]) -> Totals:
    by_year = [(int(y), b, s) for y, b, s in _grouped(rows, "year")]
    return Totals(
        budget=sum((r.budget for r in rows), ZERO),
        spent=sum((r.spent for r in rows), ZERO),
        by_year=by_year,
        by_organisation=_grouped(rows, "organisation"),
        by_pillar=_grouped(rows, "pillar"),
    )
