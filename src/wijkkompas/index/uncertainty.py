"""Uncertainty: how much a region's rank depends on choices nobody can prove right.

Monte Carlo over methodological choices (Saisana, Saltelli & Tarantola 2005; OECD/JRC 2008
§7; COINr ``get_sensitivity``): each draw picks an imputation, a normalisation and an
aggregation uniformly, and multiplies every indicator weight and every group weight by an
independent factor from U(1 − noise, 1 + noise). The reference is fixed throughout, so only the
choices vary. Reported per region: the nominal rank, the median rank and the 5–95% rank interval
(1 = best, within year and level), and per choice its first-order sensitivity index
``Var(E[rank | choice]) / Var(rank)``, pooled over regions.

Simplifications, for speed at national scale: which groups count and which regions are ranked
are fixed at their nominal values (coverage rules are not re-applied per draw), and the
normalised matrices of each (imputation, normalisation) pair are computed once and reused, so
1,000 draws cost a few batched matrix products.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from wijkkompas.index.aggregate import sparse_mask
from wijkkompas.index.engine import options_of
from wijkkompas.index.normalise import levels, normalise
from wijkkompas.index.options import AGGREGATIONS, IMPUTATIONS, NORMALISATIONS, EngineOptions
from wijkkompas.index.panel import Panel
from wijkkompas.index.pipeline import compute, prepare
from wijkkompas.index.reference import Reference
from wijkkompas.index.spec import GROUPS, as_spec

BATCH = 64


@dataclass
class UncertaintyResult:
    """Rank intervals per region, sensitivity per choice, and the choices of every draw."""

    ranks: pd.DataFrame
    sensitivity: pd.DataFrame
    draws: pd.DataFrame
    year: int


def uncertainty(
    panel: Panel | pd.DataFrame,
    catalogue: Any,
    reference: Reference,
    options: EngineOptions | None = None,
    *,
    year: int,
    draws: int = 1000,
    weight_noise: float = 0.25,
    imputations: tuple[str, ...] = IMPUTATIONS,
    normalisations: tuple[str, ...] = NORMALISATIONS,
    aggregations: tuple[str, ...] = AGGREGATIONS,
    seed: int | None = None,
) -> UncertaintyResult:
    """Rank uncertainty of the total in one year under varied methodological choices.

    Parameters
    ----------
    panel, catalogue, reference, options
        As for :func:`~wijkkompas.index.score`.
    year
        The year to rank.
    draws
        Monte Carlo draws.
    weight_noise
        Half-width of the uniform multiplicative noise on every weight.
    imputations, normalisations, aggregations
        The alternatives drawn from, uniformly.
    seed
        Default ``options.seed``.

    Returns
    -------
    UncertaintyResult
        ``ranks``: ``region_code``, ``level``, ``rank_nominal``, ``rank_median``,
        ``rank_mean``, ``rank_p05``, ``rank_p95``. ``sensitivity``: first-order index per
        choice (the remainder is due to weights and interactions).
    """
    options = options or options_of(reference)
    panel = panel if isinstance(panel, Panel) else Panel.from_long(panel)
    spec = as_spec(catalogue, options.expert_weights)
    reference.check(spec.catalogue_hash, spec.ids, options.method())
    rng = np.random.default_rng(options.seed if seed is None else seed)
    carry = max((i.carry_years for i in spec.indicators), default=0)
    keep = (panel.years <= year) & (panel.years >= year - carry)
    sub = panel.select(years=panel.years[keep].tolist())
    t = int(np.flatnonzero(sub.years == year)[0])
    method = reference.method
    params = reference.params()
    w = reference.weights

    def prepared(imputation: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        p = prepare(
            sub,
            spec,
            tau2=reference.tau2_for(sub.years),
            imputation=imputation,
            shrinkage=method["shrinkage"],
            suppression_threshold=options.suppression_threshold,
        )
        return p.X[t : t + 1], p.observed[t : t + 1], p.suppressed[t]

    X0, O0, hidden = prepared(options.imputation)
    nominal = compute(
        X0,
        O0,
        normalisation=method["normalisation"],
        aggregation=method["aggregation"],
        params=params,
        signs=spec.signs,
        weights=w,
        proxies=spec.proxies,
        min_groups=options.min_groups,
    )
    ranked = ~np.isnan(nominal.total) & ~hidden
    group_present = nominal.agg.present[ranked][:, : len(GROUPS)]
    depth = sub.depth[ranked]
    choices = pd.DataFrame(
        {
            "imputation": rng.choice(list(imputations), draws),
            "normalisation": rng.choice(list(normalisations), draws),
            "aggregation": rng.choice(list(aggregations), draws),
        }
    )
    k_noise = rng.uniform(1 - weight_noise, 1 + weight_noise, size=(draws, len(spec.ids)))
    g_noise = rng.uniform(1 - weight_noise, 1 + weight_noise, size=(draws, len(GROUPS)))
    ranks = np.empty((draws, int(ranked.sum())), dtype=np.int32)
    by_choice = choices.groupby(["imputation", "normalisation", "aggregation"]).indices
    for imp in imputations:
        X = X0 if imp == options.imputation else prepared(imp)[0]
        for norm in normalisations:
            V = normalise(X, norm, params, spec.signs)[0][ranked]
            for agg in aggregations:
                found = by_choice.get((imp, norm, agg))
                if found is None:
                    continue
                idx = np.asarray(found)
                terms = np.log(levels(V, norm)) if agg == "geometric" else V
                blocks = _Blocks(terms, w.indicator, group_present)
                for start in range(0, idx.size, BATCH):
                    d = idx[start : start + BATCH]
                    total = blocks.totals(w.group, k_noise[d], g_noise[d])
                    ranks[d] = _ranks(total, depth)
    rank_nominal = _ranks(nominal.total[ranked][None, :], depth)[0]
    by_region = np.ascontiguousarray(ranks.T)
    p05, median, p95 = np.percentile(by_region, [5, 50, 95], axis=1)
    frame = pd.DataFrame(
        {
            "region_code": sub.codes[ranked],
            "level": sub.levels[ranked],
            "rank_nominal": rank_nominal,
            "rank_median": median,
            "rank_mean": by_region.mean(axis=1),
            "rank_p05": p05,
            "rank_p95": p95,
        }
    )
    mean = frame["rank_mean"].to_numpy()
    variance = (by_region.astype(np.float64) ** 2).mean(axis=1) - mean**2
    sens = pd.DataFrame(
        [
            {"choice": c, "first_order": _first_order(ranks, choices[c].to_numpy(), mean, variance)}
            for c in ("imputation", "normalisation", "aggregation")
        ]
    )
    choices["weight_noise_sd"] = k_noise.std(axis=1)
    return UncertaintyResult(frame, sens, choices, year)


class _Blocks:
    """One choice's terms split by group, so a draw costs one small product per group.

    Each indicator usually sits in one group: multiplying the whole matrix by a dense
    (indicators × groups·draws) weight matrix would waste most of its work on zeros. Present
    weight is the group's full weight minus a sparse correction for the few absent cells.
    Groups that do not count for a region (nominal coverage rule) are zeroed once, here.
    Single precision: only the ranks of these totals are used.
    """

    def __init__(self, terms: np.ndarray, W: np.ndarray, group_present: np.ndarray) -> None:
        absent = np.isnan(terms)
        self.group_present = group_present.astype(np.float32)
        self.groups = []
        for g in range(W.shape[1]):
            cols = np.flatnonzero(W[:, g] > 0)
            if not cols.size:
                continue
            block = np.where(absent[:, cols] | ~group_present[:, g][:, None], 0.0, terms[:, cols])
            self.groups.append(
                (
                    g,
                    cols,
                    W[cols, g].astype(np.float32),
                    block.astype(np.float32),
                    sparse_mask(absent[:, cols]),
                )
            )

    def totals(self, a: np.ndarray, k_noise: np.ndarray, g_noise: np.ndarray) -> np.ndarray:
        """(draws, regions) totals on the averaged-terms scale (enough for ranking)."""
        ga = (g_noise * a[None, :]).astype(np.float32)
        kn = k_noise.astype(np.float32)
        num = np.zeros((self.group_present.shape[0], k_noise.shape[0]), dtype=np.float32)
        for g, cols, w, block, absent in self.groups:
            m = w[:, None] * kn[:, cols].T  # (indicators in g, draws)
            den = m.sum(axis=0)[None, :] - (absent @ m).astype(np.float32)
            np.maximum(den, np.float32(1e-30), out=den)  # absent group: 0 / tiny, weight 0
            num += (block @ (m * ga[:, g][None, :])) / den
        num /= self.group_present @ ga.T
        return np.ascontiguousarray(num.T)


def _ranks(total: np.ndarray, depth: np.ndarray) -> np.ndarray:
    """Ordinal rank (1 = best) within each level, for each row (draw) of ``total``."""
    out = np.empty(total.shape, dtype=np.int32)
    for level in np.unique(depth):
        members = np.flatnonzero(depth == level)
        order = np.argsort(-total[:, members], axis=1)
        r = np.empty_like(order, dtype=np.int32)
        np.put_along_axis(r, order, np.arange(1, members.size + 1, dtype=np.int32)[None, :], axis=1)
        out[:, members] = r
    return out


def _first_order(
    ranks: np.ndarray, labels: np.ndarray, grand: np.ndarray, variance: np.ndarray
) -> float:
    """Var over choices of the conditional mean rank, over total rank variance (pooled over
    regions); ``ranks`` is (draws × regions), ``grand`` and ``variance`` per region."""
    total = variance.sum()
    if total <= 0:
        return 0.0
    between = np.zeros(ranks.shape[1])
    for value in np.unique(labels):
        members = labels == value
        between += members.mean() * (ranks[members].mean(axis=0, dtype=np.float64) - grand) ** 2
    return float(between.sum() / total)
