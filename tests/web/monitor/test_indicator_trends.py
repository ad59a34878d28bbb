"""A profile charts every scored indicator's figures over the years, not only the total."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from django.test import Client

from wijkkompas.store import AnalyticStore

pytestmark = pytest.mark.django_db

BUURT = "BU99990101"


@pytest.fixture(autouse=True)
def _demo(site_on_demo: Path) -> None:
    """Every test here reads the demo store."""


def test_each_scored_indicator_with_several_years_has_its_own_chart(
    client: Client, demo_store: Path
) -> None:
    from wijkkompas.catalogue import load_catalogue

    scored = {i.id for i in load_catalogue().scored()}
    with AnalyticStore(demo_store).reader() as reader:
        figures = reader.observations(region_codes=[BUURT])
    figures = figures[figures["value"].notna() & figures["indicator_id"].isin(scored)]
    periods = figures.groupby("indicator_id")["period"].nunique()
    expected = set(periods[periods >= 2].index)
    assert expected, "the demo has series to chart"

    page = html.unescape(client.get(f"/regio/{BUURT}/").content.decode())
    charted = set(re.findall(r'<figure class="wk-figure" id="reeks-([a-z0-9_]+)"', page))
    assert charted == expected
    some = sorted(expected)[0]
    chart = page[page.index(f'id="reeks-{some}"') :]
    chart = chart[: chart.index("</figure>")]
    assert f'aria-labelledby="reeks-{some}-titel reeks-{some}-uitleg"' in chart
    assert "<polyline" in chart and "per jaar" in chart


def test_chart_ids_are_unique_on_the_page(client: Client) -> None:
    page = client.get(f"/regio/{BUURT}/").content.decode()
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_the_pdf_keeps_only_the_total_chart(demo_store: Path) -> None:
    from django.template.loader import render_to_string

    from wijkkompas.reports import build_profile
    from wijkkompas.reports.context import profile_context

    context = profile_context(build_profile(AnalyticStore(demo_store), BUURT))
    body = render_to_string("monitor/_profiel_inhoud.html", {**context, "for_pdf": True})
    assert body.count("<svg") == 1
