"""Finding a region, mapping any indicator, downloading a GeoPackage, and serving through a swap.

Search works without JavaScript: a GET form whose single match redirects to the profile.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from django.test import Client

from wijkkompas.catalogue import load_catalogue
from wijkkompas.demo import demo_postcode
from wijkkompas.reports.measures import MEASURE_KEYS
from wijkkompas.services.scoring import run_index
from wijkkompas.store import AnalyticStore
from wijkkompas.web.apps.monitor.selectors.search import fold

pytestmark = pytest.mark.django_db

BUURT = "BU99990102"


@pytest.fixture(autouse=True)
def _demo(site_on_demo: Path) -> None:
    """Every test here reads the demo store unless it points the site elsewhere."""


# --- search ---------------------------------------------------------------------------------


def test_a_code_goes_straight_to_its_profile(client: Client) -> None:
    response = client.get("/zoek/", {"q": f" {BUURT.lower()} "})
    assert response.status_code == 302
    assert response["Location"] == f"/regio/{BUURT}/"


def test_a_postcode_lists_the_buurten_whose_most_common_postcode_it_is(client: Client) -> None:
    postcode = demo_postcode(BUURT)
    response = client.get("/zoek/", {"q": postcode})
    page = response.content.decode()
    assert response.status_code == 200
    assert f'href="/regio/{BUURT}/"' in page
    assert f"postcode {postcode}" in page
    # a PC6 query finds the same buurten: the KWB knows only the four digits
    assert (
        f'href="/regio/{BUURT}/"' in client.get("/zoek/", {"q": f"{postcode} AB"}).content.decode()
    )


def test_a_name_is_found_without_its_accents_or_case(client: Client, demo_name: str) -> None:
    response = client.get("/zoek/", {"q": "VOORBEELD"})
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert "GM9999" in response.content.decode()
    assert fold("Zuidás  Oost") == "zuidas oost"


def test_a_typo_still_finds_the_name_and_says_it_is_a_guess(client: Client) -> None:
    response = client.get("/zoek/", {"q": "oosterprk"})
    assert response.status_code == 200  # a guess is listed, never followed
    page = response.content.decode()
    assert 'href="/regio/WK999901/"' in page and "Oosterpark" in page
    assert "Bedoelde u" in page


def test_an_exact_name_comes_before_any_guess(demo_store: Path) -> None:
    from wijkkompas.web.apps.monitor.selectors.search import search

    hits = search(AnalyticStore(demo_store), "Oosterpark")
    assert hits[0].entry.code == "WK999901" and hits[0].match == "naam"
    assert all(h.match == "naam" for h in hits)
    assert [h.match for h in search(AnalyticStore(demo_store), "oosterprk")][:1] == ["ongeveer"]
    assert search(AnalyticStore(demo_store), "xqzw") == []


def test_the_search_api_marks_a_guess(client: Client) -> None:
    response = client.get("/api/v1/regios/zoeken", {"q": "oosterprk"})
    assert response.status_code == 200
    hits = response.json()["treffers"]
    assert hits[0]["code"] == "WK999901" and hits[0]["treffer"] == "ongeveer"


def test_nothing_found_is_said_in_words(client: Client) -> None:
    page = client.get("/zoek/", {"q": "Atlantis"}).content.decode()
    assert "0 resultaten" in page and "Niets gevonden" in page


def test_the_empty_search_page_is_just_the_form(client: Client) -> None:
    page = client.get("/zoek/").content.decode()
    assert 'name="q"' in page and "resultaten" not in page


@pytest.mark.parametrize("query", ["x" * 101, "Zuid\x00as", "a\u202eb"])
def test_unusable_search_input_is_a_400(client: Client, query: str) -> None:
    response = client.get("/zoek/", {"q": query})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()


def test_the_map_page_carries_the_search_form(client: Client) -> None:
    page = client.get("/kaart/").content.decode()
    assert 'action="/zoek/"' in page and 'role="search"' in page


def test_the_search_api_answers_with_the_postcode_and_why(client: Client) -> None:
    postcode = demo_postcode(BUURT)
    response = client.get("/api/v1/regios/zoeken", {"q": postcode})
    assert response.status_code == 200
    hits = response.json()["treffers"]
    assert {h["treffer"] for h in hits} == {"postcode"}
    assert BUURT in {h["code"] for h in hits}
    assert all(h["postcode"] == postcode for h in hits)


@pytest.mark.parametrize("query", ["", "x" * 101, "a\x07b"])
def test_bad_search_api_input_is_problem_json(client: Client, query: str) -> None:
    response = client.get("/api/v1/regios/zoeken", {"q": query})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["invalidParams"][0]["name"] == "q"


# --- indicator maps -------------------------------------------------------------------------


def test_no_indicator_id_shadows_a_score_key() -> None:
    assert not {i.id for i in load_catalogue().indicators} & set(MEASURE_KEYS)


def test_any_indicator_with_figures_can_be_mapped_with_a_legend_of_value_ranges(
    client: Client,
) -> None:
    page = client.get("/kaart/", {"maat": "low_income_households"}).content.decode()
    assert 'value="low_income_households" selected' in page
    assert "hoge waarde ongunstig" in page  # higher is worse: class 1 holds the highest values
    assert "wk-klasse-1" in page and "wk-klasse-9" in page
    assert " – " in page  # each legend class states its range
    assert f'href="/regio/{BUURT}/"' in page  # the table is the map's alternative


def test_a_context_indicator_uses_the_sequential_palette(client: Client) -> None:
    page = client.get("/kaart/", {"maat": "population", "niveau": "wijk"}).content.decode()
    assert "wk-reeks-9" in page and "wk-klasse-9" not in page
    config = json.loads(page.split('id="kaart-config" type="application/json">')[1].split("<")[0])
    assert config["palette"]["9"] == "#08306b"
    assert "WK999900" in config["classes"]


@pytest.mark.parametrize(
    "query",
    [
        {"maat": "no_such_indicator"},
        {"maat": "population", "jaar": "1850"},
        {"maat": "population", "niveau": "land"},
        {"maat": "<script>"},
    ],
)
def test_bad_indicator_map_choices_are_a_400(client: Client, query: dict[str, str]) -> None:
    assert client.get("/kaart/", query).status_code == 400


# --- GeoPackage -----------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "least"), [(BUURT, 1), ("WK999901", 2), ("GM9999", 10)])
def test_the_geopackage_reads_back_with_boundaries_and_scores(
    client: Client, tmp_path: Path, code: str, least: int
) -> None:
    import geopandas as gpd

    response = client.get(f"/regio/{code}/kaart.gpkg")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'{code}-kaart.gpkg"')
    path = tmp_path / "download.gpkg"
    path.write_bytes(b"".join(response) if response.streaming else response.content)
    frame = gpd.read_file(path, layer="gebieden")
    assert len(frame) >= least and code in set(frame["code"])
    assert frame.crs.to_epsg() == 4326 and frame.geometry.is_valid.all()
    assert frame.loc[frame["code"] == code, "total"].notna().all()


def test_a_geopackage_of_an_unknown_region_is_a_404(client: Client) -> None:
    assert client.get("/regio/BU99990999/kaart.gpkg").status_code == 404


# --- a store swap while serving -------------------------------------------------------------


def test_the_site_keeps_serving_while_an_import_swaps_the_store_and_then_shows_the_new_one(
    client: Client, settings, demo_store: Path, tmp_path: Path
) -> None:
    """Caches are keyed on the store file's identity: requests during the swap all succeed,
    and the first request after it shows the new run (a renamed region here)."""
    live = tmp_path / "wijkkompas.duckdb"
    live.write_bytes(demo_store.read_bytes())
    settings.WIJKKOMPAS_STORE = live
    store = AnalyticStore(live)
    assert client.get(f"/regio/{BUURT}/").status_code == 200

    errors: list[BaseException] = []

    def rename_and_rescore() -> None:
        try:
            with store.writing() as con:
                con.execute("UPDATE regions SET name = 'Hernoemde Buurt' WHERE code = ?", [BUURT])
            run_index(store, gemeente="GM9999", draws=0, save=True, label="after the swap")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    writer = threading.Thread(target=rename_and_rescore)
    writer.start()
    statuses = set()
    while writer.is_alive():
        statuses.add(client.get(f"/regio/{BUURT}/").status_code)
        statuses.add(client.get(f"/api/v1/regios/{BUURT}/scores").status_code)
    writer.join()
    assert not errors and statuses <= {200}
    assert "Hernoemde Buurt" in client.get(f"/regio/{BUURT}/").content.decode()
    assert (
        client.get("/api/v1/regios/zoeken", {"q": "Hernoemde"}).json()["treffers"][0]["code"]
        == BUURT
    )
