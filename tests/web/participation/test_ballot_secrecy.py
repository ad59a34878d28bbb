"""A secret ballot stays secret for whoever reads the database, a dump or a backup (issue 18).

Forty residents with known codes vote in parallel, each a different ballot, through the real
server on SQLite and on PostgreSQL. Then the attacker of ``attack.py`` — who knows which code
belongs to whom — tries every ordering and join the database offers to pair vote marks with
ballots: while the vote is open, after it closes, and in a dump taken after it closes. No
attempt may pair more than chance would: the limit is where a random permutation gets there
with probability below one in a million, over all attempts together (:func:`chance_limit`).
Before the ballot box, sorting marks by id and ballots by their lowest entry id paired 40 of 40.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import pytest

from . import attack
from .live_server import csrf_token, database, environment, run_setup, serving, signed_in

# One election (or migration) per database, shared by the tests of this module: keep them
# on one xdist worker (`make test` runs with --dist loadgroup).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("ballot-secrecy")]

N_VOTERS = 40


@dataclass(frozen=True)
class Election:
    kind: str
    url: str
    budget: int
    truth: dict[int, frozenset[int]]
    """Code id → the projects (ids) on that code's ballot: what the attacker must not find."""
    while_open: attack.Snapshot
    """The database as an administrator could read it after everyone voted, before the close."""

    def snapshot(self) -> attack.Snapshot:
        return _read(self.kind, self.url)

    def dump(self) -> attack.Snapshot:
        if self.kind == "sqlite":
            path = Path(self.url.removeprefix("sqlite:///"))
            return attack.parse_sqlite_dump(attack.sqlite_dump(path))
        return attack.parse_postgres_dump(attack.postgres_dump(self.url))


def _read(kind: str, url: str) -> attack.Snapshot:
    if kind == "sqlite":
        return attack.read_sqlite(Path(url.removeprefix("sqlite:///")))
    return attack.read_postgres(url)


def _ballots(projects: dict[str, int]) -> list[frozenset[int]]:
    """N_VOTERS different approval ballots over the six projects, in a fresh random order.

    Fresh on every run and independent of when anyone signs in or votes, so that a pairing that
    learns nothing from the database is right only by chance.
    """
    ids = sorted(projects.values())
    every = [frozenset(c) for size in range(1, 7) for c in combinations(ids, size)]
    return random.SystemRandom().sample(every, N_VOTERS)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def election(
    request, tmp_path_factory: pytest.TempPathFactory, demo_store: Path
) -> Iterator[Election]:
    folder = tmp_path_factory.mktemp(f"secrecy-{request.param}")
    with database(request.param, folder) as url:
        env = environment(url, folder / "var", demo_store)
        made = run_setup(env, "secrecy", str(N_VOTERS))
        budget, codes = made["budget"], made["codes"]
        number_of = {pk: int(number) for number, pk in made["projects"].items()}
        ballots = _ballots(made["projects"])
        with serving(env) as (base, server_log):
            with ThreadPoolExecutor(8) as pool:
                clients = list(pool.map(lambda code: signed_in(base, code[0]), codes))
            vote_url = f"/meedoen/begrotingen/{budget}/stemmen/"
            forms = [
                {
                    "csrfmiddlewaretoken": csrf_token(client, vote_url),
                    "project": [str(number_of[pk]) for pk in sorted(ballot)],
                }
                for client, ballot in zip(clients, ballots, strict=True)
            ]
            start = threading.Barrier(N_VOTERS)

            def vote(n: int) -> int:
                start.wait()
                return clients[n].post(vote_url, data=forms[n]).status_code

            with ThreadPoolExecutor(N_VOTERS) as pool:
                statuses = list(pool.map(vote, range(N_VOTERS)))
            for client in clients:
                client.close()
        assert Counter(statuses) == {302: N_VOTERS}, server_log[0][-3000:]
        truth = {code_id: ballot for (_code, code_id), ballot in zip(codes, ballots, strict=True)}
        election = Election(request.param, url, budget, truth, _read(request.param, url))
        run_setup(env, "close", str(budget))
        yield election


def _assert_no_better_than_chance(found: attack.Attack) -> None:
    limit = attack.chance_limit(N_VOTERS, found.tries)
    assert found.best < limit, (
        f"{found.best} of {found.marks} voters paired with their ballot by {found.how} "
        f"(chance reaches {limit} with probability < 1e-6 over {found.tries} pairings)"
    )


def test_while_the_vote_is_open_the_database_shows_who_voted_but_no_ballot(
    election: Election,
) -> None:
    found = attack.attack(election.while_open, election.budget, election.truth)
    _assert_no_better_than_chance(found)
    assert found.marks == N_VOTERS  # who voted is known: it is what keeps a code to one vote
    assert found.ballots == 0  # what they voted is not: only sealed boxes, one per vote
    boxes = [r["box"] for r in election.while_open.rows(attack.SEALED)]
    assert len(boxes) == N_VOTERS
    assert len({len(box) for box in boxes}) == 1  # all alike, one project or six


def test_after_the_close_no_ordering_in_the_database_pairs_voters_with_their_ballots(
    election: Election,
) -> None:
    snapshot = election.snapshot()
    found = attack.attack(snapshot, election.budget, election.truth)
    _assert_no_better_than_chance(found)
    assert found.marks == found.ballots == N_VOTERS  # the attacker had every ballot to try
    assert not snapshot.rows(attack.SEALED)  # the box is empty after the close
    stored = Counter(attack.ballot_contents(snapshot, election.budget))
    assert stored == Counter(election.truth.values())  # each ballot counted once, as cast


def test_a_dump_taken_after_the_close_pairs_no_more_ballots_with_codes_than_chance(
    election: Election,
) -> None:
    dump = election.dump()
    found = attack.attack(dump, election.budget, election.truth)
    _assert_no_better_than_chance(found)
    assert found.marks == found.ballots == N_VOTERS
