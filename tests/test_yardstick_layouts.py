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

import numpy as np
import pytest

from cli_process import run_cli
from test_yardstick import COLUMNS, GROUP_OF, SCORES, RFile, number, same
from twin_cities import AMSTERDAM, UNPUBLISHED_2023, UTRECHT, kwb_r_csv, kwb_xlsx, write
from wijkkompas.catalogue import load_catalogue
from wijkkompas.index.spec import IndexSpec

Scores = dict[tuple[str, str], dict[str, str]]
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
    for code, indicator in picks.items():
        fragment, sign = COLUMNS[indicator]
        value = edited.get(code, fragment)
        assert value is not None
        edited.set(code, fragment, value * (1 + 0.10 * sign), decimals=2)
    store = tmp_path / "better.duckdb"
    wijkkompas(store, "import", edited.write(tmp_path / FILE_2019))
    after = scores(store)
    rose = 0
    for key, before in baseline.items():
        now = after[key]
        code = key[0]
        if code not in picks:
            assert all(same(before[c], now[c]) for c in SCORES), key
            continue
        group = GROUP_OF[picks[code]]
        for column in (group, "total"):
            b, a = number(before[column]), number(now[column])
            assert np.isnan(b) == np.isnan(a), (key, column)
            if not np.isnan(b):
                assert a >= b - 1e-9, (key, picks[code], column, b, a)
                rose += a > b + 1e-9
    assert rose >= 8  # the changes were real, not clipped away


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
    after = scores(store)
    spec = IndexSpec.from_catalogue(load_catalogue())
    groups_of = {i.id: set(i.groups) for i in spec.indicators}
    moved = 0
    for key, before in baseline.items():
        now = after[key]
        carried = set(now["basket_carried"].split())
        touched = set().union(*(groups_of[i] for i in carried)) if carried else set()
        for column in SCORES:
            if carried and (column == "total" or column in touched):
                continue  # moved only through the region's own figures carried from 2017
            assert same(before[column], now[column]), (key, column, before[column], now[column])
        moved += bool(carried)
    assert moved > 0  # 2017's crime figures do carry into 2019: the exception is exercised
    assert any(code.startswith("BU0344") for code, _ in after)


def test_removing_a_buurt_moves_no_other(tmp_path: Path, original: Path, baseline: Scores) -> None:
    edited = RFile(original)
    gone = "BU03630001"
    edited.drop(gone)
    store = tmp_path / "fewer.duckdb"
    wijkkompas(store, "import", edited.write(tmp_path / FILE_2019))
    after = scores(store)
    assert (gone, "2019") not in after
    assert len(after) == len(baseline) - 1
    for key, now in after.items():
        assert all(same(baseline[key][c], now[c]) for c in SCORES), key


def test_units_declared_in_the_mapping_change_nothing(
    tmp_path: Path, original: Path, baseline: Scores
) -> None:
    """WOZ in euros instead of thousands, the low-income share as a fraction."""
    edited = RFile(original)
    woz, low = COLUMNS["woz_value"][0], COLUMNS["low_income_households"][0]
    changed = 0
    for row in edited.rows[1:]:
        for fragment, factor in ((woz, 1000.0), (low, 0.01)):
            cell = row[edited.column(fragment)].strip()
            if cell not in ("", "NA", "."):
                row[edited.column(fragment)] = repr(float(cell.replace(",", ".")) * factor)
                changed += 1
    assert changed >= 2 * 10
    edited.rename(woz, "woz_in_euro")
    edited.rename(low, "laag_inkomen_fractie")
    mapping = tmp_path / "mapping.csv"
    mapping.write_text(
        "column,indicator,unit\nwoz_in_euro,woz_value,euro\n"
        "laag_inkomen_fractie,low_income_households,fraction\n",
        encoding="utf-8",
    )
    store = tmp_path / "units.duckdb"
    wijkkompas(store, "import", edited.write(tmp_path / FILE_2019), "--mapping", mapping)
    after = scores(store)
    assert set(after) == set(baseline)
    for key, now in after.items():
        for column in SCORES:
            x, y = number(baseline[key][column]), number(now[column])
            assert (np.isnan(x) and np.isnan(y)) or abs(x - y) < 1e-6, (key, column, x, y)
