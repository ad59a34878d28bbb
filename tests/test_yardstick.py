"""The fixed yardstick, through the command line, on the real Amsterdam files (ADR 0010).

What a municipal analyst does — edit or add a file, `wijkkompas import`, `wijkkompas index` —
must never move another region's score, and a better figure must never lower a score:

* raising indicators in their good direction (in real rows of the real file) never lowers the
  region's groups or total, and moves no other region;
* adding another year or another gemeente to the store, or removing a buurt, moves no
  region-year's dimension, condition or total, except through the region's own figures
  carried forward from the added year (those are listed per row in ``basket_carried``);
* declaring that a column is in another unit (WOZ in euros, a share as a fraction) changes
  nothing.

These tests need ``../shared/data``; without it they skip, saying so. Their twins, the same
tests on a made-up gemeente in the same layouts, are in ``tests/test_yardstick_layouts.py``;
the same properties on generated panels are in ``tests/index/test_properties.py``.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from wijkkompas.catalogue import load_catalogue
from wijkkompas.index.spec import IndexSpec

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
AMSTERDAM_2017 = SHARED / "kwb" / "amsterdam" / "Kerncijfers_wijken_en_buurten_2017.csv"
AMSTERDAM_2019 = SHARED / "kwb" / "amsterdam" / "Kerncijfers_wijken_en_buurten_2019.csv"
UTRECHT_2023 = SHARED / "kwb" / "utrecht" / "CBS-Utrecht-kwb-2023.xlsx"
SCORES = (
    "housing", "physical_environment", "amenities", "safety", "socioeconomic_security",
    "social_inclusion", "social_cohesion", "social_empowerment", "total",
)  # fmt: skip
GROUP_OF = {
    "woz_value": "housing",
    "vacant_dwellings": "housing",
    "household_income_standardised": "socioeconomic_security",
    "low_income_households": "socioeconomic_security",
    "social_minimum_households": "socioeconomic_security",
    "labour_participation": "social_inclusion",
    "distance_supermarket": "amenities",
    "distance_school": "amenities",
}
COLUMNS = {
    "woz_value": ("Gemiddelde.WOZ.waarde", +1),
    "vacant_dwellings": ("Percentage.onbewoond", -1),
    "household_income_standardised": ("Gem..gestandaardiseerd.inkomen", +1),
    "low_income_households": ("Huishoudens.met.een.laag.inkomen", -1),
    "social_minimum_households": ("Huish..onder.of.rond.sociaal.minimum", -1),
    "labour_participation": ("Nettoarbeidsparticipatie", +1),
    "distance_supermarket": ("Afstand.tot.grote.supermarkt", -1),
    "distance_school": ("Basisonderwijs.Afstand.tot.school", -1),
}
"""Indicator → (a fragment of its column label in the file, its good direction)."""
TWINS = "test_yardstick_layouts.py"
"""The synthetic twins, outside this module's marks."""

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.slow,
    pytest.mark.skipif(
        not AMSTERDAM_2019.is_file(), reason=f"{AMSTERDAM_2019} is absent (no ../shared/data)"
    ),
]


def wijkkompas(store: Path, *args: str | Path) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "wijkkompas", "--store", str(store), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def scores(store: Path) -> dict[tuple[str, str], dict[str, str]]:
    out = wijkkompas(store, "index", "--format", "csv", "--draws", "0", "--no-save")
    return {(r["code"], r["year"]): r for r in csv.DictReader(io.StringIO(out))}


def number(text: str) -> float:
    return float(text) if text not in ("", "nan") else float("nan")


def same(a: str, b: str) -> bool:
    x, y = number(a), number(b)
    return (np.isnan(x) and np.isnan(y)) or abs(x - y) <= 1e-9 * max(1.0, abs(x))


Scores = dict[tuple[str, str], dict[str, str]]
"""The index's CSV rows by (code, year)."""


