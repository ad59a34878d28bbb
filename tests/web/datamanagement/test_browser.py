"""An analyst sets up Rotterdam from the browser, in Debian's chromium, on a fresh store: uploads
the real KWB extract (``--year 2017``) and buurt boundaries, waits for the import, starts an
index run, and finds the buurten coloured on the map. axe-core finds no WCAG 2.1 A/AA
violation on any page of the data screen; nothing is loaded from another site.

Jobs run in their background thread here, as on a real server: the status page follows them
(each is held once running until its status page has been checked, then let go).
Skips, naming what is missing, when ``../shared/data`` is absent; its twin
(test_rotterdam_layout.py) goes the same way through the Django test client, with files made up
in the same layouts.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_support import ARTIFACTS, Browsing, assert_accessible, browse
from wijkkompas.web.apps.accounts import roles
from wijkkompas.web.apps.accounts import services as accounts
from wijkkompas.web.apps.datamanagement.services import jobs

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.realdata]

SHARED_DATA = Path(__file__).resolve().parents[4] / "shared" / "data"
KWB = SHARED_DATA / "kwb" / "rotterdam" / "ikgeoData.json"
BOUNDARIES = SHARED_DATA / "geo" / "rotterdam" / "rotterdam_buurten.geojson"
PASSWORD = "browser-test-password"
JOB_TIMEOUT = 120_000
"""Milliseconds an import or index run may take on a busy two-core machine."""


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Holds each job, once running, until the test has checked its status page (which would
    otherwise reload under axe's feet the moment the job ends); set it to let the job go on."""
    proceed = threading.Event()

    def gated(work: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def wait_then_work(job: Any) -> Any:
            assert proceed.wait(JOB_TIMEOUT / 1000), "the test never let the job go on"
            proceed.clear()
            return work(job)

        return wait_then_work

    monkeypatch.setattr(jobs, "_run_import", gated(jobs._run_import))
    monkeypatch.setattr(jobs, "_run_index", gated(jobs._run_index))
    return proceed


@pytest.fixture
def browsing(live_server, settings, tmp_path: Path, monkeypatch) -> Iterator[Browsing]:
    missing = [str(p) for p in (KWB, BOUNDARIES) if not p.is_file()]
    if missing:
        pytest.skip(f"real Rotterdam samples absent: {', '.join(missing)}")
    settings.WIJKKOMPAS_STORE = tmp_path / "rotterdam.duckdb"  # fresh: it does not exist yet
    settings.WIJKKOMPAS_UPLOAD_DIR = tmp_path / "uploads"
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    person = accounts.create_person(username="analist", password=PASSWORD)
    accounts.grant_role(user=person.user, role=roles.ANALYST)
    with browse(live_server.url, locale="nl-NL") as session:
        session.page.set_default_timeout(15_000)
        yield session


def _accessible(page: Any, name: str) -> None:
    assert_accessible(page, name)
    page.screenshot(path=str(ARTIFACTS / f"gegevens-{name}.png"), full_page=True)


def _wait_for_job(page: Any) -> str:
    """The status page reloads itself when its job ends; the end state it then shows."""
    page.wait_for_selector(
        "#taak-status[data-state=done], #taak-status[data-state=failed]", timeout=JOB_TIMEOUT
    )
    state = page.locator("#taak-status").get_attribute("data-state")
    assert state == "done", page.locator("main").inner_text()
    return str(state)


def _wait_for_text(page: Any, selector: str, text: str) -> None:
    from playwright.sync_api import expect

    expect(page.locator(selector)).to_be_visible(timeout=15_000)
    expect(page.locator(selector)).to_contain_text(text, timeout=15_000)


def _map_classes(page: Any) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """What the map was given (class per buurt, palette) and the fill of every drawn polygon."""
    page.wait_for_selector("#kaart[data-state=ready]", timeout=30_000)
    config = json.loads(page.locator("#kaart-config").text_content() or "{}")
    fills = [
        str(path.get_attribute("fill"))
        for path in page.locator("#kaart .leaflet-overlay-pane path").all()
    ]
    return config["classes"], config["palette"], fills


@pytest.mark.realdata(
    twin="web/datamanagement/test_rotterdam_layout.py::"
    "test_an_analyst_sets_up_a_gemeente_from_keyed_kwb_and_boundaries_and_sees_its_map"
)
def test_an_analyst_sets_up_rotterdam_and_sees_coloured_buurten(
    browsing: Browsing, gate: threading.Event, settings
) -> None:
    page = browsing.page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto(browsing.base_url + "/account/inloggen/")
    page.get_by_label("Gebruikersnaam").fill("analist")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()

    # The data screen is in the navigation; on a fresh store it says there is nothing yet.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Gegevens").click()
    page.wait_for_url("**/beheer/gegevens/")
    assert "Er zijn nog geen gegevens" in page.locator("main").inner_text()
    _accessible(page, "leeg")

    # Files larger together than the server takes: the page says so without sending them.
    limit = settings.WIJKKOMPAS_UPLOAD_MAX_BYTES
    settings.WIJKKOMPAS_UPLOAD_MAX_BYTES = 500 * 1024
    page.reload()
    page.get_by_label("Bestanden").set_input_files([str(KWB), str(BOUNDARIES)])
    page.get_by_role("button", name="Importeren").click()
    _wait_for_text(page, "#upload-te-groot", "De bestanden zijn samen groter dan")
    assert page.locator("#upload-te-groot").is_visible()
    assert page.url.endswith("/beheer/gegevens/")
    _accessible(page, "te-groot")
    settings.WIJKKOMPAS_UPLOAD_MAX_BYTES = limit
    page.reload()

    # Upload the KWB extract and the boundaries together, for the 2017 buurtindeling.
    page.get_by_label("Bestanden").set_input_files([str(KWB), str(BOUNDARIES)])
    page.get_by_label("Jaar").fill("2017")
    with page.expect_navigation():
        page.get_by_role("button", name="Importeren").click()
    assert "/beheer/gegevens/taken/" in page.url
    _wait_for_text(page, "#taak-status", "Bezig…")  # queued first, then running
    _accessible(page, "import-bezig")
    gate.set()
    _wait_for_job(page)
    summary = page.locator("main").inner_text()
    assert "ikgeoData.json" in summary and "rotterdam_buurten.geojson" in summary
    assert "92 buurten" in summary  # what the command line reports for this file
    assert "Niet herkende kolommen koppelen" in summary  # four columns it does not know
    _accessible(page, "import-klaar")

    # Start the index run from the summary and wait for it.
    with page.expect_navigation():
        page.get_by_role("button", name="Index berekenen").click()
    _wait_for_text(page, "#taak-status", "Bezig…")  # queued first, then running
    _accessible(page, "index-bezig")
    gate.set()
    _wait_for_job(page)
    assert "Kaart van" in page.locator("main").inner_text()
    _accessible(page, "index-klaar")

    page.get_by_role("link", name="Vergelijking met de Leefbaarometer en SES-WOA").click()
    page.wait_for_url("**/beheer/gegevens/validatie/")
    assert "geen Leefbaarometer-scores" in page.locator("main").inner_text()
    _accessible(page, "validatie")

    page.goto(browsing.base_url + "/beheer/gegevens/")
    assert "GM0599" in page.locator("main").inner_text()
    _accessible(page, "gevuld")

    # The map of Rotterdam: every buurt drawn. This KWB extract alone covers one group of
    # the index (its crime figures: nuisance and safety), too few for a total, so the total
    # leaves the buurten grey ("geen score"); the safety dimension colours them, class by
    # class, as the legend says.
    page.goto(browsing.base_url + "/kaart/?gemeente=GM0599")
    classes, palette, fills = _map_classes(page)
    assert len(fills) == 92  # every buurt of the boundaries file
    assert 0 < len(classes) <= len(fills)  # a buurt the run did not score has no entry
    _accessible(page, "kaart-totaal")
    page.get_by_label("Maat").select_option(label="Overlast en veiligheid")
    with page.expect_navigation():
        page.get_by_role("button", name="Toon").click()
    classes, palette, fills = _map_classes(page)
    classed = {code: info["c"] for code, info in classes.items() if info["c"]}
    assert len(classed) >= len(classes) // 2, "most buurten should have a class"
    coloured = [fill for fill in fills if fill in palette.values()]
    assert len(coloured) == len(classed), (len(coloured), len(classed))
    assert {palette[str(c)] for c in classed.values()} == set(coloured)
    assert len(set(coloured)) > 1, "every buurt in one class is no map"
    page.screenshot(path=str(ARTIFACTS / "gegevens-kaart-rotterdam.png"), full_page=True)

    assert browsing.foreign_requests == [], "a page loaded something from another site"
    assert browsing.errors == [], "the browser console reported errors"
