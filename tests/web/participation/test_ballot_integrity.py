"""One ballot per code, counted exactly once — with 200 ballots arriving at the same moment.

Real clients (threads with their own sessions) against a real server (gunicorn, several worker
processes with threads each) on a real database: SQLite with ``transaction_mode`` IMMEDIATE and
PostgreSQL from Debian's packages. 150 residents vote once; 40 of them vote a second time from
another session at the same instant; 10 send a ballot that breaks the rules. Exactly 150
ballots may be stored, each with its own vote mark, sealed while the vote is open and opened,
all 150 with their own entries, when it closes.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .live_server import csrf_token, database, environment, run_setup, serving, signed_in

pytestmark = pytest.mark.slow

N_CODES = 160
N_INVALID = 10
N_TWICE = 40


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path: Path) -> Iterator[str]:
    with database(request.param, tmp_path) as url:
        yield url


def test_200_concurrent_ballots_are_each_counted_exactly_once(
    database_url: str, tmp_path: Path, demo_store: Path
) -> None:
    env = environment(database_url, tmp_path / "var", demo_store)
    made = run_setup(env, "make", str(N_CODES))
    budget, codes = made["budget"], made["codes"]
    with serving(env) as (base, server_log):
        voters = [*codes, *codes[N_INVALID : N_INVALID + N_TWICE]]
        with ThreadPoolExecutor(8) as pool:
            clients = list(pool.map(lambda code: signed_in(base, code), voters))
        vote_url = f"/meedoen/begrotingen/{budget}/stemmen/"
        forms = []
        for n, client in enumerate(clients):
            # Projects 1-3 cost 4,000 + 7,000 + 1,000 > the 10,000 a ballot may spend.
            projects = ["1", "2", "3"] if n < N_INVALID else (["1", "3"] if n % 2 else ["2"])
            forms.append({"csrfmiddlewaretoken": csrf_token(client, vote_url), "project": projects})

        start = threading.Barrier(len(clients))

        def vote(n: int) -> int:
            start.wait()
            return clients[n].post(vote_url, data=forms[n]).status_code

        with ThreadPoolExecutor(len(clients)) as pool:
            statuses = list(pool.map(vote, range(len(clients))))
        for client in clients:
            client.close()
    log = server_log[0]

    assert len(statuses) == 200
    counted = Counter(statuses)
    assert counted[302] == N_CODES - N_INVALID, (counted, log[-3000:])
    assert counted[409] == N_TWICE  # "already voted": the second ballot of a code, refused
    assert counted[400] == N_INVALID  # the rules, with the reason on the page
    assert " 500 " not in log
    # Each code that voted twice voted at the same instant: whichever came first counted.
    for n in range(N_TWICE):
        first, second = statuses[N_INVALID + n], statuses[N_CODES + n]
        assert sorted([first, second]) == [302, 409]

    # While the vote is open every counted ballot is a sealed box beside its code's mark.
    stored = run_setup(env, "count", str(budget))
    assert stored["sealed"] == stored["marks"] == N_CODES - N_INVALID
    assert stored["ballots"] == stored["entries"] == 0
    # The close opens the box: the same ballots, each with exactly the projects it chose.
    run_setup(env, "close", str(budget))
    stored = run_setup(env, "count", str(budget))
    assert stored["ballots"] == stored["marks"] == N_CODES - N_INVALID
    assert stored["sealed"] == 0
    expected_entries = sum(
        len(forms[n]["project"]) for n, status in enumerate(statuses) if status == 302
    )
    assert stored["entries"] == expected_entries


def test_a_ballot_half_way_in_when_the_vote_closes_is_opened_with_the_rest(
    database_url: str, tmp_path: Path, demo_store: Path
) -> None:
    """Closing waits for a ballot that saw the vote open; a box left sealed would be lost."""
    env = environment(database_url, tmp_path / "var", demo_store)
    race = run_setup(env, "close-race", "1")
    assert race["phase_seen"] == "vote"
    assert race["closed_after_cast"]
    assert race["ballots"] == race["marks"] == race["entries"] == 1
    assert race["sealed"] == 0
