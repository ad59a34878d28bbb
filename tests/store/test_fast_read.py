"""The fast read of the panel (choice of figures and panel built from dictionary codes in the
store layer) gives exactly what the plain read gives: every panel array, the source choices,
the figures and the scores. Checked on the demo, on a small store built to hit every rule
(two sources, a voorlopig figure beside its definitief twin, a source keyed by period, an
empty figure that must lose), and on Amsterdam's files with a crosswalk: the real ones
(skipped, naming the missing file, when ../shared/data is absent) and a made-up gemeente in
their layouts."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cli_process import run_cli
from proefstad import write_files
from real_stores import import_amsterdam
from wijkkompas.catalogue import load_catalogue
from wijkkompas.index import score
from wijkkompas.index.engine import options_of
from wijkkompas.services.panel import read_panel
from wijkkompas.services.references import resolve_reference
from wijkkompas.store import AnalyticStore, ImportBatch

REGION_COLUMNS = ["code", "name", "level", "year", "gemeente_code", "wijk_code"]
FIGURE_COLUMNS = [
    "region_code", "region_year", "indicator_id", "period", "value", "suppressed",
    "source_column", "release",
]  # fmt: skip


def assert_same_read(path: Path, gemeente: str | None = None) -> None:
    store = AnalyticStore(path)
    fast, fast_names, fast_choice = read_panel(store, gemeente)
    plain, plain_names, plain_choice = read_panel(store, gemeente, plain=True)
    pd.testing.assert_frame_equal(fast.regions, plain.regions)
    assert fast.indicators == plain.indicators
    assert fast.source_names == plain.source_names
    for name in ("years", "values", "population", "periods", "sources"):
        ours, theirs = getattr(fast, name), getattr(plain, name)
        assert (ours is None) == (theirs is None), name
        if ours is not None:
            np.testing.assert_array_equal(ours, theirs, err_msg=name)
    pd.testing.assert_frame_equal(fast_names, plain_names)
    assert_same_values(fast_choice.figures, plain_choice.figures)
    assert_same_values(fast_choice.conflicts, plain_choice.conflicts)
    assert_same_values(fast_choice.converted, plain_choice.converted)
    catalogue = load_catalogue()
    reference = resolve_reference(store, catalogue)
    options = options_of(reference)
    pd.testing.assert_frame_equal(
        score(fast, catalogue, reference, options).scores,
        score(plain, catalogue, reference, options).scores,
    )


def assert_same_values(ours: pd.DataFrame, theirs: pd.DataFrame) -> None:
    """Same columns, rows and values (text may be categorical on one side, plain on the other)."""
    assert list(ours.columns) == list(theirs.columns)
    assert len(ours) == len(theirs)
    for column in ours.columns:
        mine = ours[column].astype(object).where(ours[column].notna(), None).tolist()
        yours = theirs[column].astype(object).where(theirs[column].notna(), None).tolist()
        assert mine == yours, column


def test_the_demo_reads_the_same_both_ways(demo_store: Path) -> None:
    assert_same_read(demo_store)
    assert_same_read(demo_store, "GM9999")


def batch(source: str, figures: list[tuple[object, ...]]) -> ImportBatch:
    regions = pd.DataFrame(
        [
            ("GM9998", "Proefdorp", "gemeente", 2024, "GM9998", None),
            ("WK999800", "Centrum", "wijk", 2024, "GM9998", "WK999800"),
            ("BU99980000", "Oud", "buurt", 2024, "GM9998", "WK999800"),
            ("BU99980001", "Nieuw", "buurt", 2024, "GM9998", "WK999800"),
        ],
        columns=REGION_COLUMNS,
    )
    return ImportBatch(
        source=source,
        description=f"{source} figures",
        regions=regions,
        observations=pd.DataFrame(figures, columns=FIGURE_COLUMNS),
        provenance={"file": f"{source}.csv"},
    )


def test_every_rule_of_the_choice_reads_the_same_both_ways(tmp_path: Path) -> None:
    store = AnalyticStore(tmp_path / "store.duckdb")
    households = "households"
    store.import_batch(
        batch(
            "kwb",
            [
                ("BU99980000", 2024, "population", "2024-01-01", 1000.0, False, "a_inw", "definitief"),
                ("BU99980000", 2024, "population", "2024-01-01", 990.0, False, "a_inw", "voorlopig"),
                ("BU99980001", 2024, "population", "2024-01-01", 800.0, False, "a_inw", "voorlopig"),
                ("BU99980000", 2024, households, "2024", math.nan, True, "a_hh", "definitief"),
                ("BU99980001", 2024, households, "2024", 300.0, False, "a_hh", "definitief"),
                ("WK999800", 2024, "population", "2024-01-01", 1800.0, False, "a_inw", "definitief"),
            ],
        )
    )  # fmt: skip
    store.import_batch(
        batch(
            "ses-woa",
            [
                ("BU99980000", 2024, households, "2024", 410.0, False, "hh", "definitief"),
                ("BU99980001", 2024, households, "2024", 310.0, False, "hh", "definitief"),
                ("BU99980001", 2024, households, "2023", 305.0, False, "hh", "definitief"),
            ],
        )
    )  # fmt: skip
    store.import_batch(
        batch(
            "rivm",
            [
                ("BU99980000", 2024, "loneliness_share", "2020", 40.0, False, "e", "definitief"),
                ("BU99980000", 2024, "loneliness_share", "2022", 41.0, False, "e", "definitief"),
                ("BU99980001", 2024, "loneliness_share", "onbekend", 5.0, False, "e", "definitief"),
            ],
        )
    )  # fmt: skip
    assert_same_read(store.path)
    _panel, _names, choice = read_panel(store)
    assert not choice.conflicts.empty  # the KWB's own household count beats SES-WOA's


@pytest.mark.realdata(twin="test_amsterdam_layouts_with_a_crosswalk_read_the_same_both_ways")
@pytest.mark.slow
def test_real_amsterdam_with_a_crosswalk_reads_the_same_both_ways(tmp_path: Path) -> None:
    path = import_amsterdam(tmp_path)
    assert_same_read(path)
    assert_same_read(path, "GM0363")


def test_amsterdam_layouts_with_a_crosswalk_read_the_same_both_ways(tmp_path: Path) -> None:
    """The same recipe on a made-up gemeente in the five Amsterdam layouts (tests/
    proefstad.py): KWB 2017 and 2019 as R re-saved them on the old codes, the 2024
    extract with a mapping on the new codes, the 2022 boundaries and the crosswalk between."""
    files = write_files(tmp_path / "files")
    path = tmp_path / "amsterdam.duckdb"

    def imported(*args: str | Path) -> None:
        result = run_cli("--store", path, "import", *args)
        assert result.returncode == 0, result.stdout + result.stderr

    imported(files["kwb2017"], files["kwb2019"])
    imported(files["kwb2024"], "--source", "statline", "--mapping", files["mapping"])
    imported(files["boundaries"], "--year", "2024")
    imported(files["crosswalk"])
    with AnalyticStore(path).reader() as reader:
        assert not reader.crosswalk().empty
    assert_same_read(path)
    assert_same_read(path, "GM9990")
    panel, _names, _choice = read_panel(AnalyticStore(path), "GM9990")
    assert {2017, 2019, 2024} <= set(panel.years)


def test_the_panel_is_read_once_per_store_file(tmp_path: Path) -> None:
    store = AnalyticStore(tmp_path / "store.duckdb")
    figure = ("BU99980000", 2024, "population", "2024-01-01", 1000.0, False, "a_inw", "definitief")
    store.import_batch(batch("kwb", [figure]))
    first = read_panel(store)
    assert read_panel(store) is first  # the same file: read once
    store.import_batch(batch("kwb", [(*figure[:4], 1100.0, *figure[5:])]))
    again = read_panel(store)
    assert again is not first  # an import swapped the file: read afresh
    assert np.nanmax(again[0].values[0, :, again[0].indicators.index("population")]) == 1100.0
