"""The region table under the map sorts and filters in the browser, and is a complete table
without JavaScript (the browser test drives the script)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo(site_on_demo: Path) -> None:
    """Every test here reads the demo store."""


def test_the_table_carries_what_the_script_sorts_on(client: Client, demo_buurten) -> None:
    page = client.get("/kaart/").content.decode()
    table = page[page.index('id="buurtentabel"') : page.index("</table>")]
    assert "data-tabel-sorteer" in table and "data-filter-label=" in table
    assert table.count("data-numeriek") == 2  # class and score
    # Every region is in the table as served (nothing depends on the script) ...
    assert table.count("<tr") == len(demo_buurten) + 1
    # ... and every score cell holds its number unlocalised, for sorting.
    sort_values = re.findall(r'data-sort="([^"]*)"', table)
    assert any(re.fullmatch(r"-?\d+\.\d+", v) for v in sort_values)
    assert all(re.fullmatch(r"(-?\d+(\.\d+)?)?", v) for v in sort_values)


def test_the_script_is_served_from_the_site_itself(client: Client) -> None:
    page = client.get("/kaart/").content.decode()
    assert re.search(r'<script src="/static/monitor/tabel\.js" defer>', page)
    assert finders.find("monitor/tabel.js")
    assert "<script>" not in page  # the CSP allows no inline script
