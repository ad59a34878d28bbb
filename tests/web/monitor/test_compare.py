"""The comparison has a picker: a plain GET form of the gemeente's regions, reachable from the
map and every profile; its figures carry units."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

BUURT = "BU99990101"


@pytest.fixture(autouse=True)
def _demo(site_on_demo: Path) -> None:
    """Every test here reads the demo store."""


def _checkboxes(page: str) -> dict[str, bool]:
    """Region code → checked, for every checkbox named ``codes``."""
    found = {}
    for tag in re.findall(r'<input[^>]*name="codes"[^>]*>', page):
        code = re.search(r'value="([^"]+)"', tag)
        assert code is not None
        found[code.group(1)] = " checked" in tag
    return found


def test_vergelijk_without_regions_is_a_picker_of_the_gemeentes_regions(
    client: Client, demo_buurten
) -> None:
    response = client.get("/vergelijk/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'method="get"' in page and 'action="/vergelijk/"' in page
    boxes = _checkboxes(page)
    assert set(demo_buurten["code"]) <= set(boxes)
    assert "GM9999" in boxes and "WK999901" in boxes
    assert not any(boxes.values())
    # Each checkbox has its own label, each group of them a legend.
    assert page.count("<legend") >= 11
    assert all(f'for="kies-{code}"' in page for code in boxes)


def test_the_profiles_link_starts_the_picker_with_that_region(client: Client) -> None:
    response = client.get(f"/vergelijk/?met={BUURT}")
    assert response.status_code == 200
    boxes = _checkboxes(response.content.decode())
    assert boxes[BUURT] and sum(boxes.values()) == 1


@pytest.mark.parametrize(
    "query",
    [f"codes={BUURT}", "&".join(f"codes=BU9999000{i}" for i in range(6))],
)
def test_too_few_or_too_many_is_the_picker_again_with_a_400(client: Client, query: str) -> None:
    response = client.get(f"/vergelijk/?{query}")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Kies twee tot vijf regio" in page and 'role="alert"' in page
    assert any(_checkboxes(page).values())  # what was chosen stays chosen


def test_an_unknown_code_is_named_in_the_picker(client: Client) -> None:
    response = client.get(f"/vergelijk/?codes={BUURT}&codes=BU00000000")
    assert response.status_code == 400
    page = response.content.decode()
    assert "BU00000000" in page
    assert _checkboxes(page)[BUURT]


def test_the_map_links_the_picker(client: Client) -> None:
    page = client.get("/kaart/").content.decode()
    assert 'href="/vergelijk/?gemeente=GM9999"' in page


def test_the_comparison_gives_its_figures_units(client: Client) -> None:
    response = client.get(f"/vergelijk/?codes={BUURT}&codes=BU99990102")
    assert response.status_code == 200
    page = response.content.decode()
    start = page.index("Kernindicatoren")
    table = page[start : page.index("</table>", start)]
    assert 'scope="col">Eenheid<' in table
    assert re.search(r"\d,\d%", table), "a share without its % sign"
    assert "km" in table and "dzd." in table
    assert "procent" in table
    assert f'href="/vergelijk/?met={BUURT}&amp;met=BU99990102"' in page
