"""A writer killed half-way leaves the live store as it was, and its leftovers are removed by
the next write; the demo's figures and index run land in one swap (issue 17, item 10).

Every kill here is a real SIGKILL of a real process while its temporary copy exists.
"""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from cli_process import wijkkompas
from wijkkompas.errors import StoreError
from wijkkompas.store import AnalyticStore

KWB = "gwb_code_10;regio;a_inw\nGM9998;Proefdorp;1200\n"
"""A tiny, valid kwb file: something for the next write to import."""

WRITER = """
import sys, time
from wijkkompas.store import AnalyticStore
with AnalyticStore(sys.argv[1]).writing() as con:
    con.execute("CREATE TABLE scratch AS SELECT range AS i FROM range(1000)")
    con.execute("COMMIT")  # DuckDB now has a .wal beside the temporary copy ...
    con.execute("BEGIN TRANSACTION")  # ... and the writer is killed before its checkpoint
    print("writing", flush=True)
    time.sleep(300)
"""


def temporaries(store: Path) -> list[str]:
    return sorted(p.name for p in store.parent.iterdir() if p.name.startswith(f".{store.name}."))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def kill_when(process: subprocess.Popen[str], ready: Callable[[], bool]) -> bool:
    """SIGKILL ``process`` as soon as ``ready()``; False when it ended first."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if ready():
            process.send_signal(signal.SIGKILL)
            process.wait()
            return True
        if process.poll() is not None:
            return False
        time.sleep(0.005)
    process.kill()
    raise AssertionError("the writer never reached the point to kill it at")


@pytest.fixture
def store(tmp_path: Path, demo_store: Path) -> Path:
    path = tmp_path / "store.duckdb"
    path.write_bytes(demo_store.read_bytes())
    return path


def test_a_writer_killed_after_its_commit_leaves_copy_and_wal_which_the_next_import_removes(
    store: Path, tmp_path: Path
) -> None:
    before = digest(store)
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(store)], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "writing"
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    left = temporaries(store)
    assert [name.rsplit(".tmp", 1)[1] for name in left] == ["", ".wal"], left
    assert digest(store) == before  # the live store never saw the killed write

    kwb = tmp_path / "kwb-2023.csv"
    kwb.write_text(KWB)
    result = wijkkompas("--store", store, "import", kwb)
    assert result.returncode == 0, result.stderr
    assert temporaries(store) == []
    with AnalyticStore(store).reader() as reader:
        assert "GM9998" in set(reader.all_regions()["code"])


def test_a_demo_killed_mid_write_is_cleaned_up_by_the_next_run(tmp_path: Path) -> None:
    store = tmp_path / "demo.duckdb"
    demo = subprocess.Popen(
        [sys.executable, "-m", "wijkkompas", "--store", str(store), "demo"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert kill_when(demo, lambda: bool(temporaries(store)))
    assert temporaries(store) and not store.exists()
    result = wijkkompas("--store", store, "demo")
    assert result.returncode == 0, result.stderr
    assert temporaries(store) == []


def test_a_killed_demo_never_leaves_figures_without_their_index_run(tmp_path: Path) -> None:
    store = tmp_path / "demo.duckdb"
    demo = subprocess.Popen(
        [sys.executable, "-m", "wijkkompas", "--store", str(store), "demo"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    kill_when(demo, store.exists)  # killed the moment the live store appears, if it lives
    with duckdb.connect(str(store), read_only=True) as con:
        (observations,) = con.execute("SELECT count(*) FROM observations").fetchone() or (0,)
        (runs,) = con.execute("SELECT count(*) FROM index_runs").fetchone() or (0,)
    assert observations > 0 and runs == 1


def test_only_this_stores_own_temporaries_are_removed(store: Path) -> None:
    hexa = "0123456789abcdef" * 2
    own = [f".{store.name}.{hexa}.tmp", f".{store.name}.{hexa}.tmp.wal"]
    others = [
        f".other.duckdb.{hexa}.tmp",  # another store in the same folder
        f".{store.name}.backup.tmp",  # not a writer's name
        f".{store.name}.{hexa}.tmp.keep",
        f"{store.name}.{hexa}.tmp",
    ]
    for name in own + others:
        (store.parent / name).write_bytes(b"x")
    spill = store.parent / f".{store.name}.{hexa}.tmp.tmp"
    spill.mkdir()
    (spill / "duckdb_temp_block-1.block").write_bytes(b"x")

    AnalyticStore(store).activate_reference(None)  # any write

    left = {p.name for p in store.parent.iterdir()}
    assert not left & {*own, spill.name}
    assert set(others) <= left


def test_a_live_writers_temporary_is_left_alone(store: Path, tmp_path: Path) -> None:
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(store)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "writing"
        working = temporaries(store)
        with pytest.raises(StoreError, match="Another import is writing"):
            AnalyticStore(store).activate_reference(None)
        assert temporaries(store) == working
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
