"""Fixtures for the web app: compiled translations, stores to point the site at."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import shapely
from shapely.geometry import box

from wijkkompas.store import AnalyticStore, ImportBatch
from wijkkompas.web.i18n import compile_messages


@pytest.fixture(scope="session", autouse=True)
def _compiled_translations() -> None:
    """The .mo files are build artefacts; without them the English pages would stay Dutch."""
    compile_messages()


@pytest.fixture
def site_on_demo(settings, demo_store: Path) -> Path:
    """Point the site at the demo store for one test."""
    settings.WIJKKOMPAS_STORE = demo_store
    return demo_store


@pytest.fixture(scope="session")
def demo_buurten(demo_store: Path) -> pd.DataFrame:
    with AnalyticStore(demo_store).reader() as reader:
        return reader.regions(level="buurt", gemeente="GM9999")


@pytest.fixture(scope="session")
def demo_name(demo_store: Path) -> str:
    """The demo gemeente's name as the store has it (the demo may label it as fictional)."""
    with AnalyticStore(demo_store).reader() as reader:
        return str(reader.regions(level="gemeente", gemeente="GM9999")["name"].iloc[0])


def proefdorp_batch() -> ImportBatch:
    """A second, tiny gemeente (GM9998) whose code sorts before the demo's."""
    regions = pd.DataFrame(
        [
            ("GM9998", "Proefdorp", "gemeente", 2024, "GM9998", None),
            ("WK999800", "Dorp", "wijk", 2024, "GM9998", "WK999800"),
            ("BU99980000", "Kerkbuurt", "buurt", 2024, "GM9998", "WK999800"),
            ("BU99980001", "Molenbuurt", "buurt", 2024, "GM9998", "WK999800"),
        ],
        columns=["code", "name", "level", "year", "gemeente_code", "wijk_code"],
    )
    squares = [box(4.0, 51.0, 4.01, 51.01), box(4.01, 51.0, 4.02, 51.01)]
    geometries = pd.DataFrame(
        [
            (code, 2024, shapely.to_wkb(square), shapely.to_wkb(square))
            for code, square in zip(["BU99980000", "BU99980001"], squares, strict=True)
        ],
        columns=["region_code", "region_year", "wkb", "wkb_web"],
    )
    return ImportBatch(
        source="test-proefdorp",
        description="a second gemeente for the web tests",
        regions=regions,
        geometries=geometries,
    )


@pytest.fixture(scope="session")
def two_gemeenten_store(tmp_path_factory: pytest.TempPathFactory, demo_store: Path) -> Path:
    """The demo plus Proefdorp: the site must let people choose, defaulting to the first code."""
    path = tmp_path_factory.mktemp("two-gemeenten") / "wijkkompas.duckdb"
    path.write_bytes(demo_store.read_bytes())
    AnalyticStore(path).import_batch(proefdorp_batch())
    return path
