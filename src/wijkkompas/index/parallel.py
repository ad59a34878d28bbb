"""Independent blocks of array work on all processors.

numpy and the BLAS release Python's global interpreter lock inside their loops, so blocks of
a whole-country panel that do not overlap (one year, one range of regions, one range of
draws) can be worked on by threads at once: on the 2-core machines the budgets are measured
on that nearly halves the time of the year-by-year steps. Small work stays on one thread,
where starting threads would cost more than it saves. Every block writes only its own slice,
so the result is the same whichever thread does which block, and in whichever order.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

MAX_THREADS = 4
PARALLEL_CELLS = 1_000_000
"""Below this many array cells in all blocks together, one thread does the work."""


def threads_for(cells: int, blocks: int) -> int:
    """How many threads work on ``blocks`` blocks of ``cells`` cells in all."""
    if cells < PARALLEL_CELLS:
        return 1
    return max(1, min(os.cpu_count() or 1, MAX_THREADS, blocks))


def for_each_block(blocks: int, work: Callable[[int], None], cells: int) -> None:
    """Call ``work(i)`` for every block ``i``, on several threads when the work is large.

    An exception in any block is raised here, after the others have finished.
    """
    workers = threads_for(cells, blocks)
    if workers < 2:
        for i in range(blocks):
            work(i)
        return
    with ThreadPoolExecutor(workers) as pool:
        for future in [pool.submit(work, i) for i in range(blocks)]:
            future.result()


def one_ahead(items: Iterator[T]) -> Iterator[T]:
    """The items of ``items``, each next one made on a worker thread while the caller works
    on the current one (at most one made ahead). The items are made one after another, in
    order, so a generator that draws random numbers draws them as it would on one thread; an
    exception while making one is raised where the caller asks for it."""
    end = object()
    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(next, items, end)
        while True:
            item = pending.result()
            if item is end:
                return
            pending = pool.submit(next, items, end)
            yield item  # type: ignore[misc]


CACHE_CELLS = 256 * 1024
"""Cells (of eight bytes) in a block of :func:`for_each_chunk`: two megabytes, so a chain of
elementwise passes over a block finds it still in the processor's cache."""


def for_each_chunk(rows: int, work: Callable[[slice], None], cells: int) -> None:
    """Call ``work(rows_slice)`` for consecutive ranges of ``rows`` that together cover them,
    on several threads when the work is large; ``cells`` is the size of the whole array.

    For chains of elementwise passes over a whole-country panel: each range is small enough to
    stay in cache through the chain, and the ranges are shared out among the processors.
    """
    per_row = max(1, cells // max(rows, 1))
    size = max(1, CACHE_CELLS // per_row)
    starts = range(0, rows, size)
    for_each_block(len(starts), lambda i: work(slice(starts[i], starts[i] + size)), cells)
