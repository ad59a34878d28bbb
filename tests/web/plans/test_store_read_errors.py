"""A store that cannot be read is "no data yet" (503), for the API as for the pages, never a 500.

The store is written by copy-and-rename (ADR 3), but someone may still copy a file over it in
place, or a disk may fail. A reader that opened the file then finds its catalogue intact and the
table blocks gone: DuckDB raises half-way through a request. Tests tear the blocks of a real store
the same way and ask every read the site offers.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from django.test import Client

from wijkkompas.web.api import api

from .world import World

pytestmark = pytest.mark.django_db

BUURT = "BU99990000"
NO_DATA = "Er zijn nog geen gegevens om te tonen."


def tear(path: Path, tables: list[str] | None = None) -> Path:
    """Overwrite the data blocks of ``tables`` (default: all) in place, keeping the file's
    header and catalogue: what a reader meets when another file is copied over the store."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        size = con.execute("SELECT block_size, total_blocks FROM pragma_database_size()").fetchone()
        assert size is not None
        block_size, total_blocks = int(size[0]), int(size[1])
        names = tables or [
            r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        ]
        blocks: set[int] = set()
        for name in names:
            for block, more in con.execute(
                f"SELECT block_id, additional_block_ids FROM pragma_storage_info('{name}') "
                "WHERE block_id >= 0"
            ).fetchall():
                blocks |= {int(block), *(int(b) for b in more or [])}
    finally:
        con.close()
    header = path.stat().st_size - total_blocks * block_size
    assert blocks and header > 0
    with open(path, "r+b") as handle:
        for block in sorted(blocks):
            handle.seek(header + block * block_size)
            handle.write(b"\x5a" * block_size)
    return path


@pytest.fixture
def torn_observations(settings, demo_store: Path, tmp_path: Path) -> Path:
    path = tmp_path / "wijkkompas.duckdb"
    shutil.copyfile(demo_store, path)
    settings.WIJKKOMPAS_STORE = tear(path, ["observations"])
    return path


@pytest.fixture
def torn_everything(settings, demo_store: Path, tmp_path: Path) -> Path:
    path = tmp_path / "wijkkompas.duckdb"
    shutil.copyfile(demo_store, path)
    settings.WIJKKOMPAS_STORE = tear(path)
    return path


def test_a_torn_store_fails_in_duckdb_half_way_not_on_opening(torn_observations: Path) -> None:
    """The premise: opening works, reading the figures does not."""
    con = duckdb.connect(str(torn_observations), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM regions").fetchone()
        with pytest.raises(duckdb.Error):
            con.execute("SELECT * FROM observations").fetchall()
    finally:
        con.close()


def test_plan_progress_from_a_torn_store_is_no_data_yet(
    world: World, torn_observations: Path
) -> None:
    response = Client().get(f"/api/v1/plannen/{world.plan.pk}/voortgang")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 503 and problem["detail"] == NO_DATA
    assert response["Retry-After"]


def _api_reads(world: World) -> dict[str, set[str]]:
    """Every GET of the API's contract, with this world's ids filled in: url -> its statuses."""
    assert world.goal is not None and world.intervention is not None
    values = {
        "plan_id": world.plan.pk,
        "doel_id": world.goal.pk,
        "interventie_id": world.intervention.pk,
        "id": "woz_value",
    }
    reads = {}
    for path, operations in api.get_openapi_schema()["paths"].items():
        if "get" not in operations:
            continue
        code = "NL00" if path.startswith("/landen") else "GM9999" if "gemeenten" in path else BUURT
        url = path.format(**values, code=code)
        url = "/api/v1" + url + ("?q=Voorbeeld" if url.endswith("/zoeken") else "")
        reads[url] = {str(status) for status in operations["get"]["responses"]}
    return reads


@pytest.mark.parametrize("torn", ["torn_observations", "torn_everything"])
def test_no_read_of_the_api_or_the_pages_is_a_server_error(
    world: World, torn: str, request: pytest.FixtureRequest
) -> None:
    """Every read answers, or says 503 "no data yet"; the API's contract names that 503."""
    request.getfixturevalue(torn)
    client = Client()
    reads = _api_reads(world)
    pages = [
        "/",
        f"/regio/{BUURT}/",
        f"/regio/{BUURT}/waarnemingen.csv",
        f"/plannen/{world.plan.pk}/verantwoording/",
    ]
    statuses = {url: client.get(url).status_code for url in [*reads, *pages]}
    assert {url: s for url, s in statuses.items() if s >= 500 and s != 503} == {}
    assert 503 in statuses.values()
    undeclared = [
        u for u, s in statuses.items() if s == 503 and u in reads and "503" not in reads[u]
    ]
    assert undeclared == []


def test_overwriting_the_store_in_place_while_serving_is_never_a_500(
    world: World, settings, demo_store: Path, tmp_path: Path
) -> None:
    """The issue's case: a store copied over the live file (not renamed) while progress is read."""
    live = tmp_path / "wijkkompas.duckdb"
    shutil.copyfile(demo_store, live)
    settings.WIJKKOMPAS_STORE = live
    torn = tear(shutil.copyfile(demo_store, tmp_path / "other.duckdb"), ["observations"])
    versions = [torn.read_bytes(), demo_store.read_bytes()]
    stop = threading.Event()

    def overwrite_in_place() -> None:
        n = 0
        while not stop.is_set():
            with open(live, "r+b") as handle:  # same inode: readers keep the file open
                handle.write(versions[n % 2])
            n += 1

    writer = threading.Thread(target=overwrite_in_place)
    writer.start()
    statuses: list[int] = []
    get: Callable[[str], object] = Client().get
    try:
        for _ in range(20):
            response = get(f"/api/v1/plannen/{world.plan.pk}/voortgang")
            statuses.append(response.status_code)  # type: ignore[attr-defined]
    finally:
        stop.set()
        writer.join()
    assert set(statuses) <= {200, 503}, statuses
