"""The map page in Debian's chromium: polygons drawn, reachable by keyboard, both languages,
no axe-core violations of WCAG 2.1 A/AA, nothing loaded from another site.

Screenshots go to ``<repo>/test-artifacts/`` for people to look at (CI keeps them).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

from wijkkompas.paths import project_root

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa"]
ARTIFACTS = (project_root() or Path.cwd()) / "test-artifacts"


def _require_chromium() -> None:
    """Missing chromium fails in CI (the check would silently vanish) and skips elsewhere."""
    if CHROMIUM.exists():
        return
    message = (
        f"Debian's chromium is not installed at {CHROMIUM}; install it: apt-get install chromium"
    )
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def test_a_missing_chromium_fails_in_ci_and_skips_elsewhere(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys.modules[__name__], "CHROMIUM", tmp_path / "none")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="apt-get install chromium"):
        _require_chromium()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        _require_chromium()


@dataclass
class Browsing:
    page: object
    base_url: str
    foreign_requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def browsing(live_server, settings, demo_store: Path, monkeypatch) -> Iterator[Browsing]:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    settings.WIJKKOMPAS_STORE = demo_store
    # Playwright's sync API keeps an event loop in this thread; the live server's database
    # teardown would otherwise refuse to run "from an async context".
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            # An English-language browser: the site must still open in Dutch.
            context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
            page = context.new_page()
            session = Browsing(page=page, base_url=live_server.url)
            page.on(
                "request",
                lambda request: (
                    None
                    if request.url.startswith((live_server.url, "data:"))
                    else session.foreign_requests.append(request.url)
                ),
            )
            page.on(
                "console",
                lambda message: (
                    session.errors.append(message.text) if message.type == "error" else None
                ),
            )
            page.on("pageerror", lambda error: session.errors.append(str(error)))
            yield session
        finally:
            browser.close()


def _assert_accessible(page, language: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    assert results.violations_count == 0, (
        f"axe-core found WCAG violations on the {language} page:\n{results.generate_report()}"
    )


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
