"""The report: a real, tagged PDF with a language, from the web and from the CLI alike, that
opens with what a council reads (summary, map, buurten, method); and its HTML version."""

from __future__ import annotations

import re
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from django.test import Client

from pdf_text import pdf_pages
from wijkkompas.store import AnalyticStore

pytestmark = pytest.mark.django_db


def _inflated(pdf: bytes) -> bytes:
    """The PDF with its compressed streams (object streams included) unpacked."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def _assert_tagged_pdf(pdf: bytes) -> None:
    assert pdf.startswith(b"%PDF")
    content = _inflated(pdf)
    assert b"/StructTreeRoot" in content
    assert b"/Lang" in content


def test_the_report_download_is_a_tagged_pdf(client: Client, site_on_demo: Path) -> None:
    response = client.get("/regio/BU99990000/rapport.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    _assert_tagged_pdf(response.content)


def test_the_cli_function_writes_the_same_report(demo_store: Path, tmp_path: Path) -> None:
    from wijkkompas.reports.pdf import write_report

    out = write_report(AnalyticStore(demo_store), "WK999900", tmp_path / "wijk.pdf")
    _assert_tagged_pdf(out.read_bytes())


# --- the council's opening pages: summary, map, buurten, method -------------------------------

WIJK = "WK999901"
MONTHS = "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
DATE_IN_WORDS = re.compile(rf"berekend op \d{{1,2}} ({MONTHS}) \d{{4}}")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
RUN_ID = re.compile(r"\d{8}T\d{6}")


class _Report(HTMLParser):
    """Headings, the buurten table's rows and the plain text of a report's HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.h2: list[str] = []
        self.rows: list[list[str]] = []
        self.text: list[str] = []
        self._heading: list[str] | None = None
        self._in_buurten = False
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h2":
            self._heading = []
        elif tag == "table" and ("id", "buurten") in attrs:
            self._in_buurten = True
        elif self._in_buurten and tag == "tr":
            self._row = []
        elif self._row is not None and tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2" and self._heading is not None:
            self.h2.append("".join(self._heading).strip())
            self._heading = None
        elif tag == "table":
            self._in_buurten = False
        elif tag in ("th", "td") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        for part in (self._heading, self._cell):
            if part is not None:
                part.append(data)


def _parsed(page: str) -> _Report:
    report = _Report()
    report.feed(page)
    return report


def _number(text: str) -> float:
    return float(text.replace("−", "-").replace(",", "."))


def _wijk_buurten(store: Path, wijk: str) -> pd.DataFrame:
    from wijkkompas.services.scoring import latest_run_scores

    scores = latest_run_scores(AnalyticStore(store))
    assert scores is not None
    year = int(scores.loc[scores["code"] == wijk, "year"].max())
    return scores[
        (scores["level"] == "buurt")
        & (scores["year"] == year)
        & (scores["code"].str[2:8] == wijk[2:8])
    ]


def _assert_council_report(page: str, store: Path, plans_known: bool = True) -> _Report:
    """What a council reads first, in this order, with nothing internal in it."""
    from wijkkompas.reports import build_profile

    profile = build_profile(AnalyticStore(store), WIJK)
    report = _parsed(page)
    text = " ".join(" ".join(report.text).split())
    assert report.h2[:5] == [
        "Samenvatting",
        "Kaart",
        "De buurten van Oosterpark",
        "Hoe is dit gemeten?",
        "Scores en hun verklaring",
    ]
    summary = text.split("Samenvatting", 1)[1].split("Kaart", 1)[0]
    assert f"Oosterpark staat in {profile.year} in klasse {profile.total.klass} van 9" in summary
    gemeente = next(c for c in profile.comparisons if c.role == "gemeente")
    assert f"De gemeente {gemeente.name} als geheel: klasse {gemeente.klass}" in summary
    assert "Vergeleken met Nederland:" in summary
    since = int(profile.row["trend_from"])
    assert f"Sinds {since} is de totaalscore" in summary
    for domain in ("Opgroeien en onderwijs", "Werk, armoede en meedoen", "Gezondheid"):
        assert domain in summary
    assert "Wat doet de wijkaanpak?" in summary
    if not plans_known:
        assert "Onbekend: dit rapport is gemaakt zonder de database van de webapp" in summary

    svg = re.search(r'<svg class="wk-kaart".*?</svg>', page, re.S)
    assert svg is not None, "no map"
    assert 'role="img"' in svg.group(0) and 'aria-labelledby="kaart-titel kaart-uitleg"' in svg[0]
    title = re.search(r'<title id="kaart-titel">([^<]+)</title>', svg[0])
    assert title and "Oosterpark" in title.group(1)
    assert re.search(r'<desc id="kaart-uitleg">[^<]+</desc>', svg[0])
    buurten = _wijk_buurten(store, WIJK)
    assert svg[0].count("<path ") == len(buurten)  # one shape per buurt; a wijk outlines none

    head, *rows = report.rows
    assert head == ["Buurt", "Klasse", "Totaalscore", "Structureel onder druk"]
    assert sorted(r[0] for r in rows) == sorted(buurten["name"])
    scored = [_number(r[2]) for r in rows if r[2] != "–"]
    assert scored == sorted(scored), "weakest first"
    for name, klass, total, _pressure in rows:
        assert re.fullmatch(r"\d · .+", klass) or klass.startswith("onbekend ("), (name, klass)
        assert (total == "–") == klass.startswith("onbekend")

    method = text.split("Hoe is dit gemeten?", 1)[1].split("Scores en hun verklaring", 1)[0]
    assert "de landelijke maatlat van wijkkompas" in method
    assert "Fictieve demogegevens: " in method  # a source with its period
    assert DATE_IN_WORDS.search(method), method
    assert "docs/methodology.md" in method and "Hoe de score werkt" in method
    for words in (text, page):
        assert "indexrun" not in words.lower()
        assert not RUN_ID.search(words) and profile.run_id not in words
    assert not ISO_DATE.search(text), ISO_DATE.findall(text)
    return report


