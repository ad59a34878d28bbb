"""The map page in Debian's chromium: polygons drawn, reachable by keyboard, both languages,
no axe-core violations of WCAG 2.1 A/AA, nothing loaded from another site.

Screenshots go to ``<repo>/test-artifacts/`` for people to look at (CI keeps them).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from browser_support import ARTIFACTS, Browsing, assert_accessible, browse, require_chromium

pytestmark = pytest.mark.browser


def test_a_missing_chromium_fails_in_ci_and_skips_elsewhere(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="apt-get install chromium"):
        require_chromium(tmp_path / "none")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        require_chromium(tmp_path / "none")


@pytest.fixture
def browsing(live_server, settings, demo_store: Path, monkeypatch) -> Iterator[Browsing]:
    settings.WIJKKOMPAS_STORE = demo_store
    # Playwright's sync API keeps an event loop in this thread; the live server's database
    # teardown would otherwise refuse to run "from an async context".
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with browse(live_server.url) as session:
        yield session


def _assert_accessible(page, language: str) -> None:
    assert_accessible(page, language)


def _wait_for_map(page, expected: int) -> None:
    page.wait_for_selector("#kaart[data-state=ready]", timeout=15_000)
    paths = page.locator("#kaart .leaflet-overlay-pane path")
    assert paths.count() == expected
    assert page.locator("#kaart").get_attribute("data-features") == str(expected)
    assert page.locator(".wk-kaart__label:not(.wk-kaart__label--hidden)").count() > 0


def _tab_to(page, element_id: str, limit: int = 40) -> int:
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return presses
    raise AssertionError(f"#{element_id} was not reached with {limit} presses of Tab")


def test_the_map_in_a_browser(
    browsing: Browsing, demo_buurten: pd.DataFrame, demo_name: str
) -> None:
    page = browsing.page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto(browsing.base_url + "/")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert "Fictieve demogegevens" in page.locator("header").inner_text()
    _wait_for_map(page, expected=len(demo_buurten))

    # The first Tab shows the skip link; further Tabs reach the map, whose keys then work.
    page.keyboard.press("Tab")
    skip_link = page.locator(".utrecht-skip-link")
    assert skip_link.evaluate("element => element === document.activeElement")
    assert skip_link.is_visible()
    _tab_to(page, "kaart")
    kaart = page.locator("#kaart")
    assert kaart.get_attribute("aria-label") == f"Kaart van de buurten van {demo_name}"
    zoom_before = float(kaart.get_attribute("data-zoom") or "nan")
    page.keyboard.press("Equal")
    # Polled from here: wait_for_function would eval a string, which the page's CSP forbids.
    for _attempt in range(50):
        if float(kaart.get_attribute("data-zoom") or "nan") > zoom_before:
            break
        page.wait_for_timeout(100)
    else:
        raise AssertionError("the + key did not zoom the focused map in")
    kaart.screenshot(path=str(ARTIFACTS / "kaart-nl-focus.png"))
    page.keyboard.press("Minus")

    _assert_accessible(page, "Dutch")
    page.screenshot(path=str(ARTIFACTS / "kaart-nl.png"), full_page=True)

    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == f"Neighbourhoods of {demo_name}"
    assert "Fictional demo data" in page.locator("header").inner_text()
    _wait_for_map(page, expected=len(demo_buurten))
    assert page.locator(".leaflet-control-zoom-in").get_attribute("title") == "Zoom in"
    _assert_accessible(page, "English")
    page.screenshot(path=str(ARTIFACTS / "kaart-en.png"), full_page=True)

    assert browsing.foreign_requests == [], "the page loaded something from another site"
    assert browsing.errors == [], "the browser console reported errors"


def test_the_not_found_and_no_data_pages_are_accessible(
    browsing: Browsing, settings, tmp_path: Path
) -> None:
    page = browsing.page
    response = page.goto(browsing.base_url + "/?gemeente=GM0001")
    assert response is not None and response.status == 404
    _assert_accessible(page, "not-found")
    settings.WIJKKOMPAS_STORE = tmp_path / "missing.duckdb"
    response = page.goto(browsing.base_url + "/")
    assert response is not None and response.status == 503
    assert "Nog geen gegevens" in page.locator("h1").inner_text()
    _assert_accessible(page, "no-data")
    page.screenshot(path=str(ARTIFACTS / "geen-gegevens-nl.png"), full_page=True)
    assert browsing.foreign_requests == []
