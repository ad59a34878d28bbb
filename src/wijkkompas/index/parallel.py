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
