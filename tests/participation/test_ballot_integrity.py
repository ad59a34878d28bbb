"""One ballot per code, counted exactly once — with 200 ballots arriving at the same moment.

Real clients (threads with their own sessions) against a real server (gunicorn, several worker
processes with threads each) on a real database: SQLite with ``transaction_mode`` IMMEDIATE and
PostgreSQL from Debian's packages. 150 residents vote once; 40 of them vote a second time from
another session at the same instant; 10 send a ballot that breaks the rules. Exactly 150
ballots may be stored, each with its own vote mark.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from .postgres import pg_bin, private_postgres

pytestmark = pytest.mark.slow

HERE = Path(__file__).parent
N_CODES = 160
N_INVALID = 10
N_TWICE = 40
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'app.sqlite3'}"
        return
    if pg_bin() is None:
        message = "PostgreSQL is not installed: `make test` installs Debian's postgresql package"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with private_postgres() as url:
        yield url


def _environment(database_url: str, var: Path, store: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WIJKKOMPAS_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="wijkkompas.web.settings",
        WIJKKOMPAS_VAR_DIR=str(var),
        WIJKKOMPAS_DATABASE_URL=database_url,
        WIJKKOMPAS_STORE=str(store),
        WIJKKOMPAS_DEBUG="false",
        WIJKKOMPAS_ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    return env


def _run(env: dict[str, str], *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, str(HERE / "integrity_setup.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _start_server(env: dict[str, str], port: int) -> subprocess.Popen[str]:
    argv = [
        sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
        "--workers", "3", "--threads", "16", "--worker-class", "gthread",
        "--timeout", "120", "wijkkompas.web.wsgi:application",
    ]  # fmt: skip
    from wijkkompas.web.serve import _gunicorn_has_control_socket

    if _gunicorn_has_control_socket():
        argv.insert(-1, "--no-control-socket")
    return subprocess.Popen(
        argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def _wait_until_up(server: subprocess.Popen[str], base: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        assert server.poll() is None, f"the server stopped:\n{server.stdout.read()}"  # type: ignore[union-attr]
        try:
            if httpx.get(base + "/meedoen/", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "the server did not answer within 60 s"
        time.sleep(0.3)


def _signed_in(base: str, code: str) -> httpx.Client:
    # No keep-alive: the server closes idle connections, and a POST on one it just closed would
    # fail on the network rather than on the ballot.
    client = httpx.Client(
        base_url=base, timeout=120, limits=httpx.Limits(max_keepalive_connections=0)
    )
    page = client.get("/meedoen/code/")
    token = TOKEN.search(page.text)
    assert token, page.text[:500]
    answer = client.post(
        "/meedoen/code/", data={"code": code, "csrfmiddlewaretoken": token.group(1)}
    )
    assert answer.status_code == 302, answer.text[:500]
    return client


def test_200_concurrent_ballots_are_each_counted_exactly_once(
    database_url: str, tmp_path: Path, demo_store: Path
) -> None:
    env = _environment(database_url, tmp_path / "var", demo_store)
    made = _run(env, str(N_CODES))
    budget, codes = made["budget"], made["codes"]
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _start_server(env, port)
    try:
        _wait_until_up(server, base)
        voters = [*codes, *codes[N_INVALID : N_INVALID + N_TWICE]]
        with ThreadPoolExecutor(8) as pool:
            clients = list(pool.map(lambda code: _signed_in(base, code), voters))
        vote_url = f"/meedoen/begrotingen/{budget}/stemmen/"
        forms = []
        for n, client in enumerate(clients):
            token = TOKEN.search(client.get(vote_url).text)
            assert token
            # Projects 1-3 cost 4,000 + 7,000 + 1,000 > the 10,000 a ballot may spend.
            projects = ["1", "2", "3"] if n < N_INVALID else (["1", "3"] if n % 2 else ["2"])
            forms.append({"csrfmiddlewaretoken": token.group(1), "project": projects})

        start = threading.Barrier(len(clients))

        def vote(n: int) -> int:
            start.wait()
            return clients[n].post(vote_url, data=forms[n]).status_code

        with ThreadPoolExecutor(len(clients)) as pool:
            statuses = list(pool.map(vote, range(len(clients))))
        for client in clients:
            client.close()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            log, _ = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            log, _ = server.communicate()

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

    stored = _run(env, "count", str(budget))
    assert stored["ballots"] == stored["marks"] == N_CODES - N_INVALID
    expected_entries = sum(
        len(forms[n]["project"]) for n, status in enumerate(statuses) if status == 302
    )
    assert stored["entries"] == expected_entries
