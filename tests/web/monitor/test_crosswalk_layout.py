"""Boundaries over time on a made-up gemeente in the layout of the real Amsterdam files.

The twins of ``test_crosswalk.py``, which skip without ../shared/data: KWB 2017 and 2019 on the
old buurt codes, the 2024 extract and map on the codes of 2022, and the municipality's
gebiedsindeling that links the two, all written by ``proefstad`` at test time for the
fictional Proefstad (GM9990). Older scores colour today's map, one buurt keeps one series, and
an old code leads to its buurt.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from proefstad import BUURTEN, GEMEENTE, HAVENKADE, NEW_ONLY, build_store

pytestmark = pytest.mark.django_db

OLD, NEW = HAVENKADE.old_code, HAVENKADE.new_code
PUBLISHED = [b for b in BUURTEN if b.wealth is not None]
"""Old buurten with enough inhabitants to be scored (one, Spoorzone, has 20)."""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("crosswalk-layout"), crosswalk=True, draws=0)


@pytest.fixture
def site(settings, store: Path) -> Path:
    settings.WIJKKOMPAS_STORE = store
    return store


def coloured_rows(page: str) -> int:
    """Rows of the map's table (its accessible alternative) that have a class."""
    return len(re.findall(r'<span class="wk-swatch wk-klasse-[a-z-]*\d"', page))


@pytest.mark.parametrize("year", ["2017", "2019"])
def test_older_scores_colour_todays_map_through_the_gebiedsindeling(
    site: Path, client: Client, year: str
) -> None:
    response = client.get(f"/kaart/?gemeente={GEMEENTE}&jaar={year}")
    assert response.status_code == 200
    page = response.content.decode()
    # every old buurt has a gebiedsindeling row; all but the one too small to publish are scored
    table = page.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    assert coloured_rows(table) == len(PUBLISHED)
    assert f"/regio/{NEW}/" in page and f"/regio/{OLD}/" not in page


def test_one_buurt_keeps_one_series_across_the_recoding(site: Path, client: Client) -> None:
    response = client.get(f"/regio/{NEW}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Omgerekend naar de huidige buurtcode" in page
    assert f"2017 uit de cijfers van {OLD} (2017)" in page
    assert f"2019 uit de cijfers van {OLD} (2019)" in page
    table = page.split("Totaalscore per jaar", 1)[1].split("</table>", 1)[0]
    assert ">2017</th>" in table and ">2019</th>" in table


def test_an_old_code_leads_to_its_buurt(site: Path, client: Client) -> None:
    response = client.get(f"/regio/{OLD}/")
    assert response.status_code == 302
    assert response["Location"] == f"/regio/{NEW}/"
    report = client.get(f"/regio/{OLD}/rapport/")
    assert report.status_code == 302
    assert report["Location"] == f"/regio/{NEW}/rapport/"


def test_the_index_names_the_conversion(site: Path) -> None:
    argv = [sys.executable, "-m", "wijkkompas", "--store", str(site), "index"]
    result = subprocess.run(
        [*argv, "--year", "2019", "--format", "csv", "--draws", "0", "--no-save"],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert rows[NEW]["converted_from"] == f"{OLD} (2019)"
    assert OLD not in rows  # its figures moved; no buurt is ranked twice
    assert NEW_ONLY.new_code not in rows  # it did not exist in 2019


def test_signals_say_unknown_where_there_are_too_few_figures(site: Path, client: Client) -> None:
    """The newest year (2024) has too few indicators for any total: no buurt is "under
    pressure", and the page must not read that as good news."""
    page = client.get(f"/signalen/?gemeente={GEMEENTE}").content.decode()
    assert "Onbekend: te weinig cijfers om het te beoordelen." in page
    assert re.search(r"Beoordeeld: 0 van \d+ buurten\. Bij \d+ is het onbekend", page)
    assert '<td class="utrecht-table__cell" colspan="4">Geen.</td>' not in page


@pytest.mark.parametrize("year", ["2017", "2019"])
def test_every_buurt_without_a_colour_says_unknown_and_why(
    site: Path, client: Client, year: str
) -> None:
    page = client.get(f"/kaart/?gemeente={GEMEENTE}&jaar={year}").content.decode()
    table = page.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    rows = table.count("<tr")
    unknown = re.findall(r"onbekend: ([^<]+)</td>", table)
    assert coloured_rows(table) + len(unknown) == rows == len(BUURTEN) + 1
    assert unknown and all(len(reason.strip()) > 20 for reason in unknown)
    assert '">geen score</td>' not in table  # the bare label of before, without why
    assert any("inwoners: geen score" in reason for reason in unknown)  # too small to publish
