"""Fixtures shared by every test package."""

from __future__ import annotations

from pathlib import Path

import pytest

from wijkkompas.store import AnalyticStore

DEMO_SEED = 2024


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the fictional demo municipality Voorbeeldstad (GM9999), built once.

    Read-only by convention: a test that writes to a store builds its own.
    """
    from wijkkompas.demo import build_demo_batch

    path = tmp_path_factory.mktemp("demo-store") / "wijkkompas.duckdb"
    from wijkkompas.monitor import run_index

    store = AnalyticStore(path)
    store.import_batch(build_demo_batch(seed=DEMO_SEED))
    # pages and the API read the newest saved index run, as after `wijkkompas demo`
    run_index(store, draws=50, save=True, label="demo")
    return path
