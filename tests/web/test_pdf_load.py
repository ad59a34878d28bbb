"""Anonymous PDF reports cannot take the site down: each is rendered once per store file, region
and language, and only a few renders run at once on a machine; the rest are told to come back.

A report costs about a second of CPU; gunicorn's two sync workers would otherwise both render
while the map and every page wait behind them.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.test import Client

from slot_holder import slots_held_by_another_process
from wijkkompas.errors import WijkkompasError
from wijkkompas.store import AnalyticStore
from wijkkompas.web.config import load_config
from wijkkompas.web.render_slots import slot_files

pytestmark = pytest.mark.django_db

BUURT = "BU99990000"
OTHER = "BU99990001"


@pytest.fixture
def fresh_store(settings, demo_store: Path, tmp_path: Path) -> Path:
    """A store file no other test has rendered reports from (so nothing of it is cached)."""
    path = tmp_path / "wijkkompas.duckdb"
    shutil.copyfile(demo_store, path)
    settings.WIJKKOMPAS_STORE = path
    return path


def _is_pdf(response) -> bool:
    return response.status_code == 200 and response.content.startswith(b"%PDF")


def test_a_report_is_rendered_once_per_store_file_and_served_from_memory_after(
    fresh_store: Path, tmp_path: Path
) -> None:
    client = Client()
    first = client.get(f"/regio/{BUURT}/rapport.pdf")
    assert _is_pdf(first)
    with slots_held_by_another_process(slot_files()):
        again = client.get(f"/regio/{BUURT}/rapport.pdf")
        assert _is_pdf(again) and again.content == first.content  # no slot needed

        other = client.get(f"/regio/{OTHER}/rapport.pdf")
        assert other.status_code == 503 and int(other["Retry-After"]) > 0
        assert "Probeer het over enkele seconden opnieuw" in other.content.decode()

        client.post("/taal/", {"language": "en", "next": "/"})
        english = client.get(f"/regio/{BUURT}/rapport.pdf")
        assert english.status_code == 503  # another language is another report
        assert "Try again in a few seconds" in english.content.decode()

        # an import renames a new file over the store: its reports are new too
        replacement = tmp_path / "replacement.duckdb"
        shutil.copyfile(fresh_store, replacement)
        os.replace(replacement, fresh_store)
        client.post("/taal/", {"language": "nl", "next": "/"})
        assert client.get(f"/regio/{BUURT}/rapport.pdf").status_code == 503
    assert _is_pdf(client.get(f"/regio/{OTHER}/rapport.pdf"))  # the slot is free again


def test_more_slots_can_be_configured(settings, fresh_store: Path, monkeypatch) -> None:
    settings.WIJKKOMPAS_PDF_RENDERS = 2
    slots = slot_files()
    assert len(slots) == 2
    with slots_held_by_another_process(slots[:1]):
        assert _is_pdf(Client().get(f"/regio/{BUURT}/rapport.pdf"))
    with slots_held_by_another_process(slots):
        assert Client().get(f"/regio/{OTHER}/rapport.pdf").status_code == 503

    monkeypatch.setenv("WIJKKOMPAS_PDF_RENDERS", "0")
    with pytest.raises(WijkkompasError, match="PDF_RENDERS"):
        load_config()


# --- real concurrency: gunicorn as `wijkkompas serve` starts it ----------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> tuple[int, dict[str, str], bytes, float]:
    start = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=180) as response:
            status, headers, body = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, dict(error.headers), error.read()
    return status, headers, body, time.monotonic() - start


@contextmanager
def serving(store: Path, var: Path) -> Iterator[str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WIJKKOMPAS_", "DJANGO_"))}
    env["WIJKKOMPAS_VAR_DIR"] = str(var)
    code = (
        "from pathlib import Path; from wijkkompas.web.serve import run; "
        f"run('127.0.0.1', {port}, Path({str(store)!r}))"
    )
    server = subprocess.Popen(
        [sys.executable, "-c", code], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, "the server stopped"
            try:
                _get(base + "/api/v1/")
                break
            except (ConnectionError, urllib.error.URLError):
                assert time.monotonic() < deadline, "the server did not answer within 120 s"
                time.sleep(0.3)
        yield base
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.mark.slow
def test_eight_anonymous_reports_at_once_leave_the_pages_answering(
    demo_store: Path, tmp_path: Path
) -> None:
    store = tmp_path / "wijkkompas.duckdb"
    shutil.copyfile(demo_store, store)
    with AnalyticStore(store).reader() as reader:
        codes = sorted(reader.regions(level="buurt", gemeente="GM9999")["code"])[:9]
    with serving(store, tmp_path / "var") as base:
        assert _get(base + "/")[0] == 200
        status, _headers, _body, one_render = _get(f"{base}/regio/{codes[0]}/rapport.pdf")
        assert status == 200

        with cf.ThreadPoolExecutor(max_workers=9) as pool:
            reports = [pool.submit(_get, f"{base}/regio/{c}/rapport.pdf") for c in codes[1:]]
            time.sleep(0.3)  # the reports are in the queue first
            home = _get(base + "/")
            answers = [r.result() for r in reports]

        assert home[0] == 200
        # Without a limit the home page waits for about four renders (two workers, eight
        # reports); with one, for the quick 503s ahead of it while one worker renders.
        assert home[3] < 2 * one_render, (home[3], one_render)
        for status, headers, body, _seconds in answers:
            assert (status == 200 and body.startswith(b"%PDF")) or (
                status == 503 and int(headers["Retry-After"]) > 0
            ), status
        assert any(a[0] == 200 for a in answers) and any(a[0] == 503 for a in answers)

        refused = next(c for c, a in zip(codes[1:], answers, strict=True) if a[0] == 503)
        assert _get(f"{base}/regio/{refused}/rapport.pdf")[0] == 200  # later, it is made
