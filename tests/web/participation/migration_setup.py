"""Run in a subprocess: ballots cast before migration 0002, carried over by it, and back.

Migrates the database to ``participation 0001``, casts ballots the way the code did then (vote
mark, ballot and entries in voting order, entries numbered by a sequence), migrates forwards,
closes the vote that was still open and migrates back and forwards once more. Prints one JSON
line with what the tests compare; the ballots as lists of ``[channel, [[project number,
position, points], ...]]``.
"""

from __future__ import annotations

import json
import random
from fractions import Fraction
from typing import Any

import django

VOTERS = 30
OPEN_VOTERS = 10


def _state(app_label: str, migration: str) -> Any:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    return MigrationExecutor(connection).loader.project_state((app_label, migration)).apps


def _migrate(target: str | None = None) -> None:
    from django.core.management import call_command

    if target is None:
        call_command("migrate", interactive=False, verbosity=0)
    else:
        call_command("migrate", "participation", target, interactive=False, verbosity=0)


def _ballots_in_table_order(apps: Any, budget_id: int) -> list[list[Any]]:
    """The ballots of a budget in the order their rows lie in the table (rowid or ctid)."""
    from django.db import connection

    place = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, channel FROM participation_ballot WHERE budget_id = %s ORDER BY {place}",
            [budget_id],
        )
        rows = cursor.fetchall()
    entry_model = apps.get_model("participation", "BallotEntry")
    out = []
    for ballot_id, channel in rows:
        entries = entry_model.objects.filter(ballot_id=ballot_id).select_related("project")
        out.append([channel, sorted([e.project.number, e.position, e.points] for e in entries)])
    return out


def _cast_the_old_way(apps: Any, budget: Any, first: int, count: int, rng: random.Random) -> None:
    """Mark, ballot and entries in one go per voter, as ``cast_ballot`` did before 0002."""
    code_model = apps.get_model("participation", "ResidentCode")
    mark_model = apps.get_model("participation", "VoteMark")
    ballot_model = apps.get_model("participation", "Ballot")
    entry_model = apps.get_model("participation", "BallotEntry")
    projects = list(apps.get_model("participation", "BudgetProject").objects.filter(budget=budget))
    for n in range(first, first + count):
        code = code_model.objects.create(code_hash=f"{n:064d}", area_code="BU99990101")
        mark_model.objects.create(budget=budget, code=code)
        ballot = ballot_model.objects.create(
            budget=budget, channel="paper" if n % 4 == 0 else "online"
        )
        chosen = rng.sample(projects, rng.randint(1, 3))
        points = [10] if len(chosen) == 1 else [6, 4] if len(chosen) == 2 else [5, 3, 2]
        for position, (project, pts) in enumerate(zip(chosen, points, strict=True)):
            entry_model.objects.create(
                ballot=ballot,
                project=project,
                position=position,
                points=pts if budget.vote_type == "cumulative" else None,
            )


def main() -> None:
    django.setup()
    _migrate()
    _migrate("0001_initial")
    apps = _state("participation", "0001_initial")
    budget_model = apps.get_model("participation", "NeighbourhoodBudget")
    project_model = apps.get_model("participation", "BudgetProject")
    rng = random.Random(2026)
    closed = budget_model.objects.create(
        name="Gesloten", area_code="WK999901", year=2025, amount=10_000, phase="result",
        vote_type="cumulative", max_sum_points=10,
    )  # fmt: skip
    still_open = budget_model.objects.create(
        name="Open", area_code="WK999901", year=2026, amount=10_000, phase="vote",
        vote_type="approval",
    )  # fmt: skip
    for budget in (closed, still_open):
        for number, cost in enumerate((4_000, 3_000, 2_500, 1_000), start=1):
            project_model.objects.create(
                budget=budget, number=number, title=f"P{number}", description="-", cost=cost,
                feasible=True,
            )  # fmt: skip
    _cast_the_old_way(apps, closed, 0, VOTERS, rng)
    _cast_the_old_way(apps, still_open, 1000, OPEN_VOTERS, rng)
    before = _ballots_in_table_order(apps, closed.pk)
    old_ids = {
        str(i)
        for i in apps.get_model("participation", "Ballot").objects.values_list("id", flat=True)
    }
    open_before = _ballots_in_table_order(apps, still_open.pk)

    _migrate()
    from wijkkompas.web.apps.participation.models import (
        Ballot,
        BallotEntry,
        NeighbourhoodBudget,
        ResidentCode,
    )
    from wijkkompas.web.apps.participation.selectors import budgets as budget_selectors
    from wijkkompas.web.apps.participation.services import budgets

    current = _state("participation", "0003_unlinkable_ballots")
    after = _ballots_in_table_order(current, closed.pk)
    outcome = budget_selectors.outcome(NeighbourhoodBudget.objects.get(pk=closed.pk))
    # The same election counted from the ballots as they were before the migration.
    from dataclasses import replace

    from wijkkompas.budgeting import Ballot as PbBallot
    from wijkkompas.budgeting.rules import RULES

    recount = RULES["mes"](
        replace(
            outcome.instance,
            ballots=tuple(
                PbBallot(
                    voter_id=str(n),
                    projects=tuple(str(p) for p, _pos, _pts in sorted(e, key=lambda x: x[1])),
                    points=tuple(Fraction(pts) for _p, _pos, pts in sorted(e, key=lambda x: x[1])),
                    fields={"voting_method": "paper" if c == "paper" else "internet"},
                )
                for n, (c, e) in enumerate(before, start=1)
            ),
        ),
        category_budgets=False,
    )
    entry_keys = list(BallotEntry.objects.values_list("id", flat=True))
    new_ids = {str(i) for i in Ballot.objects.values_list("id", flat=True)}

    # The vote that was open goes on: one more ballot, sealed, then the close opens the box.
    code = ResidentCode.objects.create(code_hash="f" * 64, area_code="BU99990101")
    open_budget = NeighbourhoodBudget.objects.get(pk=still_open.pk)
    budgets.cast_ballot(
        budget=open_budget, code=code, choice=budgets.Choice((2, 4)), channel="online"
    )
    budgets.set_phase(budget=open_budget, phase="result", actor=None)
    open_after = _ballots_in_table_order(current, still_open.pk)

    _migrate("0001_initial")
    back = _ballots_in_table_order(_state("participation", "0001_initial"), closed.pk)
    _migrate()
    again = _ballots_in_table_order(current, closed.pk)
    print(
        json.dumps(
            {
                "before": before,
                "after": after,
                "selected_now": sorted(outcome.result.selected),
                "selected_before": sorted(recount.selected),
                "entry_keys_are_uuids": all(len(str(k)) == 36 for k in entry_keys),
                "ids_kept": len(old_ids & new_ids),
                "open_before": open_before,
                "open_after": open_after,
                "back": back,
                "again": again,
            }
        )
    )


if __name__ == "__main__":
    main()
