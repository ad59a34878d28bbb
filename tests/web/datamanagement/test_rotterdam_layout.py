"""An analyst sets up a gemeente from the data screen on a fresh store, with files in the layout
of the real Rotterdam samples: a KWB selection keyed by ID (``ikgeoData.json``, ``--year 2017``)
and buurt boundaries (``rotterdam_buurten.geojson``); the import, an index run, the validation
page and the map coloured by the one group the selection covers.

The twin of ``test_browser.py`` (which drives chromium and skips without ../shared/data),
through the Django test client: the files are made up here for the fictional Proefstad (GM9990)
and the jobs run inline, so each request sees its job finished.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from wijkkompas.web.apps.accounts import roles
from wijkkompas.web.apps.accounts import services as accounts
from wijkkompas.web.apps.datamanagement.models import Job
from wijkkompas.web.apps.datamanagement.services import jobs

pytestmark = pytest.mark.django_db

GEMEENTE = "GM9990"
BUURTEN = [
    # code, name, inhabitants, crime level (0 calm … 1 much crime)
    ("BU99900110", "Stadsdriehoek", 13770, 0.9),
    ("BU99900111", "Oude Westen", 9840, 0.75),
    ("BU99900112", "Cool", 4630, 0.6),
    ("BU99900113", "Nieuwe Werk", 2410, 0.2),
    ("BU99900210", "Kralingen-West", 15210, 0.45),
    ("BU99900211", "De Esch", 3380, 0.1),
    ("BU99900212", "Struisenburg", 3920, 0.35),
    ("BU99900213", "Rubroek", 7150, 0.55),
]
WIJKEN = [("WK999001", BUURTEN[:4]), ("WK999002", BUURTEN[4:])]


def _record(id: int, code: str, people: int, crime: float) -> dict[str, Any]:
    """One record as the selection holds it: UntypedDataSet strings padded to 8 characters."""

    def padded(value: float | str) -> str:
        return f"{value:>8}"

    return {
        "ID": id, "WijkenEnBuurten": f"{code:<10}",
        "k_0Tot15Jaar_8": padded(round(people * 0.16)),
        "k_15Tot25Jaar_9": padded(round(people * 0.14)),
        "k_25Tot45Jaar_10": padded(round(people * 0.31)),
        "k_45Tot65Jaar_11": padded(round(people * 0.24)),
        "k_65JaarOfOuder_12": padded(round(people * 0.15)),
        "Bevolkingsdichtheid_33": padded(round(2000 + 9000 * crime)),
        "PercentageEengezinswoning_36": padded(round(60 - 50 * crime)),
        "PercentageMeergezinswoning_37": padded(round(40 + 50 * crime)),
        "Koopwoningen_40": padded(round(55 - 35 * crime)),
        "HuurwoningenTotaal_41": padded(round(44 + 35 * crime)),
        "GemiddeldInkomenPerInwoner_66": padded(f"{32.5 - 12 * crime:.1f}"),
        "TotaalDiefstalUitWoningSchuurED_106": padded(round(1 + 6 * crime)),
        "VernielingMisdrijfTegenOpenbareOrde_107": padded(round(2 + 12 * crime)),
        "GeweldsEnSeksueleMisdrijven_108": padded(round(2 + 14 * crime)),
    }  # fmt: skip


def ikgeo_json() -> bytes:
    """The selection as its author saved it: UTF-8 with a BOM, ``{"value": {ID: record}}``."""
    regions = [(GEMEENTE, sum(b[2] for b in BUURTEN), 0.5)]
    for wijk, members in WIJKEN:
        people = sum(b[2] for b in members)
        regions.append((wijk, people, sum(b[2] * b[3] for b in members) / people))
        regions += [(code, people, crime) for code, _, people, crime in members]
    records = [_record(12312 + i, *region) for i, region in enumerate(regions)]
    return json.dumps({"value": {str(r["ID"]): r for r in records}}).encode("utf-8-sig")


def buurten_geojson() -> bytes:
    """Boundaries as the Rotterdam sample has them: a bare FeatureCollection in WGS84 of
    MultiPolygons, the CBS code in ``id`` beside cartodb's own columns."""
    features = []
    for number, (code, name, people, _) in enumerate(BUURTEN):
        x, y = 4.46 + (number % 4) * 0.012, 51.91 + (number // 4) * 0.009
        ring = [[x, y], [x + 0.011, y], [x + 0.011, y + 0.008], [x, y + 0.008], [x, y]]
        features.append({
            "type": "Feature",
            "geometry": {"type": "MultiPolygon", "coordinates": [[ring]]},
            "properties": {"cartodb_id": number + 1, "area": 135, "household": people // 2,
                           "population": people, "name": name, "id": code},
        })  # fmt: skip
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


@pytest.fixture
def analyst(settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Client:
    """An analyst on a fresh store (it does not exist yet), with the jobs run inline."""
    settings.WIJKKOMPAS_STORE = tmp_path / "proefstad.duckdb"
    settings.WIJKKOMPAS_UPLOAD_DIR = tmp_path / "uploads"
    monkeypatch.setattr(jobs, "_launch", lambda work: work())
    monkeypatch.setattr(jobs, "INDEX_DRAWS", 10)
    person = accounts.create_person(username="analist", password=None)
    accounts.grant_role(user=person.user, role=roles.ANALYST)
    client = Client()
    client.force_login(person.user)
    return client


def _files() -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile("ikgeoData.json", ikgeo_json()),
        SimpleUploadedFile("rotterdam_buurten.geojson", buurten_geojson()),
    ]


def _job(response: Any) -> Job:
    assert response.status_code == 302, response.content[:600]
    return Job.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[-1]))


