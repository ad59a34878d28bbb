"""The monitor on a made-up gemeente in the layout of the real Amsterdam files: every page.

The twins of ``test_amsterdam.py``, which skip without ../shared/data: KWB 2017 and 2019 as R
re-saved them (old buurt codes, with the most common postcode), the 2024 extract with renamed
columns (imported with the same mapping; new codes with letters such as BU9990AA01) and the
municipal boundaries joined to 2024; then an index run. The files are written by
``proefstad`` at test time, for the fictional Proefstad (GM9990).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from proefstad import GEMEENTE, HAVENKADE, OLD_WIJKEN, build_store
from proefstad import figures as made_up
from web.monitor.test_amsterdam import (
    assert_compare_signals_and_report,
    assert_search_by_postcode_and_new_code,
    assert_the_map_of_the_gemeente,
    assert_the_profile_of_a_buurt_with_a_letter_code,
    assert_the_profile_shows_a_trend,
    what_the_mean_hides,
)

pytestmark = pytest.mark.django_db

BUURT_2024 = HAVENKADE.new_code  # BU9990AA01: a code with letters
BUURT_2019 = HAVENKADE.old_code  # BU99900000, postcode 9901


@pytest.fixture(scope="module")
def amsterdam_like_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("amsterdam-layout"), crosswalk=False, draws=20)


@pytest.fixture
def site(settings, amsterdam_like_store: Path) -> Path:
    settings.WIJKKOMPAS_STORE = amsterdam_like_store
    return amsterdam_like_store


def _euro(thousands: float) -> str:
    return f"€ {thousands:.1f} dzd.".replace(".", ",", 1)


def _percent(share: float) -> str:
    return f"{share:.1f}%".replace(".", ",")


def test_the_map_of_the_gemeente_with_its_buurten_on_codes_with_letters(
    site: Path, client: Client
) -> None:
    geojson = assert_the_map_of_the_gemeente(
        client, GEMEENTE, "Proefstad", 9, BUURT_2024, "WK9990AA"
    )
    assert len(geojson) > 0


def test_the_profile_of_a_buurt_with_a_letter_code_from_the_renamed_extract(
    site: Path, client: Client
) -> None:
    assert_the_profile_of_a_buurt_with_a_letter_code(client, BUURT_2024, HAVENKADE.name)


def test_the_profile_of_an_older_buurt_shows_its_trend(site: Path, client: Client) -> None:
    assert_the_profile_shows_a_trend(client, BUURT_2019)


def test_the_buurt_beside_its_wijk_gemeente_and_the_country_row_of_the_kwb(
    site: Path, client: Client
) -> None:
    """The income figures of 2017 (from the 2019 file) beside the wijk, the gemeente and the
    file's own NL00 row: what the mean hides."""
    hidden = what_the_mean_hides(client, BUURT_2019)
    regions = [BUURT_2019, OLD_WIJKEN[0][0], GEMEENTE, "NL00"]
    rows = [
        ("Gemiddeld inkomen per inwoner", "income_per_inhabitant", _euro),
        ("Huishoudens met een laag inkomen", "low_income_households", _percent),
        ("Personen in de laagste 40% van de inkomens", "lowest_40_share", _percent),
    ]
    for label, field, shown in rows:
        (row,) = [r for r in hidden.split("<tr")[1:] if label in r]
        cells = re.findall(r"<td[^>]*>([^<]*)</td>", row)
        assert cells == [shown(made_up(code, 2019)[field]) for code in regions], label


def test_search_by_the_most_common_postcode_and_by_a_new_code(site: Path, client: Client) -> None:
    assert_search_by_postcode_and_new_code(client, HAVENKADE.postcode, BUURT_2019, BUURT_2024)


def test_compare_signals_and_report(site: Path, client: Client) -> None:
    assert_compare_signals_and_report(
        client, (BUURT_2024, "BU9990AA02"), HAVENKADE.name, GEMEENTE, "Proefstad", BUURT_2019
    )
