"""The analytic store: one transaction per import, swapped in atomically, readable meanwhile."""

from __future__ import annotations

import hashlib
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest
import shapely
from shapely.geometry import box

from wijkkompas.errors import StoreError, WijkkompasError
from wijkkompas.services import scoring
from wijkkompas.store import AnalyticStore, ImportBatch
from wijkkompas.store import tables as store_tables


def small_batch(source: str = "test", value: float = 10.0) -> ImportBatch:
    """One gemeente, one wijk, two buurten, one indicator, with a suppressed figure."""
    regions = pd.DataFrame(
        [
            ("GM9998", "Proefdorp", "gemeente", 2024, "GM9998", None),
            ("WK999800", "Centrum", "wijk", 2024, "GM9998", "WK999800"),
            ("BU99980000", "Oud", "buurt", 2024, "GM9998", "WK999800"),
            ("BU99980001", "Nieuw", "buurt", 2024, "GM9998", "WK999800"),
        ],
        columns=["code", "name", "level", "year", "gemeente_code", "wijk_code"],
    )
    observations = pd.DataFrame(
        [
            ("BU99980000", 2024, "population", "2024-01-01", value, False, "a_inw", "definitief"),
            ("BU99980001", 2024, "population", "2024-01-01", math.nan, True, "a_inw", "definitief"),
            (
                "BU99980000",
                2024,
                "population",
                "2024-01-01",
                value + 1,
                False,
                "a_inw",
                "voorlopig",
            ),
        ],
        columns=[
            "region_code",
            "region_year",
            "indicator_id",
            "period",
            "value",
            "suppressed",
            "source_column",
            "release",
        ],
    )
    geometries = pd.DataFrame(
        [
            (
                "BU99980000",
                2024,
                shapely.to_wkb(box(5.0, 52.0, 5.1, 52.1)),
                shapely.to_wkb(box(5.0, 52.0, 5.1, 52.1)),
            ),
        ],
        columns=["region_code", "region_year", "wkb", "wkb_web"],
    )
    unmatched = pd.DataFrame(
        [("BU99980000", 2024, "2024", "a_mystery", "12,5")],
        columns=["region_code", "region_year", "period", "source_column", "value_text"],
    )
    return ImportBatch(
        source=source,
        description="a test batch",
        regions=regions,
        observations=observations,
        geometries=geometries,
        unmatched=unmatched,
        provenance={"file": "test.csv"},
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_import_is_readable_with_its_provenance(tmp_path: Path) -> None:
    store = AnalyticStore(tmp_path / "s.duckdb")
    summary = store.import_batch(small_batch())
    assert summary.regions == 4 and summary.observations == 3
    with store.reader() as r:
        buurten = r.regions(level="buurt")
        assert list(buurten["code"]) == ["BU99980000", "BU99980001"]
        obs = r.observations(indicator_ids=["population"])
        # the definitief figure hides the voorlopig one; the suppressed one stays missing
        by_code = dict(zip(obs["region_code"], obs["value"], strict=True))
        assert by_code["BU99980000"] == 10.0
        assert pd.isna(by_code["BU99980001"])
        assert obs.set_index("region_code").loc["BU99980001", "suppressed"]
        assert r.unmatched()["value_text"].tolist() == ["12,5"]
        imports = r.imports()
        assert imports["source"].tolist() == ["test"]
        assert '"file": "test.csv"' in imports["provenance"].iloc[0]
        geoms = r.geometries("buurt")
        assert shapely.from_wkb(geoms["wkb"].iloc[0]).area == pytest.approx(0.01)


def test_reimporting_the_same_source_replaces_its_figures(tmp_path: Path) -> None:
    store = AnalyticStore(tmp_path / "s.duckdb")
    store.import_batch(small_batch(value=10.0))
    store.import_batch(small_batch(value=20.0))
    with store.reader() as r:
        obs = r.observations(region_codes=["BU99980000"])
        assert obs["value"].tolist() == [20.0]
        assert len(r.unmatched()) == 1
        assert r.imports()["import_id"].tolist() == [1, 2]


def with_unmatched(batch: ImportBatch, rows: list[tuple]) -> ImportBatch:
    batch.unmatched = pd.DataFrame(
        rows, columns=["region_code", "region_year", "period", "source_column", "value_text"]
    )
    return batch


def test_a_reimport_replaces_unmatched_cells_of_the_same_key_and_keeps_the_others(
    tmp_path: Path,
) -> None:
    """As when a re-import deleted the older cells of its keys: a newer empty postcode hides
    the older one (the region then has none), other columns and periods stay, and cells
    imported before schema 8 (rows of ``unmatched_observations``) take part as older imports."""
    import duckdb

    store = AnalyticStore(tmp_path / "s.duckdb")
    store.import_batch(small_batch())
    with duckdb.connect(str(store.path)) as con:  # a store of schema 7 kept its cells as rows
        con.execute("DELETE FROM unmatched_parts")
        con.execute(
            """INSERT INTO unmatched_observations VALUES
               ('BU99980000', 2024, '2024', 'test', 'pst_mvp', '1234AB', 1),
               ('BU99980001', 2024, '2024', 'test', 'pst_mvp', '1234CD', 1),
               ('BU99980000', 2024, '2024', 'test', 'a_mystery', '12,5', 1)"""
        )
    store.import_batch(
        with_unmatched(
            small_batch(),
            [
                ("BU99980000", 2024, "2024", "pst_mvp", None),
                ("BU99980000", 2024, "2023", "pst_mvp", "9999ZZ"),
                ("BU99980001", 2024, "2024", "other", "x"),
            ],
        )
    )
    store.import_batch(
        with_unmatched(
            small_batch("elsewhere"), [("BU99980001", 2024, "2024", "pst_mvp", "5678EF")]
        )
    )
    with store.reader() as r:
        cells = r.unmatched()
        postcodes = r.postcodes()
        only_test = r.unmatched("test")
    kept = set(
        zip(
            cells["source"],
            cells["region_code"],
            cells["period"],
            cells["source_column"],
            cells["value_text"].astype(object).where(cells["value_text"].notna(), None),
            strict=True,
        )
    )
    assert kept == {
        ("test", "BU99980000", "2024", "pst_mvp", None),  # replaced by the newer empty cell
        ("test", "BU99980000", "2023", "pst_mvp", "9999ZZ"),
        ("test", "BU99980001", "2024", "pst_mvp", "1234CD"),  # no newer cell of this key
        ("test", "BU99980001", "2024", "other", "x"),
        ("test", "BU99980000", "2024", "a_mystery", "12,5"),
        ("elsewhere", "BU99980001", "2024", "pst_mvp", "5678EF"),
    }
    assert set(only_test["source"]) == {"test"} and len(only_test) == 5
    assert cells["source_column"].tolist() == sorted(cells["source_column"].tolist())
    # the newest import with a postcode for the region-year wins
    assert dict(zip(postcodes["region_code"], postcodes["postcode"], strict=True)) == {
        "BU99980000": "9999ZZ",
        "BU99980001": "5678EF",
    }


def test_an_import_keeps_its_unmatched_cells_apart_and_leaves_earlier_ones_as_they_were(
    tmp_path: Path,
) -> None:
    import duckdb

    from wijkkompas.store.unmatched import cells_table

    store = AnalyticStore(tmp_path / "s.duckdb")
    store.import_batch(small_batch())
    first = cells_table(1).strip('"')
    with duckdb.connect(str(store.path), read_only=True) as con:
        before = con.execute(
            f"SELECT * FROM pragma_storage_info('{first}') ORDER BY ALL"
        ).fetchall()
        assert con.execute("SELECT count(*) FROM unmatched_observations").fetchall() == [(0,)]
    assert before
    store.import_batch(small_batch())
    with duckdb.connect(str(store.path), read_only=True) as con:
        after = con.execute(f"SELECT * FROM pragma_storage_info('{first}') ORDER BY ALL").fetchall()
        parts = con.execute("SELECT import_id, source FROM unmatched_parts ORDER BY 1").fetchall()
    assert after == before
    assert parts == [(1, "test"), (2, "test")]


def test_a_write_that_fails_half_way_leaves_the_store_byte_for_byte_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = AnalyticStore(tmp_path / "s.duckdb")
    store.import_batch(small_batch())
    before = digest(store.path)

    def explode(*_args: object) -> None:
        raise RuntimeError("disk on fire after regions and observations were written")

    monkeypatch.setattr(store_tables, "_write_geometries", explode)
    with pytest.raises(RuntimeError, match="disk on fire"):
        store.import_batch(small_batch(source="other", value=99.0))

    assert digest(store.path) == before
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []
    with store.reader() as r:
        assert r.imports()["source"].tolist() == ["test"]


def test_an_unknown_region_code_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    store = AnalyticStore(tmp_path / "s.duckdb")
    store.import_batch(small_batch())
    before = digest(store.path)
    batch = small_batch(source="bad")
    batch.observations.loc[0, "region_code"] = "BU99989999"
    with pytest.raises(WijkkompasError, match="BU99989999"):
        store.import_batch(batch)
    assert digest(store.path) == before


def test_figures_may_refer_to_regions_an_earlier_import_registered(tmp_path: Path) -> None:
    """The check reads only the new import's rows, so it must still accept regions it did not
    bring itself, and name the import whose rows are wrong when one command writes several."""
    store = AnalyticStore(tmp_path / "s.duckdb")
    store.import_batch(small_batch())
    figures_only = small_batch(source="figures-only")
    figures_only.regions = figures_only.regions.iloc[0:0]
    figures_only.geometries = figures_only.geometries.iloc[0:0]
    store.import_batch(figures_only)
    with store.reader() as r:
        assert set(r.observations()["source"]) == {"test", "figures-only"}
    before = digest(store.path)
    wrong = small_batch(source="wrong")
    wrong.observations.loc[0, "region_code"] = "BU99989999"
    with pytest.raises(WijkkompasError, match=r"'wrong' has observations .*BU99989999"):
        store.import_batches([small_batch(source="right"), wrong])
    assert digest(store.path) == before


def test_a_value_that_is_not_a_number_fails_before_anything_is_written(tmp_path: Path) -> None:
    store = AnalyticStore(tmp_path / "s.duckdb")
    batch = small_batch()
    batch.observations["value"] = batch.observations["value"].astype(object)
    batch.observations.loc[0, "value"] = "twelve"
    with pytest.raises(ValueError):
        store.import_batch(batch)
    assert not store.exists()


def test_readers_keep_reading_while_an_import_swaps_the_file(tmp_path: Path) -> None:
    store = AnalyticStore(tmp_path / "s.duckdb")
    store.import_batch(small_batch(value=1.0))
    with store.reader() as old:
        store.import_batch(small_batch(value=2.0))
        assert old.observations(region_codes=["BU99980000"])["value"].tolist() == [1.0]
    with store.reader() as new:
        assert new.observations(region_codes=["BU99980000"])["value"].tolist() == [2.0]


def test_a_missing_store_says_how_to_make_one(tmp_path: Path) -> None:
    with (
        pytest.raises(StoreError, match=r"wijkkompas --store .* demo"),
        AnalyticStore(tmp_path / "absent.duckdb").reader(),
    ):
        pass


def test_a_file_that_is_not_a_store_gets_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "not-a-store.duckdb"
    path.write_text("hello")
    with pytest.raises(StoreError, match="could not be opened"), AnalyticStore(path).reader():
        pass


def test_a_batch_without_a_required_column_is_refused(tmp_path: Path) -> None:
    batch = small_batch()
    batch.observations = batch.observations.drop(columns=["release"])
    with pytest.raises(WijkkompasError, match="release"):
        AnalyticStore(tmp_path / "s.duckdb").import_batch(batch)


def test_a_file_that_only_knows_codes_keeps_the_names_of_an_earlier_import(
    tmp_path: Path,
) -> None:
    store = AnalyticStore(tmp_path / "s.duckdb")
    store.import_batch(small_batch())
    codes_only = small_batch(source="crime")
    codes_only.regions["name"] = codes_only.regions["code"]
    store.import_batch(codes_only)
    with store.reader() as r:
        assert r.regions(level="buurt")["name"].tolist() == ["Oud", "Nieuw"]


def test_figures_shared_with_a_source_are_those_another_source_gives_too(tmp_path: Path) -> None:
    store = AnalyticStore(tmp_path / "store.duckdb")
    store.import_batch(small_batch("kwb"))
    with store.reader() as reader:
        assert reader.observations(shared_with="kwb").empty  # nothing to choose between
    other = small_batch("ses_woa", value=12.0)
    other.observations = other.observations[other.observations["region_code"] == "BU99980000"]
    store.import_batch(other)
    with store.reader() as reader:
        shared = reader.observations(shared_with="kwb")
        everything = reader.observations()
    expected = everything[everything["region_code"] == "BU99980000"].sort_values("source")
    pd.testing.assert_frame_equal(
        shared.sort_values("source").reset_index(drop=True), expected.reset_index(drop=True)
    )
    assert set(shared["source"]) == {"kwb", "ses_woa"}


def test_a_saved_run_reads_back_with_every_score_exactly_as_given(tmp_path: Path) -> None:
    store = AnalyticStore(tmp_path / "store.duckdb")
    store.import_batch(small_batch())
    scores = pd.DataFrame(
        {
            "code": ["BU99980000", "BU99980001"],
            "level": ["buurt", "buurt"],
            "year": [2024, 2024],
            "total": [0.1 + 0.2, math.nan],
            "class": pd.array([3, None], dtype="Int64"),
            "trend": pd.Categorical(["better", None]),
            "small_population": [False, True],
            "reason": ['a "quoted"\nreason', ""],
        }
    )
    store.save_index_run(
        run_id="run-1", label="test", catalogue_sha256="x", scope="all",
        manifest={}, reference_json="{}", scores=scores,
    )  # fmt: skip
    with store.reader() as reader:
        back = reader.index_scores("run-1")
    assert back["total"].iloc[0] == 0.1 + 0.2  # full precision, not rounded
    assert math.isnan(back["total"].iloc[1])
    assert back["class"].iloc[0] == 3 and pd.isna(back["class"].iloc[1])
    assert back["trend"].iloc[0] == "better" and pd.isna(back["trend"].iloc[1])
    assert back["small_population"].tolist() == [False, True]
    assert back["reason"].tolist() == ['a "quoted"\nreason', ""]


def test_each_run_is_kept_in_a_table_of_its_own_and_runs_of_schema_6_still_read(
    tmp_path: Path,
) -> None:
    """Saving a run writes only that run: the stored blocks of earlier runs stay as they were
    (with every run in one table, DuckDB compressed them all again on every save)."""
    import duckdb

    from wijkkompas.store import run_tables
    from wijkkompas.store.schema import run_scores_table

    store = AnalyticStore(tmp_path / "s.duckdb")
    store.import_batch(small_batch())
    scores = pd.DataFrame(
        {"code": ["BU99980000"], "level": ["buurt"], "year": [2024], "total": [0.5]}
    )

    def save(run_id: str) -> None:
        store.save_index_run(
            run_id=run_id, label=run_id, catalogue_sha256="x", scope="all", manifest={},
            reference_json="{}", scores=scores.assign(total=len(run_id)),
        )  # fmt: skip

    def blocks(table: str) -> list:
        with duckdb.connect(str(store.path), read_only=True) as con:
            return con.execute(
                "SELECT column_name, segment_id, block_id, block_offset "
                f"FROM pragma_storage_info('{table}') ORDER BY ALL"
            ).fetchall()

    save("run-1")
    first = run_scores_table("run-1").strip('"')
    before = blocks(first)
    assert before  # the run's bytes are on disk, in blocks of their own
    save('run "2"')  # a quote in the name is kept in the quoted table name
    assert blocks(first) == before
    with store.writing(changes_figures=False) as con:  # a run as schema 6 saved it
        con.execute("INSERT INTO index_runs VALUES ('six', now(), 'six', 'x', 'all', '{}', '{}')")
        con.execute(
            "INSERT INTO index_run_tables VALUES ('six', ?, ?)",
            [run_tables.FORMAT, run_tables.encode(scores.assign(total=3))],
        )
    with store.reader() as reader:
        assert reader.index_scores("run-1")["total"].tolist() == [5]
        assert reader.index_scores('run "2"')["total"].tolist() == [7]
        assert reader.index_scores("six")["total"].tolist() == [3]
        assert reader.index_scores("unknown").empty


def save_as_json_rows(store: AnalyticStore, run_id: str, scores: pd.DataFrame) -> None:
    """A run written as schema 5 wrote it: one ``index_scores`` row per region-year, its scores
    as JSON made by DuckDB (NaN and missing as null, full precision)."""
    import pyarrow as pa

    details = [c for c in scores.columns if c not in ("code", "level", "year")]
    payload = "to_json({" + ", ".join(f"'{c}': \"{c}\"" for c in details) + "})"
    with store.writing(changes_figures=False) as con:
        con.execute(
            "INSERT INTO index_runs VALUES (?, now(), 'old', 'x', 'all', '{}', '{}')", [run_id]
        )
        con.register("run_scores", pa.Table.from_pandas(scores, preserve_index=False))
        con.execute(
            f"""INSERT INTO index_scores SELECT ?, CAST(code AS VARCHAR), CAST(level AS VARCHAR),
                CAST(year AS INTEGER), {payload} FROM run_scores""",
            [run_id],
        )


def test_a_run_reads_back_as_its_json_rows_read_and_json_rows_as_json_normalize_reads_them(
    demo_store: Path, tmp_path: Path
) -> None:
    """Runs saved since schema 6 (one Parquet table) read exactly as the same scores saved as
    JSON rows (schema 5) read, and those read as ``json_normalize`` reads their rows."""
    import json

    path = tmp_path / "store.duckdb"
    shutil.copy2(demo_store, path)
    store = AnalyticStore(path)
    with store.reader() as reader:
        saved = reader.index_scores(str(reader.index_runs()["run_id"].iloc[-1]))
    scores = scoring.run_index(store, draws=20, save=False).table
    scores = scores[[c for c in scoring.INDEX_COLUMNS + scoring.EXTRA_COLUMNS if c in scores]]
    store.save_index_run(
        run_id="new", label="new", catalogue_sha256="x", scope="all", manifest={},
        reference_json="{}", scores=scores,
    )  # fmt: skip
    save_as_json_rows(store, "old", scores)
    with store.reader() as reader:
        new, old = reader.index_scores("new"), reader.index_scores("old")
        rows = reader._frame(
            "SELECT code, level, year, scores FROM index_scores WHERE run_id = 'old' "
            "ORDER BY year, code"
        )
    pd.testing.assert_frame_equal(new, old)
    assert len(saved) == len(new)
    one_by_one = pd.json_normalize([json.loads(s) for s in rows["scores"]])
    expected = pd.concat([rows.drop(columns=["scores"]), one_by_one], axis=1)
    pd.testing.assert_frame_equal(old, expected)
