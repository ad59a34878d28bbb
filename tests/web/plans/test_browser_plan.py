"""A coordinator builds a plan in Debian's chromium; the public page shows it; a resident
cannot edit it; axe-core finds no WCAG 2.1 A/AA violations on the plan pages.

Same launch pattern as tests/web/test_browser.py; screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from browser_support import ARTIFACTS, BLUR, assert_accessible, browse
from wijkkompas.web.apps.accounts import roles
from wijkkompas.web.apps.accounts import services as accounts

pytestmark = pytest.mark.browser

PASSWORD = "browser-test-password"


@pytest.fixture
def page(live_server, monkeypatch) -> Iterator[object]:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    for username, role, area in (
        ("coordinator", roles.COORDINATOR, "GM9999"),
        ("bewoner", roles.RESIDENT, "WK999901"),
    ):
        person = accounts.create_person(username=username, password=PASSWORD)
        accounts.grant_role(user=person.user, role=role, area_code=area)
    with browse(live_server.url, locale="nl-NL") as session:
        tab = session.page
        tab.set_default_timeout(10_000)
        tab.base_url = live_server.url
        tab.errors = session.errors
        tab.foreign = session.foreign_requests
        yield tab


def _accessible(page, name: str) -> None:
    assert_accessible(page, name)
    page.evaluate(BLUR)
    page.screenshot(path=str(ARTIFACTS / f"plan-{name}.png"), full_page=True)


def _log_in(page, username: str) -> None:
    page.goto(page.base_url + "/account/inloggen/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()


def test_a_coordinator_builds_a_plan_and_a_resident_can_only_read_it(page) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    _log_in(page, "coordinator")
    page.goto(page.base_url + "/plannen/")
    page.get_by_role("link", name="Nieuwe wijkaanpak").click()

    # A mistake first: the error summary names the field and links to it.
    page.get_by_label("Naam van de aanpak").fill("Samen Oosterpark")
    page.get_by_label("Gebied (CBS-codes)").fill("WK999901, BU12345678")
    page.get_by_label("Eerste jaar").fill("2021")
    page.get_by_label("Laatste jaar").fill("2030")
    page.get_by_label("Gezamenlijke visie").fill("Een wijk waar kinderen met kansen opgroeien.")
    page.get_by_role("button", name="Aanpak aanmaken").click()
    summary = page.locator("#foutmeldingen")
    assert "De monitor kent BU12345678 niet" in summary.inner_text()
    _accessible(page, "fout")
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_area_codes"
    page.get_by_label("Gebied (CBS-codes)").fill("WK999901")
    page.get_by_role("button", name="Aanpak aanmaken").click()
    page.wait_for_url(re.compile(r"/plannen/\d+/"))
    plan_url = page.url.split("#")[0]
    assert page.locator("h1").inner_text() == "Samen Oosterpark"

    page.get_by_role("link", name="Partner toevoegen").click()
    page.get_by_label("Of: naam van een nieuwe organisatie").fill("Woonstichting Test")
    page.get_by_label("Soort nieuwe organisatie").select_option("woningcorporatie")
    page.get_by_label("Wat deze partner inbrengt").fill("Renovatie van de flats")
    page.get_by_role("button", name="Partner toevoegen").click()
    assert (
        "Woonstichting Test"
        in page.locator("#partners ~ .utrecht-table-container").first.inner_text()
    )

    page.get_by_role("link", name="Doel toevoegen").click()
    page.get_by_label("Het doel in gewone woorden").fill("Minder huishoudens met een laag inkomen")
    page.locator("#id_indicator_id").select_option("low_income_households")
    page.get_by_label("Streefwaarde").fill("10")
    page.get_by_label("Doeljaar").fill("2030")
    _accessible(page, "doel-formulier")
    page.get_by_role("button", name="Doel toevoegen").click()
    assert (
        "Minder huishoudens met een laag inkomen"
        in page.locator("#doelen ~ section").first.inner_text()
    )

    page.get_by_role("link", name="Interventie toevoegen").click()
    page.get_by_label("Naam", exact=True).fill("Renovatie portiekflats")
    page.get_by_label("Wat er gebeurt").fill("240 woningen worden opgeknapt.")
    page.get_by_label("Pijler").select_option("fysiek")
    page.get_by_label("Trekker", exact=True).select_option(label="Woonstichting Test")
    page.get_by_label("Minder huishoudens met een laag inkomen").check()
    page.get_by_label("Start", exact=True).fill("2022-04-01")
    page.get_by_label("Begroting: jaar").fill("2022")
    page.get_by_label("Begroting: bedrag van de trekker in euro's").fill("50000")
    page.get_by_role("button", name="Interventie toevoegen").click()
    assert (
        "Begroot € 50.000"
        in page.locator("section", has_text="Renovatie portiekflats").inner_text()
    )
    _accessible(page, "werkruimte")

    page.goto(plan_url + "verantwoording/")
    public = page.locator("main").inner_text()
    for expected in (
        "Samen Oosterpark",
        "Renovatie portiekflats",
        "Minder huishoudens met een laag inkomen",
        "50.000",
    ):
        assert expected in public
    _accessible(page, "verantwoording")

    with page.expect_navigation():
        page.get_by_role("button", name="Uitloggen").click()
    _log_in(page, "bewoner")
    page.goto(plan_url)
    assert page.locator("h1").inner_text() == "Samen Oosterpark"
    assert page.get_by_role("link", name="Aanpak bewerken").count() == 0
    assert page.get_by_role("link", name="Interventie toevoegen").count() == 0
    assert page.errors == [], "the browser console reported errors"
    response = page.goto(plan_url + "bewerken/")
    assert response is not None and response.status == 403
    assert "Geen toegang" in page.locator("h1").inner_text()
    _accessible(page, "geen-toegang")
    assert all("403" in error for error in page.errors)  # chromium logs the refusal itself
    assert page.foreign == [], "the pages loaded something from another site"
