"""Uncertainty that includes the data: rounding, redrawn counts, the reference, leave-one-out and
the coverage rule (``index.perturb`` and ``uncertainty(full=True)``)."""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pandas as pd
import pytest

from wijkkompas.index import EngineOptions, fit_reference, score, uncertainty
from wijkkompas.index.perturb import (
    collapsed,
    data_replicate,
    publication_steps,
    reference_params,
    replicate_steps,
)
from wijkkompas.index.pipeline import prepare
from wijkkompas.index.spec import GROUPS, IndexSpec
from wijkkompas.index.synthetic import synthetic_panel, synthetic_spec
from wijkkompas.index.uncertainty import FULL_SOURCES, METHOD_SOURCES

YEAR = 2023


@pytest.fixture(scope="module")
def world() -> tuple:
    spec = synthetic_spec(16, seed=3)
    panel, _ = synthetic_panel(
        spec, n_gemeenten=6, wijken_per_gemeente=4, years=(2020, 2021, 2022, 2023), seed=3
    )
    options = EngineOptions(seed=11)
    return spec, panel, options, fit_reference(panel, spec, options)


def with_column(panel, k: int, values: np.ndarray):
    out = copy.copy(panel)
    out.values = panel.values.copy()
    out.values[:, :, k] = values
    return out


# --- rounding read from the figures ---------------------------------------------------------


@pytest.mark.parametrize("step", [10.0, 5.0, 1.0, 0.1])
def test_the_rounding_step_is_read_from_the_published_figures(world, step: float) -> None:
    _spec, panel, _, _ = world
    rng = np.random.default_rng(0)
    raw = rng.uniform(1, 3000, size=panel.values.shape[:2])
    rounded = np.round(raw / step) * step
    steps = publication_steps(with_column(panel, 0, rounded), [panel.indicators[0]])
    assert (steps == step).all()


def test_figures_that_are_not_rounded_claim_no_step(world) -> None:
    _spec, panel, _, _ = world
    raw = np.random.default_rng(1).uniform(1, 3000, size=panel.values.shape[:2])
    assert (publication_steps(with_column(panel, 0, raw), [panel.indicators[0]]) == 0).all()


def test_too_few_figures_claim_no_step(world) -> None:
    _spec, panel, _, _ = world
    sparse = np.full(panel.values.shape[:2], np.nan)
    sparse[:, :5] = 10.0
    assert (publication_steps(with_column(panel, 0, sparse), [panel.indicators[0]]) == 0).all()


# --- one data replicate ---------------------------------------------------------------------


def rate_spec(spec: IndexSpec) -> tuple[int, object]:
    for k, ind in enumerate(spec.indicators):
        if ind.rate_factor is not None and ind.size is not None and not ind.model_estimate:
            return k, ind
    raise AssertionError("the synthetic spec has no rate with a size")


def test_a_replicate_keeps_missing_figures_missing_and_rates_in_range(world) -> None:
    spec, panel, _, _ = world
    replicate = data_replicate(panel, spec, np.random.default_rng(2))
    at = {ind: k for k, ind in enumerate(panel.indicators)}
    for ind in spec.indicators:
        before, after = panel.values[:, :, at[ind.id]], replicate.values[:, :, at[ind.id]]
        assert np.array_equal(np.isnan(before), np.isnan(after))
        if ind.rate_factor is not None:
            assert np.nanmin(after) >= 0 and np.nanmax(after) <= ind.rate_factor
    assert replicate.population is panel.population  # sizes stay as published


def test_redrawn_counts_vary_more_in_small_buurten_and_are_unbiased(world) -> None:
    spec, panel, _, _ = world
    _k, ind = rate_spec(spec)
    at = panel.indicators.index(ind.id)
    size_at = panel.indicators.index(ind.size)
    rng = np.random.default_rng(3)
    draws = np.stack([data_replicate(panel, spec, rng).values[-1, :, at] for _ in range(300)])
    truth = panel.values[-1, :, at]
    size = panel.values[-1, :, size_at]
    ok = np.isfinite(truth) & (size > 0) & (truth > 0.05 * ind.rate_factor)
    spread = draws.std(axis=0)
    small = ok & (size < np.nanpercentile(size[ok], 25))
    large = ok & (size > np.nanpercentile(size[ok], 75))
    assert np.nanmedian(spread[small]) > 1.5 * np.nanmedian(spread[large])
    bias = (draws.mean(axis=0) - truth)[large]
    assert np.nanmedian(np.abs(bias)) < 0.05 * np.nanmedian(truth[large])


