"""The monitor pages in Debian's chromium: from the map's table to a buurt profile, both
languages, the PDF report downloads, no axe-core violations of WCAG 2.1 A/AA on the map, the
profile, the signals and the comparison, nothing loaded from another site.

Screenshots go to ``<repo>/test-artifacts/`` for people to look at (CI keeps them).
Launch and axe checks come from ``tests/browser_support.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from browser_support import ARTIFACTS, Browsing, assert_accessible, browse

pytestmark = pytest.mark.browser

COMPARISON = "/vergelijk/?codes=BU99990101&codes=BU99990102"


@pytest.fixture
def browsing(live_server, settings, demo_store: Path, monkeypatch) -> Iterator[Browsing]:
    settings.WIJKKOMPAS_STORE = demo_store
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with browse(live_server.url, accept_downloads=True) as session:
        yield session


def _assert_accessible(page, name: str) -> None:
    assert_accessible(page, name)


def test_from_the_map_to_a_profile_and_its_report(browsing: Browsing) -> None:
    page = browsing.page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto(browsing.base_url + "/kaart/")
    assert page.locator("html").get_attribute("lang") == "nl"
    page.wait_for_selector("#kaart[data-state=ready]", timeout=15_000)
    _assert_accessible(page, "Dutch map")
    page.screenshot(path=str(ARTIFACTS / "monitor-kaart-nl.png"), full_page=True)

    # Follow a buurt's link in the table under the map to its profile.
    link = page.locator("table a[href^='/regio/BU']").first
    href = link.get_attribute("href") or ""
    code = href.strip("/").split("/")[-1]
    with page.expect_navigation():
        link.click()
    assert page.url == browsing.base_url + href
    headline = page.locator("h1").inner_text()
    assert f"(buurt {code})" in headline
    assert "Scores en hun verklaring" in page.locator("main").inner_text()
    _assert_accessible(page, "Dutch profile")
    page.screenshot(path=str(ARTIFACTS / "monitor-profiel-nl.png"), full_page=True)

    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert f"(neighbourhood {code})" in page.locator("h1").inner_text()
    assert "Scores and their explanation" in page.locator("main").inner_text()
    _assert_accessible(page, "English profile")
    page.screenshot(path=str(ARTIFACTS / "monitor-profiel-en.png"), full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Report (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    assert Path(download.path()).read_bytes().startswith(b"%PDF")

    assert browsing.foreign_requests == [], "a page loaded something from another site"
    assert browsing.errors == [], "the browser console reported errors"


def test_the_signals_and_the_comparison_are_accessible(browsing: Browsing) -> None:
    page = browsing.page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    response = page.goto(browsing.base_url + "/signalen/")
    assert response is not None and response.status == 200
    assert "Structureel onder druk" in page.locator("main").inner_text()
    _assert_accessible(page, "signals")
    page.screenshot(path=str(ARTIFACTS / "monitor-signalen-nl.png"), full_page=True)

    response = page.goto(browsing.base_url + COMPARISON)
    assert response is not None and response.status == 200
    assert "Scores naast elkaar" in page.locator("main").inner_text()
    _assert_accessible(page, "comparison")
    page.screenshot(path=str(ARTIFACTS / "monitor-vergelijk-nl.png"), full_page=True)

    assert browsing.foreign_requests == [], "a page loaded something from another site"
    assert browsing.errors == [], "the browser console reported errors"


def test_search_by_keyboard_and_an_indicator_map_are_accessible(browsing: Browsing) -> None:
    """The search form works from the keyboard alone; an indicator map passes axe like a score
    map does (its legend swatches and table carry the same classes)."""
    page = browsing.page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto(browsing.base_url + "/kaart/?maat=population")
    page.wait_for_selector("#kaart[data-state=ready]", timeout=15_000)
    assert "Aantal inwoners" in page.locator("#legenda-titel").inner_text()
    _assert_accessible(page, "indicator map")
    page.screenshot(path=str(ARTIFACTS / "monitor-kaart-indicator-nl.png"), full_page=True)

    page.get_by_role("searchbox", name="Zoek een buurt, wijk of gemeente").focus()
    page.keyboard.type("7901")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/zoek/?q=7901" in page.url
    assert "resultaten voor" in page.locator("main").inner_text()
    _assert_accessible(page, "search results")
    page.screenshot(path=str(ARTIFACTS / "monitor-zoek-nl.png"), full_page=True)

    # Tab from the search box to the first result and follow it, keyboard only.
    page.get_by_role("searchbox", name="Zoek een buurt, wijk of gemeente").focus()
    for _ in range(5):
        page.keyboard.press("Tab")
        if (page.evaluate("document.activeElement.getAttribute('href')") or "").startswith(
            "/regio/"
        ):
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/regio/BU9999" in page.url

    response = page.goto(browsing.base_url + "/zoek/?q=" + "x" * 101)
    assert response is not None and response.status == 400
    _assert_accessible(page, "search refused")

    assert browsing.foreign_requests == [], "a page loaded something from another site"
    # the one console error is the deliberate 400 above
    assert [e for e in browsing.errors if "400 (Bad Request)" not in e] == []
