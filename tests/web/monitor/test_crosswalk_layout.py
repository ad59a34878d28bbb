"""Boundaries over time on a made-up gemeente in the layout of the real Amsterdam files.

The twins of ``test_crosswalk.py``, which skip without ../shared/data: KWB 2017 and 2019 on the
old buurt codes, the 2024 extract and map on the codes of 2022, and the municipality's
gebiedsindeling that links the two, all written by ``proefstad`` at test time for the
fictional Proefstad (GM9990). Older scores colour today's map, one buurt keeps one series, and
an old code leads to its buurt.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from proefstad import BUURTEN, GEMEENTE, HAVENKADE, NEW_ONLY, build_store
from web.monitor.test_crosswalk import (
    assert_links_only_the_new_code,
    assert_old_code_leads_to_its_buurt,
    assert_one_series_across_the_recoding,
    assert_signals_say_unknown,
    coloured_rows,
    index_2019_names_the_conversion,
    map_page,
    map_table,
    uncoloured_buurten_say_why,
)

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


@pytest.mark.parametrize("year", ["2017", "2019"])
def test_older_scores_colour_todays_map_through_the_gebiedsindeling(
    site: Path, client: Client, year: str
) -> None:
    page = map_page(client, GEMEENTE, year)
    # every old buurt has a gebiedsindeling row; all but the one too small to publish are scored
    assert coloured_rows(map_table(page)) == len(PUBLISHED)
    assert_links_only_the_new_code(page, NEW, OLD)


def test_one_buurt_keeps_one_series_across_the_recoding(site: Path, client: Client) -> None:
    assert_one_series_across_the_recoding(client, NEW, OLD)


def test_an_old_code_leads_to_its_buurt(site: Path, client: Client) -> None:
    assert_old_code_leads_to_its_buurt(client, OLD, NEW)


def test_the_index_names_the_conversion(site: Path) -> None:
    rows = index_2019_names_the_conversion(site, NEW, OLD)
    assert NEW_ONLY.new_code not in rows  # it did not exist in 2019


def test_signals_say_unknown_where_there_are_too_few_figures(site: Path, client: Client) -> None:
    """The newest year (2024) has too few indicators for any total: no buurt is "under
    pressure", and the page must not read that as good news."""
    assert_signals_say_unknown(client, GEMEENTE)


@pytest.mark.parametrize("year", ["2017", "2019"])
def test_every_buurt_without_a_colour_says_unknown_and_why(
    site: Path, client: Client, year: str
) -> None:
    assert uncoloured_buurten_say_why(client, GEMEENTE, year) == len(BUURTEN) + 1
