"""Boundaries over time on real Amsterdam data: the 2017 and 2019 KWB on the old buurt codes,
the 2024 extract and map on the codes of 2022, and the municipality's gebiedsindeling that links
the two. Older scores colour today's map, one buurt keeps one series, and an old code leads to
its buurt. Skips, saying which file is missing, when ../shared/data is absent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from real_stores import AMSTERDAM_2024_MAPPING, AMSTERDAM_FILES, wijkkompas

pytestmark = [pytest.mark.django_db, pytest.mark.realdata, pytest.mark.slow]
TWINS = "web/monitor/test_crosswalk_layout.py::"
"""Each test's twin, on a made-up gemeente in the same layouts, is in this module."""

FILES = AMSTERDAM_FILES
MAPPING = AMSTERDAM_2024_MAPPING
KOP_ZEEDIJK_OLD, KOP_ZEEDIJK = "BU03630000", "BU0363AE01"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    missing = [str(path) for path in FILES.values() if not path.is_file()]
    if missing:
        pytest.skip(f"real Amsterdam samples absent: {', '.join(missing)}")
    folder = tmp_path_factory.mktemp("amsterdam-crosswalk")
    store = folder / "wijkkompas.duckdb"
    mapping = folder / "mapping.csv"
    mapping.write_text(MAPPING, encoding="utf-8")
    wijkkompas(store, "import", FILES["kwb2017"], FILES["kwb2019"])
    wijkkompas(store, "import", FILES["kwb2024"], "--source", "statline", "--mapping", mapping)
    wijkkompas(store, "import", FILES["boundaries"], "--year", "2024")
    wijkkompas(store, "import", FILES["crosswalk"])
    wijkkompas(store, "index", "--draws", "0")
    return store


@pytest.fixture
def site(settings, store: Path) -> Path:
    settings.WIJKKOMPAS_STORE = store
    return store


def coloured_rows(page: str) -> int:
    """Rows of the map's table (its accessible alternative) that have a class."""
    return len(re.findall(r'<span class="wk-swatch wk-klasse-[a-z-]*\d"', page))


@pytest.mark.realdata(
    twin=TWINS + "test_older_scores_colour_todays_map_through_the_gebiedsindeling"
)
@pytest.mark.parametrize("year", ["2017", "2019"])
def test_older_scores_colour_todays_map(site: Path, client: Client, year: str) -> None:
    response = client.get(f"/kaart/?gemeente=GM0363&jaar={year}")
    assert response.status_code == 200
    page = response.content.decode()
    # 439 old buurten have a crosswalk row; the rest of those without a colour are too small to
    # publish or rest on fewer than four groups, and say "geen score".
    assert coloured_rows(page) >= 350
    assert f"/regio/{KOP_ZEEDIJK}/" in page and f"/regio/{KOP_ZEEDIJK_OLD}/" not in page


@pytest.mark.realdata(twin=TWINS + "test_one_buurt_keeps_one_series_across_the_recoding")
def test_one_buurt_keeps_one_series_across_the_recoding(site: Path, client: Client) -> None:
    response = client.get(f"/regio/{KOP_ZEEDIJK}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Omgerekend naar de huidige buurtcode" in page
    assert f"2017 uit de cijfers van {KOP_ZEEDIJK_OLD} (2017)" in page
    assert f"2019 uit de cijfers van {KOP_ZEEDIJK_OLD} (2019)" in page
    table = page.split("Totaalscore per jaar", 1)[1].split("</table>", 1)[0]
    assert ">2017</th>" in table and ">2019</th>" in table


@pytest.mark.realdata(twin=TWINS + "test_an_old_code_leads_to_its_buurt")
def test_an_old_code_leads_to_its_buurt(site: Path, client: Client) -> None:
    response = client.get(f"/regio/{KOP_ZEEDIJK_OLD}/")
    assert response.status_code == 302
    assert response["Location"] == f"/regio/{KOP_ZEEDIJK}/"
    report = client.get(f"/regio/{KOP_ZEEDIJK_OLD}/rapport/")
    assert report.status_code == 302
    assert report["Location"] == f"/regio/{KOP_ZEEDIJK}/rapport/"


@pytest.mark.realdata(twin=TWINS + "test_the_index_names_the_conversion")
def test_the_index_names_the_conversion(site: Path) -> None:
    import csv
    import io
    import subprocess
    import sys

    argv = [sys.executable, "-m", "wijkkompas", "--store", str(site), "index"]
    result = subprocess.run(
        [*argv, "--year", "2019", "--format", "csv", "--draws", "0", "--no-save"],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert rows[KOP_ZEEDIJK]["converted_from"] == f"{KOP_ZEEDIJK_OLD} (2019)"
    assert KOP_ZEEDIJK_OLD not in rows  # its figures moved; no buurt is ranked twice


@pytest.mark.realdata(twin=TWINS + "test_signals_say_unknown_where_there_are_too_few_figures")
def test_signals_say_unknown_where_there_are_too_few_figures(site: Path, client: Client) -> None:
    """The newest year (2024) has too few indicators for any total: no buurt is "under
    pressure", and the page must not read that as good news."""
    page = client.get("/signalen/?gemeente=GM0363").content.decode()
    assert "Onbekend: te weinig cijfers om het te beoordelen." in page
    assert re.search(r"Beoordeeld: 0 van \d+ buurten\. Bij \d+ is het onbekend", page)
    assert '<td class="utrecht-table__cell" colspan="4">Geen.</td>' not in page


@pytest.mark.realdata(twin=TWINS + "test_every_buurt_without_a_colour_says_unknown_and_why")
@pytest.mark.parametrize("year", ["2017", "2019"])
def test_every_buurt_without_a_colour_says_unknown_and_why(
    site: Path, client: Client, year: str
) -> None:
    page = client.get(f"/kaart/?gemeente=GM0363&jaar={year}").content.decode()
    table = page.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    rows = table.count("<tr")
    unknown = re.findall(r"onbekend: ([^<]+)</td>", table)
    assert coloured_rows(table) + len(unknown) == rows
    assert unknown and all(len(reason.strip()) > 20 for reason in unknown)
    assert '">geen score</td>' not in table  # the bare label of before, without why
    assert any("inwoners: geen score" in reason for reason in unknown)  # too small to publish
