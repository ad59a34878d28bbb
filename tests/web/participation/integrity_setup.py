"""Run in a subprocess against the server's database: set up a vote, close it, count it.

Prints one JSON line. Kept apart from the tests so that the server and this script share only
the database, as a real deployment would.

    integrity_setup.py make N       migrate; a budget of three projects and N codes
    integrity_setup.py secrecy N    migrate; a budget of six projects and N codes, with ids
    integrity_setup.py close B      move budget B to the result (this opens the ballot box)
    integrity_setup.py count B      ballots, sealed ballots, vote marks and entries of budget B
    integrity_setup.py close-race N migrate; close a vote while a ballot is half-way in (N: pause, s)
"""

from __future__ import annotations

import json
import sys

import django


def _budget(projects: list[tuple[str, int]], **rules: int):
    from wijkkompas.web.apps.participation.models import NeighbourhoodBudget
    from wijkkompas.web.apps.participation.services import budgets

    budget = NeighbourhoodBudget.objects.create(
        name="Integriteit", area_code="WK999901", year=2026, amount=10_000, phase="submit", **rules
    )
    for title, cost in projects:
        project = budgets.propose_project(
            budget=budget, user=None, title=title, description=title, cost=cost
        )
        budgets.set_feasibility(project=project, feasible=True, reason="", actor=None)
    budgets.set_phase(budget=budget, phase="vote", actor=None)
    return budget


def make(n_codes: int) -> dict:
    from wijkkompas.web.apps.participation.services import codes

    budget = _budget(
        [("Bankjes", 4_000), ("Speeltuin", 7_000), ("Feest", 1_000)], max_sum_cost=10_000
    )
    plain = codes.generate_codes(area_code="BU99990101", count=n_codes, batch="integriteit")
    return {"budget": budget.pk, "codes": plain}


def secrecy(n_codes: int) -> dict:
    """Six projects of 1,000 euro, any may be approved: 63 different ballots are possible."""
    from wijkkompas.web.apps.participation.models import ResidentCode
    from wijkkompas.web.apps.participation.services import codes

    titles = ["Bankjes", "Speeltuin", "Feest", "Bomen", "Moestuin", "Fietsenrek"]
    budget = _budget([(title, 1_000) for title in titles])
    plain = codes.generate_codes(area_code="BU99990101", count=n_codes, batch="geheim")
    ids = {c.code_hash: c.pk for c in ResidentCode.objects.filter(batch="geheim")}
    return {
        "budget": budget.pk,
        "codes": [[code, ids[codes.code_hash(code)]] for code in plain],
        "projects": {str(p.number): p.pk for p in budget.projects.all()},
    }


def close(budget_id: int) -> dict:
    from wijkkompas.web.apps.participation.models import NeighbourhoodBudget
    from wijkkompas.web.apps.participation.services import budgets

    budget = NeighbourhoodBudget.objects.get(pk=budget_id)
    budgets.set_phase(budget=budget, phase="result", actor=None)
    return {"phase": "result"}


def count(budget_id: int) -> dict:
    from wijkkompas.web.apps.participation.models import (
        Ballot,
        BallotEntry,
        SealedBallot,
        VoteMark,
    )

    return {
        "ballots": Ballot.objects.filter(budget_id=budget_id).count(),
        "sealed": SealedBallot.objects.filter(budget_id=budget_id).count(),
        "marks": VoteMark.objects.filter(budget_id=budget_id).count(),
        "entries": BallotEntry.objects.filter(ballot__budget_id=budget_id).count(),
    }


def close_race(pause: int) -> dict:
    """Close the vote while a ballot has read that the vote is open but is not yet in the box.

    The ballot takes the same steps as ``budgets.cast_ballot`` — read the phase, then write the
    mark and the sealed box in the same transaction — with a pause in between: the moment a
    close could slip in. The close must wait for it and open its box, or it is lost.
    """
    import threading
    import time

    from django.db import connection, transaction

    from wijkkompas.web.apps.participation.models import SealedBallot, VoteMark
    from wijkkompas.web.apps.participation.services import ballot_box, budgets, codes

    budget = _budget([("Bankjes", 4_000), ("Feest", 1_000)], max_sum_cost=10_000)
    code = codes.add_known_code(code="RACE-0001", area_code="BU99990101", batch="race")
    project = budget.projects.get(number=1)
    box = ballot_box.seal(
        ballot_box.BallotContent("online", ((project.pk, None),)), budget_id=budget.pk, slots=2
    )
    phase_read = threading.Event()
    moments: dict[str, float] = {}

    def cast() -> None:
        try:
            with transaction.atomic():
                moments["phase"] = budgets.phase_for_casting(budget.pk)  # type: ignore[assignment]
                phase_read.set()
                time.sleep(pause)
                VoteMark.objects.create(budget_id=budget.pk, code_id=code.pk)
                SealedBallot.objects.create(budget_id=budget.pk, box=box)
                # Taken before the commit: a close that waits for the commit ends after this
                # moment, however late this thread is scheduled again once it has committed.
                moments["cast"] = time.monotonic()
        finally:
            connection.close()

    caster = threading.Thread(target=cast)
    caster.start()
    phase_read.wait()
    budgets.set_phase(budget=budget, phase="result", actor=None)
    moments["closed"] = time.monotonic()
    caster.join()
    return {
        "phase_seen": moments["phase"],
        "closed_after_cast": moments["closed"] > moments["cast"],
        **count(budget.pk),
    }


def main(command: str, number: int) -> None:
    django.setup()
    if command in ("make", "secrecy", "close-race"):
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
    actions = {"make": make, "secrecy": secrecy, "close": close, "count": count}
    action = {**actions, "close-race": close_race}[command]
    print(json.dumps(action(number)))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
