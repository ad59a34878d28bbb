"""On the demo, "Gevoeld en gemeten" compares at once: the demo survey's outcomes are in the
demo store as its organiser would have put them, once, and again after the store is rebuilt."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from wijkkompas.store import AnalyticStore
from wijkkompas.web.apps.participation.demo import prepare_participation_demo
from wijkkompas.web.apps.plans.demo import create_demo_plan

pytestmark = pytest.mark.django_db


def _marks(store: Path) -> int:
    with AnalyticStore(store).reader() as reader:
        return len(reader.observations(indicator_ids=["survey_buurt_mark"]))


def test_the_demo_compares_felt_and_measured_without_a_coordinator(
    settings, demo_store: Path, tmp_path: Path
) -> None:
    store = tmp_path / "demo.duckdb"
    store.write_bytes(demo_store.read_bytes())
    settings.WIJKKOMPAS_STORE = store
    assert create_demo_plan() is not None
    prepare_participation_demo()
    published = _marks(store)
    assert published >= 3
    page = Client().get("/meedoen/gevoeld-en-gemeten/?gemeente=GM9999").content.decode()
    assert "Rapportcijfer bewoners" in page
    assert "Er staan nog geen enquête-uitkomsten" not in page

    prepare_participation_demo()  # again, as every `make demo` does: nothing twice
    assert _marks(store) == published
    store.write_bytes(demo_store.read_bytes())  # `wijkkompas demo` built the store anew
    prepare_participation_demo()
    assert _marks(store) == published
