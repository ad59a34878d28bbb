"""`wijkkompas account add` makes the first beheerder of a real-data site, in that store's own
app database, with a password that never appears on the command line."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


def _add(store: Path, var: Path, *args: str, password: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WIJKKOMPAS_", "DJANGO_"))}
    env["WIJKKOMPAS_VAR_DIR"] = str(var)
    return subprocess.run(
        [sys.executable, "-m", "wijkkompas", "--store", str(store), "account", "add", *args],
        input=password + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


@pytest.mark.slow
def test_the_first_beheerder_lands_in_the_stores_own_app_database(tmp_path: Path) -> None:
    store, var = tmp_path / "amsterdam.duckdb", tmp_path / "var"
    done = _add(store, var, "beheer", "--password-stdin", password="een-lang-echt-wachtwoord")
    assert done.returncode == 0, done.stderr
    database = tmp_path / "amsterdam.app.sqlite3"
    assert database.is_file() and not (var / "app.sqlite3").exists()
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT u.username, r.role, u.password FROM auth_user u "
            "JOIN accounts_roleassignment r ON r.user_id = u.id"
        ).fetchall()
    assert [(name, role) for name, role, _hash in rows] == [("beheer", "admin")]
    assert "een-lang-echt-wachtwoord" not in rows[0][2]  # a hash, not the password

    again = _add(store, var, "beheer", "--password-stdin", password="nog-een-lang-wachtwoord")
    assert again.returncode == 1 and "already an account 'beheer'" in again.stderr
    short = _add(store, var, "analist", "--role", "analyst", "--password-stdin", password="kort")
    assert short.returncode == 1 and "too short" in short.stderr
    assert "Traceback" not in again.stderr + short.stderr
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM auth_user").fetchone() == (1,)
