"""The command line contract: subcommands, CSV columns and exit codes (0 ok, 1 user error, 2 usage)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest


def wijkkompas(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wijkkompas", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "x.duckdb"
    result = wijkkompas("--store", str(path), "demo")
    assert result.returncode == 0, result.stderr
    return path


def test_demo_then_regions_lists_the_demo_buurten_as_csv(store: Path) -> None:
    result = wijkkompas("--store", str(store), "regions", "--level", "buurt", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["code", "name", "level", "year", "gemeente_code", "wijk_code"]
    assert 60 <= len(rows) <= 120
    assert {r["level"] for r in rows} == {"buurt"}
    assert {r["gemeente_code"] for r in rows} == {"GM9999"}
    assert all(r["code"].startswith("BU9999") and r["wijk_code"].startswith("WK9999") for r in rows)


def test_regions_as_json_and_filtered_by_gemeente(store: Path) -> None:
    result = wijkkompas(
        "--store",
        str(store),
        "regions",
        "--level",
        "wijk",
        "--gemeente",
        "GM9999",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    wijken = json.loads(result.stdout)
    assert 8 <= len(wijken) <= 12
    assert all(w["level"] == "wijk" for w in wijken)


def test_the_store_can_come_from_the_environment(store: Path) -> None:
    import os

    env = {**os.environ, "WIJKKOMPAS_STORE": str(store)}
    result = wijkkompas("regions", "--level", "gemeente", "--format", "csv", env=env)
    assert result.returncode == 0, result.stderr
    assert "GM9999" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["regions", "--gemeente", "GM12"], "not a CBS region code"),
        (["regions", "--gemeente", "GM0344"], "has no gemeente GM0344"),
        (["regions", "--gemeente", "BU99990000"], "expects a gemeente code"),
        (["regions", "--year", "1850"], "no regions for boundary year 1850"),
    ],
)
def test_user_errors_exit_1_with_a_message_and_no_traceback(
    store: Path, args: list[str], message: str
) -> None:
    result = wijkkompas("--store", str(store), *args)
    assert result.returncode == 1
    assert message in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr


def test_a_missing_store_is_a_user_error(tmp_path: Path) -> None:
    result = wijkkompas("--store", str(tmp_path / "none.duckdb"), "regions")
    assert result.returncode == 1
    assert "demo" in result.stderr and "Traceback" not in result.stderr


def test_usage_errors_exit_2() -> None:
    assert wijkkompas("regions", "--format", "xml").returncode == 2
    assert wijkkompas("no-such-command").returncode == 2


def test_catalogue_lists_every_indicator_with_its_tags() -> None:
    result = wijkkompas("catalogue", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    ids = {r["id"] for r in rows}
    assert {"population", "income_per_inhabitant", "low_income_households"} <= ids
    assert {r["social_quality"] for r in rows} >= {
        "socio_economic_security",
        "social_inclusion",
        "social_cohesion",
        "social_empowerment",
    }


def test_show_prints_every_observation_of_a_region_with_its_source_column(store: Path) -> None:
    result = wijkkompas("--store", str(store), "show", "BU99990101", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {"indicator", "source_column", "year", "value", "unit"} <= set(rows[0])
    assert len({r["year"] for r in rows}) == 10
    unknown = wijkkompas("--store", str(store), "show", "BU01230000")
    assert unknown.returncode == 1 and "no region BU01230000" in " ".join(unknown.stderr.split())


def test_a_table_wider_than_the_terminal_is_printed_row_by_row_without_cut_cells() -> None:
    """Issue 16: `catalogue` and `index` printed tables of "…" at 80 columns."""
    import io

    import pandas as pd
    from rich.console import Console

    from wijkkompas.cli.output import print_table

    frame = pd.DataFrame(
        {
            "id": ["single_person_household_share", "registered_crime_per_1000"],
            "name": ["Eenpersoonshuishoudens (aandeel van alle huishoudens)", "Misdrijven"],
            "source": ["CBS Kerncijfers wijken en buurten", "Politie"],
            "unit": ["percent", "per_1000"],
            "direction": ["lower is better", "lower is better"],
        }
    )
    screen = io.StringIO()
    print_table(frame, "catalogue", Console(file=screen, width=80))
    text = screen.getvalue()
    assert "…" not in text
    for value in frame.to_numpy().ravel():
        assert value in text.replace("\n", " ") or value.split()[0] in text
    narrow = io.StringIO()
    print_table(frame[["id", "unit"]], "narrow", Console(file=narrow, width=80))
    assert "single_person_household_share" in narrow.getvalue()
    assert narrow.getvalue().count("percent") == 1
