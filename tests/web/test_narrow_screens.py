"""At 390 px (a phone held upright) no public page scrolls sideways and axe finds nothing.

Wide tables may scroll inside their own container, as the NL Design System's table container
does; the page itself never does. Pages: the map, profiles of each level, signals, plans and
every part of taking part, on the demo with its plan, budgets and survey.
"""

from __future__ import annotations

import pytest

from browser_support import ARTIFACTS, assert_accessible, browse

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
WIDEST = """() => Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(-3)
  .map(e => e.tagName.toLowerCase() + '.' + e.className)
  .join('; ')"""
"""The innermost elements that stick out, to name in the failure message."""


def _pages() -> list[str]:
    from wijkkompas.web.apps.participation.models import NeighbourhoodBudget, Survey
    from wijkkompas.web.apps.plans.models import Plan

    plan = Plan.objects.get(demo_key__isnull=False)
    survey = Survey.objects.filter(is_demo=True).first()
    budget = NeighbourhoodBudget.objects.filter(is_demo=True).order_by("pk").first()
    assert survey is not None and budget is not None
    return [
        "/",
        "/kaart/?gemeente=GM9999",
        "/regio/GM9999/",
        "/regio/WK999901/",
        "/regio/BU99990000/",
        "/regio/WK999901/rapport/",
        "/methode/",
        "/vergelijk/",
        "/zoek/?q=oosterprk",
        "/signalen/?gemeente=GM9999",
        "/plannen/",
        f"/plannen/{plan.pk}/",
        "/meedoen/",
        "/meedoen/initiatieven/",
        "/meedoen/begrotingen/",
        f"/meedoen/begrotingen/{budget.pk}/",
        "/meedoen/enquetes/",
        f"/meedoen/enquetes/{survey.pk}/resultaten/",
        "/meedoen/deelname/?jaar=2026",
        "/meedoen/gevoeld-en-gemeten/?gemeente=GM9999",
    ]


def test_no_public_page_scrolls_sideways_on_a_phone(live_demo: str) -> None:
    site = live_demo
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    wide = []
    with browse(site, locale="nl-NL", viewport=PHONE) as session:
        page = session.page
        for path in _pages():
            response = page.goto(site + path)
            assert response is not None and response.status == 200, path
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                page.screenshot(path=str(ARTIFACTS / f"smal{path.replace('/', '_')}.png"))
                culprits = page.evaluate(WIDEST)
                wide.append(f"{path}: {width} px ({culprits})")
            assert_accessible(page, f"{path} at 390 px")
    assert not wide, "pages wider than the screen at 390 px:\n" + "\n".join(wide)


def _signed_in_pages() -> dict[str, list[str]]:
    """Per demo account, the pages only that role sees."""
    from wijkkompas.web.apps.participation.models import NeighbourhoodBudget, Survey
    from wijkkompas.web.apps.plans.models import Plan

    plan = Plan.objects.get(demo_key__isnull=False)
    goal = plan.goals.order_by("pk").first()
    intervention = plan.interventions.order_by("pk").first()
    survey = Survey.objects.filter(is_demo=True).first()
    budget = NeighbourhoodBudget.objects.filter(is_demo=True).order_by("pk").first()
    assert goal is not None and intervention is not None
    assert survey is not None and budget is not None
    p = f"/plannen/{plan.pk}"
    return {
        "coordinator": [
            "/account/",
            "/plannen/nieuw/",
            f"{p}/bewerken/",
            f"{p}/doelen/nieuw/",
            f"{p}/doelen/{goal.pk}/bijstellen/",
            f"{p}/doelen/{goal.pk}/verwijderen/",
            f"{p}/interventies/nieuw/",
            f"{p}/interventies/{intervention.pk}/bewerken/",
            f"{p}/afspraken/nieuw/",
            f"/meedoen/begrotingen/{budget.pk}/beheer/",
            f"/meedoen/enquetes/{survey.pk}/beheer/",
            "/meedoen/codes/",
        ],
        "analist": ["/beheer/gegevens/", "/beheer/gegevens/validatie/"],
        "admin": ["/account/personen/"],
    }


def test_no_workspace_page_scrolls_sideways_on_a_phone(live_demo: str) -> None:
    from wijkkompas.web.apps.accounts.demo import DEMO_PASSWORD

    wide = []
    for username, paths in _signed_in_pages().items():
        with browse(live_demo, locale="nl-NL", viewport=PHONE) as session:
            page = session.page
            page.goto(live_demo + "/account/inloggen/")
            page.get_by_label("Gebruikersnaam").fill(username)
            page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Inloggen").click()
            page.wait_for_load_state()
            for path in paths:
                response = page.goto(live_demo + path)
                assert response is not None and response.status == 200, (username, path)
                assert page.url == live_demo + path, f"{username} was sent to {page.url}"
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > PHONE["width"]:
                    wide.append(f"{username} {path}: {width} px ({page.evaluate(WIDEST)})")
                assert_accessible(page, f"{path} as {username} at 390 px")
    assert not wide, "pages wider than the screen at 390 px:\n" + "\n".join(wide)
