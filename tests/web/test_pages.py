"""The map page, its GeoJSON, the language switch and the pages for missing things."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import shapely
from django.contrib.staticfiles import finders
from django.test import Client
from shapely.geometry import shape

pytestmark = pytest.mark.usefixtures("site_on_demo")


def html(response) -> str:
    return response.content.decode()


def test_the_map_page_is_dutch_by_default(
    client: Client, demo_buurten: pd.DataFrame, demo_name: str
) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = html(response)
    assert '<html lang="nl">' in page
    assert response["Content-Language"] == "nl"
    assert f"Buurten van {demo_name}" in page
    assert 'class="voorbeeld-theme utrecht-document' in page
    assert '<h1 class="utrecht-heading-1">' in page
    assert "Fictieve demogegevens" in page
    assert 'href="#inhoud"' in page and 'id="inhoud"' in page
    assert 'value="en" lang="en">English</button>' in page


def test_dutch_stays_the_default_for_an_english_browser(client: Client, demo_name: str) -> None:
    page = html(client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9"))
    assert '<html lang="nl">' in page
    assert f"Buurten van {demo_name}" in page


def test_the_map_has_a_name_keyboard_focus_and_a_table_alternative(
    client: Client, demo_buurten: pd.DataFrame, demo_name: str
) -> None:
    page = html(client.get("/kaart/"))
    kaart = re.search(r'<div id="kaart"[^>]*>', page, re.S)
    assert kaart, "the map container is missing"
    assert 'role="region"' in kaart.group(0)
    assert 'tabindex="0"' in kaart.group(0)
    assert f'aria-label="Kaart van de buurten van {demo_name}"' in kaart.group(0)
    table = page[page.index('id="buurtentabel"') :]
    for code, name in zip(demo_buurten["code"], demo_buurten["name"], strict=True):
        assert f"<code>{code}</code>" in table
        assert f">{name}</th>" in table.replace("&#x27;", "'")
    assert len(re.findall(r"<code>BU", table)) == len(demo_buurten)


def test_english_switch_translates_the_page_and_switches_back(
    client: Client, demo_name: str
) -> None:
    response = client.post("/taal/", {"language": "en", "next": "/kaart/"})
    assert response.status_code == 302
    assert response["Location"] == "/kaart/"
    page = html(client.get("/kaart/"))
    assert '<html lang="en">' in page
    assert f"Neighbourhoods of {demo_name}" in page
    assert "Fictional demo data" in page
    assert "Skip to content" in page
    assert 'value="nl" lang="nl">Nederlands</button>' in page

    client.post("/taal/", {"language": "nl", "next": "/"})
    assert f"Buurten van {demo_name}" in html(client.get("/"))


def test_the_switch_refuses_to_redirect_elsewhere(client: Client) -> None:
    response = client.post("/taal/", {"language": "en", "next": "https://example.org/"})
    assert response["Location"] == "/"


def test_the_geojson_has_every_buurt_with_its_properties(
    client: Client, demo_buurten: pd.DataFrame
) -> None:
    response = client.get("/kaart/GM9999/buurten.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert sorted(f["properties"]["code"] for f in features) == sorted(demo_buurten["code"])
    expected = demo_buurten.set_index("code")
    for feature in features:
        properties = feature["properties"]
        assert feature["type"] == "Feature"
        assert set(properties) == {"code", "name", "wijk_code"}
        assert properties["name"] == expected.loc[properties["code"], "name"]
        assert properties["wijk_code"] == expected.loc[properties["code"], "wijk_code"]
        geometry = shape(feature["geometry"])
        assert geometry.geom_type in ("Polygon", "MultiPolygon")
        assert not geometry.is_empty
        # WGS84 around the Netherlands (lon 3–8, lat 50–54), never RD metres
        minx, miny, maxx, maxy = geometry.bounds
        assert 3 <= minx <= maxx <= 8 and 50 <= miny <= maxy <= 54


def test_geojson_coordinates_are_rounded_to_five_decimals(client: Client) -> None:
    collection = json.loads(client.get("/kaart/GM9999/buurten.geojson").content)
    coordinates = shapely.get_coordinates([shape(f["geometry"]) for f in collection["features"]])
    assert len(coordinates) > 0
    for value in coordinates.ravel()[:2000]:
        exponent = Decimal(repr(float(value))).as_tuple().exponent
        assert isinstance(exponent, int) and exponent >= -5


@pytest.mark.parametrize("query", ["?gemeente=GM0001", "?gemeente=rubbish", "?gemeente=BU99990101"])
def test_an_unknown_gemeente_is_a_404_page(client: Client, query: str) -> None:
    response = client.get("/" + query)
    assert response.status_code == 404
    page = html(response)
    assert "Pagina niet gevonden" in page
    assert '<html lang="nl">' in page


def test_an_unknown_gemeente_has_no_geojson(client: Client) -> None:
    response = client.get("/kaart/GM0001/buurten.geojson")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert json.loads(response.content)["status"] == 404
    assert client.get("/kaart/gm9999/buurten.geojson").status_code == 404


def test_a_missing_store_gets_a_friendly_dutch_message(
    client: Client, settings, tmp_path: Path
) -> None:
    settings.WIJKKOMPAS_STORE = tmp_path / "nothing-here.duckdb"
    response = client.get("/")
    assert response.status_code == 503
    page = html(response)
    assert "Nog geen gegevens" in page
    assert "<code>wijkkompas demo</code>" in page
    assert "nothing-here" not in page  # no server paths for visitors (DEBUG is off)
    geojson = client.get("/kaart/GM9999/buurten.geojson")
    assert geojson.status_code == 503
    assert geojson["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    "url",
    [
        "/regio/BU99990000/",
        "/regio/BU99990000/waarnemingen.csv",
        "/regio/BU99990000/rapport.pdf",
        "/regio/BU99990000/rapport/",
        "/vergelijk/?codes=BU99990000&codes=BU99990001",
        "/signalen/",
        "/zoek/?q=Centrum",
    ],
)
def test_every_monitor_page_without_a_store_says_so_instead_of_failing(
    client: Client, settings, tmp_path: Path, url: str
) -> None:
    settings.WIJKKOMPAS_STORE = tmp_path / "nothing-here.duckdb"
    response = client.get(url)
    assert response.status_code == 503, url
    assert "Nog geen gegevens" in html(response)


def test_a_file_that_is_not_a_store_gets_the_same_message(
    client: Client, settings, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.duckdb"
    broken.write_text("not a database")
    settings.WIJKKOMPAS_STORE = broken
    response = client.get("/")
    assert response.status_code == 503
    assert "Nog geen gegevens" in html(response)


def test_a_duckdb_file_without_store_tables_gets_the_same_message(
    client: Client, settings, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    settings.WIJKKOMPAS_STORE = empty
    response = client.get("/")
    assert response.status_code == 503
    assert "Nog geen gegevens" in html(response)
    assert client.get("/kaart/GM9999/buurten.geojson").status_code == 503


def test_the_first_gemeente_is_the_default_and_others_can_be_chosen(
    client: Client, settings, two_gemeenten_store: Path, demo_name: str
) -> None:
    settings.WIJKKOMPAS_STORE = two_gemeenten_store
    first = html(client.get("/"))
    assert "Buurten van Proefdorp" in first
    assert "Fictieve demogegevens" not in first
    assert f'<option value="GM9999">{demo_name} (GM9999)</option>' in first
    chosen = html(client.get("/?gemeente=GM9999"))
    assert f"Buurten van {demo_name}" in chosen
    assert "Fictieve demogegevens" in chosen
    assert "Kerkbuurt" not in chosen


def test_everything_is_served_from_this_site(client: Client) -> None:
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert not re.search(r'(src|href)="(https?:)?//', html(response))


@pytest.mark.parametrize(
    "asset",
    [
        "vendor/leaflet/leaflet.js",
        "vendor/leaflet/leaflet.css",
        "vendor/utrecht/index.css",
        "vendor/tokens/theme.css",
        "vendor/htmx/htmx.min.js",
        "monitor/kaart.js",
        "wijkkompas/wijkkompas.css",
    ],
)
def test_front_end_assets_come_from_node_modules_and_the_apps(asset: str) -> None:
    assert finders.find(asset), f"{asset} is not found by the static files finders"