def improve(edited: RFile, picks: dict[str, str]) -> None:
    """Move each picked buurt's indicator 10 % in its good direction."""
    for code, indicator in picks.items():
        fragment, sign = COLUMNS[indicator]
        value = edited.get(code, fragment)
        assert value is not None
        edited.set(code, fragment, value * (1 + 0.10 * sign), decimals=2)


def assert_better_figures_never_lower_a_score(
    baseline: Scores, after: Scores, picks: dict[str, str], *, rose_at_least: int
) -> None:
    """No score of an unpicked region moved; a picked buurt's group and total did not fall,
    and at least ``rose_at_least`` of them rose (the changes were real, not clipped away)."""
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
    assert rose >= rose_at_least


def assert_moves_only_what_is_carried_forward(baseline: Scores, after: Scores) -> None:
    """Every score of the 2019 baseline is unchanged, but for the groups (and total) that a
    region's own 2017 figures carried forward into; some were, and Utrecht (BU0344…) came in."""
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


def assert_gone_and_no_other_moved(baseline: Scores, after: Scores, gone: str) -> None:
    assert (gone, "2019") not in after
    for key, now in after.items():
        assert all(same(baseline[key][c], now[c]) for c in SCORES), key


def restate_units(edited: RFile, folder: Path) -> Path:
    """WOZ in euros and the low-income share as a fraction, under new column names; returns
    the mapping that declares those units."""
    woz, low = COLUMNS["woz_value"][0], COLUMNS["low_income_households"][0]
    for row in edited.rows[1:]:
        for fragment, factor in ((woz, 1000.0), (low, 0.01)):
            cell = row[edited.column(fragment)].strip()
            if cell not in ("", "NA", "."):
                row[edited.column(fragment)] = repr(float(cell.replace(",", ".")) * factor)
    edited.rename(woz, "woz_in_euro")
    edited.rename(low, "laag_inkomen_fractie")
    mapping = folder / "mapping.csv"
    mapping.write_text(
        "column,indicator,unit\nwoz_in_euro,woz_value,euro\n"
        "laag_inkomen_fractie,low_income_households,fraction\n",
        encoding="utf-8",
    )
    return mapping


def assert_same_scores(baseline: Scores, after: Scores) -> None:
    """The same region-years, every score within 1e-6."""
    assert set(after) == set(baseline)
    for key, now in after.items():
        for column in SCORES:
            x, y = number(baseline[key][column]), number(now[column])
            assert (np.isnan(x) and np.isnan(y)) or abs(x - y) < 1e-6, (key, column, x, y)


class RFile:
    """A real R-resaved StatLine CSV, editable cell by cell, written back in its own style."""

    def __init__(self, path: Path) -> None:
        text = path.read_text(encoding="utf-8")
        self.rows = list(csv.reader(io.StringIO(text)))
        self.header = self.rows[0]

    def column(self, fragment: str) -> int:
        found = [i for i, h in enumerate(self.header) if fragment in h]
        assert len(found) == 1, (fragment, [self.header[i] for i in found])
        return found[0]

    def row(self, code: str) -> list[str]:
        code_col = self.column("Regioaanduiding.Codering")
        return next(r for r in self.rows[1:] if r[code_col].strip() == code)

    def buurten(self) -> list[str]:
        code_col = self.column("Regioaanduiding.Codering")
        return [r[code_col].strip() for r in self.rows[1:] if r[code_col].strip().startswith("BU")]

    def get(self, code: str, fragment: str) -> float | None:
        cell = self.row(code)[self.column(fragment)].strip()
        return None if cell in ("", "NA", ".") else float(cell.replace(",", "."))

    def set(self, code: str, fragment: str, value: float, decimals: int = 1) -> None:
        self.row(code)[self.column(fragment)] = f"{value:.{decimals}f}".replace(".", ",")

    def drop(self, code: str) -> None:
        self.rows.remove(self.row(code))

    def rename(self, fragment: str, new: str) -> None:
        self.header[self.column(fragment)] = new

    def write(self, path: Path) -> Path:
        buffer = io.StringIO()
        csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(self.rows)
        path.write_text(buffer.getvalue(), encoding="utf-8")
        return path


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Scores:
    folder = tmp_path_factory.mktemp("yardstick")
    store = folder / "a2019.duckdb"
    path = RFile(AMSTERDAM_2019).write(folder / "Kerncijfers_wijken_en_buurten_2019.csv")
    wijkkompas(store, "import", path)
    return scores(store)


