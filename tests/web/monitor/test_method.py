""" "Hoe de score werkt": the method page is made from the catalogue and the shipped reference,
and every page that shows a score links to it."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from django.test import Client

from wijkkompas.catalogue import load_catalogue, shipped_reference
from wijkkompas.index.exposure import MIN_RESIDENTS

pytestmark = pytest.mark.django_db

CATALOGUE = load_catalogue()
METHOD = f"/methode/{CATALOGUE.version}/"


@pytest.fixture(autouse=True)
def _demo(site_on_demo: Path) -> None:
    """Every test here reads the demo store."""


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def test_methode_redirects_to_the_catalogue_version(client: Client) -> None:
    response = client.get("/methode/")
    assert response.status_code == 302
    assert response["Location"] == METHOD


def test_an_unknown_catalogue_version_is_a_404(client: Client) -> None:
    assert client.get("/methode/1999.1/").status_code == 404


def test_the_method_names_the_reference_and_what_0_and_1_mean(client: Client) -> None:
    reference = json.loads(shipped_reference(CATALOGUE) or "{}")
    page = _page(client, METHOD)
    assert reference["name"] in page
    assert str(reference["reference_year"]) in page
    assert f"minstens {MIN_RESIDENTS} inwoners" in page
    assert "0 is het Nederlandse cijfer" in page


def test_every_scored_indicator_has_its_row_with_weight_source_and_lag(client: Client) -> None:
    reference = json.loads(shipped_reference(CATALOGUE) or "{}")
    page = _page(client, METHOD)
    for indicator_id in reference["indicators"]:
        indicator = CATALOGUE.by_id(indicator_id)
        start = page.index(f'id="indicator-{indicator_id}"')
        row = page[start : page.index("</tr>", start)]
        assert indicator.name_nl in row
        assert indicator.reference in row
        if indicator.proxy:
            assert (indicator.proxy_nl or indicator.proxy) in row and "0,25" in row
        else:
            assert ">1<" in row.replace(" ", "")
        if indicator.reference_lag_years:
            assert f"loopt {indicator.reference_lag_years} jaar achter" in row


def test_context_indicators_are_listed_with_a_reason(client: Client) -> None:
    page = _page(client, METHOD)
    for indicator in CATALOGUE.indicators:
        if indicator.direction != "context":
            continue
        start = page.index(f'id="niet-{indicator.id}"')
        row = page[start : page.index("</tr>", start)]
        reason = re.split(r"<td[^>]*>", row)[1]
        assert len(reason.strip()) > 20, indicator.id
    assert "stigmatiseren" in page  # tenure is context on purpose


def test_the_method_page_in_english(client: Client) -> None:
    client.cookies["django_language"] = "en"
    page = _page(client, METHOD)
    assert "How the score works" in page
    assert CATALOGUE.by_id("woz_value").name_en in page
    assert "higher is better" in page


@pytest.mark.parametrize(
    "url",
    [
        "/regio/BU99990000/",
        "/regio/WK999901/",
        "/kaart/",
        "/vergelijk/?codes=BU99990101&codes=BU99990102",
        "/signalen/",
    ],
)
def test_every_score_links_to_the_method(client: Client, url: str) -> None:
    page = _page(client, url)
    assert f'href="{METHOD}#' in page
    assert "Hoe werkt deze score?" in page
