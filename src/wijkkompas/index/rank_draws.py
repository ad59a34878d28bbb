"""The arithmetic of rank draws: totals of many weightings at once, and summaries of their ranks
(the ranking itself is :mod:`wijkkompas.index.draw_ranks`).

Split from :mod:`wijkkompas.index.uncertainty`, which decides what is drawn; this module only
computes, for (draws × regions) blocks, as fast as a 2-core machine allows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wijkkompas.index.parallel import for_each_block


class Blocks:
    """One choice's terms split by group, so a draw costs one small product per group.

    Each indicator usually sits in one group: multiplying the whole matrix by a dense
    (indicators × groups·draws) weight matrix would waste most of its work on zeros. A region's
    present weight in a group depends only on which of the group's indicators it lacks, and a
    whole country has few such patterns: the weights are summed once per pattern and draw, and
    each region takes its pattern's. Groups that do not count for a region (nominal coverage
    rule) are zeroed once, here. Single precision: only the ranks of these totals are used.
    Rows are taken in chunks of ``CHUNK``, so a batch's (rows × draws) intermediates stay in
    the processor's cache; on one thread, because the products go to the BLAS, which has
    threads of its own (OpenBLAS called from several threads at once was measured twice as
    slow).
    """

    CHUNK = 8192
    absent: np.ndarray
    group_mask: np.ndarray
    group_present: np.ndarray
    group_count: np.ndarray
    present_patterns: Patterns
    uncounted: np.ndarray
    drop: np.ndarray
    groups: list[GroupBlock]

    def __init__(
        self,
        terms: np.ndarray,
        W: np.ndarray,
        group_present: np.ndarray,
        like: Blocks | None = None,
        columns: np.ndarray | None = None,
    ) -> None:
        """``like``: blocks of the same rows and weights built before, whose absence patterns
        are reused when ``terms`` is absent in exactly the same cells (the normalisations and
        aggregations of one imputation usually are). ``columns``: the indicators (rows of
        ``W``) that ``terms``' columns are, when it leaves out some that are absent
        everywhere; default all, in order."""
        in_group = [(g, np.flatnonzero(W[:, g] > 0)) for g in range(W.shape[1])]
        in_group = [(g, cols) for g, cols in in_group if cols.size]
        # Every group's columns side by side, taken in one pass; each group's block is a slice.
        order = np.concatenate([cols for _g, cols in in_group]) if in_group else np.arange(0)
        terms = np.asarray(terms, dtype=np.float32)
        if columns is None:
            grouped = np.take(terms, order, axis=1)
        else:
            at = np.full(W.shape[0], -1)
            at[columns] = np.arange(len(columns))
            source = at[order]
            grouped = np.take(terms, np.maximum(source, 0), axis=1)
            grouped[:, source < 0] = np.nan
        self.absent = absent = np.isnan(grouped)
        spans = np.cumsum([0] + [cols.size for _g, cols in in_group])
        group_of_column = np.repeat([g for g, _cols in in_group], np.diff(spans))
        reused: dict[int, Patterns] = {}
        drop: np.ndarray | None = None
        if like is not None and like.group_mask is group_present:
            self.group_present, self.group_count = like.group_present, like.group_count
            self.present_patterns, self.uncounted = like.present_patterns, like.uncounted
            if np.array_equal(like.absent, absent):
                reused = {group.g: group.absent for group in like.groups}
                drop = like.drop
        else:
            self.group_present = group_present.astype(np.float32)
            self.group_count = group_present.sum(axis=1).astype(np.int16)
            self.present_patterns = Patterns.of(group_present)
            self.uncounted = ~group_present[:, group_of_column]
        self.group_mask = group_present
        # The cells that add nothing: absent, or in a group that does not count for the region.
        self.drop = absent | self.uncounted if drop is None else drop
        n = grouped.shape[0]
        self.chunks = [slice(i, min(i + self.CHUNK, n)) for i in range(0, n, self.CHUNK)]
        patterns = {
            g: reused.get(g) or Patterns.of(absent[:, start:stop])
            for (g, _cols), start, stop in zip(in_group, spans[:-1], spans[1:], strict=True)
        }
        np.copyto(grouped, np.float32(0.0), where=self.drop)
        self.groups = [
            GroupBlock(g, cols, W[cols, g].astype(np.float32), grouped[:, start:stop], patterns[g])
            for (g, cols), start, stop in zip(in_group, spans[:-1], spans[1:], strict=True)
        ]

    def totals(
        self, a: np.ndarray, k_noise: np.ndarray, g_noise: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(draws, regions) totals on the averaged-terms scale (enough for ranking), and the
        number of groups each total rests on (a left-out indicator can empty a group)."""
        ga = (g_noise * a[None, :]).astype(np.float32)
        kn = k_noise.astype(np.float32)
        draws = k_noise.shape[0]
        total = np.empty((draws, self.group_present.shape[0]), dtype=np.float32)
        fixed = bool((kn > 0).all())  # nothing left out: which groups count is fixed
        weights = []
        for group in self.groups:
            m = group.w[:, None] * kn[:, group.cols].T  # (indicators in g, draws)
            full = m.sum(axis=0)[None, :]
            # The weight each absence pattern lacks, summed in double precision: exact for
            # these few single-precision terms, so the order of summing does not matter.
            lacking = (group.absent.patterns.astype(np.float64) @ m.astype(np.float64)).astype(
                np.float32
            )
            weights.append((full - lacking, m * ga[:, group.g][None, :]))
        if fixed:
            # Σ_g present·a_g per pattern of counted groups, group by group as a region's own
            # sum would add them (a product with an inner dimension of eight costs more in the
            # BLAS's set-up than in arithmetic).
            counted_weight = np.zeros((len(self.present_patterns.patterns), draws), np.float32)
            present = self.present_patterns.patterns.astype(np.float32)
            for g in range(ga.shape[1]):
                counted_weight += present[:, g][:, None] * ga[:, g][None, :]

        def chunk(c: int) -> None:
            rows = self.chunks[c]
            num = np.zeros((rows.stop - rows.start, draws), dtype=np.float32)
            if fixed:
                for group, (den_of, mg) in zip(self.groups, weights, strict=True):
                    den = group.absent.take(den_of, rows)
                    np.maximum(den, np.float32(1e-30), out=den)  # absent group: 0 / tiny
                    part = group.block[rows] @ mg
                    part /= den
                    num += part
                num /= self.present_patterns.take(counted_weight, rows)
                total[:, rows] = num.T
                return
            weight = np.zeros(num.shape, dtype=np.float32)
            counted = np.zeros(num.shape, dtype=np.int16)
            for group, (den_of, mg) in zip(self.groups, weights, strict=True):
                den = group.absent.take(den_of, rows)
                has = (den > np.float32(1e-6)) & (self.group_present[rows, group.g] > 0)[:, None]
                np.maximum(den, np.float32(1e-30), out=den)
                num += np.where(has, (group.block[rows] @ mg) / den, 0.0)
                weight += has * ga[:, group.g][None, :]
                counted += has
            with np.errstate(invalid="ignore", divide="ignore"):
                total[:, rows] = np.where(weight > 0, num / weight, np.nan).T
            counted_all[:, rows] = counted.T

        if fixed:
            for c in range(len(self.chunks)):
                chunk(c)
            return total, np.broadcast_to(self.group_count[None, :], total.shape)
        counted_all = np.empty(total.shape, dtype=np.int16)
        for c in range(len(self.chunks)):
            chunk(c)
        return total, counted_all


