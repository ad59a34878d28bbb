"""Properties that must hold for every panel and every choice, with the reference fixed.

(The same properties through the command line, on real Amsterdam data, are in
``tests/test_yardstick.py``.)

Panels are drawn from a seed (numpy) and the methodological choices from hypothesis, so a
failure names the seed and the options that break the property.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from wijkkompas.index import EngineOptions, Panel, fit_reference, score
from wijkkompas.index.options import AGGREGATIONS, IMPUTATIONS, NORMALISATIONS, SHRINKAGES

from .conftest import indicator, make_catalogue

CATALOGUE = make_catalogue(
    indicator("households", unit="count", direction="context"),
    indicator("a", dimension="housing", cumulation=["housing"]),
    indicator(
        "b",
        direction="higher_is_worse",
        dimension="nuisance_safety",
        cumulation=["safety_undermining"],
    ),
    indicator(
        "i",
        unit="euro_x1000",
        social_quality="socio_economic_security",
        weight="households",
        cumulation=["work_poverty_inclusion"],
    ),
    indicator(
        "r",
        unit="percent",
        direction="higher_is_worse",
        weight="households",
        social_quality="socio_economic_security",
        cumulation=["work_poverty_inclusion"],
    ),
)
SCORE_COLUMNS = [
    "housing",
    "safety",
    "socioeconomic_security",
    "total",
    "coverage",
    "class",
    "total_imputed",
    "cumulation_count",
    "averages_hide",
]
SIGN = {"a": 1.0, "b": -1.0, "i": 1.0, "r": -1.0}
RUN = settings(max_examples=25, deadline=None)

options_strategy = st.builds(
    EngineOptions,
    imputation=st.sampled_from(IMPUTATIONS),
    normalisation=st.sampled_from(NORMALISATIONS),
    weighting=st.sampled_from(["nominal", "equal"]),
    min_groups=st.integers(1, 3),
    aggregation=st.sampled_from(AGGREGATIONS),
    shrinkage=st.sampled_from(SHRINKAGES),
    suppression_threshold=st.just(0.0),
    mean_share_pairs=st.just((("i", "r"),)),
)


def random_panel(
    seed: int, n_buurten: int = 6, years: tuple[int, ...] = (2020, 2021, 2022)
) -> pd.DataFrame:
    """One gemeente, two wijken, ``n_buurten`` buurten; some values missing."""
    rng = np.random.default_rng(seed)
    codes = ["GM0001", "WK000100", "WK000101"] + [
        f"BU00010{b % 2}{b:02d}" for b in range(n_buurten)
    ]
    rows = []
    for code in codes:
        level = {"GM": "gemeente", "WK": "wijk", "BU": "buurt"}[code[:2]]
        wk = None if level == "gemeente" else "WK" + code[2:8]
        for year in years:
            values = {
                "households": float(rng.integers(20, 800)),
                "a": float(rng.normal(10, 3)),
                "b": float(rng.lognormal(2, 0.8)),
                "i": float(rng.normal(30, 6)),
                "r": float(rng.uniform(2, 60)),
            }
            for ind, value in values.items():
                if level == "buurt" and ind != "households" and rng.random() < 0.15:
                    value = np.nan
                rows.append((code, level, "GM0001", wk, year, ind, value))
    return pd.DataFrame(
        rows,
        columns=[
            "region_code",
            "level",
            "gemeente_code",
            "wijk_code",
            "year",
            "indicator_id",
            "value",
        ],
    )


def _scores(
    frame: pd.DataFrame | Panel, reference, options, extra: tuple[str, ...] = ()
) -> pd.DataFrame:
    s = score(frame, CATALOGUE, reference, options).scores
    s["region_code"] = s["region_code"].astype(str)
    return s.set_index(["region_code", "year"]).sort_index()[[*SCORE_COLUMNS, *extra]].astype(float)


@RUN
@given(seed=st.integers(0, 10_000), options=options_strategy, data=st.data())
def test_improving_an_indicator_never_lowers_the_score(seed, options, data) -> None:
    frame = random_panel(seed)
    reference = fit_reference(frame, CATALOGUE, options)
    present = frame[
        (frame["level"] == "buurt")
        & frame["indicator_id"].isin(list(SIGN))
        & frame["value"].notna()
    ]
    row = present.index[data.draw(st.integers(0, len(present) - 1))]
    ind = frame.at[row, "indicator_id"]
    step = data.draw(st.floats(0.01, 30.0))
    better = frame.copy()
    new = better.at[row, "value"] + SIGN[ind] * step
    better.at[row, "value"] = float(np.clip(new, 0.0, 100.0)) if ind == "r" else new
    before = _scores(frame, reference, options)
    after = _scores(better, reference, options)
    key = (frame.at[row, "region_code"], frame.at[row, "year"])
    for column in ("housing", "safety", "socioeconomic_security", "total"):
        b, a = before.loc[key, column], after.loc[key, column]
        assert np.isnan(b) == np.isnan(a)
        if not np.isnan(b):
            assert a >= b - 1e-9 * max(1.0, abs(b)), (column, ind, b, a)


@RUN
@given(seed=st.integers(0, 10_000), options=options_strategy, shuffle=st.integers(0, 10**6))
def test_region_order_does_not_matter(seed, options, shuffle) -> None:
    frame = random_panel(seed)
    reference = fit_reference(frame, CATALOGUE, options)
    shuffled = frame.sample(frac=1.0, random_state=shuffle).reset_index(drop=True)
    a = _scores(frame, reference, options, ("rank", "decile"))
    b = _scores(shuffled, reference, options, ("rank", "decile"))
    pd.testing.assert_frame_equal(a, b, rtol=1e-12)


@RUN
@given(
    seed=st.integers(0, 10_000),
    options=options_strategy,
    factor=st.sampled_from([0.001, 0.37, 12.5, 1000.0]),
)
def test_scores_do_not_depend_on_units(seed, options, factor) -> None:
    """Indicator a in euros or in thousands of euros: the same scores, once the reference is fitted
    in the same unit."""
    frame = random_panel(seed)
    scaled = frame.copy()
    scaled.loc[scaled["indicator_id"] == "a", "value"] *= factor
    a = _scores(frame, fit_reference(frame, CATALOGUE, options), options)
    b = _scores(scaled, fit_reference(scaled, CATALOGUE, options), options)
    pd.testing.assert_frame_equal(a, b, rtol=1e-7, atol=1e-9)


@RUN
@given(seed=st.integers(0, 10_000), options=options_strategy, which=st.integers(0, 5))
def test_removing_a_region_does_not_change_the_others(seed, options, which) -> None:
    frame = random_panel(seed)
    reference = fit_reference(frame, CATALOGUE, options)
    gone = sorted(frame.loc[frame["level"] == "buurt", "region_code"].unique())[which]
    full = _scores(frame, reference, options).drop(index=gone, level=0)
    without = _scores(frame[frame["region_code"] != gone], reference, options)
    pd.testing.assert_frame_equal(full, without, rtol=1e-12)


@RUN
@given(seed=st.integers(0, 10_000), options=options_strategy)
def test_contributions_sum_to_the_score(seed, options) -> None:
    frame = random_panel(seed)
    result = score(frame, CATALOGUE, fit_reference(frame, CATALOGUE, options), options)
    state = result.state
    total = state.total
    ok = ~np.isnan(total)
    sums = state.contributions(np.arange(total.size))[ok].sum(axis=1)
    target = np.log(total[ok]) if options.aggregation == "geometric" else total[ok]
    np.testing.assert_allclose(sums, target, rtol=1e-10, atol=1e-12)


def test_panel_roundtrip_keeps_scores() -> None:
    frame = random_panel(3)
    options = EngineOptions(suppression_threshold=0.0)
    reference = fit_reference(frame, CATALOGUE, options)
    again = Panel.from_long(Panel.from_long(frame).to_long())
    pd.testing.assert_frame_equal(
        _scores(frame, reference, options), _scores(again.to_long(), reference, options)
    )


def _plain_carry(X, periods, years, carry_years):  # type: ignore[no-untyped-def,unused-ignore]
    """Carrying forward as it reads: each missing cell takes the region's latest own earlier
    figure (and its period) when that is at most the indicator's limit of years back."""
    X, periods = X.copy(), periods.copy()
    own = ~np.isnan(X)
    carried = np.zeros(X.shape, dtype=bool)
    for t in range(1, X.shape[0]):
        for r in range(X.shape[1]):
            for k in range(X.shape[2]):
                if own[t, r, k]:
                    continue
                earlier = [s for s in range(t) if own[s, r, k]]
                if earlier and years[t] - years[earlier[-1]] <= carry_years[k]:
                    X[t, r, k], periods[t, r, k] = X[earlier[-1], r, k], periods[earlier[-1], r, k]
                    carried[t, r, k] = True
    return X, periods, carried


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_carry_forward_is_the_plain_latest_own_figure_within_its_limit(seed: int) -> None:
    from wijkkompas.index.impute import carry_forward

    rng = np.random.default_rng(seed)
    years = np.sort(rng.choice(np.arange(2010, 2026), size=int(rng.integers(1, 7)), replace=False))
    shape = (len(years), int(rng.integers(1, 6)), int(rng.integers(1, 5)))
    X = np.where(rng.random(shape) < 0.4, np.nan, rng.random(shape))
    periods = np.where(np.isnan(X), np.nan, years[:, None, None] - rng.integers(0, 2, shape))
    limits = rng.integers(0, 4, shape[2]).astype(float)
    want = _plain_carry(X, periods, years, limits)
    carried = carry_forward(X, periods, years, limits)
    assert np.array_equal(X, want[0], equal_nan=True)
    assert np.array_equal(periods, want[1], equal_nan=True)
    assert np.array_equal(carried, want[2])


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_ranks_and_deciles_are_counts_of_regions_above_and_below(seed: int) -> None:
    """Rank 1 is the best and ties share the better rank; the decile counts the regions
    strictly below, within each comparison set."""
    from wijkkompas.index.classify import rank_within

    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 80))
    values = rng.integers(0, 8, n).astype(float)
    values[rng.random(n) < 0.2] = np.nan
    groups = rng.integers(0, 4, n)
    rank, decile = rank_within(values, groups)
    for i in range(n):
        if np.isnan(values[i]):
            assert np.isnan(rank[i]) and np.isnan(decile[i])
            continue
        same = values[(groups == groups[i]) & ~np.isnan(values)]
        assert rank[i] == (same > values[i]).sum() + 1
        assert decile[i] == np.floor(10.0 * (same < values[i]).sum() / same.size) + 1
