"""A real server on a real database, for the tests that vote in parallel as residents would.

gunicorn with several worker processes and threads each, on SQLite (``transaction_mode``
IMMEDIATE) or on a private PostgreSQL from Debian's packages; the set-up runs in a subprocess
(``integrity_setup.py``), so the tests and the server share only the database, as a real
deployment would.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from .postgres import pg_bin, private_postgres

HERE = Path(__file__).parent
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def database(kind: str, folder: Path) -> Iterator[str]:
    """A database URL: an SQLite file in ``folder`` or a fresh private PostgreSQL server."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'app.sqlite3'}"
        return
    if pg_bin() is None:
        message = "PostgreSQL is not installed: `make test` installs Debian's postgresql package"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with private_postgres() as url:
        yield url


def environment(database_url: str, var: Path, store: Path) -> dict[str, str]:
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


def run_setup(env: dict[str, str], *args: str) -> dict:
    """Run ``integrity_setup.py`` with ``args`` against the database; its last line, as JSON."""
    done = subprocess.run(
        [sys.executable, str(HERE / "integrity_setup.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@contextmanager
def serving(env: dict[str, str]) -> Iterator[tuple[str, list[str]]]:
    """Run the server until the block ends; yields its base URL and, after, its log (one item)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    argv = [
        sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
        "--workers", "3", "--threads", "16", "--worker-class", "gthread",
        "--timeout", "120", "wijkkompas.web.wsgi:application",
    ]  # fmt: skip
    from wijkkompas.web.serve import _gunicorn_has_control_socket

    if _gunicorn_has_control_socket():
        argv.insert(-1, "--no-control-socket")
    server = subprocess.Popen(
        argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    log: list[str] = []
    try:
        _wait_until_up(server, base)
        yield base, log
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            out, _ = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            out, _ = server.communicate()
        log.append(out)


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


def signed_in(base: str, code: str) -> httpx.Client:
    """A browser session of a resident who has entered ``code``."""
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


def csrf_token(client: httpx.Client, url: str) -> str:
    token = TOKEN.search(client.get(url).text)
    assert token
    return token.group(1)
