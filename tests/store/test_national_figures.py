"""The country's figures (KWB row NL00 "Nederland") in the store: kept apart from the regions,
replaced on re-import, and absent (not an error) in a store written before schema version 4."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from test_store import small_batch

from wijkkompas.errors import WijkkompasError
from wijkkompas.store import AnalyticStore, ImportBatch
from wijkkompas.store.batch import NATIONAL_COLUMNS
from wijkkompas.store.reader import NATIONAL_READ_COLUMNS as READ_COLUMNS
from wijkkompas.store.schema import SCHEMA_VERSION


def with_country(batch: ImportBatch, population: float = 17_942_942.0) -> ImportBatch:
    """``batch`` plus national figures: a population, an income with its lag, a suppressed
    share, and a voorlopig population that the definitief one hides."""
    batch.national = pd.DataFrame(
        [
            ("population", "2024-01-01", population, False, "a_inw", "definitief", 2024),
            ("population", "2024-01-01", population - 1, False, "a_inw", "voorlopig", 2024),
            ("income_per_inhabitant", "2022", 32.1, False, "g_ink_pi", "definitief", 2024),
            ("owner_occupied_share", "2024-01-01", math.nan, True, "p_koopw", "definitief", 2024),
        ],
        columns=NATIONAL_COLUMNS,
    )
    return batch


def test_national_figures_round_trip_beside_the_regions(tmp_path: Path) -> None:
    store = AnalyticStore(tmp_path / "s.duckdb")
    summary = store.import_batch(with_country(small_batch()))
    assert summary.national == 4
    with store.reader() as r:
        national = r.national_observations()
        assert list(national.columns) == READ_COLUMNS
        # sorted by indicator and period; the definitief population hides the voorlopig one
        assert national["indicator_id"].tolist() == [
            "income_per_inhabitant",
            "owner_occupied_share",
            "population",
        ]
        row = national.set_index("indicator_id").loc["population"]
        assert (row["value"], row["release"], row["source"]) == (17_942_942.0, "definitief", "test")
        assert (row["period"], int(row["table_year"]), row["source_column"]) == (
            "2024-01-01",
            2024,
            "a_inw",
        )
        secret = national.set_index("indicator_id").loc["owner_occupied_share"]
        assert pd.isna(secret["value"]) and bool(secret["suppressed"])
        # the country is no region: nothing about it among the regions' figures
        assert "NL00" not in set(r.observations()["region_code"])
        assert "NL00" not in set(r.all_regions()["code"])


def test_national_figures_can_be_asked_for_by_indicator(tmp_path: Path) -> None:
    store = AnalyticStore(tmp_path / "s.duckdb")
    store.import_batch(with_country(small_batch()))
    with store.reader() as r:
        income = r.national_observations(indicator_ids=["income_per_inhabitant"])
        assert income[["indicator_id", "period", "value"]].values.tolist() == [
            ["income_per_inhabitant", "2022", 32.1]
        ]
        assert r.national_observations(indicator_ids=["no_such_indicator"]).empty


def test_reimporting_replaces_national_figures_instead_of_doubling_them(tmp_path: Path) -> None:
    store = AnalyticStore(tmp_path / "s.duckdb")
    store.import_batch(with_country(small_batch(), population=100.0))
    store.import_batch(with_country(small_batch(), population=200.0))
    with store.reader() as r:
        population = r.national_observations(["population"])
        assert population["value"].tolist() == [200.0]
    con = duckdb.connect(str(store.path), read_only=True)
    try:
        (rows,) = con.execute("SELECT count(*) FROM national_observations").fetchall()
    finally:
        con.close()
    assert rows[0] == 4


def test_another_source_keeps_its_own_national_figures(tmp_path: Path) -> None:
    store = AnalyticStore(tmp_path / "s.duckdb")
    store.import_batch(with_country(small_batch(source="kwb"), population=100.0))
    store.import_batch(with_country(small_batch(source="statline"), population=101.0))
    with store.reader() as r:
        population = r.national_observations(["population"])
        assert dict(zip(population["source"], population["value"], strict=True)) == {
            "kwb": 100.0,
            "statline": 101.0,
        }


def test_the_same_national_figure_twice_in_one_batch_is_refused(tmp_path: Path) -> None:
    batch = with_country(small_batch())
    batch.national = pd.concat([batch.national, batch.national.iloc[[0]]], ignore_index=True)
    store = AnalyticStore(tmp_path / "s.duckdb")
    with pytest.raises(WijkkompasError, match="same national figure more than once"):
        store.import_batch(batch)
    assert not store.exists()


def test_a_national_table_without_its_table_year_is_refused(tmp_path: Path) -> None:
    batch = with_country(small_batch())
    batch.national = batch.national.drop(columns=["table_year"])
    with pytest.raises(WijkkompasError, match=r"national table without the column.*table_year"):
        AnalyticStore(tmp_path / "s.duckdb").import_batch(batch)


def test_a_national_release_other_than_voorlopig_or_definitief_is_refused() -> None:
    batch = with_country(small_batch())
    batch.national.loc[0, "release"] = "concept"
    with pytest.raises(WijkkompasError, match="concept"):
        batch.validate()


def test_a_store_from_before_schema_4_reads_as_having_no_national_figures(
    tmp_path: Path,
) -> None:
    store = AnalyticStore(tmp_path / "s.duckdb")
    store.import_batch(small_batch())
    con = duckdb.connect(str(store.path))
    try:  # what a schema-3 store looks like: no national_observations table
        con.execute("DROP TABLE national_observations")
        con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    finally:
        con.close()

    with store.reader() as r:
        national = r.national_observations()
        assert national.empty and list(national.columns) == READ_COLUMNS
        assert r.observations(region_codes=["BU99980000"])["value"].tolist() == [10.0]

    # the next import adds the table and moves the store to the current version
    store.import_batch(with_country(small_batch()))
    with store.reader() as r:
        assert len(r.national_observations()) == 3
    con = duckdb.connect(str(store.path), read_only=True)
    try:
        (version,) = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    finally:
        con.close()
    assert version[0] == SCHEMA_VERSION == "8"
