"""The arithmetic of rank draws: totals of many weightings at once, ranks, and summaries.

Split from :mod:`wijkkompas.index.uncertainty`, which decides what is drawn; this module only
computes, for (draws × regions) blocks, as fast as a 2-core machine allows.
"""

from __future__ import annotations

import numpy as np

from wijkkompas.index.aggregate import sparse_mask
from wijkkompas.index.parallel import for_each_block, threads_for


class Blocks:
    """One choice's terms split by group, so a draw costs one small product per group.

    Each indicator usually sits in one group: multiplying the whole matrix by a dense
    (indicators × groups·draws) weight matrix would waste most of its work on zeros. Present
    weight is the group's full weight minus a sparse correction for the few absent cells.
    Groups that do not count for a region (nominal coverage rule) are zeroed once, here.
    Single precision: only the ranks of these totals are used. Rows are taken in chunks of
    ``CHUNK``, so a batch's (rows × draws) intermediates stay in the processor's cache; on one
    thread, because the products go to the BLAS, which has threads of its own (OpenBLAS called
    from several threads at once was measured twice as slow).
    """

    CHUNK = 8192
    absent: np.ndarray
    group_mask: np.ndarray
    group_present: np.ndarray
    group_count: np.ndarray
    groups: list[tuple[int, np.ndarray, np.ndarray, np.ndarray, list]]

    def __init__(
        self,
        terms: np.ndarray,
        W: np.ndarray,
        group_present: np.ndarray,
        like: Blocks | None = None,
    ) -> None:
        """``like``: blocks of the same rows and weights built before, whose sparse masks of
        absent cells are reused when ``terms`` is absent in exactly the same cells (the
        normalisations and aggregations of one imputation usually are: a tenth of a second
        saved per choice at whole-country scale)."""
        terms = np.asarray(terms, dtype=np.float32)
        self.absent = absent = np.isnan(terms)
        reused: dict[int, list] = {}
        if like is not None and like.group_mask is group_present:
            self.group_present, self.group_count = like.group_present, like.group_count
            if np.array_equal(like.absent, absent):
                reused = {g: cells for g, _cols, _w, _block, cells in like.groups}
        else:
            self.group_present = group_present.astype(np.float32)
            self.group_count = group_present.sum(axis=1).astype(np.int16)
        self.group_mask = group_present
        n = terms.shape[0]
        self.chunks = [slice(i, min(i + self.CHUNK, n)) for i in range(0, n, self.CHUNK)]
        self.groups = []
        for g in range(W.shape[1]):
            cols = np.flatnonzero(W[:, g] > 0)
            if not cols.size:
                continue
            block = np.take(terms, cols, axis=1)
            drop = np.take(absent, cols, axis=1)
            absent_cells = reused.get(g) or [sparse_mask(drop[rows]) for rows in self.chunks]
            drop |= ~group_present[:, g][:, None]
            np.copyto(block, np.float32(0.0), where=drop)
            self.groups.append((g, cols, W[cols, g].astype(np.float32), block, absent_cells))

    def totals(
        self, a: np.ndarray, k_noise: np.ndarray, g_noise: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(draws, regions) totals on the averaged-terms scale (enough for ranking), and the
        number of groups each total rests on (a left-out indicator can empty a group)."""
        ga = (g_noise * a[None, :]).astype(np.float32)
        kn = k_noise.astype(np.float32)
        draws = k_noise.shape[0]
        total = np.empty((draws, self.group_present.shape[0]), dtype=np.float32)
        counted_all = np.empty(total.shape, dtype=np.int16)
        fixed = bool((kn > 0).all())  # nothing left out: which groups count is fixed
        weights = []
        for g, cols, w, _block, _absent in self.groups:
            m = w[:, None] * kn[:, cols].T  # (indicators in g, draws)
            weights.append((m, m.sum(axis=0)[None, :], m * ga[:, g][None, :]))

        def chunk(c: int) -> None:
            rows = self.chunks[c]
            shape = (rows.stop - rows.start, draws)
            num = np.zeros(shape, dtype=np.float32)
            if fixed:
                for (_g, _cols, _w, block, absent), (m, full, mg) in zip(
                    self.groups, weights, strict=True
                ):
                    den = full - (absent[c] @ m).astype(np.float32)
                    np.maximum(den, np.float32(1e-30), out=den)  # absent group: 0 / tiny
                    part = block[rows] @ mg
                    part /= den
                    num += part
                # Σ_g present·a_g, group by group: a product with an inner dimension of eight
                # costs more in the BLAS's set-up than in arithmetic.
                weight = np.zeros(shape, dtype=np.float32)
                for g in range(ga.shape[1]):
                    weight += self.group_present[rows, g][:, None] * ga[:, g][None, :]
                num /= weight
                total[:, rows] = num.T
                counted_all[:, rows] = self.group_count[rows][None, :]
                return
            weight = np.zeros(shape, dtype=np.float32)
            counted = np.zeros(shape, dtype=np.int16)
            for (g, _cols, _w, block, absent), (m, full, mg) in zip(
                self.groups, weights, strict=True
            ):
                den = full - (absent[c] @ m).astype(np.float32)
                has = (den > np.float32(1e-6)) & (self.group_present[rows, g] > 0)[:, None]
                np.maximum(den, np.float32(1e-30), out=den)
                num += np.where(has, (block[rows] @ mg) / den, 0.0)
                weight += has * ga[:, g][None, :]
                counted += has
            with np.errstate(invalid="ignore", divide="ignore"):
                total[:, rows] = np.where(weight > 0, num / weight, np.nan).T
            counted_all[:, rows] = counted.T

        for c in range(len(self.chunks)):
            chunk(c)
        return total, counted_all


def ranks_within(total: np.ndarray, depth: np.ndarray) -> np.ndarray:
    """Ordinal rank (1 = best) within each level, for each row (draw) of ``total``; a NaN
    total (the region does not meet the draw's coverage rule) gets -1 and is not counted.

    Draws are ranked on as many threads as there are processors (numpy sorts without the
    global interpreter lock); each draw's ranks are the same whichever thread sorts it."""
    draws = total.shape[0]
    workers = threads_for(total.size, draws)
    if workers < 2:
        return _ranks_of(total, depth)
    out = np.empty(total.shape, dtype=np.int32)
    bounds = np.linspace(0, draws, workers + 1).astype(int)

    def part(i: int) -> None:
        rows = slice(bounds[i], bounds[i + 1])
        out[rows] = _ranks_of(total[rows], depth)

    for_each_block(workers, part, total.size)
    return out


def _ranks_of(total: np.ndarray, depth: np.ndarray) -> np.ndarray:
    """Ordinal rank (1 = best) within each level, for each row (draw) of ``total``; a NaN
    total (the region does not meet the draw's coverage rule) gets -1 and is not counted."""
    out = np.full(total.shape, -1, dtype=np.int32)
    for level in np.unique(depth):
        members = np.flatnonzero(depth == level)
        sub = total[:, members]
        missing = np.isnan(sub)
        some = bool(missing.any())
        order = np.argsort(np.where(missing, np.inf, -sub) if some else -sub, axis=1)
        r = np.empty_like(order, dtype=np.int32)
        np.put_along_axis(r, order, np.arange(1, members.size + 1, dtype=np.int32)[None, :], axis=1)
        if some:
            r[missing] = -1
        out[:, members] = r
    return out


def first_order(ranks: np.ndarray, labels: dict[str, np.ndarray]) -> dict[str, float]:
    """Per choice: Var over its values of the conditional mean rank over the total rank
    variance, pooled over regions; ``ranks`` is (regions × draws) with NaN where a region was
    not ranked. Per-value sums are one matrix product with the choice's indicator matrix, on
    ranks centred on each region's mean (so single precision loses nothing that matters)."""
    valid = np.isfinite(ranks)
    everywhere = bool(valid.all())  # the method-only analysis ranks every region in every draw
    filled = ranks if everywhere else np.where(valid, ranks, np.float32(0.0))
    count = valid.sum(axis=1).astype(np.float64)
    safe = np.maximum(count, 1.0)
    grand = filled.sum(axis=1, dtype=np.float64) / safe
    centred = filled - grand.astype(np.float32)[:, None]
    if not everywhere:
        centred[~valid] = 0.0
    variance = np.einsum("ij,ij->i", centred, centred, dtype=np.float64) / safe
    total = float(np.where(count > 0, variance, 0.0).sum())
    out = {}
    for name, label in labels.items():
        if total <= 0:
            out[name] = 0.0
            continue
        values, codes = np.unique(label.astype(str), return_inverse=True)
        onehot = np.zeros((label.size, values.size), dtype=np.float32)
        onehot[np.arange(label.size), codes] = 1.0
        n = (
            np.broadcast_to(onehot.sum(axis=0, dtype=np.float64), (ranks.shape[0], values.size))
            if everywhere
            else valid.astype(np.float32) @ onehot
        ).astype(np.float64)
        deviation = (centred @ onehot).astype(np.float64) / np.maximum(n, 1.0)
        between = np.where(n > 0, (n / safe[:, None]) * deviation**2, 0.0)
        out[name] = float(between.sum() / total)
    return out


def percentiles(ranks: np.ndarray, qs: tuple[float, ...]) -> list[np.ndarray]:
    """Per-row linear-interpolated percentiles ignoring NaN (numpy's ``nanpercentile`` loops in
    Python over rows: seconds at whole-country scale, this is one sort)."""
    ordered = np.sort(ranks, axis=1)  # NaN last
    n = np.isfinite(ordered).sum(axis=1)
    out = []
    for q in qs:
        pos = (q / 100.0) * np.maximum(n - 1, 0)
        lo = np.floor(pos).astype(int)
        hi = np.minimum(lo + 1, np.maximum(n - 1, 0))
        a = np.take_along_axis(ordered, lo[:, None], axis=1)[:, 0]
        b = np.take_along_axis(ordered, hi[:, None], axis=1)[:, 0]
        value = a + (b - a) * (pos - lo)
        out.append(np.where(n > 0, value, np.nan))
    return out
