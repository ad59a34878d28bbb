"""Finding the way from a profile: a wijk lists its buurten weakest first and links its plan; a
buurt links its wijk, gemeente and plan; every profile offers a comparison."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from wijkkompas.services.scoring import latest_run_scores
from wijkkompas.store import AnalyticStore

pytestmark = pytest.mark.django_db

WIJK = "WK999901"
BUURT = "BU99990101"


@pytest.fixture(autouse=True)
def _demo(site_on_demo: Path) -> None:
    """Every test here reads the demo store."""


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _buurten_section(page: str) -> str:
    start = page.index('id="buurten"')
    return page[start : page.index("</table>", start)]


def _plan(area_codes: list[str]):
    from wijkkompas.web.apps.plans.models import Plan

    return Plan.objects.create(
        title="Samen Oosterpark",
        gemeente_code="GM9999",
        area_codes=area_codes,
        boundary_year=2024,
        start_year=2021,
        end_year=2030,
        vision="Een wijk waar iedereen meedoet.",
    )


def test_a_wijk_lists_its_buurten_weakest_first(client: Client, demo_store: Path) -> None:
    scores = latest_run_scores(AnalyticStore(demo_store))
    assert scores is not None
    year = int(scores[scores["code"] == WIJK]["year"].max())
    mine = scores[(scores["year"] == year) & scores["code"].str.startswith("BU999901")]
    expected = mine.sort_values("total")["code"].tolist()
    section = _buurten_section(_page(client, f"/regio/{WIJK}/"))
    linked = re.findall(r'href="/regio/(BU\d+)/"', section)
    assert linked == expected


def test_a_buurt_without_a_total_comes_last_marked_unknown_with_why(client: Client) -> None:
    # Westerhout (WK999902) holds a buurt with fewer than 50 inhabitants: no score.
    section = _buurten_section(_page(client, "/regio/WK999902/"))
    rows = section.split('<tr class="utrecht-table__row">')[1:]
    assert "BU99990210" in rows[-1]
    assert "onbekend" in rows[-1] and "minder dan 50 inwoners" in rows[-1]
    assert all("onbekend" not in row for row in rows[:-1])


def test_a_buurt_links_its_wijk_gemeente_and_plan(client: Client) -> None:
    plan = _plan([WIJK])
    page = _page(client, f"/regio/{BUURT}/")
    assert f'href="/regio/{WIJK}/"' in page
    assert 'href="/regio/GM9999/"' in page
    assert f'href="/plannen/{plan.id}/verantwoording/"' in page
    assert "Samen Oosterpark" in page


def test_a_wijk_links_the_plan_that_names_its_buurten(client: Client) -> None:
    plan = _plan([BUURT, "BU99990102"])
    page = _page(client, f"/regio/{WIJK}/")
    assert f'href="/plannen/{plan.id}/verantwoording/"' in page
    other = _page(client, "/regio/WK999903/")
    assert f"/{plan.id}/verantwoording/" not in other


def test_a_region_without_a_plan_links_none(client: Client) -> None:
    assert "Wijkaanpak:" not in _page(client, f"/regio/{BUURT}/")


def test_every_profile_offers_a_comparison(client: Client) -> None:
    page = _page(client, f"/regio/{BUURT}/")
    assert f'href="/vergelijk/?met={BUURT}"' in page
    assert "Vergelijk met" in page


def test_a_buurt_on_few_people_or_little_housing_says_so_beside_its_name(
    client: Client, demo_store: Path
) -> None:
    """The flags of the run (index.exposure) go with the name wherever buurten are ranked."""
    scores = latest_run_scores(AnalyticStore(demo_store))
    assert scores is not None
    year = int(scores["year"].max())
    latest = scores[(scores["year"] == year) & (scores["level"] == "buurt")]
    small = set(latest.loc[latest["small_population"].astype(bool), "code"])
    assert small, "the demo town has buurten with fewer than 200 inhabitants"
    seen = 0
    for wijk in sorted({code[:8].replace("BU", "WK") for code in latest["code"]}):
        section = _buurten_section(_page(client, f"/regio/{wijk}/"))
        for row in section.split('<tr class="utrecht-table__row">')[1:]:
            code = re.search(r'href="/regio/(BU\d+)/"', row)
            if code is None:  # the header
                continue
            flagged = code.group(1) in small
            assert ("minder dan 200 inwoners" in row) == flagged, row
            assert ("vooral geen woongebied" in row) == flagged, row  # under 200: no woonbuurt
            seen += flagged
    assert seen == len(small)


def test_a_buurt_of_few_people_says_so_on_its_own_page(client: Client) -> None:
    page = _page(client, "/regio/BU99990210/")  # fewer than 50 inhabitants
    note = page.split('class="utrecht-paragraph wk-caveat-note"', 1)[1].split("</p>", 1)[0]
    assert "Let op bij het vergelijken" in note and "minder dan 200 inwoners" in note
    assert "Misdrijven per inwoner tellen hier niet mee" in note
    assert "wk-caveat-note" not in _page(client, f"/regio/{BUURT}/")
