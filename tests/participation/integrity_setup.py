"""Run in a subprocess against the server's database: migrate, then make a budget and codes.

Prints one JSON line: the budget id and the plain codes. Kept apart from the test so that the
server and this script share only the database, as a real deployment would.
"""

from __future__ import annotations

import json
import sys

import django


def main(n_codes: int) -> None:
    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from wijkkompas.web.apps.participation.models import NeighbourhoodBudget
    from wijkkompas.web.apps.participation.services import budgets, codes

    budget = NeighbourhoodBudget.objects.create(
        name="Integriteit", area_code="WK999901", year=2026, amount=10_000, phase="submit",
        max_sum_cost=10_000,
    )  # fmt: skip
    for title, cost in (("Bankjes", 4_000), ("Speeltuin", 7_000), ("Feest", 1_000)):
        project = budgets.propose_project(
            budget=budget, user=None, title=title, description=title, cost=cost
        )
        budgets.set_feasibility(project=project, feasible=True, reason="", actor=None)
    budgets.set_phase(budget=budget, phase="vote", actor=None)
    plain = codes.generate_codes(area_code="BU99990101", count=n_codes, batch="integriteit")
    print(json.dumps({"budget": budget.pk, "codes": plain}))


def count(budget_id: int) -> None:
    django.setup()
    from wijkkompas.web.apps.participation.models import Ballot, BallotEntry, VoteMark

    print(
        json.dumps(
            {
                "ballots": Ballot.objects.filter(budget_id=budget_id).count(),
                "marks": VoteMark.objects.filter(budget_id=budget_id).count(),
                "entries": BallotEntry.objects.filter(ballot__budget_id=budget_id).count(),
            }
        )
    )


if __name__ == "__main__":
    if sys.argv[1] == "count":
        count(int(sys.argv[2]))
    else:
        main(int(sys.argv[1]))
