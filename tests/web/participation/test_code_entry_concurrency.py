"""The limit on wrong codes holds when the guesses arrive at the same moment.

Real clients (threads with their own sessions) against a real server (gunicorn, 3 worker
processes × 16 threads) on SQLite and on PostgreSQL, as in ``test_ballot_integrity``. Behind a
trusted proxy (the test's own address), so that two residents can be told apart by the
``X-Forwarded-For`` the proxy adds. If the limit were checked and counted in two steps, parallel
requests would all pass the check before any had counted and all be evaluated.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from wijkkompas.web.apps.participation.services.codes import (
    ALPHABET,
    CODE_PER_CLIENT,
    CODE_PER_PREFIX,
)

from .live_server import TOKEN, environment, run_setup, serving
from .test_ballot_integrity import database_url

pytestmark = pytest.mark.slow

__all__ = ["database_url"]  # the fixture, parametrised over SQLite and PostgreSQL


def _ready_guesser(base: str, resident: str) -> tuple[httpx.Client, str]:
    """A client with its session and CSRF token, coming through the proxy as ``resident``."""
    client = httpx.Client(
        base_url=base,
        timeout=120,
        headers={"X-Forwarded-For": resident},
        limits=httpx.Limits(max_keepalive_connections=0),
    )
    token = TOKEN.search(client.get("/meedoen/code/").text)
    assert token
    return client, token.group(1)


def _all_at_once(base: str, resident: str, codes: list[str]) -> Counter[int]:
    with ThreadPoolExecutor(8) as pool:
        ready = list(pool.map(lambda _code: _ready_guesser(base, resident), codes))
    start = threading.Barrier(len(codes))

    def enter(n: int) -> int:
        client, token = ready[n]
        start.wait()
        return client.post(
            "/meedoen/code/", data={"code": codes[n], "csrfmiddlewaretoken": token}
        ).status_code

    with ThreadPoolExecutor(len(codes)) as pool:
        statuses = Counter(pool.map(enter, range(len(codes))))
    for client, _token in ready:
        client.close()
    return statuses


def test_parallel_wrong_codes_are_evaluated_no_more_often_than_the_limit(
    database_url: str, tmp_path: Path, demo_store: Path
) -> None:
    env = environment(database_url, tmp_path / "var", demo_store)
    env["WIJKKOMPAS_TRUSTED_PROXIES"] = "127.0.0.1"
    good = run_setup(env, "make", "1")["codes"][0]
    with serving(env) as (base, logs):
        # 48 guesses around one code (the same first four characters) from one resident.
        around_one = _all_at_once(base, "198.51.100.1", [f"WRON-OOOO-{n:04d}" for n in range(48)])
        # 60 guesses at many codes from another resident.
        prefixes = [a + b for a in ALPHABET for b in ALPHABET][:60]
        many = _all_at_once(base, "198.51.100.2", [f"{p}OO-OOOO-0000" for p in prefixes])
        # A third resident behind the same proxy is not held up by the other two.
        client, token = _ready_guesser(base, "198.51.100.3")
        entered = client.post("/meedoen/code/", data={"code": good, "csrfmiddlewaretoken": token})
        client.close()
    log = logs[0]

    assert around_one == {400: CODE_PER_PREFIX.allowed, 429: 48 - CODE_PER_PREFIX.allowed}, log[
        -3000:
    ]
    assert many == {400: CODE_PER_CLIENT.allowed, 429: 60 - CODE_PER_CLIENT.allowed}
    assert entered.status_code == 302
    assert " 500 " not in log
