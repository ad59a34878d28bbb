"""Migration 0002 carries every ballot over: the same ballots, the same results, a new order.

Ballots are cast the way the code did before the migration (mark, ballot and entries in the
order of voting, entries numbered by a sequence), on SQLite and on PostgreSQL; then the
database is migrated forwards, back and forwards again.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .live_server import HERE, database, environment

# One election (or migration) per database, shared by the tests of this module: keep them
# on one xdist worker (`make test` runs with --dist loadgroup).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("ballot-migration")]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def migrated(request, tmp_path_factory: pytest.TempPathFactory, demo_store: Path) -> Iterator[dict]:
    folder = tmp_path_factory.mktemp(f"migration-{request.param}")
    with database(request.param, folder) as url:
        done = subprocess.run(
            [sys.executable, str(HERE / "migration_setup.py")],
            env=environment(url, folder / "var", demo_store),
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        yield json.loads(done.stdout.strip().splitlines()[-1])


def _multiset(ballots: list) -> list:
    return sorted(json.dumps(b) for b in ballots)


def test_every_ballot_of_a_closed_vote_is_carried_over_unchanged(migrated: dict) -> None:
    assert len(migrated["before"]) == 30
    assert _multiset(migrated["after"]) == _multiset(migrated["before"])


def test_the_result_of_a_closed_vote_does_not_change(migrated: dict) -> None:
    assert migrated["selected_now"] == migrated["selected_before"]
    assert migrated["selected_now"]  # something was chosen: the comparison says something


def test_the_migration_leaves_no_trace_of_the_order_of_voting(migrated: dict) -> None:
    # 30 ballots in the voting order again by chance: one in 30! (about 4e-33).
    assert migrated["after"] != migrated["before"]
    assert migrated["ids_kept"] == 0  # new random ids: an old dump cannot be joined to the new
    assert migrated["entry_keys_are_uuids"]  # entries have random keys, no sequence


def test_a_vote_open_during_the_migration_goes_on_and_counts_old_and_new_ballots(
    migrated: dict,
) -> None:
    new_ballot = ["online", [[2, 0, None], [4, 1, None]]]
    assert len(migrated["open_before"]) == 10
    assert _multiset(migrated["open_after"]) == _multiset([*migrated["open_before"], new_ballot])


def test_migrating_back_and_forth_keeps_every_ballot(migrated: dict) -> None:
    assert _multiset(migrated["back"]) == _multiset(migrated["before"])
    assert _multiset(migrated["again"]) == _multiset(migrated["before"])
