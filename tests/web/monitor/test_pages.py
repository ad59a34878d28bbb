"""The monitor pages through Django's test client: Dutch and English, 400/404, downloads parse."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

BUURT = "BU99990000"


@pytest.fixture(autouse=True)
def _demo(site_on_demo: Path) -> None:
    """Every test here reads the demo store."""


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_map_colours_by_class_with_a_legend_and_profile_links(client: Client) -> None:
    page = _html(client.get("/kaart/?maat=safety&jaar=2020&niveau=buurt"))
    assert "zeer onvoldoende" in page and "uitstekend" in page
    assert f'href="/regio/{BUURT}/"' in page
    assert 'id="maat"' in page and 'value="safety" selected' in page


def test_the_map_shows_wijken(client: Client) -> None:
    page = _html(client.get("/kaart/?niveau=wijk"))
    assert "Wijkcode" in page and 'href="/regio/WK999900/"' in page


@pytest.mark.parametrize("query", ["maat=nope", "niveau=land", "jaar=1850", "jaar=x'--"])
def test_bad_map_choices_are_a_400(client: Client, query: str) -> None:
    assert client.get(f"/kaart/?{query}").status_code == 400


@pytest.mark.parametrize("code", [BUURT, "WK999900", "GM9999"])
def test_the_profile_of_every_level(client: Client, code: str) -> None:
    page = _html(client.get(f"/regio/{code}/"))
    assert "Scores en hun verklaring" in page
    assert "<svg" in page and "<title" in page
    assert "voorlopig" in page or "definitief" in page
    assert "Stapeling van problemen" in page


def _section(page: str, anchor: str) -> str:
    """The page from one heading's id to the next heading."""
    start = page.index(f'id="{anchor}"')
    end = page.find("<h2", start)
    return page[start : end if end > 0 else None]


def test_the_profile_sets_each_figure_beside_wijk_gemeente_and_country(
    client: Client, demo_store: Path
) -> None:
    from wijkkompas.reports.context import figure_text
    from wijkkompas.store import AnalyticStore

    with AnalyticStore(demo_store).reader() as reader:
        national = reader.national_observations(["low_income_households"])
    newest = national.sort_values("period").iloc[-1]
    figures = _section(_html(client.get(f"/regio/{BUURT}/")), "cijfers-vergeleken")
    for head in ("Centrum", "Voorbeeldstad", "Nederland"):
        assert f'scope="col">{head}' in figures
    assert figure_text(float(newest["value"]), "percent") in figures
    assert "Leefbaarometer" not in figures  # in its own section


def test_a_gemeente_is_compared_with_the_country_only(client: Client) -> None:
    figures = _section(_html(client.get("/regio/GM9999/")), "cijfers-vergeleken")
    heads = figures.count('scope="col"')
    assert heads == 4  # indicator, period, the gemeente, Nederland


def test_the_mean_income_comes_with_what_it_hides(client: Client) -> None:
    hidden = _section(_html(client.get(f"/regio/{BUURT}/")), "wat-het-gemiddelde-verbergt")
    assert "Gemiddeld inkomen per inwoner" in hidden
    for spread in ("Huishoudens met een laag inkomen", "laagste 40% van de inkomens"):
        assert spread in hidden


def test_the_leefbaarometer_stands_beside_our_score(client: Client) -> None:
    section = _section(_html(client.get(f"/regio/{BUURT}/")), "leefbaarometer")
    assert "Leefbaarometer-score" in section and "telt niet mee" in section
    assert "Onze totaalscore" in section and "Leefbaarometer: woningvoorraad" in section


def test_the_profile_in_english(client: Client) -> None:
    client.post("/taal/", {"language": "en", "next": "/"})
    page = _html(client.get(f"/regio/{BUURT}/"))
    assert '<html lang="en">' in page
    assert "Scores and their explanation" in page

    assert "What the average hides" in page and "The Netherlands" in page


@pytest.mark.parametrize(
    "url",
    [
        "/regio/BU99990999/",
        "/regio/XX1/",
        "/regio/BU99990999/rapport.pdf",
        "/regio/BU99990999/rapport/",
    ],
)
def test_unknown_regions_are_404(client: Client, url: str) -> None:
    assert client.get(url).status_code == 404


def test_downloads_parse(client: Client) -> None:
    from openpyxl import load_workbook

    observations = client.get(f"/regio/{BUURT}/waarnemingen.csv")
    rows = list(csv.DictReader(io.StringIO(observations.content.decode())))
    assert rows and {"source", "period", "release"} <= set(rows[0])
    scores = list(
        csv.DictReader(io.StringIO(client.get(f"/regio/{BUURT}/scores.csv").content.decode()))
    )
    assert len(scores) >= 2 and "total" in scores[0]
    workbook = load_workbook(io.BytesIO(client.get(f"/regio/{BUURT}/gegevens.xlsx").content))
    assert workbook.sheetnames == ["scores", "waarnemingen"]


