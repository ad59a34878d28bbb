"""The engine's parts, each against an independent computation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from wijkkompas.index import (
    Panel,
    Reference,
    ReferenceMismatch,
    build_panel,
    fit_reference,
    gini,
    s80_s20,
    score,
    theil,
    theil_decomposition,
)
from wijkkompas.index.classify import rank_within
from wijkkompas.index.cumulation import cumulate
from wijkkompas.index.outliers import skew_kurt, winsor_bounds
from wijkkompas.index.smallarea import shrink
from wijkkompas.index.spec import IndexSpec, IndicatorSpec

from .conftest import PLAIN


def _coinr_winsorise(x: np.ndarray, winmax: int = 5) -> np.ndarray:
    """COINr's ``winsorise`` transcribed literally: each step moves the extreme tied group to
    the next value; COINr's ``nwin`` is then the size of that group, i.e. the number of distinct
    points changed so far."""
    x = x.astype(float).copy()
    original = x.copy()
    treated = 0

    def passes(v: np.ndarray) -> bool:
        return abs(stats.skew(v, bias=False)) < 2 or stats.kurtosis(v, bias=False) < 3.5

    while not passes(x) and treated < winmax:
        if stats.skew(x, bias=False) >= 0:
            top = x == x.max()
            x[top] = x[~top].max()
            treated = int((x != original).sum())
        else:
            bottom = x == x.min()
            x[bottom] = x[~bottom].min()
            treated = int((x != original).sum())
    return x


@pytest.mark.parametrize("seed", range(5))
def test_winsorisation_matches_coinr(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = np.concatenate(
        [rng.normal(size=200), rng.exponential(30, size=4) * (1 if seed % 2 else -1)]
    )
    lower, upper, details = winsor_bounds(x)
    np.testing.assert_allclose(np.clip(x, lower, upper), _coinr_winsorise(x))
    assert details["points"] <= 5


def test_coinr_vignette_example() -> None:
    """COINr's example: 1..10 plus outliers 30 and 100. Skew and kurtosis are the sample-adjusted
    (Excel, e1071 type 2) ones. Skew 3.06 and kurtosis 9.74 fail the test; pulling the 100 down
    to 30 is enough (skew 1.71, kurtosis 1.82)."""
    x = np.array([*range(1, 11), 30, 100], dtype=float)
    skew, kurt = skew_kurt(x)
    assert skew == pytest.approx(stats.skew(x, bias=False))
    assert kurt == pytest.approx(stats.kurtosis(x, bias=False))
    lower, upper, details = winsor_bounds(x)
    np.testing.assert_allclose(np.clip(x, lower, upper), _coinr_winsorise(x))
    assert upper == 30.0 and details["points"] == 1
    assert details["skew_before"] == pytest.approx(3.0632, abs=1e-4)
    assert details["kurt_after"] == pytest.approx(1.8158, abs=1e-4)


def _rate_panel() -> tuple[Panel, IndexSpec]:
    regions = pd.DataFrame(
        {
            "region_code": ["GM0001", "WK000100", "BU00010001"],
            "level": ["gemeente", "wijk", "buurt"],
            "gemeente_code": ["GM0001"] * 3,
            "wijk_code": [None, "WK000100", "WK000100"],
        }
    )
    values = np.array([[[20.0, 5000.0], [20.0, 1000.0], [30.0, 100.0]]])
    spec = IndexSpec(
        (IndicatorSpec("low", -1.0, ("socioeconomic_security",), (), "percent", size="households"),)
    )
    return Panel(regions, np.array([2020]), ("low", "households"), values), spec


def test_empirical_bayes_shrinkage() -> None:
    """Buurt 30% of 100 households, its wijk 20%: v = 20·80/100 = 16; with τ² = 25,
    B = 25/41 = 0.6098 and the shrunk rate is 20 + B·10 = 26.0976."""
    panel, spec = _rate_panel()
    X = panel.matrix(spec.ids)
    info = shrink(X, panel, spec, np.array([25.0]), apply=True)
    assert X[0, 2, 0] == pytest.approx(26.0975609756)
    assert info.reliability[0, 2] == pytest.approx(25 / 41)
    assert info.variance[0, 2, 0] == pytest.approx(25 / 41 * 16)
    assert X[0, 1, 0] == pytest.approx(20.0)  # the wijk equals its gemeente: nothing moves


def test_cumulation_runs_break_on_gaps() -> None:
    scores = np.array([0, 0, 0, 0, 5], dtype=float)[:, None, None]
    c = cumulate(scores, np.array([1.0]), np.array([2018, 2019, 2021, 2022, 2023]), 1, 2)
    assert c.years[:, 0, 0].tolist() == [1, 2, 1, 2, 0]
    assert c.structural[:, 0].tolist() == [False, True, False, True, False]


def test_inequality_measures() -> None:
    """Gini of 1, 2, 3, 4: Σ(2i − n − 1)·x / (n·Σx) = (−3 − 2 + 3 + 12)/40 = 0.25.
    S80/S20 of 1..10: (9 + 10)/(1 + 2) = 19/3. Theil within + between = total."""
    assert gini(np.array([1.0, 2, 3, 4])) == pytest.approx(0.25)
    assert gini(np.full(5, 7.0)) == pytest.approx(0.0)
    assert s80_s20(np.arange(1.0, 11)) == pytest.approx(19 / 3)
    x = np.array([1.0, 2, 3, 10, 11, 12])
    total, within, between = theil_decomposition(x, np.array(list("aaabbb")))
    assert total == pytest.approx(theil(x))
    assert within + between == pytest.approx(total)
    mean = x.mean()
    expected_between = sum(3 * m / (6 * mean) * np.log(m / mean) for m in (2.0, 11.0))
    assert between == pytest.approx(expected_between)


def test_rank_and_decile_conventions() -> None:
    values = np.array([3.0, 1.0, np.nan, 2.0, 2.0, 10.0])
    rank, decile = rank_within(values, np.zeros(6, dtype=int))
    assert rank[[0, 1, 3, 4, 5]].tolist() == [2, 5, 3, 3, 1]  # 1 = best, ties share
    assert np.isnan(rank[2]) and decile[5] == 9 and decile[1] == 1


def test_build_panel_and_long_round_trip() -> None:
    regions = pd.DataFrame({"region_code": ["GM0001", "WK000100", "BU00010001", "BU00010002"]})
    obs = pd.DataFrame(
        {
            "region_code": ["BU00010001", "BU00010001", "WK000100", "BU00010002"],
            "year": [2020, 2021, 2020, 2020],
            "indicator_id": ["a", "a", "a", "b"],
            "value": [1.0, 2.0, 3.0, np.nan],
        }
    )
    panel = build_panel(obs, regions)
    assert panel.values.shape == (2, 4, 2)
    assert panel.regions["level"].tolist() == ["gemeente", "wijk", "buurt", "buurt"]
    assert panel.parent.tolist() == [-1, 0, 1, 1]
    assert np.isnan(panel.values[1, 1, 0])  # missing is NaN, never zero
    back = panel.to_long()
    assert len(back) == 3 and set(back["value"]) == {1.0, 2.0, 3.0}
    with pytest.raises(ValueError, match="more than one value"):
        build_panel(pd.concat([obs, obs.iloc[:1]]), regions)
    with pytest.raises(ValueError, match="not in the regions"):
        build_panel(obs.assign(region_code="BU99990001"), regions)


def test_reference_json_round_trip(two_indicator_catalogue, three_buurten) -> None:
    options = PLAIN.replace(outliers="winsorise", normalisation="rank", aggregation="geometric")
    ref = fit_reference(three_buurten, two_indicator_catalogue, options)
    text = ref.to_json()
    again = Reference.from_json(text)
    assert again.to_json() == text
    a = score(three_buurten, two_indicator_catalogue, ref, options).scores
    b = score(three_buurten, two_indicator_catalogue, again, options).scores
    pd.testing.assert_frame_equal(a, b)
    assert '"format_version":1' in text and two_indicator_catalogue.sha256 in text
    with pytest.raises(ReferenceMismatch, match="version"):
        Reference.from_json(text.replace('"format_version":1', '"format_version":99'))


@pytest.mark.parametrize("normalisation", ["reference", "minmax"])
def test_total_variance_matches_the_direct_formula(normalisation: str) -> None:
    """The engine evaluates Var(total) = Σ_i coef_i² τ_i without forming coef; check it against
    the direct sum, with τ_i = slope² · (noise² sd² + imputation variance + rate sampling
    variance)."""
    from wijkkompas.index.normalise import parameter_rows, pick, slope
    from wijkkompas.index.pipeline import prepare

    from .test_properties import CATALOGUE, random_panel

    frame = random_panel(11, n_buurten=8)
    options = PLAIN.replace(
        normalisation=normalisation, imputation="parent", shrinkage="empirical_bayes"
    )
    ref = fit_reference(frame, CATALOGUE, options)
    result = score(frame, CATALOGUE, ref, options)
    state, panel = result.state, result.panel
    Y, R, K = state.X.shape
    rows = parameter_rows(normalisation, ref.year_rows(panel.years)[0], ref.fixed_rows)
    d = slope(state.X, normalisation, ref.params(), rows, result.spec.signs)
    sd = pick(ref.sd, rows)[:, None, :]
    var_x = (options.indicator_noise_sd * sd) ** 2 + np.where(
        state.imputed, ref.imputation_var, 0.0
    )
    prepared = prepare(
        panel,
        result.spec,
        tau2=ref.tau2,
        lower=None,
        upper=None,
        imputation="parent",
        shrinkage="empirical_bayes",
        carry_max_years=3,
        suppression_threshold=0.0,
    )
    cols = prepared.rates.columns
    var_x[:, :, cols] += prepared.rates.variance
    tau = np.nan_to_num(d**2 * var_x).reshape(Y * R, K)
    direct = (state.coefficients(slice(None)) ** 2 * tau).sum(axis=1)
    ok = ~np.isnan(state.total)
    np.testing.assert_allclose(state.total_var[ok], direct[ok], rtol=1e-9)
