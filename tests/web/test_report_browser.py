"""The report's web page in Debian's chromium: the same document the PDF is made of, read as a
browser (and so a screen reader) reads it. Its opening sections in order, the map with its text
alternative, the buurten weakest first, the method, and no axe-core violation of WCAG 2.1
A/AA; for the demo's Oosterpark (with its worked plan) and for a real Amsterdam wijk.

Screenshots go to ``<repo>/test-artifacts/``. The Amsterdam test skips, naming the missing
file, when ../shared/data is absent; its twin (test_report_layout.py) reads the same report of a
made-up gemeente in the same layouts through the Django test client.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from browser_support import ARTIFACTS, Browsing, assert_accessible, browse
from real_stores import import_amsterdam

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OPENING = ["Samenvatting", "Kaart"]
METHOD = "Hoe is dit gemeten?"


def _number(text: str) -> float:
    return float(text.replace("−", "-").replace(",", "."))


def _check_report(session: Browsing, code: str, name: str, artifact: str) -> str:
    """Open the report of ``code`` and check what a council (and a screen reader) gets."""
    page = session.page
    response = page.goto(f"{session.base_url}/regio/{code}/rapport/")
    assert response is not None and response.status == 200
    assert page.locator("html").get_attribute("lang") == "nl"
    headings = page.locator("main h2").all_inner_texts()
    assert headings[:2] == OPENING, headings
    assert headings[2].startswith("De buurten van") and name in headings[2], headings
    assert headings[3] == METHOD, headings

    summary = page.locator("section.wk-samenvatting").inner_text()
    for question in ("Waar staat het gebied?", "Wat is er veranderd?"):
        assert question in summary
    assert "Waar stapelen problemen zich op?" in summary and "Wat doet de wijkaanpak?" in summary

    svg = page.locator("svg.wk-kaart")
    assert svg.is_visible()
    assert svg.get_attribute("role") == "img"
    title = page.locator("svg.wk-kaart title").text_content() or ""
    assert title.startswith("Kaart: de buurten van") and name in title
    rows = page.locator("#buurten tbody tr")
    assert rows.count() >= 2
    assert page.locator("svg.wk-kaart path[fill]:not([fill=none])").count() == rows.count()
    totals = [
        _number(t)
        for t in page.locator("#buurten tbody tr td:nth-child(3)").all_inner_texts()
        if t.strip() != "–"
    ]
    assert totals == sorted(totals), "weakest first"

    method = page.locator("section.wk-methode").inner_text()
    assert "Bronnen" in method and "berekend op" in method
    assert_accessible(page, f"report of {code}")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / artifact), full_page=True)
    assert session.foreign_requests == [], "the report loaded something from another site"
    assert session.errors == [], "the browser console reported errors"
    return summary


@pytest.fixture
def demo_site(live_server, settings, demo_store: Path, monkeypatch) -> Iterator[str]:
    from wijkkompas.web.apps.plans.demo import create_demo_plan

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.WIJKKOMPAS_STORE = demo_store
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert create_demo_plan() is not None
    yield live_server.url


def test_the_report_of_oosterpark_reads_in_a_browser(demo_site: str) -> None:
    with browse(demo_site) as session:
        summary = _check_report(session, "WK999901", "Oosterpark", "rapport-WK999901-nl.png")
        assert "Wijkaanpak Oosterpark" in summary
        for pillar in ("Sociale basis", "Sociale stijging", "Sociale herovering", "Fysiek"):
            assert pillar in summary

        # from the report to its PDF and back to the profile, by the links at its top
        page = session.page
        with page.expect_download() as download:
            page.get_by_role("link", name="Dit rapport als PDF").click()
        assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
        with page.expect_navigation():
            page.get_by_role("link", name="Naar het profiel van Oosterpark").click()
        assert page.url.endswith("/regio/WK999901/")


# --- a real Amsterdam wijk ------------------------------------------------------------------

AMSTERDAM_WIJK = "WK036300"
"""Burgwallen-Oude Zijde, scored on the 2019 boundaries; its buurten are mapped on today's
boundaries through the crosswalk."""


@pytest.fixture(scope="module")
def amsterdam_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return import_amsterdam(tmp_path_factory.mktemp("amsterdam-report"), draws=0)


@pytest.mark.realdata(
    twin="web/test_report_layout.py::"
    "test_the_report_of_a_wijk_on_older_codes_opens_with_what_a_council_reads"
)
def test_the_report_of_a_real_amsterdam_wijk_reads_in_a_browser(
    live_server, settings, amsterdam_store: Path, monkeypatch
) -> None:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.WIJKKOMPAS_STORE = amsterdam_store
    with browse(live_server.url) as session:
        summary = _check_report(
            session, AMSTERDAM_WIJK, "Burgwallen-Oude Zijde", f"rapport-{AMSTERDAM_WIJK}-nl.png"
        )
        assert "Kop Zeedijk" in session.page.locator("#buurten").inner_text()
    assert "De gemeente Amsterdam als geheel: klasse" in summary
    assert "Geen wijkaanpak" in summary