@dataclass(frozen=True)
class Patterns:
    """The distinct rows of a (regions × columns) mask, and which one each region has."""

    patterns: np.ndarray
    """(patterns × columns) bool."""
    of_row: np.ndarray
    """(regions,) index into ``patterns``."""

    @classmethod
    def of(cls, mask: np.ndarray) -> Patterns:
        packed = np.packbits(mask, axis=1, bitorder="little")
        width = -(-max(packed.shape[1], 1) // 8) * 8  # whole 64-bit words: one integer a row
        words = np.zeros((mask.shape[0], width), dtype=np.uint8)
        words[:, : packed.shape[1]] = packed
        codes = words.view(np.uint64) if width == 8 else words.view(np.dtype((np.void, width)))
        _, first, of_row = np.unique(codes[:, 0], return_index=True, return_inverse=True)
        return cls(mask[first], of_row.reshape(-1).astype(np.intp))

    def take(self, per_pattern: np.ndarray, rows: slice) -> np.ndarray:
        """(rows × draws): each region's row of a (patterns × draws) array, as a new array."""
        if len(per_pattern) == 1:
            return np.repeat(per_pattern, rows.stop - rows.start, axis=0)
        return np.take(per_pattern, self.of_row[rows], axis=0)


@dataclass(frozen=True)
class GroupBlock:
    """One group's terms (absent and uncounted cells zeroed) and its indicators' weights."""

    g: int
    cols: np.ndarray
    w: np.ndarray
    block: np.ndarray
    absent: Patterns


SUMMARY_BLOCK = 16_384
"""Regions summarised together: blocks of a whole country go to both processors, and a block
is a fixed size so the sums come out the same on any number of threads."""


@dataclass(frozen=True)
class RankSummary:
    """Per region: its ranks' percentiles, mean and how often it was ranked; per choice: the
    first-order sensitivity index (see :func:`summarise`)."""

    p05: np.ndarray
    median: np.ndarray
    p95: np.ndarray
    mean: np.ndarray
    share: np.ndarray
    first_order: dict[str, float]


def summarise(ranks: np.ndarray, columns: np.ndarray, labels: dict[str, np.ndarray]) -> RankSummary:
    """The ranks of the regions ``columns`` of the (draws × regions) ``ranks`` (-1 where a
    region was not ranked) summed up per region, and per choice named in ``labels`` (one value
    per draw) ``Var(E[rank | choice]) / Var(rank)`` pooled over those regions.

    Blocks of regions are summarised on as many threads as there are processors; each
    region's figures do not depend on the blocks, and the pooled sums are added up block by
    block in order."""
    onehots = {name: _onehot(label) for name, label in labels.items()}
    starts = list(range(0, columns.size, SUMMARY_BLOCK))
    parts: list[tuple[list[np.ndarray], float, dict[str, float]]] = [([], 0.0, {})] * len(starts)

    def block(i: int) -> None:
        chosen = columns[starts[i] : starts[i] + SUMMARY_BLOCK]
        by_region = np.ascontiguousarray(ranks[:, chosen].T)
        by_region[by_region < 0] = np.nan
        p05, median, p95 = percentiles(by_region, (5.0, 50.0, 95.0))
        with np.errstate(invalid="ignore"):
            mean = np.nanmean(by_region, axis=1)
        share = np.isfinite(by_region).mean(axis=1)
        parts[i] = ([p05, median, p95, mean, share], *_first_order_sums(by_region, onehots))

    for_each_block(len(starts), block, ranks.shape[0] * columns.size)
    joined = [
        np.concatenate([figures[k] for figures, _t, _b in parts]) if parts else np.empty(0)
        for k in range(5)
    ]
    total = sum(t for _f, t, _b in parts)
    first = {
        name: float(sum(b[name] for _f, _t, b in parts) / total) if total > 0 else 0.0
        for name in labels
    }
    p05, median, p95, mean, share = joined
    return RankSummary(p05, median, p95, mean, share, first)


def _onehot(label: np.ndarray) -> np.ndarray:
    """(draws × values) indicator matrix of a choice's value in each draw."""
    values, codes = np.unique(label.astype(str), return_inverse=True)
    onehot = np.zeros((label.size, values.size), dtype=np.float32)
    onehot[np.arange(label.size), codes.reshape(-1)] = 1.0
    return onehot


def _first_order_sums(
    ranks: np.ndarray, onehots: dict[str, np.ndarray]
) -> tuple[float, dict[str, float]]:
    """For regions × draws ``ranks`` (NaN where not ranked): the pooled rank variance, and per
    choice the pooled variance of its conditional mean ranks. Per-value sums are one matrix
    product with the choice's indicator matrix, on ranks centred on each region's mean (so
    single precision loses nothing that matters)."""
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
    between = {}
    for name, onehot in onehots.items():
        n = (
            np.broadcast_to(onehot.sum(axis=0, dtype=np.float64), (ranks.shape[0], onehot.shape[1]))
            if everywhere
            else valid.astype(np.float32) @ onehot
        ).astype(np.float64)
        deviation = (centred @ onehot).astype(np.float64) / np.maximum(n, 1.0)
        between[name] = float(np.where(n > 0, (n / safe[:, None]) * deviation**2, 0.0).sum())
    return total, between


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
