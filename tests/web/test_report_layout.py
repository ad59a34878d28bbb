"""The report's web page of a wijk scored on older codes, on a made-up gemeente in the layout of
the real Amsterdam files: its opening sections in order, the map with its text alternative and a
filled shape for every buurt, the buurten weakest first, the method.

The twin of ``test_report_browser.py::test_the_report_of_a_real_amsterdam_wijk_reads_in_a_browser``
(which skips without ../shared/data), read through the Django test client rather than chromium:
the same document, the same checks on its structure and words. The files are written by
``proefstad`` for the fictional Proefstad (GM9990); the wijk Oude Stad (WK999000) is
scored on the boundaries of 2019 and its buurten drawn on today's through the gebiedsindeling.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from proefstad import BUURTEN, HAVENKADE, OLD_WIJKEN, build_store

pytestmark = pytest.mark.django_db

WIJK, WIJK_NAME = OLD_WIJKEN[0]
OPENING = ["Samenvatting", "Kaart"]
METHOD = "Hoe is dit gemeten?"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("report-layout"), crosswalk=True, draws=0)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _number(text: str) -> float:
    return float(text.replace("−", "-").replace(",", "."))


def _section(page: str, css_class: str) -> str:
    found = re.search(rf'<section class="{css_class}"[^>]*>(.*?)</section>', page, re.S)
    assert found, css_class
    return found.group(1)


def test_the_report_of_a_wijk_on_older_codes_opens_with_what_a_council_reads(
    settings, store: Path, client: Client
) -> None:
    settings.WIJKKOMPAS_STORE = store
    response = client.get(f"/regio/{WIJK}/rapport/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="nl"' in page
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    headings = [_text(h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", main, re.S)]
    assert headings[:2] == OPENING, headings
    assert headings[2].startswith("De buurten van") and WIJK_NAME in headings[2], headings
    assert headings[3] == METHOD, headings

    summary = _text(_section(main, "wk-samenvatting"))
    for question in ("Waar staat het gebied?", "Wat is er veranderd?"):
        assert question in summary
    assert "Waar stapelen problemen zich op?" in summary and "Wat doet de wijkaanpak?" in summary
    assert "De gemeente Proefstad als geheel: klasse" in summary
    assert "Geen wijkaanpak" in summary

    svg = re.search(r'<svg class="wk-kaart"([^>]*)>(.*?)</svg>', main, re.S)
    assert svg, "the report has no map"
    assert 'role="img"' in svg.group(1)
    title_tag = re.search(r"<title[^>]*>(.*?)</title>", svg.group(2), re.S)
    assert title_tag, "the map has no title"
    title = _text(title_tag.group(1))
    assert title.startswith("Kaart: de buurten van") and WIJK_NAME in title
    table = main.split('id="buurten"', 1)[1].split("</tbody>", 1)[0].split("<tbody", 1)[1]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    wijk_buurten = [b for b in BUURTEN if b.wijk == 0]
    assert len(rows) == len(wijk_buurten) >= 2
    filled = [f for f in re.findall(r'<path[^>]*\sfill="([^"]*)"', svg.group(2)) if f != "none"]
    assert len(filled) == len(rows)  # every buurt drawn on today's boundaries
    assert HAVENKADE.name in _text(table)
    cells = [re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S) for row in rows]
    totals = [_number(_text(c[2])) for c in cells if _text(c[2]) != "–"]
    assert totals and totals == sorted(totals), "weakest first"

    method = _text(_section(main, "wk-methode"))
    assert "Bronnen" in method and "berekend op" in method
    assert not re.search(r'(src|href)="(https?:)?//', main), "the report loads nothing elsewhere"