def test_the_report_page_opens_with_what_a_council_reads(
    client: Client, site_on_demo: Path
) -> None:
    response = client.get(f"/regio/{WIJK}/rapport/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="nl">' in page
    _assert_council_report(page, site_on_demo)
    # no plan in the app database: said plainly, never "onbekend" here
    assert "Geen wijkaanpak: er is geen plan vastgelegd voor dit gebied." in page
    assert f'href="/regio/{WIJK}/rapport.pdf"' in page


def test_the_pdf_says_the_same_with_the_summary_on_its_own_first_page(
    demo_store: Path, settings
) -> None:
    from wijkkompas.reports.pdf import render_report, report_html

    settings.WIJKKOMPAS_STORE = demo_store
    html = report_html(AnalyticStore(demo_store), WIJK)
    _assert_council_report(html, demo_store)
    assert "<link" not in html  # WeasyPrint fetches nothing; the stylesheet is passed in

    pdf = render_report(AnalyticStore(demo_store), WIJK)
    _assert_tagged_pdf(pdf)
    pages = pdf_pages(pdf)
    first = " ".join(pages[0].split())
    assert "Samenvatting" in first and "Wat doet de wijkaanpak?" in first
    assert "De buurten van Oosterpark" not in first  # the map and the list follow
    text = " ".join(" ".join(pages).split())
    order = ["Samenvatting", "Kaart", "De buurten van Oosterpark", "Hoe is dit gemeten?"]
    assert [text.index(h) for h in order] == sorted(text.index(h) for h in order)
    assert DATE_IN_WORDS.search(text)
    assert "indexrun" not in text.lower() and not RUN_ID.search(text)
    assert not ISO_DATE.search(text), ISO_DATE.findall(text)


def test_the_english_report_speaks_english(client: Client, site_on_demo: Path) -> None:
    client.post("/taal/", {"language": "en", "next": "/"})
    page = client.get(f"/regio/{WIJK}/rapport/").content.decode()
    assert '<html lang="en">' in page
    headings = _parsed(page).h2
    assert headings[:4] == [
        "Summary",
        "Map",
        "The neighbourhoods of Oosterpark",
        "How was this measured?",
    ]
    assert "The scores were computed on" in page


def test_a_buurt_report_maps_its_wijk_with_the_buurt_outlined(
    client: Client, site_on_demo: Path
) -> None:
    buurten = _wijk_buurten(site_on_demo, WIJK)
    code = str(buurten.sort_values("code")["code"].iloc[1])
    page = client.get(f"/regio/{code}/rapport/").content.decode()
    svg = re.search(r'<svg class="wk-kaart".*?</svg>', page, re.S)
    assert svg is not None
    assert svg[0].count("<path ") == len(buurten) + 1  # every buurt, and the outline on top
    assert svg[0].count('stroke="#000000"') == 1
    report = _parsed(page)
    assert report.h2[2] == "De buurten van de wijk Oosterpark"
    assert sum("(deze buurt)" in row[0] for row in report.rows) == 1


def test_a_buurt_without_a_score_is_listed_last_with_the_reason(
    client: Client, site_on_demo: Path
) -> None:
    """The demo hides buurten with too few inhabitants: "onbekend", with why, never blank."""
    from wijkkompas.services.scoring import latest_run_scores

    scores = latest_run_scores(AnalyticStore(site_on_demo))
    assert scores is not None
    hidden = scores[(scores["level"] == "buurt") & scores["total"].isna()]
    assert not hidden.empty, "the demo should have a buurt without a score"
    wijk = "WK" + str(hidden["code"].iloc[-1])[2:8]
    rows = _parsed(client.get(f"/regio/{wijk}/rapport/").content.decode()).rows[1:]
    unknown = [r for r in rows if r[1].startswith("onbekend")]
    assert unknown and rows[-len(unknown) :] == unknown
    assert all(r[1] == "onbekend (minder dan 50 inwoners: geen score)" for r in unknown)
    assert all(r[3] == "onbekend" for r in unknown)


def test_a_buurt_on_few_people_is_marked_beside_its_name(
    client: Client, site_on_demo: Path
) -> None:
    """A council reading the weakest first must see which rest on few people (or little
    housing) before believing them: the run's flags, beside the name."""
    from wijkkompas.services.scoring import latest_run_scores

    scores = latest_run_scores(AnalyticStore(site_on_demo))
    assert scores is not None
    year = int(scores["year"].max())
    buurten = scores[(scores["level"] == "buurt") & (scores["year"] == year)]
    small = buurten.loc[buurten["small_population"].astype(bool), "name"].tolist()
    assert small, "the demo should have a buurt with fewer than 200 inhabitants"
    rows = _parsed(client.get("/regio/GM9999/rapport/").content.decode()).rows[1:]
    marked = [r[0] for r in rows if "(minder dan 200 inwoners, vooral geen woongebied)" in r[0]]
    assert sorted(m.split(" (")[0] for m in marked) == sorted(small)


@pytest.fixture
def demo_plan(settings, site_on_demo: Path):
    from wijkkompas.web.apps.plans.demo import create_demo_plan

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    plan = create_demo_plan()
    assert plan is not None
    return plan


def test_the_summary_says_what_the_plan_does_per_pillar(client: Client, demo_plan) -> None:
    assert demo_plan.area_codes == [WIJK]
    page = client.get(f"/regio/{WIJK}/rapport/").content.decode()
    summary = page.split('id="samenvatting"', 1)[1].split('id="kaart-kop"', 1)[0]
    assert demo_plan.title in summary
    assert "Gebied: Oosterpark." in summary
    for goal in demo_plan.goals.all():
        assert goal.title in summary
    for pillar in ("Sociale basis", "Sociale stijging", "Sociale herovering", "Fysiek"):
        assert f"{pillar}: " in summary
    for intervention in demo_plan.interventions.all():
        assert intervention.title in summary
    assert "(bewonersinitiatief)" in summary
    assert f'href="/plannen/{demo_plan.pk}/verantwoording/"' in summary
    assert "Het plan dekt een deel" not in summary

    # the gemeente's report names the plan as covering part of it
    page = client.get("/regio/GM9999/rapport/").content.decode()
    assert demo_plan.title in page and "Het plan dekt een deel van dit gebied." in page

    # a wijk without a plan says so
    other = client.get("/regio/WK999900/rapport/").content.decode()
    assert demo_plan.title not in other and "Geen wijkaanpak" in other


def test_an_edited_plan_is_in_the_next_report_download(client: Client, demo_plan) -> None:
    """Reports are cached, but never past a change of the plans they summarise."""
    from wijkkompas.web.apps.plans.models import Plan

    before = client.get(f"/regio/{WIJK}/rapport/").content.decode()
    assert demo_plan.title in before
    Plan.objects.filter(pk=demo_plan.pk).update(title="Oosterpark samen 2021–2030")
    after = client.get(f"/regio/{WIJK}/rapport/").content.decode()
    assert "Oosterpark samen 2021–2030" in after and demo_plan.title not in after


def test_without_an_app_database_the_report_says_the_plans_are_unknown(
    demo_store: Path, settings, tmp_path: Path, monkeypatch
) -> None:
    """The command line renders without the web app's database: the report says so plainly,
    and no empty database file is left behind by asking."""
    from django.db import connection

    from wijkkompas.reports.pdf import report_html
    from wijkkompas.web.apps.plans.selectors.coverage import plans_covering

    if connection.vendor != "sqlite":
        pytest.skip("the app database here is not SQLite")
    absent = tmp_path / "store.app.sqlite3"
    monkeypatch.setitem(connection.settings_dict, "NAME", str(absent))
    coverage = plans_covering(WIJK)
    assert not coverage.available and not absent.exists()

    settings.WIJKKOMPAS_STORE = demo_store
    html = report_html(AnalyticStore(demo_store), WIJK, plans=coverage)
    _assert_council_report(html, demo_store, plans_known=False)
