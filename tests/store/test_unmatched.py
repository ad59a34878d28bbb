"""Unmatched cells kept as one Parquet table per import (``store.unmatched``)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from wijkkompas.store import unmatched


def column_major(columns: list[str], regions: int) -> pa.Table:
    """Cells as a wide table's loader lists them: column by column."""
    return pa.table(
        {
            "region_code": [f"BU{r:08d}" for _ in columns for r in range(regions)],
            "region_year": pa.array([2024] * (len(columns) * regions), pa.int32()),
            "period": ["2024"] * (len(columns) * regions),
            "source_column": [c for c in columns for _ in range(regions)],
            "value_text": [f"{c}-{r}" for c in columns for r in range(regions)],
        }
    )


def test_each_run_of_a_column_is_a_row_group_and_a_reader_of_one_column_reads_only_its_own() -> (
    None
):
    cells = column_major(["a_inw", "pst_mvp", "z_last"], regions=50)
    data = unmatched.encode(cells)
    file = pq.ParquetFile(pa.BufferReader(data))
    assert file.num_row_groups == 3
    asked: list[str] = []

    def postcode(name: str) -> bool:
        asked.append(name)
        return name == "pst_mvp"

    read = unmatched._read(data, postcode)
    assert set(read["source_column"].to_pylist()) == {"pst_mvp"}
    assert read["value_text"].to_pylist() == [f"pst_mvp-{r}" for r in range(50)]
    assert {"a_inw", "z_last"} <= set(asked)  # judged by the statistics, not read
    assert unmatched._read(data, None).equals(pq.read_table(pa.BufferReader(data)))


def test_cells_listed_row_by_row_are_one_row_group_and_still_filtered(monkeypatch) -> None:
    monkeypatch.setattr(unmatched, "RUN_GROUPS", 2)  # more runs than this: one row group
    cells = column_major(["a_inw", "pst_mvp"], regions=3)
    shuffled = cells.take(pa.array([0, 3, 1, 4, 2, 5]))
    data = unmatched.encode(shuffled)
    assert pq.ParquetFile(pa.BufferReader(data)).num_row_groups == 1
    read = unmatched._read(data, unmatched.postcode_column)
    assert read["value_text"].to_pylist() == ["pst_mvp-0", "pst_mvp-1", "pst_mvp-2"]


def test_the_postcode_column_is_recognised_in_each_layout() -> None:
    for name in ("pst_mvp", "MeestVoorkomendePostcode_113", "Meest voorkomende postcode"):
        assert unmatched.postcode_column(name)
    assert not unmatched.postcode_column("a_inw")
