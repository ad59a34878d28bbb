"""The monitor on real Amsterdam data: imported with the CLI as a person would, then every page.

KWB 2017 and 2019 (StatLine CSV, old buurt codes, with the most common postcode), the KWB 2024
extract with renamed columns (imported with a mapping, new codes such as BU0363AA01, letters
included) and the municipal buurt boundaries joined to 2024; then an index run. Skips, saying
which file is missing, when ../shared/data is absent; each test names its twin in
test_amsterdam_layout.py, which writes a small gemeente in the same layouts and always runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from real_stores import import_amsterdam

pytestmark = [pytest.mark.django_db, pytest.mark.realdata]
TWINS = "web/monitor/test_amsterdam_layout.py::"
"""Each test's twin, on a made-up gemeente in the same layouts, is in this module."""


BUURT_2024 = "BU0363AA01"  # Planciusbuurt-Noord: a code with letters
BUURT_2019 = "BU03630000"  # Kop Zeedijk, postcode 1012


@pytest.fixture(scope="module")
def amsterdam_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return import_amsterdam(tmp_path_factory.mktemp("amsterdam"), crosswalk=False, draws=20)


@pytest.fixture
def site(settings, amsterdam_store: Path) -> Path:
    settings.WIJKKOMPAS_STORE = amsterdam_store
    return amsterdam_store


def _page(client: Client, url: str, *texts: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    page = response.content.decode()
    for text in texts:
        assert text in page, (url, text)
    return page


def assert_the_map_of_the_gemeente(
    client: Client, gemeente: str, name: str, buurten: int, buurt: str, wijk: str
) -> bytes:
    """The map names the gemeente, counts its buurten and links ``buurt``; it shows the WOZ
    value and the wijken; its buurten's GeoJSON stays under 300 KiB gzipped. Returns that."""
    _page(client, f"/kaart/?gemeente={gemeente}", name, f"{buurten} buurten", buurt)
    _page(client, f"/kaart/?gemeente={gemeente}&maat=woz_value", "Gemiddelde WOZ-waarde")
    _page(client, f"/kaart/?gemeente={gemeente}&niveau=wijk", wijk)
    geojson = client.get(f"/kaart/{gemeente}/buurten.geojson", HTTP_ACCEPT_ENCODING="gzip")
    assert geojson.status_code == 200 and len(geojson.content) < 300 * 1024
    return bytes(geojson.content)


def assert_the_profile_of_a_buurt_with_a_letter_code(client: Client, code: str, name: str) -> None:
    _page(client, f"/regio/{code}/", name, "Gemiddelde WOZ-waarde", "Bronnen van de cijfers")
    assert client.get(f"/regio/{code}/kaart.gpkg").status_code == 200


def assert_the_profile_shows_a_trend(client: Client, code: str) -> None:
    page = _page(client, f"/regio/{code}/", "Ontwikkeling", "<svg")
    assert "klasse" in page


def what_the_mean_hides(client: Client, code: str) -> str:
    """The section 'Wat het gemiddelde verbergt' of the buurt's page."""
    page = _page(client, f"/regio/{code}/", "Wat het gemiddelde verbergt")
    start = page.index('id="wat-het-gemiddelde-verbergt"')
    return page[start : page.index("<h2", start)]


def assert_search_by_postcode_and_new_code(
    client: Client, postcode: str, old: str, new: str
) -> None:
    """A postcode finds the (old) buurt it is most common in; a new code leads to its page."""
    page = _page(client, f"/zoek/?q={postcode}", f"postcode {postcode}")
    assert f'href="/regio/{old}/"' in page
    assert client.get(f"/zoek/?q={new}")["Location"] == f"/regio/{new}/"


def assert_compare_signals_and_report(
    client: Client,
    codes: tuple[str, str],
    name: str,
    gemeente: str,
    gemeente_name: str,
    report: str,
) -> None:
    _page(client, f"/vergelijk/?codes={codes[0]}&codes={codes[1]}", name)
    _page(client, f"/signalen/?gemeente={gemeente}", gemeente_name)
    pdf = client.get(f"/regio/{report}/rapport.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.realdata(
    twin=TWINS + "test_the_map_of_the_gemeente_with_its_buurten_on_codes_with_letters"
)
def test_the_map_of_amsterdam_with_its_517_buurten(site: Path, client: Client) -> None:
    assert_the_map_of_the_gemeente(client, "GM0363", "Amsterdam", 517, BUURT_2024, "WK0363AA")


@pytest.mark.realdata(
    twin=TWINS + "test_the_profile_of_a_buurt_with_a_letter_code_from_the_renamed_extract"
)
def test_the_profile_of_a_buurt_with_a_letter_code(site: Path, client: Client) -> None:
    assert_the_profile_of_a_buurt_with_a_letter_code(client, BUURT_2024, "Planciusbuurt-Noord")


@pytest.mark.realdata(twin=TWINS + "test_the_profile_of_an_older_buurt_shows_its_trend")
def test_the_profile_of_an_older_buurt_with_a_trend(site: Path, client: Client) -> None:
    assert_the_profile_shows_a_trend(client, BUURT_2019)


@pytest.mark.realdata(
    twin=TWINS + "test_the_buurt_beside_its_wijk_gemeente_and_the_country_row_of_the_kwb"
)
def test_the_old_city_centre_beside_the_country(site: Path, client: Client) -> None:
    """Kop Zeedijk in 2017: a high mean income, yet twice the country's low-income share.

    The national figures are the real NL00 row of the KWB 2019 file.
    """
    hidden = what_the_mean_hides(client, BUURT_2019)
    for figure in ("€ 37,3 dzd.", "€ 27,1 dzd.", "15,3%", "7,5%", "32,8%", "40,0%"):
        assert figure in hidden, figure


@pytest.mark.realdata(twin=TWINS + "test_search_by_the_most_common_postcode_and_by_a_new_code")
def test_search_by_postcode_finds_the_old_city_centre(site: Path, client: Client) -> None:
    assert_search_by_postcode_and_new_code(client, "1012", BUURT_2019, BUURT_2024)


@pytest.mark.realdata(twin=TWINS + "test_compare_signals_and_report")
def test_compare_signals_and_report(site: Path, client: Client) -> None:
    assert_compare_signals_and_report(
        client, (BUURT_2024, "BU0363AA02"), "Planciusbuurt-Noord", "GM0363", "Amsterdam", BUURT_2019
    )
