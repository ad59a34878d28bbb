"""The fixed yardstick through the command line, on a made-up gemeente in the real layouts.

The synthetic twins of ``tests/test_yardstick.py`` (whose module marks need ``../shared/data``):
the same four properties, on KWB 2019 and 2017 files for a made-up gemeente on Amsterdam's
codes, written as R re-saved the StatLine downloads (``twin_cities.kwb_r_csv``), edited cell
by cell with the same :class:`test_yardstick.RFile`, and a made-up Utrecht in CBS's
kwb-2023.xlsx layout. The command line runs in this process.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from cli_process import run_cli
from test_yardstick import (
    COLUMNS,
    RFile,
    Scores,
    assert_better_figures_never_lower_a_score,
    assert_gone_and_no_other_moved,
    assert_moves_only_what_is_carried_forward,
    assert_same_scores,
    improve,
    restate_units,
)
from twin_cities import AMSTERDAM, UNPUBLISHED_2023, UTRECHT, kwb_r_csv, kwb_xlsx, write

FILE_2019 = "Kerncijfers_wijken_en_buurten_2019.csv"


def wijkkompas(store: Path, *args: str | Path) -> str:
    result = run_cli("--store", store, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def scores(store: Path) -> Scores:
    out = wijkkompas(store, "index", "--format", "csv", "--draws", "0", "--no-save")
    return {(r["code"], r["year"]): r for r in csv.DictReader(io.StringIO(out))}


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """KWB 2019 of the made-up gemeente, as R left it."""
    return write(tmp_path_factory.mktemp("original"), FILE_2019, kwb_r_csv(AMSTERDAM, 2019))


@pytest.fixture(scope="module")
def baseline(original: Path, tmp_path_factory: pytest.TempPathFactory) -> Scores:
    folder = tmp_path_factory.mktemp("yardstick")
    store = folder / "a2019.duckdb"
    wijkkompas(store, "import", RFile(original).write(folder / FILE_2019))
    found = scores(store)
    assert sum(bool(r["total"]) for (code, _), r in found.items() if code.startswith("BU")) >= 8
    return found


def test_better_figures_never_lower_a_score_and_move_no_one_else(
    tmp_path: Path, original: Path, baseline: Scores
) -> None:
    """Five buurten, each one indicator moved 10 % in its good direction."""
    edited = RFile(original)
    buurten = [b for b in edited.buurten() if baseline[(b, "2019")]["total"]]
    picks = dict(zip(buurten[::2], [*list(COLUMNS)[1::2], "woz_value"], strict=False))
    assert len(picks) == 5
    improve(edited, picks)
    store = tmp_path / "better.duckdb"
    wijkkompas(store, "import", edited.write(tmp_path / FILE_2019))
    assert_better_figures_never_lower_a_score(baseline, scores(store), picks, rose_at_least=8)


def test_another_year_or_gemeente_moves_only_what_is_carried_forward(
    tmp_path: Path, baseline: Scores
) -> None:
    """The 2019 file alone, and with its 2017 file and a made-up Utrecht 2023 beside it."""
    files = [
        write(tmp_path, "Kerncijfers_wijken_en_buurten_2017.csv", kwb_r_csv(AMSTERDAM, 2017)),
        write(tmp_path, FILE_2019, kwb_r_csv(AMSTERDAM, 2019)),
        write(tmp_path, "CBS-Utrecht-kwb-2023.xlsx", kwb_xlsx(UTRECHT, 2023, UNPUBLISHED_2023)),
    ]
    store = tmp_path / "more.duckdb"
    wijkkompas(store, "import", *files)
    assert_moves_only_what_is_carried_forward(baseline, scores(store))


def test_removing_a_buurt_moves_no_other(tmp_path: Path, original: Path, baseline: Scores) -> None:
    edited = RFile(original)
    gone = "BU03630001"
    edited.drop(gone)
    store = tmp_path / "fewer.duckdb"
    wijkkompas(store, "import", edited.write(tmp_path / FILE_2019))
    after = scores(store)
    assert len(after) == len(baseline) - 1
    assert_gone_and_no_other_moved(baseline, after, gone)


def test_units_declared_in_the_mapping_change_nothing(
    tmp_path: Path, original: Path, baseline: Scores
) -> None:
    """WOZ in euros instead of thousands, the low-income share as a fraction."""
    edited = RFile(original)
    woz, low = COLUMNS["woz_value"][0], COLUMNS["low_income_households"][0]
    known = [
        row
        for row in edited.rows[1:]
        for fragment in (woz, low)
        if row[edited.column(fragment)].strip() not in ("", "NA", ".")
    ]
    assert len(known) >= 2 * 10
    mapping = restate_units(edited, tmp_path)
    store = tmp_path / "units.duckdb"
    wijkkompas(store, "import", edited.write(tmp_path / FILE_2019), "--mapping", mapping)
    assert_same_scores(baseline, scores(store))
