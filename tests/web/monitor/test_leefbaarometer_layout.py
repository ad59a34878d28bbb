"""The Leefbaarometer beside our own score, on a made-up gemeente in the real Utrecht layouts.

The twin of ``test_leefbaarometer.py``, which skips without ../shared/data: a kwb-2023.xlsx for
the province's buurten and the author's buurten.csv with the Leefbaarometer 3.0 scores of 2020,
both written by ``utrecht_layouts`` at test time for the fictional Proefstad (GM9990), imported
with the command line's own functions, then an index run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from utrecht_layouts import BUURT, LEEFBAAROMETER, kwb_2023_xlsx, leefbaarometer_csv
from web.monitor.test_leefbaarometer import assert_shows_the_leefbaarometer_as_a_reference

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def utrecht_like_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from wijkkompas.services.scoring import run_index
    from wijkkompas.sources.base import LoadOptions
    from wijkkompas.sources.importer import import_files
    from wijkkompas.store import AnalyticStore

    folder = tmp_path_factory.mktemp("utrecht-layout")
    kwb, lbm = folder / "CBS-Proefstad-kwb-2023.xlsx", folder / "buurten.csv"
    kwb.write_bytes(kwb_2023_xlsx())
    lbm.write_bytes(leefbaarometer_csv())
    store = AnalyticStore(folder / "wijkkompas.duckdb")
    import_files(store, [kwb], options=LoadOptions())
    import_files(store, [lbm], options=LoadOptions(year=2020))
    run_index(store, draws=20, save=True)
    return folder / "wijkkompas.duckdb"


def test_the_profile_shows_the_leefbaarometer_of_the_derived_table_as_a_reference(
    settings, utrecht_like_store: Path, client: Client
) -> None:
    settings.WIJKKOMPAS_STORE = utrecht_like_store
    lbm, _, nuisance, _, amenities = LEEFBAAROMETER[BUURT]  # 4.08, -0.12, 0.21
    shown = [f"{number:.2f}".replace(".", ",") for number in (lbm, amenities, nuisance)]
    assert_shows_the_leefbaarometer_as_a_reference(client, BUURT, shown[0], shown[1:])
