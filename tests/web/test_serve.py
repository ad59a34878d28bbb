"""`wijkkompas serve` end to end: migrate, collectstatic and gunicorn on a free port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from wijkkompas.web.config import load_config
from wijkkompas.web.serve import _bind_address, _server_environment, network_warnings


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_bind_addresses() -> None:
    assert _bind_address("127.0.0.1", 8000) == "127.0.0.1:8000"
    assert _bind_address("::1", 8000) == "[::1]:8000"


def test_the_server_runs_production_style_but_accepts_its_own_host(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("WIJKKOMPAS_DEBUG", "WIJKKOMPAS_ALLOWED_HOSTS", "WIJKKOMPAS_ENV"):
        monkeypatch.delenv(name, raising=False)
    env = _server_environment(load_config(), "192.0.2.7")
    assert env["WIJKKOMPAS_DEBUG"] == "false"
    assert env["WIJKKOMPAS_ALLOWED_HOSTS"].split(",")[-1] == "192.0.2.7"
    assert _server_environment(load_config(), "0.0.0.0")["WIJKKOMPAS_ALLOWED_HOSTS"].endswith("*")
    monkeypatch.setenv("WIJKKOMPAS_DEBUG", "true")
    assert _server_environment(load_config(), "127.0.0.1")["WIJKKOMPAS_DEBUG"] == "true"


def test_serving_to_the_network_with_the_public_demo_key_warns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("WIJKKOMPAS_SECRET_KEY", "WIJKKOMPAS_ENV", "WIJKKOMPAS_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    config = load_config()
    for host in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        assert network_warnings(config, host, demo_accounts=True) == []
    for host in ("0.0.0.0", "::", "192.0.2.7", "wijk.example.nl"):
        [warning] = network_warnings(config, host, demo_accounts=False)
        assert f"to the network ({host})" in warning
        assert "public development key" in warning and "WIJKKOMPAS_SECRET_KEY" in warning
    [_key, accounts] = network_warnings(config, "0.0.0.0", demo_accounts=True)
    assert "published password" in accounts and "DEMO-2026-0001" in accounts
    monkeypatch.setenv(
        "WIJKKOMPAS_SECRET_KEY", "k7Yq2-Vb9xLr_3NwPz8aTe5HmJc4UdSg6QfRo1Ki0WyXnBvClE"
    )
    assert network_warnings(load_config(), "0.0.0.0", demo_accounts=False) == []


@pytest.mark.slow
def test_serve_prepares_and_serves_the_demo(demo_store: Path, tmp_path: Path) -> None:
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("WIJKKOMPAS_", "DJANGO_"))
    }
    env["WIJKKOMPAS_VAR_DIR"] = str(tmp_path / "var")
    store = tmp_path / "demo.duckdb"
    store.write_bytes(demo_store.read_bytes())
    code = (
        "from pathlib import Path; from wijkkompas.web.serve import run; "
        f"run('127.0.0.1', {port}, Path({str(store)!r}))"
    )
    server = subprocess.Popen(
        [sys.executable, "-c", code],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, f"the server stopped:\n{server.stdout.read()}"  # type: ignore[union-attr]
            try:
                status, headers, body = _get(base + "/")
                break
            except (ConnectionError, urllib.error.URLError):
                assert time.monotonic() < deadline, "the server did not answer within 90 s"
                time.sleep(0.3)
        assert status == 200
        page = body.decode()
        assert "Fictieve demogegevens" in page
        assert "Content-Security-Policy" in headers

        status, headers, _body = _get(base + "/static/vendor/leaflet/leaflet.js")
        assert status == 200
        assert headers["Content-Type"].startswith("text/javascript")
        status, _headers, body = _get(base + "/kaart/GM9999/buurten.geojson")
        assert status == 200 and b"FeatureCollection" in body
        status, _headers, body = _get(base + "/?gemeente=GM0001")
        assert status == 404 and "Pagina niet gevonden" in body.decode()  # DEBUG is off

        var = tmp_path / "var"
        assert (tmp_path / "demo.app.sqlite3").is_file()  # its own, beside the store
        assert not (var / "app.sqlite3").exists()
        assert (var / "static" / "vendor" / "utrecht" / "index.css").is_file()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    log = server.stdout.read()  # type: ignore[union-attr]
    assert '"GET /kaart/GM9999/buurten.geojson HTTP/1.1" 200' in log
    assert "127.0.0.1 - " not in log and "Mozilla" not in log  # who asked is not logged


@pytest.mark.slow
def test_prepare_collects_once_and_migrates(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WIJKKOMPAS_", "DJANGO_"))}
    env["WIJKKOMPAS_VAR_DIR"] = str(tmp_path / "var")
    code = (
        "from wijkkompas.web.serve import prepare, collect_static; prepare(); "
        "print('collected again' if collect_static() else 'up to date')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "up to date"
    assert (tmp_path / "var" / "app.sqlite3").is_file()
    assert (tmp_path / "var" / "static" / "monitor" / "kaart.js").is_file()