def test_signals(client: Client) -> None:
    page = _html(client.get("/signalen/"))
    assert "Structureel onder druk" in page and "Gini" in page


def test_compare_two_to_five(client: Client) -> None:
    page = _html(client.get(f"/vergelijk/?codes={BUURT}&codes=WK999900"))
    assert "Scores naast elkaar" in page
    assert client.get(f"/vergelijk/?codes={BUURT}").status_code == 400  # one is not a choice
    six = "&".join(f"codes=BU9999000{i}" for i in range(6))
    assert client.get(f"/vergelijk/?{six}").status_code == 400
    assert client.get(f"/vergelijk/?codes={BUURT}&codes=BU00000000").status_code == 400


def test_accessibility_statement_is_linked_from_the_footer(client: Client) -> None:
    assert 'href="/toegankelijkheid/"' in _html(client.get("/kaart/"))
    assert "WCAG 2.1" in _html(client.get("/toegankelijkheid/"))


def test_the_sources_table_names_each_source_and_the_public_sees_no_run_id(
    client: Client,
) -> None:
    """Issue 16: the Bronnen table showed "demo (None)" and the page "indexberekening <id>"."""
    page = _html(client.get(f"/regio/{BUURT}/"))
    start = page.index('id="bronnen"')
    sources = page[start : page.index("</table>", start)]
    assert "Fictieve demogegevens" in sources
    assert "(None)" not in sources and ">demo<" not in sources
    assert not re.search(r">\d{4}-\d\d-\d\d<", sources)  # a peildatum in words, not ISO
    assert re.search(r">1 januari 20\d\d<", sources)
    assert "indexberekening" not in page and "indexrun" not in page
    assert re.search(r"Scores berekend op \d{1,2} \w+ 20\d\d\.", page)


def test_signals_name_classes_in_the_readers_language(client: Client) -> None:
    """Issue 16: English mode kept the Dutch class labels on Signals."""
    dutch = ("onvoldoende", "zwak", "voldoende", "goed", "uitstekend")
    english = ("poor", "insufficient", "weak", "sufficient", "good", "excellent")
    page = _html(client.get("/signalen/"))
    assert re.search(r"\d · (zeer |ruim )?(" + "|".join(dutch) + ")", page)
    client.post("/taal/", {"language": "en", "next": "/"})
    page = _html(client.get("/signalen/"))
    classes = re.findall(r"<td class=\"utrecht-table__cell\">\d · ([^<]+)</td>", page)
    assert classes, "no class in the signal tables"
    assert all(any(w in c for w in english) for c in classes), classes
    assert not any(
        any(f" {w}" in f" {c}" for w in ("onvoldoende", "zwak", "goed")) for c in classes
    )


@pytest.fixture
def first_year_only(settings, demo_store: Path, tmp_path: Path) -> pd.DataFrame:
    """The demo scored on its first year alone: nothing about earlier years is known."""
    from wijkkompas.services.scoring import run_index
    from wijkkompas.store import AnalyticStore

    path = tmp_path / "first-year.duckdb"
    path.write_bytes(demo_store.read_bytes())
    store = AnalyticStore(path)
    with store.reader() as reader:
        first = min(reader.years())
    run = run_index(store, gemeente="GM9999", draws=0, years=[first])
    settings.WIJKKOMPAS_STORE = path
    return run.table


def test_not_under_pressure_is_never_said_on_missing_years(
    client: Client, first_year_only: pd.DataFrame
) -> None:
    """A buurt with three domains in the worst share in the first year may have been there for
    years before: "unknown". One with no domain in the worst share is "no" whatever came before."""
    buurten = first_year_only[first_year_only["level"] == "buurt"]
    worst = buurten[buurten["cumulation_count"] >= 3]
    fine = buurten[(buurten["cumulation_count"] == 0) & (buurten["cumulation_known"] == 5)]
    assert len(worst) and len(fine)
    page = _html(client.get(f"/regio/{worst['code'].iloc[0]}/"))
    assert "Of het gebied structureel onder druk staat, is onbekend" in page
    assert "Niet structureel onder druk." not in page
    page = _html(client.get(f"/regio/{fine['code'].iloc[0]}/"))
    assert "Niet structureel onder druk." in page


def test_a_cbs_mark_reads_unknown_or_confidential_never_just_secret(
    client: Client, demo_store: Path
) -> None:
    """The KWB's "." means unknown, unreliable or secret: one mark, so the page cannot say which."""
    from wijkkompas.store import AnalyticStore

    with AnalyticStore(demo_store).reader() as reader:
        figures = reader.observations(gemeente="GM9999")
    marked = figures[figures["suppressed"] & figures["region_code"].str.startswith("BU")]
    assert len(marked), "the demo publishes no marked figure to show"
    page = _html(client.get(f"/regio/{sorted(marked['region_code'])[0]}/"))
    assert "onbekend of geheim" in page
    assert ">geheim<" not in page
