"""The monitor's open API on the demo store: every endpoint, 400 versus 404, problem documents,
GeoJSON a map can load, and explanations that add up to the score they explain."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from shapely.geometry import shape

from wijkkompas.web.api.middleware import API_VERSION

pytestmark = pytest.mark.django_db
BASE = "/api/v1"
BUURT = "BU99990000"


@pytest.fixture
def api(site_on_demo: Path, client: Client) -> Client:
    return client


def get(client: Client, url: str, status: int = 200) -> Any:
    response = client.get(BASE + url)
    assert response.status_code == status, response.content[:500]
    assert response["API-Version"] == API_VERSION
    if status >= 400:
        assert response["Content-Type"] == "application/problem+json"
        body = json.loads(response.content)
        assert body["status"] == status
        assert body["title"] and body["detail"]
        return body
    return json.loads(response.content)


def test_regions_filter_and_page(api: Client) -> None:
    wijken = get(api, "/regios?gemeente=GM9999&niveau=wijk")
    assert wijken["totaal"] == 11 and {r["niveau"] for r in wijken["regios"]} == {"wijk"}
    page = get(api, "/regios?niveau=buurt&paginaGrootte=10&pagina=2")
    assert len(page["regios"]) == 10 and page["aantalPaginas"] == math.ceil(page["totaal"] / 10)
    first = get(api, "/regios?niveau=buurt&paginaGrootte=10")["regios"]
    assert first[-1]["code"] < page["regios"][0]["code"]
    older = get(api, "/regios?niveau=gemeente&jaar=2015")["regios"]
    assert [r["jaar"] for r in older] == [2015]
    assert get(api, "/regios?jaar=2000")["totaal"] == 0


def test_region(api: Client) -> None:
    region = get(api, f"/regios/{BUURT}")
    assert region["niveau"] == "buurt" and region["gemeente"] == "GM9999"
    assert region["jaren"][0] == 2015 and region["jaar"] == region["jaren"][-1]


@pytest.mark.parametrize(
    "url",
    [
        "/regios/BU9999",
        "/regios/bu99990000x",
        "/regios/XX12345678/scores",
        "/regios/GM99999/verklaring",
        "/regios/BU99990000/waarnemingen?jaar=abc",
        "/regios/BU99990000/waarnemingen?indicator=bestaat_niet",
        "/regios/BU99990000/waarnemingen?indicator=x'%20OR%201=1--",
        "/regios/BU99990000/verklaring?jaar=3000",
        "/regios?niveau=provincie",
        "/regios?pagina=0",
        "/regios?gemeente=GM99",
        "/indicatoren/DROP%20TABLE",
        "/gemeenten/BU99990000/geojson",
        "/gemeenten/GM9999/geojson?score=hoogte",
    ],
)
def test_invalid_input_is_400(api: Client, url: str) -> None:
    get(api, url, 400)


@pytest.mark.parametrize(
    "url",
    [
        "/regios/BU12340000",
        "/regios/GM1234/scores",
        "/regios/WK123400/waarnemingen",
        "/regios/BU12340000/verklaring",
        "/regios/BU99990000/verklaring?jaar=1999",
        "/indicatoren/bestaat_niet",
        "/gemeenten/GM1234/geojson",
        "/gemeenten/GM9999/geojson?jaar=1999",
        "/bestaat/niet",
    ],
)
def test_unknown_is_404(api: Client, url: str) -> None:
    get(api, url, 404)


def test_invalid_params_name_the_field(api: Client) -> None:
    body = get(api, "/regios?jaar=3000", 400)
    assert [p["name"] for p in body["invalidParams"]] == ["jaar"]


def test_indicators(api: Client) -> None:
    indicators = get(api, "/indicatoren")
    ids = {i["id"] for i in indicators}
    assert "woz_value" in ids and all(i["naamNl"] and i["naamEn"] for i in indicators)
    woz = get(api, "/indicatoren/woz_value")
    assert woz["eenheid"] and woz["richting"] == "higher_is_better" and woz["tags"]


def test_observations_filtered(api: Client) -> None:
    rows = get(api, f"/regios/{BUURT}/waarnemingen?indicator=woz_value&jaar=2024")
    assert len(rows) == 1 and rows[0]["indicator"] == "woz_value" and rows[0]["regioJaar"] == 2024
    assert rows[0]["waarde"] > 0 and rows[0]["status"] in ("voorlopig", "definitief")
    assert len(get(api, f"/regios/{BUURT}/waarnemingen")) > 100


def test_the_countrys_figures_are_open_for_comparison(api: Client) -> None:
    rows = get(api, "/landen/NL00/waarnemingen?indicator=income_per_inhabitant")
    assert rows and {r["indicator"] for r in rows} == {"income_per_inhabitant"}
    assert sorted({r["tabelJaar"] for r in rows}) == list(range(2015, 2025))
    assert all(r["waarde"] > 0 and r["periode"] == str(r["tabelJaar"] - 2) for r in rows)
    everything = get(api, "/landen/NL00/waarnemingen")
    assert "population" not in {r["indicator"] for r in everything}  # no invented totals
    problem = get(api, "/landen/NL00/waarnemingen?indicator=bestaat_niet", status=400)
    assert problem["status"] == 400
    assert get(api, "/landen/BE00/waarnemingen", status=404)["status"] == 404
    assert get(api, "/landen/nl00'--/waarnemingen", status=400)["status"] == 400


def test_suppressed_observations_are_null(api: Client, demo_store: Path) -> None:
    from wijkkompas.store import AnalyticStore

    with AnalyticStore(demo_store).reader() as reader:
        suppressed = reader.observations()
    suppressed = suppressed[suppressed["suppressed"]]
    assert len(suppressed), "the demo should suppress some small counts"
    code = str(suppressed["region_code"].iloc[0])
    rows = get(api, f"/regios/{code}/waarnemingen")
    hidden = [r for r in rows if r["onderdrukt"]]
    assert hidden and all(r["waarde"] is None for r in hidden)


def test_scores_every_year(api: Client) -> None:
    scores = get(api, f"/regios/{BUURT}/scores")
    years = [s["jaar"] for s in scores["scores"]]
    assert years == sorted(years) and len(years) == 10
    newest = scores["scores"][-1]
    assert set(newest["scores"]) >= {"total", "housing", "social_cohesion"}
    assert 1 <= newest["klasse"] <= 9 and len({s["run"] for s in scores["scores"]}) == 1


def test_scores_of_suppressed_regions_are_null(api: Client) -> None:
    """A buurt with too few inhabitants gets no score: the API says why instead of a number."""
    buurten = get(api, "/regios?niveau=buurt&paginaGrootte=1000")["regios"]
    for region in buurten:
        for year in get(api, f"/regios/{region['code']}/scores")["scores"]:
            if year["reden"] and "suppressed" in year["reden"]:
                assert year["scores"]["total"] is None and year["klasse"] is None
                return
    pytest.fail("the demo should have a suppressed buurt")


@pytest.mark.parametrize("compare", [None, 2020])
def test_explanation_sums_to_total(api: Client, compare: int | None) -> None:
    url = f"/regios/{BUURT}/verklaring?jaar=2024"
    if compare:
        url += f"&vergelijkjaar={compare}"
    explanation = get(api, url)
    assert explanation["optelling"] == "sum"
    contributions = sum(b["bijdrage"] or 0.0 for b in explanation["bijdragen"])
    assert contributions + explanation["rest"] == pytest.approx(explanation["scores"]["total"])
    assert abs(explanation["rest"]) < 1e-9
    if compare:
        changes = sum(b["verandering"] or 0.0 for b in explanation["bijdragen"])
        then = get(api, f"/regios/{BUURT}/verklaring?jaar={compare}")["scores"]["total"]
        assert changes == pytest.approx(explanation["scores"]["total"] - then, abs=1e-9)


def test_explanation_matches_the_saved_scores(api: Client) -> None:
    saved = get(api, f"/regios/{BUURT}/scores")["scores"][-1]
    explained = get(api, f"/regios/{BUURT}/verklaring")
    assert explained["jaar"] == saved["jaar"]
    assert explained["scores"]["total"] == pytest.approx(saved["scores"]["total"], abs=1e-6)


@pytest.mark.parametrize("niveau", ["buurt", "wijk"])
def test_geojson(api: Client, niveau: str) -> None:
    response = api.get(f"{BASE}/gemeenten/GM9999/geojson?niveau={niveau}&score=total")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response["API-Version"] == API_VERSION
    assert len(response.content) < 300_000
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection" and collection["features"]
    for feature in collection["features"]:
        assert feature["type"] == "Feature" and feature["id"] == feature["properties"]["code"]
        assert set(feature["properties"]) >= {"code", "name", "wijk_code", "score", "klasse"}
        geometry = shape(feature["geometry"])
        assert geometry.is_valid and not geometry.is_empty
        assert 3 < geometry.centroid.x < 8 and 50 < geometry.centroid.y < 54  # WGS84, NL
        ring = feature["geometry"]["coordinates"][0]
        ring = ring[0] if isinstance(ring[0][0], list) else ring
        assert all(round(c, 5) == c for point in ring for c in point)
    scored = [f for f in collection["features"] if f["properties"]["score"] is not None]
    assert len(scored) > len(collection["features"]) / 2


def test_geojson_other_score_and_year(api: Client) -> None:
    collection = get(api, "/gemeenten/GM9999/geojson?score=safety&jaar=2020")
    assert collection["jaar"] == 2020 and collection["score"] == "safety"
    scores = get(api, f"/regios/{BUURT}/scores")["scores"]
    expected = next(s for s in scores if s["jaar"] == 2020)["scores"]["safety"]
    feature = next(f for f in collection["features"] if f["id"] == BUURT)
    assert feature["properties"]["score"] == pytest.approx(expected, rel=1e-6)


def test_no_store_is_503(settings, tmp_path: Path, client: Client) -> None:
    settings.WIJKKOMPAS_STORE = tmp_path / "missing.duckdb"
    get(client, f"/regios/{BUURT}", 503)


def test_operations_are_in_the_open_contract(client: Client) -> None:
    schema = json.loads(client.get(f"{BASE}/openapi.json").content)
    paths = schema["paths"]
    for path in ["/regios", "/regios/{code}/scores", "/gemeenten/{code}/geojson"]:
        operation = paths[path]["get"]
        assert "security" not in operation
        assert "application/problem+json" in operation["responses"]["400"]["content"]