@pytest.mark.realdata(twin=f"{TWINS}::test_better_figures_never_lower_a_score_and_move_no_one_else")
def test_better_figures_never_lower_a_score_and_move_no_one_else(
    tmp_path: Path, baseline: Scores
) -> None:
    """Fifteen real buurten, each one indicator moved 10 % in its good direction (Diepenbrock-
    buurt's standardised household income among them: the case that once lowered its score)."""
    rng = np.random.default_rng(2019)
    edited = RFile(AMSTERDAM_2019)
    buurten = [b for b in edited.buurten() if baseline[(b, "2019")]["total"]]
    picks = {"BU03634900": "household_income_standardised"}  # Diepenbrockbuurt
    for code in rng.choice(buurten, size=30, replace=False):
        if len(picks) == 15:
            break
        indicator = str(rng.choice(list(COLUMNS)))
        if code not in picks and edited.get(code, COLUMNS[indicator][0]) is not None:
            picks[str(code)] = indicator
    improve(edited, picks)
    store = tmp_path / "better.duckdb"
    wijkkompas(store, "import", edited.write(tmp_path / "Kerncijfers_wijken_en_buurten_2019.csv"))
    assert_better_figures_never_lower_a_score(baseline, scores(store), picks, rose_at_least=10)


@pytest.mark.realdata(
    twin=f"{TWINS}::test_another_year_or_gemeente_moves_only_what_is_carried_forward"
)
def test_another_year_or_gemeente_moves_only_what_is_carried_forward(
    tmp_path: Path, baseline: Scores
) -> None:
    """Amsterdam 2019 alone, and with Amsterdam 2017 and Utrecht 2023 imported beside it."""
    if not (AMSTERDAM_2017.is_file() and UTRECHT_2023.is_file()):
        pytest.skip("the Amsterdam 2017 or Utrecht 2023 file is absent")
    store = tmp_path / "more.duckdb"
    wijkkompas(store, "import", AMSTERDAM_2017, AMSTERDAM_2019, UTRECHT_2023)
    assert_moves_only_what_is_carried_forward(baseline, scores(store))


@pytest.mark.realdata(twin=f"{TWINS}::test_removing_a_buurt_moves_no_other")
def test_removing_a_buurt_moves_no_other(tmp_path: Path, baseline: Scores) -> None:
    edited = RFile(AMSTERDAM_2019)
    gone = "BU03634900"
    edited.drop(gone)
    store = tmp_path / "fewer.duckdb"
    wijkkompas(store, "import", edited.write(tmp_path / "Kerncijfers_wijken_en_buurten_2019.csv"))
    assert_gone_and_no_other_moved(baseline, scores(store), gone)


@pytest.mark.realdata(twin=f"{TWINS}::test_units_declared_in_the_mapping_change_nothing")
def test_units_declared_in_the_mapping_change_nothing(tmp_path: Path, baseline: Scores) -> None:
    """WOZ in euros instead of thousands, the low-income share as a fraction."""
    edited = RFile(AMSTERDAM_2019)
    mapping = restate_units(edited, tmp_path)
    store = tmp_path / "units.duckdb"
    data = edited.write(tmp_path / "Kerncijfers_wijken_en_buurten_2019.csv")
    wijkkompas(store, "import", data, "--mapping", mapping)
    assert_same_scores(baseline, scores(store))
