"""Boundaries over time on real Amsterdam data: the 2017 and 2019 KWB on the old buurt codes,
the 2024 extract and map on the codes of 2022, and the municipality's gebiedsindeling that links
the two. Older scores colour today's map, one buurt keeps one series, and an old code leads to
its buurt. Skips, saying which file is missing, when ../shared/data is absent."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from real_stores import import_amsterdam

pytestmark = [pytest.mark.django_db, pytest.mark.realdata, pytest.mark.slow]
TWINS = "web/monitor/test_crosswalk_layout.py::"
"""Each test's twin, on a made-up gemeente in the same layouts, is in this module."""

KOP_ZEEDIJK_OLD, KOP_ZEEDIJK = "BU03630000", "BU0363AE01"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return import_amsterdam(tmp_path_factory.mktemp("amsterdam-crosswalk"), draws=0)


@pytest.fixture
def site(settings, store: Path) -> Path:
    settings.WIJKKOMPAS_STORE = store
    return store


def coloured_rows(page: str) -> int:
    """Rows of the map's table (its accessible alternative) that have a class."""
    return len(re.findall(r'<span class="wk-swatch wk-klasse-[a-z-]*\d"', page))


def map_page(client: Client, gemeente: str, year: str) -> str:
    response = client.get(f"/kaart/?gemeente={gemeente}&jaar={year}")
    assert response.status_code == 200
    return response.content.decode()


def map_table(page: str) -> str:
    """The body of the map's table."""
    return page.split("<tbody", 1)[1].split("</tbody>", 1)[0]


def assert_links_only_the_new_code(page: str, new: str, old: str) -> None:
    assert f"/regio/{new}/" in page and f"/regio/{old}/" not in page


def assert_one_series_across_the_recoding(client: Client, new: str, old: str) -> None:
    """The buurt's page says its 2017 and 2019 figures are the old code's, and shows both years."""
    response = client.get(f"/regio/{new}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Omgerekend naar de huidige buurtcode" in page
    assert f"2017 uit de cijfers van {old} (2017)" in page
    assert f"2019 uit de cijfers van {old} (2019)" in page
    table = page.split("Totaalscore per jaar", 1)[1].split("</table>", 1)[0]
    assert ">2017</th>" in table and ">2019</th>" in table


def assert_old_code_leads_to_its_buurt(client: Client, old: str, new: str) -> None:
    """The old code's page and report redirect to the new code's."""
    response = client.get(f"/regio/{old}/")
    assert response.status_code == 302
    assert response["Location"] == f"/regio/{new}/"
    report = client.get(f"/regio/{old}/rapport/")
    assert report.status_code == 302
    assert report["Location"] == f"/regio/{new}/rapport/"


def index_2019_names_the_conversion(store: Path, new: str, old: str) -> dict[str, dict[str, str]]:
    """The index of 2019 (``wijkkompas index``): the new code's row says it was converted from
    the old code, and the old code is not ranked beside it. Returns the rows by code."""
    argv = [sys.executable, "-m", "wijkkompas", "--store", str(store), "index"]
    result = subprocess.run(
        [*argv, "--year", "2019", "--format", "csv", "--draws", "0", "--no-save"],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert rows[new]["converted_from"] == f"{old} (2019)"
    assert old not in rows  # its figures moved; no buurt is ranked twice
    return rows


def assert_signals_say_unknown(client: Client, gemeente: str) -> None:
    """No buurt has a total: the signals page says unknown, never 'none under pressure'."""
    page = client.get(f"/signalen/?gemeente={gemeente}").content.decode()
    assert "Onbekend: te weinig cijfers om het te beoordelen." in page
    assert re.search(r"Beoordeeld: 0 van \d+ buurten\. Bij \d+ is het onbekend", page)
    assert '<td class="utrecht-table__cell" colspan="4">Geen.</td>' not in page


def uncoloured_buurten_say_why(client: Client, gemeente: str, year: str) -> int:
    """Every row of the map's table has a colour or says 'onbekend' and why (a buurt too small
    to publish among them). Returns the number of rows."""
    table = map_table(map_page(client, gemeente, year))
    rows = table.count("<tr")
    unknown = re.findall(r"onbekend: ([^<]+)</td>", table)
    assert coloured_rows(table) + len(unknown) == rows
    assert unknown and all(len(reason.strip()) > 20 for reason in unknown)
    assert '">geen score</td>' not in table  # the bare label of before, without why
    assert any("inwoners: geen score" in reason for reason in unknown)  # too small to publish
    return rows


@pytest.mark.realdata(
    twin=TWINS + "test_older_scores_colour_todays_map_through_the_gebiedsindeling"
)
@pytest.mark.parametrize("year", ["2017", "2019"])
def test_older_scores_colour_todays_map(site: Path, client: Client, year: str) -> None:
    page = map_page(client, "GM0363", year)
    # 439 old buurten have a crosswalk row; the rest of those without a colour are too small to
    # publish or rest on fewer than four groups, and say "geen score".
    assert coloured_rows(page) >= 350
    assert_links_only_the_new_code(page, KOP_ZEEDIJK, KOP_ZEEDIJK_OLD)


@pytest.mark.realdata(twin=TWINS + "test_one_buurt_keeps_one_series_across_the_recoding")
def test_one_buurt_keeps_one_series_across_the_recoding(site: Path, client: Client) -> None:
    assert_one_series_across_the_recoding(client, KOP_ZEEDIJK, KOP_ZEEDIJK_OLD)


@pytest.mark.realdata(twin=TWINS + "test_an_old_code_leads_to_its_buurt")
def test_an_old_code_leads_to_its_buurt(site: Path, client: Client) -> None:
    assert_old_code_leads_to_its_buurt(client, KOP_ZEEDIJK_OLD, KOP_ZEEDIJK)


@pytest.mark.realdata(twin=TWINS + "test_the_index_names_the_conversion")
def test_the_index_names_the_conversion(site: Path) -> None:
    index_2019_names_the_conversion(site, KOP_ZEEDIJK, KOP_ZEEDIJK_OLD)


@pytest.mark.realdata(twin=TWINS + "test_signals_say_unknown_where_there_are_too_few_figures")
def test_signals_say_unknown_where_there_are_too_few_figures(site: Path, client: Client) -> None:
    """The newest year (2024) has too few indicators for any total: no buurt is "under
    pressure", and the page must not read that as good news."""
    assert_signals_say_unknown(client, "GM0363")


@pytest.mark.realdata(twin=TWINS + "test_every_buurt_without_a_colour_says_unknown_and_why")
@pytest.mark.parametrize("year", ["2017", "2019"])
def test_every_buurt_without_a_colour_says_unknown_and_why(
    site: Path, client: Client, year: str
) -> None:
    uncoloured_buurten_say_why(client, "GM0363", year)
