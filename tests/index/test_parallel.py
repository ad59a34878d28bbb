"""Work split over threads gives exactly what one thread gives (``index.parallel``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wijkkompas.index import EngineOptions, fit_reference, parallel, score, uncertainty
from wijkkompas.index.synthetic import synthetic_panel, synthetic_spec


@pytest.fixture(scope="module")
def world() -> tuple:
    spec = synthetic_spec(24, seed=5)
    panel, _ = synthetic_panel(
        spec, n_gemeenten=8, wijken_per_gemeente=5, years=(2019, 2020, 2021, 2022, 2023), seed=5
    )
    options = EngineOptions(seed=3)
    return spec, panel, options, fit_reference(panel, spec, options)


def on_threads(monkeypatch: pytest.MonkeyPatch, many: bool) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_CELLS", 0 if many else 10**18)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 4 if many else 1)


def test_scores_are_the_same_on_one_thread_and_on_four(world, monkeypatch) -> None:
    spec, panel, options, reference = world
    on_threads(monkeypatch, many=False)
    alone = score(panel, spec, reference, options).scores
    on_threads(monkeypatch, many=True)
    together = score(panel, spec, reference, options).scores
    pd.testing.assert_frame_equal(alone, together)
    assert alone["total"].notna().sum() > 100
    assert alone["change"].notna().sum() > 50


def test_rank_intervals_are_the_same_on_one_thread_and_on_four(world, monkeypatch) -> None:
    spec, panel, options, reference = world
    on_threads(monkeypatch, many=False)
    alone = uncertainty(panel, spec, reference, options, year=[2022, 2023], draws=80).ranks
    on_threads(monkeypatch, many=True)
    together = uncertainty(panel, spec, reference, options, year=[2022, 2023], draws=80).ranks
    pd.testing.assert_frame_equal(alone, together)


def test_every_block_is_done_once_and_a_failure_is_raised(monkeypatch) -> None:
    on_threads(monkeypatch, many=True)
    seen = np.zeros(10, dtype=int)

    def work(i: int) -> None:
        seen[i] += 1

    parallel.for_each_block(10, work, cells=10**9)
    assert seen.tolist() == [1] * 10

    def broken(i: int) -> None:
        if i == 7:
            raise ValueError("block 7")

    with pytest.raises(ValueError, match="block 7"):
        parallel.for_each_block(10, broken, cells=10**9)


def test_small_work_stays_on_one_thread() -> None:
    assert parallel.threads_for(cells=1000, blocks=12) == 1


def test_one_ahead_gives_every_item_in_order_and_raises_where_asked() -> None:
    from wijkkompas.index.parallel import one_ahead

    made: list[int] = []

    def items():
        for i in range(5):
            made.append(i)
            yield i
        raise ValueError("the sixth could not be made")

    seen = []
    with pytest.raises(ValueError, match="sixth"):
        for item in one_ahead(items()):
            seen.append(item)
            assert len(made) <= item + 2  # never more than one made ahead
    assert seen == [0, 1, 2, 3, 4] == made


@pytest.mark.parametrize("rows", [0, 1, 7, 100_003])
@pytest.mark.parametrize("width", [1, 3, 300_000])
def test_chunks_cover_every_row_once(monkeypatch, rows: int, width: int) -> None:
    on_threads(monkeypatch, many=True)
    seen = np.zeros(rows, dtype=int)

    def work(part: slice) -> None:
        seen[part] += 1

    parallel.for_each_chunk(rows, work, cells=rows * width)
    assert (seen == 1).all()
