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
