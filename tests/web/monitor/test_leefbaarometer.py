"""The Leefbaarometer beside our own score, on real Utrecht data imported with the CLI.

KWB 2023 for the province's buurten and the Leefbaarometer 3.0 buurt scores of 2020 (a derived
table; see shared/data/PROVENANCE.md). Skips, naming the missing file, when ../shared is absent;
its twin, on a made-up gemeente in the same layouts, is in test_leefbaarometer_layout.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from django.test import Client

from real_stores import SHARED_DATA, wijkkompas

pytestmark = [pytest.mark.django_db, pytest.mark.realdata]

KWB = SHARED_DATA / "kwb" / "utrecht" / "CBS-Utrecht-kwb-2023.xlsx"
LEEFBAAROMETER = SHARED_DATA / "leefbaarometer" / "utrecht_provincie" / "buurten.csv"
BUURT = "BU03440111"  # Welgelegen, Den Hommel


def assert_shows_the_leefbaarometer_as_a_reference(
    client: Client, buurt: str, score: str, parts: Sequence[str]
) -> None:
    """The buurt's profile has a Leefbaarometer section: the score and the dimension ``parts``
    (as shown, decimal comma) of 2020, said not to count in our own score."""
    response = client.get(f"/regio/{buurt}/")
    assert response.status_code == 200
    page = response.content.decode()
    start = page.index('id="leefbaarometer"')
    section = page[start : page.index("<h2", start)]
    assert f"Leefbaarometer-score: <strong>{score}</strong>" in section
    for part in parts:
        assert part in section, part
    assert "(2020)" in section and "telt niet mee in onze score" in section


@pytest.fixture(scope="module")
def utrecht_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    missing = [str(p) for p in (KWB, LEEFBAAROMETER) if not p.is_file()]
    if missing:
        pytest.skip(f"real Utrecht samples absent: {', '.join(missing)}")
    store = tmp_path_factory.mktemp("utrecht") / "wijkkompas.duckdb"
    wijkkompas(store, "import", KWB)
    wijkkompas(store, "import", LEEFBAAROMETER, "--year", "2020")
    wijkkompas(store, "index", "--draws", "20")
    return store


@pytest.mark.realdata(
    twin="web/monitor/test_leefbaarometer_layout.py::"
    "test_the_profile_shows_the_leefbaarometer_of_the_derived_table_as_a_reference"
)
def test_the_profile_shows_the_leefbaarometer_as_a_reference(
    settings, utrecht_store: Path, client: Client
) -> None:
    settings.WIJKKOMPAS_STORE = utrecht_store
    # The file's own row for this buurt: lbm 4.15, voorzieningen +0.19, overlast -0.10.
    assert_shows_the_leefbaarometer_as_a_reference(client, BUURT, "4,15", ["0,19", "-0,10"])