def test_a_model_estimate_moves_only_within_its_rounding(world) -> None:
    spec, panel, _, _ = world
    k, ind = rate_spec(spec)
    indicators = list(spec.indicators)
    indicators[k] = dataclasses.replace(ind, model_estimate=True)
    model_spec = dataclasses.replace(spec, indicators=tuple(indicators))
    at = panel.indicators.index(ind.id)
    whole = with_column(panel, at, np.round(panel.values[:, :, at]))
    replicate = data_replicate(whole, model_spec, np.random.default_rng(4))
    moved = np.abs(replicate.values[:, :, at] - whole.values[:, :, at])
    assert np.nanmax(moved) <= 0.5 + 1e-9
    assert np.nanmax(moved) > 0.1  # it does move: the rounding is undone


def test_steps_are_read_once_and_give_the_same_replicate(world) -> None:
    spec, panel, _, _ = world
    steps = replicate_steps(panel, spec)
    a = data_replicate(panel, spec, np.random.default_rng(5), steps)
    b = data_replicate(panel, spec, np.random.default_rng(5))
    assert np.array_equal(a.values, b.values, equal_nan=True)


# --- the reference --------------------------------------------------------------------------


def test_the_fit_reports_how_much_the_yardstick_depends_on_the_gemeenten(world) -> None:
    spec, _, _, reference = world
    assert reference.spread_log_se.shape == (len(spec.ids),)
    finite = np.isfinite(reference.spread_log_se)
    assert finite.any() and (reference.spread_log_se[finite] > 0).all()
    # ... and keeps it through JSON.
    again = type(reference).from_json(reference.to_json())
    np.testing.assert_allclose(again.spread_log_se, reference.spread_log_se)
    np.testing.assert_allclose(again.centre_se, reference.centre_se)


def test_a_reference_draw_shifts_and_scales_the_whole_distribution(world) -> None:
    _spec, _, _, reference = world
    params = reference.params()
    moved = reference_params(
        params, reference.centre_se, reference.spread_log_se, np.random.default_rng(6)
    )
    scale = moved["spread"] / params["spread"]
    ok = np.isfinite(scale)
    assert not np.allclose(scale[ok], 1.0)
    np.testing.assert_allclose(moved["sd"][ok] / params["sd"][ok], scale[ok])
    width = (moved["max"] - moved["min"]) / (params["max"] - params["min"])
    np.testing.assert_allclose(width[ok], scale[ok])


def test_a_reference_without_errors_is_used_as_it_is(world) -> None:
    _, _, _, reference = world
    params = reference.params()
    same = reference_params(params, np.array([]), np.array([]), np.random.default_rng(7))
    assert same is params


# --- the full analysis ----------------------------------------------------------------------


def test_the_collapsed_year_prepares_to_the_same_figures(world) -> None:
    spec, panel, options, reference = world
    t = int(np.flatnonzero(panel.years == YEAR)[0])
    kwargs = dict(
        spec=spec,
        imputation="parent",
        shrinkage="empirical_bayes",
        suppression_threshold=options.suppression_threshold,
    )
    whole = prepare(panel, tau2=reference.tau2_for(panel.years), **kwargs)
    one = collapsed(panel, spec, t)
    alone = prepare(one, tau2=reference.tau2_for(one.years), carry=False, **kwargs)
    np.testing.assert_allclose(alone.X[0], whole.X[t], equal_nan=True)


def test_figures_without_imputation_are_the_imputed_ones_with_the_filled_cells_emptied(
    world,
) -> None:
    """What the method-only intervals rely on to skip preparing the panel a second time."""
    spec, panel, options, reference = world
    kwargs = dict(
        spec=spec,
        tau2=reference.tau2_for(panel.years),
        shrinkage="empirical_bayes",
        suppression_threshold=options.suppression_threshold,
    )
    parent = prepare(panel, imputation="parent", **kwargs)
    none = prepare(panel, imputation="none", **kwargs)
    assert parent.imputed.any()
    np.testing.assert_array_equal(np.where(parent.imputed, np.nan, parent.X), none.X)


