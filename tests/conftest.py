"""Fixtures shared by every test package."""

from __future__ import annotations

from pathlib import Path

import pytest

from realdata_twins import pytest_collection_modifyitems  # noqa: F401  (a hook: pytest calls it)
from wijkkompas.store import AnalyticStore

DEMO_SEED = 2024


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the fictional demo municipality Voorbeeldstad (GM9999), built once.

    Read-only by convention: a test that writes to a store builds its own.
    """
    from wijkkompas.demo import build_demo_batch

    path = tmp_path_factory.mktemp("demo-store") / "wijkkompas.duckdb"
    from wijkkompas.services.scoring import run_index

    store = AnalyticStore(path)
    store.import_batch(build_demo_batch(seed=DEMO_SEED))
    # pages and the API read the newest saved index run, as after `wijkkompas demo`
    run_index(store, draws=50, save=True, label="demo")
    return path


@pytest.fixture
def live_demo(live_server, monkeypatch, settings, demo_store: Path, tmp_path: Path) -> str:
    """The live site on the whole demo as `make demo` serves it: plan, budgets, survey, and the
    survey's outcomes in the store (a copy, so the session's shared demo store stays as built).
    Returns the site's URL."""
    from wijkkompas.web.apps.participation.demo import prepare_participation_demo
    from wijkkompas.web.apps.plans.demo import create_demo_plan

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.WIJKKOMPAS_STORE = tmp_path / "demo.duckdb"
    settings.WIJKKOMPAS_STORE.write_bytes(demo_store.read_bytes())
    assert create_demo_plan() is not None
    prepare_participation_demo()
    return str(live_server.url)
