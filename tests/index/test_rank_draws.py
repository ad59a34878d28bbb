"""The arithmetic of rank draws, held to the plain formulas it computes faster."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import rankdata

from wijkkompas.index.draw_ranks import ranks_within
from wijkkompas.index.rank_draws import Blocks


def draws_world(seed: int, rows: int = 3000, groups: int = 4, per_group: int = 5) -> dict:
    """Terms with missing cells in a few patterns, one group per indicator, and some groups
    that do not count for some regions."""
    rng = np.random.default_rng(seed)
    K = groups * per_group
    terms = rng.normal(size=(rows, K))
    terms[rng.random((rows, K)) < 0.15] = np.nan
    terms[:, 3] = np.nan  # an indicator nobody measured
    W = np.zeros((K, groups))
    W[np.arange(K), np.arange(K) // per_group] = rng.uniform(0.5, 2.0, K)
    has_figure = ~np.isnan(terms) @ (W > 0)
    group_present = (has_figure > 0) & (rng.random((rows, groups)) < 0.9)
    draws = 7
    return {
        "terms": terms,
        "W": W,
        "group_present": group_present,
        "a": rng.uniform(0.5, 1.5, groups),
        "k_noise": rng.uniform(0.75, 1.25, (draws, K)),
        "g_noise": rng.uniform(0.75, 1.25, (draws, groups)),
    }


def plain_totals(world: dict) -> tuple[np.ndarray, np.ndarray]:
    """Per draw and region: the weighted mean over counted groups of each group's weighted
    mean over its present indicators (a counted group without any present indicator adds
    nothing but keeps its weight), in double precision, one region at a time."""
    terms, W, present = world["terms"], world["W"], world["group_present"]
    draws, (rows, groups) = world["k_noise"].shape[0], present.shape
    out = np.full((draws, rows), np.nan)
    counted = np.zeros((draws, rows), dtype=int)
    for d in range(draws):
        kn, ga = world["k_noise"][d], world["g_noise"][d] * world["a"]
        for r in range(rows):
            num = weight = 0.0
            for g in range(groups):
                members = np.flatnonzero(W[:, g] > 0)
                have = members[~np.isnan(terms[r, members]) & (kn[members] > 0)]
                wk = W[have, g] * kn[have]
                if not present[r, g]:
                    continue
                if world["k_noise"].min() > 0 or wk.sum() > 1e-6:
                    num += ga[g] * (wk @ terms[r, have] / wk.sum() if have.size else 0.0)
                    weight += ga[g]
                    counted[d, r] += 1
            out[d, r] = num / weight if weight > 0 else np.nan
    return out, counted


def assert_totals_are_the_plain_ones(world: dict) -> None:
    blocks = Blocks(world["terms"], world["W"], world["group_present"])
    total, counted = blocks.totals(world["a"], world["k_noise"], world["g_noise"])
    expected, expected_counted = plain_totals(world)
    np.testing.assert_allclose(total, expected, rtol=2e-5, atol=2e-6)
    np.testing.assert_array_equal(counted, expected_counted)


@pytest.mark.parametrize("seed", [1, 2])
def test_totals_are_the_weighted_mean_of_the_group_means(seed: int) -> None:
    assert_totals_are_the_plain_ones(draws_world(seed, rows=400))


def test_a_left_out_indicator_can_empty_a_group_and_is_counted_out() -> None:
    world = draws_world(3, rows=400)
    world["k_noise"][:, 0:5] = 0.0  # the whole first group left out in every draw
    assert_totals_are_the_plain_ones(world)


def test_leaving_out_columns_absent_everywhere_gives_the_same_totals_bit_for_bit() -> None:
    world = draws_world(4)
    live = np.flatnonzero(~np.isnan(world["terms"]).all(axis=0))
    assert live.size < world["terms"].shape[1]
    whole = Blocks(world["terms"], world["W"], world["group_present"])
    part = Blocks(world["terms"][:, live], world["W"], world["group_present"], columns=live)
    args = (world["a"], world["k_noise"], world["g_noise"])
    np.testing.assert_array_equal(whole.totals(*args)[0], part.totals(*args)[0])


def test_blocks_built_like_earlier_ones_give_the_same_totals() -> None:
    world = draws_world(5)
    first = Blocks(world["terms"], world["W"], world["group_present"])
    again = Blocks(world["terms"] * 2.0, world["W"], world["group_present"], like=first)
    fresh = Blocks(world["terms"] * 2.0, world["W"], world["group_present"].copy())
    args = (world["a"], world["k_noise"], world["g_noise"])
    np.testing.assert_array_equal(again.totals(*args)[0], fresh.totals(*args)[0])


@pytest.mark.parametrize("sorted_levels", [True, False])
def test_ranks_are_taken_within_each_level_and_skip_missing_totals(sorted_levels: bool) -> None:
    rng = np.random.default_rng(7)
    depth = np.repeat([0, 1, 2, 5], [300, 40, 7, 120])
    if not sorted_levels:
        depth = rng.permutation(depth)
    total = rng.normal(size=(6, depth.size)).astype(np.float32)
    total[rng.random(total.shape) < 0.05] = np.nan
    ranks = ranks_within(total, depth)
    for d in range(total.shape[0]):
        for level in np.unique(depth):
            members = np.flatnonzero((depth == level) & ~np.isnan(total[d]))
            expected = rankdata(-total[d, members].astype(np.float64), method="min")
            np.testing.assert_array_equal(ranks[d, members], expected)
    assert (ranks[np.isnan(total)] == -1).all()


@pytest.mark.parametrize("precision", [np.float32, np.float64])
@pytest.mark.parametrize("sorted_levels", [True, False])
def test_equal_totals_are_ranked_in_column_order_as_a_stable_sort_ranks_them(
    sorted_levels: bool, precision: type
) -> None:
    """Ties are common in single precision at whole-country scale (and signed zeros are equal):
    they must get the ranks ``rankdata(method="min")`` gives, not an order that depends on
    how the sort happened to run."""
    rng = np.random.default_rng(11)
    depth = np.repeat([0, 1, 3], [500, 60, 9])
    if not sorted_levels:
        depth = rng.permutation(depth)
    total = np.round(rng.normal(size=(40, depth.size)), 1).astype(precision)
    total[rng.random(total.shape) < 0.1] = -0.0
    total[rng.random(total.shape) < 0.05] = np.nan
    total[0, :3] = [np.inf, -np.inf, np.nan]
    ranks = ranks_within(total, depth)
    for d in range(total.shape[0]):
        for level in np.unique(depth):
            members = np.flatnonzero((depth == level) & ~np.isnan(total[d]))
            expected = rankdata(-total[d, members].astype(np.float64), method="min")
            np.testing.assert_array_equal(ranks[d, members], expected)
    assert (ranks[np.isnan(total)] == -1).all()