def test_the_full_analysis_names_its_sources_and_is_seeded(world) -> None:
    spec, panel, options, reference = world
    a = uncertainty(panel, spec, reference, options, year=YEAR, draws=200, full=True)
    b = uncertainty(panel, spec, reference, options, year=YEAR, draws=200, full=True)
    pd.testing.assert_frame_equal(a.ranks, b.ranks)
    assert a.sources == FULL_SOURCES
    assert set(a.sensitivity["choice"]) == {
        "imputation",
        "normalisation",
        "aggregation",
        "left_out",
        "coverage",
        "data_and_reference",
    }
    assert a.sensitivity["first_order"].between(0, 1).all()
    assert (a.draws["left_out"] != "none").mean() == pytest.approx(0.5, abs=0.1)
    assert set(a.draws["coverage"]) <= {3, 4, 5}
    assert "not a confidence interval" in a.notes[0]


def test_the_full_interval_is_wider_than_the_method_only_one(world) -> None:
    spec, panel, options, reference = world
    method = uncertainty(panel, spec, reference, options, year=YEAR, draws=300)
    full = uncertainty(panel, spec, reference, options, year=YEAR, draws=300, full=True)
    assert method.sources == METHOD_SOURCES
    width = {
        name: (u.ranks["rank_p95"] - u.ranks["rank_p05"]).mean()
        for name, u in (("method", method), ("full", full))
    }
    assert width["full"] > width["method"]


def test_a_region_short_of_groups_is_unranked_under_a_stricter_rule(world) -> None:
    spec, panel, options, reference = world
    buurt = int(np.flatnonzero(panel.levels == "buurt")[0])
    keep = set(GROUPS[:4])
    gone = [ind.id for ind in spec.indicators if not keep & set(ind.groups)]
    values = panel.values.copy()
    for ind in gone:
        values[:, buurt, panel.indicators.index(ind)] = np.nan
    thin = copy.copy(panel)
    thin.values = values
    result = uncertainty(thin, spec, reference, options, year=YEAR, draws=300, full=True)
    row = result.ranks.set_index("region_code").loc[panel.codes[buurt]]
    # Four groups: ranked under the rules 3 and 4, not under 5 (a third of the draws).
    assert row["ranked_share"] == pytest.approx(2 / 3, abs=0.12)
    others = result.ranks[result.ranks["region_code"] != panel.codes[buurt]]
    assert others["ranked_share"].min() > 0.9


# --- several years in one pass ----------------------------------------------------------------


def test_ranking_several_years_in_one_pass_gives_each_years_own_intervals(world) -> None:
    """The command line draws every year's method-only intervals in one pass: each year must
    come out exactly as a call for that year alone (same seed, same draws)."""
    spec, panel, options, reference = world
    together = uncertainty(panel, spec, reference, options, year=[2021, 2022, 2023], draws=120)
    assert sorted(together.ranks["year"].unique()) == [2021, 2022, 2023]
    for year in (2021, 2022, 2023):
        alone = uncertainty(panel, spec, reference, options, year=year, draws=120).ranks
        mine = together.ranks[together.ranks["year"] == year].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone.reset_index(drop=True))


def test_starting_from_the_run_s_own_scores_gives_the_same_intervals(world) -> None:
    """``index`` hands the scores it just computed to the rank intervals, which then skip
    preparing the nominal figures again: the intervals and sensitivities must not change."""
    spec, panel, options, reference = world
    years = list(panel.years)
    scored = score(panel, spec, reference, options)
    again = uncertainty(panel, spec, reference, options, year=years, draws=60)
    reused = uncertainty(panel, spec, reference, options, year=years, draws=60, scored=scored)
    pd.testing.assert_frame_equal(reused.ranks, again.ranks)
    pd.testing.assert_frame_equal(reused.sensitivity, again.sensitivity)
    assert reused.ranks["rank_p05"].notna().sum() > 0


def test_the_full_analysis_refuses_several_years_at_once(world) -> None:
    spec, panel, options, reference = world
    with pytest.raises(ValueError, match="one year at a time"):
        uncertainty(panel, spec, reference, options, year=[2022, 2023], draws=10, full=True)
