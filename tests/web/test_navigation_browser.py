"""The method page, a wijk profile and the compare picker in Debian's chromium, on a desktop
(1280 px) and a phone (390 px): no axe-core violations of WCAG 2.1 A/AA, and on the phone
nothing wider than the screen. The map's table sorts and filters with its script.

Screenshots go to ``<repo>/test-artifacts/`` for people to look at (CI keeps them).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from browser_support import ARTIFACTS, Browsing, assert_accessible, browse
from wijkkompas.catalogue import load_catalogue

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = {
    "methode": f"/methode/{load_catalogue().version}/",
    "wijkprofiel": "/regio/WK999901/",
    "vergelijk-kies": "/vergelijk/",
}
PHONE, DESKTOP = 390, 1280


@pytest.fixture
def browsing(live_server, settings, demo_store: Path, monkeypatch) -> Iterator[Browsing]:
    settings.WIJKKOMPAS_STORE = demo_store
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with browse(live_server.url) as session:
        yield session


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_method_wijk_profile_and_picker_are_accessible_and_fit(
    browsing: Browsing, width: int
) -> None:
    page = browsing.page
    page.set_viewport_size({"width": width, "height": 900})
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, url in PAGES.items():
        response = page.goto(browsing.base_url + url)
        assert response is not None and response.status == 200, name
        assert_accessible(page, f"{name} at {width} px")
        if width == PHONE:
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= PHONE, f"the {name} page scrolls sideways ({scroll_width} px)"
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    assert browsing.foreign_requests == [], "a page loaded something from another site"
    assert browsing.errors == [], "the browser console reported errors"


def test_the_picker_compares_what_was_ticked(browsing: Browsing) -> None:
    page = browsing.page
    page.goto(browsing.base_url + "/regio/BU99990101/")
    with page.expect_navigation():
        page.get_by_role("link", name="Vergelijk met…").click()
    assert page.get_by_role("checkbox", name="Merelbuurt").is_checked()
    page.get_by_role("checkbox", name="Wilgenlaan").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Vergelijk", exact=True).click()
    assert "codes=BU99990101" in page.url and "codes=BU99990102" in page.url
    assert "Scores naast elkaar" in page.locator("main").inner_text()
    assert_accessible(page, "comparison with units")
    assert browsing.errors == []


def test_the_map_table_sorts_and_filters(browsing: Browsing) -> None:
    page = browsing.page
    page.goto(browsing.base_url + "/kaart/")
    table = page.locator("#buurtentabel")
    score_head = table.locator("thead th").nth(4)
    score_head.get_by_role("button").click()
    assert score_head.get_attribute("aria-sort") == "ascending"
    scores = [
        float(v)
        for v in table.locator("tbody td[data-sort]:nth-child(5)").evaluate_all(
            "cells => cells.map(c => c.dataset.sort)"
        )
        if v
    ]
    assert scores == sorted(scores)
    score_head.get_by_role("button").click()
    assert score_head.get_attribute("aria-sort") == "descending"

    page.get_by_label("Filter de tabel op naam, code of wijk").fill("oosterpark")
    shown = table.locator("tbody tr:not([hidden])")
    assert shown.count() == 10  # the ten buurten of wijk Oosterpark
    assert "10 van de" in page.locator("#tabel-filter-stand").inner_text()
    assert_accessible(page, "map with a filtered table")
    assert browsing.errors == []