def _map_config(client: Client, url: str) -> dict[str, Any]:
    page = client.get(url).content.decode()
    found = re.search(r'<script[^>]*id="kaart-config"[^>]*>(.*?)</script>', page, re.S)
    assert found, "the map page has no map configuration"
    config: dict[str, Any] = json.loads(found.group(1))
    return config


def test_an_analyst_sets_up_a_gemeente_from_keyed_kwb_and_boundaries_and_sees_its_map(
    settings, analyst: Client
) -> None:
    page = analyst.get("/beheer/gegevens/").content.decode()
    assert "Er zijn nog geen gegevens" in page

    # files larger together than the server takes are refused, and nothing is written
    limit = settings.WIJKKOMPAS_UPLOAD_MAX_BYTES
    settings.WIJKKOMPAS_UPLOAD_MAX_BYTES = 1024
    refused = analyst.post("/beheer/gegevens/importeren/", {"files": _files(), "year": "2017"})
    assert refused.status_code == 413
    assert "groter dan" in refused.content.decode()
    assert Job.objects.count() == 0
    settings.WIJKKOMPAS_UPLOAD_MAX_BYTES = limit

    # the selection and the boundaries together, for the buurtindeling of 2017
    job = _job(analyst.post("/beheer/gegevens/importeren/", {"files": _files(), "year": "2017"}))
    assert job.state == Job.State.DONE, job.detail
    summary = analyst.get(f"/beheer/gegevens/taken/{job.pk}/").content.decode()
    assert "ikgeoData.json" in summary and "rotterdam_buurten.geojson" in summary
    assert f"{len(BUURTEN)} buurten" in summary
    assert "Niet herkende kolommen koppelen" in summary  # four columns it does not know

    index = _job(analyst.post("/beheer/gegevens/index/"))
    assert index.state == Job.State.DONE, index.detail
    assert "Kaart van" in analyst.get(f"/beheer/gegevens/taken/{index.pk}/").content.decode()

    validation = analyst.get("/beheer/gegevens/validatie/").content.decode()
    assert "geen Leefbaarometer-scores" in validation
    assert GEMEENTE in analyst.get("/beheer/gegevens/").content.decode()

    # The selection covers one group of the index (its crime figures: nuisance and safety), too
    # few for a total; the safety dimension colours the buurten, class by class.
    total = _map_config(analyst, f"/kaart/?gemeente={GEMEENTE}")
    assert 0 < len(total["classes"]) <= len(BUURTEN)
    assert all(info["c"] is None for info in total["classes"].values())  # grey: "geen score"
    page = analyst.get(f"/kaart/?gemeente={GEMEENTE}").content.decode()
    assert re.search(r'<option value="safety"[^>]*>Overlast en veiligheid<', page)
    safety = _map_config(analyst, f"/kaart/?gemeente={GEMEENTE}&maat=safety")
    classed = {code: info["c"] for code, info in safety["classes"].items() if info["c"]}
    assert len(classed) >= len(safety["classes"]) // 2, "most buurten should have a class"
    assert {str(c) for c in classed.values()} <= set(safety["palette"])
    assert len(set(classed.values())) > 1, "every buurt in one class is no map"
    shapes = analyst.get(f"/kaart/{GEMEENTE}/buurten.geojson").json()
    assert len(shapes["features"]) == len(BUURTEN)  # every buurt of the boundaries file
