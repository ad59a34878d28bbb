"""Scores pinned against values computed by hand (house rule 6).

The panel of the ``three_buurten`` fixture (conftest) in 2020 is:

    region       a (higher is better, housing)   b (higher is worse, nuisance_safety)
    BU00010001   1                               10
    BU00010002   2                               30
    BU00010003   3                               20

so a has mean 2 and sd 1 (n − 1) and b mean 20 and sd 10.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wijkkompas.index import EngineOptions, Panel, explain, fit_reference, score, trends
from wijkkompas.index.classify import CLASS_OFFSETS

from .conftest import PLAIN, by_code, indicator, long_panel, make_catalogue

B1, B2, B3 = "BU00010001", "BU00010002", "BU00010003"


def test_reference_normalisation_arithmetic(two_indicator_catalogue, three_buurten) -> None:
    """2020: z_a = −1, 0, 1; oriented z_b = −(b − 20)/10 = 1, −1, 0.
    housing = z_a, safety = z_b, total = their mean = 0, −0.5, 0.5.
    The reference total has mean 0 and sd 0.5, so the class cut-points are 0.5 × CLASS_OFFSETS
    = −1, −0.625, −0.375, −0.125, 0.125, 0.375, 0.625, 1: classes 5, 3, 7.
    2021 against the fixed 2020 reference: a = 2, 2, 3 → z 0, 0, 1; b = 10, 30, 10 → 1, −1, 1;
    totals 0.5, −0.5, 1.0 → classes 7, 3, 9."""
    ref = fit_reference(three_buurten, two_indicator_catalogue, PLAIN)
    assert ref.reference_year == 2020
    np.testing.assert_allclose(ref.cuts, 0.5 * np.array(CLASS_OFFSETS))
    res = score(three_buurten, two_indicator_catalogue, ref, PLAIN)
    s = res.scores
    assert by_code(s, 2020, "housing") == pytest.approx({B1: -1.0, B2: 0.0, B3: 1.0})
    assert by_code(s, 2020, "safety") == pytest.approx({B1: 1.0, B2: -1.0, B3: 0.0})
    assert by_code(s, 2020) == pytest.approx({B1: 0.0, B2: -0.5, B3: 0.5})
    assert by_code(s, 2021) == pytest.approx({B1: 0.5, B2: -0.5, B3: 1.0})
    assert by_code(s, 2020, "class") == {B1: 5, B2: 3, B3: 7}
    assert by_code(s, 2021, "class") == {B1: 7, B2: 3, B3: 9}
    assert by_code(s, 2020, "rank") == {B1: 2, B2: 3, B3: 1}
    assert by_code(s, 2020, "coverage") == pytest.approx({B1: 1.0, B2: 1.0, B3: 1.0})
    assert s["socioeconomic_security"].isna().all()  # no indicator of that condition: no score


def test_explanations_and_trend_attribution(two_indicator_catalogue, three_buurten) -> None:
    """BU00010003 in 2021: contributions a 0.5·1 = 0.5 and b 0.5·1 = 0.5, summing to 1.0.
    BU00010001 from 2020 to 2021: total 0 → 0.5; a's contribution 0.5·(−1) → 0.5·0 (+0.5),
    b's 0.5·1 → 0.5·1 (0): the change of +0.5 is all a's."""
    ref = fit_reference(three_buurten, two_indicator_catalogue, PLAIN)
    res = score(three_buurten, two_indicator_catalogue, ref, PLAIN.replace(trend_min_gap=1))
    e = explain(res, B3, 2021)
    assert e.indicators["contribution"].to_dict() == pytest.approx({"a": 0.5, "b": 0.5})
    assert e.residual == pytest.approx(0.0, abs=1e-12)
    assert e.indicators["housing"]["a"] == pytest.approx(1.0)
    change = explain(res, B1, 2021, compare_year=2020).indicators["change"]
    assert change.to_dict() == pytest.approx({"a": 0.5, "b": 0.0})
    t = trends(res, 2021).set_index("region_code")
    assert t["change"].to_dict() == pytest.approx({B1: 0.5, B2: 0.0, B3: 0.5})
    assert t.loc[B1, "driver_up"] == "a"
    assert by_code(res.scores, 2021, "change") == pytest.approx({B1: 0.5, B2: 0.0, B3: 0.5})
    assert t.loc[B2, "trend"] == "stable"


@pytest.mark.parametrize(
    ("normalisation", "expected"),
    [
        # Per-year z-scores, 2021: a = 2, 2, 3 has mean 7/3 and sd √(1/3) → −0.577, −0.577,
        # 1.155; b = 10, 30, 10 has mean 50/3 and sd √(400/3) → 0.577, −1.155, 0.577.
        ("zscore", {B1: 0.0, B2: -0.8660254, B3: 0.8660254}),
        # Min-max on 2021's own range: a → 0, 0, 1; b oriented (30 − b)/20 → 1, 0, 1.
        ("minmax", {B1: 0.5, B2: 0.0, B3: 1.0}),
    ],
)
def test_relative_normalisations(
    two_indicator_catalogue, three_buurten, normalisation, expected
) -> None:
    options = PLAIN.replace(normalisation=normalisation)
    ref = fit_reference(three_buurten, two_indicator_catalogue, options)
    res = score(three_buurten, two_indicator_catalogue, ref, options)
    assert by_code(res.scores, 2021) == pytest.approx(expected)


def test_rank_normalisation(two_indicator_catalogue, three_buurten) -> None:
    """2020 percentiles: a 1, 2, 3 → 0, 0.5, 1; b 10, 30, 20 → 0, 1, 0.5, oriented 1, 0, 0.5.
    Totals 0.5, 0.25, 0.75."""
    options = PLAIN.replace(normalisation="rank")
    ref = fit_reference(three_buurten, two_indicator_catalogue, options)
    res = score(three_buurten, two_indicator_catalogue, ref, options)
    assert by_code(res.scores, 2020) == pytest.approx({B1: 0.5, B2: 0.25, B3: 0.75})


def test_geometric_aggregation(two_indicator_catalogue, three_buurten) -> None:
    """Levels 1 + 99·Φ(z): Φ(−1) = 0.158655 → 16.70687, Φ(0) → 50.5, Φ(1) → 84.29313.
    BU1: √(16.70687 · 84.29313) = 37.52698; BU2: √(50.5 · 16.70687) = 29.04646;
    BU3: √(84.29313 · 50.5) = 65.24418. Contributions are log-additive: they sum to log(total)."""
    options = PLAIN.replace(aggregation="geometric")
    ref = fit_reference(three_buurten, two_indicator_catalogue, options)
    res = score(three_buurten, two_indicator_catalogue, ref, options)
    expected = {B1: 37.52698195, B2: 29.04646178, B3: 65.24418026}
    assert by_code(res.scores, 2020) == pytest.approx(expected)
    e = explain(res, B1, 2020)
    assert e.additive == "log"
    assert e.indicators["contribution"].sum() == pytest.approx(np.log(expected[B1]))


def test_parent_imputation_coverage_and_imputed_share() -> None:
    """Indicators a and c (housing) and b (safety, worse); BU1 lacks c, its wijk has c = 5.
    Reference c = 4, 6 (BU2, BU3): mean 5, sd √2, so BU1's imputed c scores 0.
    BU1: housing = (−1 + 0)/2 = −0.5 with half of it imputed; safety = 1; total = 0.25.
    Catalogue weights in the total: a .25, c .25, b .5 → observed coverage .75, imputed .25.
    With min_coverage .8 the housing group and the total are NaN, with a reason."""
    cat = make_catalogue(
        indicator("a", dimension="housing"),
        indicator("c", dimension="housing"),
        indicator("b", direction="higher_is_worse", dimension="nuisance_safety"),
    )
    parent = {"a": 2.0, "b": 20.0, "c": 5.0}
    data = {
        "GM0001": {2020: parent},
        "WK000100": {2020: parent},
        B1: {2020: {"a": 1.0, "b": 10.0, "c": np.nan}},
        B2: {2020: {"a": 2.0, "b": 30.0, "c": 4.0}},
        B3: {2020: {"a": 3.0, "b": 20.0, "c": 6.0}},
    }
    panel = Panel.from_long(long_panel(data))
    options = PLAIN.replace(imputation="parent")
    ref = fit_reference(panel, cat, options)
    s = score(panel, cat, ref, options).scores.set_index("region_code")
    assert s.loc[B1, "housing"] == pytest.approx(-0.5)
    assert s.loc[B1, "housing_imputed"] == pytest.approx(0.5)
    assert s.loc[B1, "total"] == pytest.approx(0.25)
    assert s.loc[B1, "coverage"] == pytest.approx(0.75)
    assert s.loc[B1, "total_imputed"] == pytest.approx(0.25)
    strict = score(panel, cat, ref, options.replace(min_coverage=0.8)).scores.set_index(
        "region_code"
    )
    assert np.isnan(strict.loc[B1, "housing"]) and np.isnan(strict.loc[B1, "total"])
    assert strict.loc[B1, "reason"] == "observed coverage below 0.8"
    assert strict.loc[B2, "total"] == pytest.approx(s.loc[B2, "total"])


def test_suppression_below_threshold(two_indicator_catalogue) -> None:
    data = {
        code: {2020: {"a": a, "b": b}}
        for code, a, b in [
            (B1, 1.0, 10.0),
            (B2, 2.0, 30.0),
            (B3, 3.0, 20.0),
            ("BU00010004", 9.0, 1.0),
        ]
    }
    frame = long_panel(data, population=500.0)
    frame.loc[frame["region_code"] == "BU00010004", "population"] = 40.0
    options = PLAIN.replace(suppression_threshold=50)
    ref = fit_reference(frame, two_indicator_catalogue, options)
    s = score(frame, two_indicator_catalogue, ref, options).scores.set_index("region_code")
    assert np.isnan(s.loc["BU00010004", "total"]) and pd.isna(s.loc["BU00010004", "class"])
    assert s.loc["BU00010004", "reason"] == "suppressed: fewer than 50 inhabitants"
    assert s.loc[B3, "total"] == pytest.approx(0.5)  # the suppressed buurt is not in the reference


def test_averages_hide_flag() -> None:
    """Income (mean, higher better) 30, 40, 50, 60 → reference median 45; low-income share
    (higher worse) 10, 20, 30, 40 → worst-20% bound at the 80th percentile = 34.
    Only BU4 (income 60 ≥ 45, share 40 ≥ 34) hides a problem behind its average."""
    cat = make_catalogue(
        indicator("inc", unit="euro_x1000", social_quality="socio_economic_security"),
        indicator(
            "low",
            unit="percent",
            direction="higher_is_worse",
            social_quality="socio_economic_security",
        ),
    )
    codes = [B1, B2, B3, "BU00010004"]
    data = {c: {2020: {"inc": 30.0 + 10 * i, "low": 10.0 + 10 * i}} for i, c in enumerate(codes)}
    options = PLAIN.replace(mean_share_pairs=(("inc", "low"),))
    ref = fit_reference(Panel.from_long(long_panel(data)), cat, options)
    res = score(long_panel(data), cat, ref, options)
    assert by_code(res.scores, 2020, "averages_hide") == {B1: 0, B2: 0, B3: 0, "BU00010004": 1}
    row = res.averages.iloc[0]
    assert (row["region_code"], row["mean_reference_median"], row["share_worst_bound"]) == (
        "BU00010004",
        pytest.approx(45.0),
        pytest.approx(34.0),
    )


def test_cumulation_structural_flag() -> None:
    """Three domains, four buurten, four years. BU1 is worst in all three every year, so from the
    third consecutive year (2022) it is structureel onder druk; BU2 is worst only in 2021."""
    cat = make_catalogue(
        *[
            indicator(f"x{d}", dimension="housing", cumulation=[dom])
            for d, dom in enumerate(["housing", "health", "safety_undermining"])
        ]
    )
    data: dict = {c: {} for c in (B1, B2, B3, "BU00010004", "BU00010005")}
    for year in range(2020, 2024):
        for i, code in enumerate(data):
            v = float(i + 1)
            if code == B2 and year == 2021:
                v = 0.0
            data[code][year] = {"x0": v, "x1": v, "x2": v}
    options = PLAIN.replace(reference_year=2020)
    ref = fit_reference(long_panel(data), cat, options)
    res = score(long_panel(data), cat, ref, options)
    s = res.scores.set_index(["region_code", "year"])
    assert s.loc[(B1, 2021), "cumulation_count"] == 3
    assert not s.loc[(B1, 2021), "structureel_onder_druk"]
    assert s.loc[(B1, 2022), "structureel_onder_druk"]
    assert s.loc[(B2, 2021), "cumulation_count"] == 3
    assert not s[s.index.get_level_values(0) == B2]["structureel_onder_druk"].any()
    c = res.cumulation.set_index(["region_code", "year"])
    assert c.loc[(B1, 2023), "housing_years"] == 4
    assert c.loc[(B2, 2022), "health_years"] == 0


def test_options_are_checked_against_the_reference(two_indicator_catalogue, three_buurten) -> None:
    from wijkkompas.index import ReferenceMismatch

    ref = fit_reference(three_buurten, two_indicator_catalogue, PLAIN)
    with pytest.raises(ReferenceMismatch, match="normalisation"):
        score(three_buurten, two_indicator_catalogue, ref, PLAIN.replace(normalisation="rank"))
    other = make_catalogue(indicator("a", dimension="housing"))
    with pytest.raises(ReferenceMismatch, match="catalogue"):
        score(three_buurten, other, ref, PLAIN)
    assert score(three_buurten, two_indicator_catalogue, ref).options.method() == PLAIN.method()
    with pytest.raises(ValueError, match="imputation"):
        EngineOptions(imputation="mean")  # type: ignore[arg-type]


def test_previous_year_imputation_carries_forward_only() -> None:
    """BU1 lacks a in 2021 and 2022: with previous_year it keeps its 2020 value (1 → z = −1)
    for both years, but with carry_max_years = 1 only for 2021. Nothing is taken from later."""
    cat = make_catalogue(indicator("a", dimension="housing"), indicator("c", dimension="housing"))
    data = {
        B1: {
            2020: {"a": 1.0, "c": 1.0},
            2021: {"a": np.nan, "c": 1.0},
            2022: {"a": np.nan, "c": 1.0},
        },
        B2: {y: {"a": 2.0, "c": 2.0} for y in (2020, 2021, 2022)},
        B3: {y: {"a": 3.0, "c": 3.0} for y in (2020, 2021, 2022)},
    }
    frame = long_panel(data)
    options = PLAIN.replace(imputation="previous_year")
    ref = fit_reference(frame, cat, options)
    s = score(frame, cat, ref, options).scores
    assert by_code(s, 2022, "housing")[B1] == pytest.approx(-1.0)
    assert by_code(s, 2022, "housing_imputed")[B1] == pytest.approx(0.5)
    short = score(frame, cat, ref, options.replace(carry_max_years=1)).scores
    assert by_code(short, 2021, "housing_imputed")[B1] == pytest.approx(0.5)
    assert by_code(short, 2022, "housing_imputed")[B1] == pytest.approx(0.0)


def test_expert_and_pca_weights() -> None:
    """Expert weights 3:1 within housing: BU1 (z_a = −1, z_c = +1) scores (3·−1 + 1·1)/4 = −0.5.
    PCA weights are squared loadings: they sum to one within each group, and the effective
    weights sum to one over the total."""
    from wijkkompas.index.synthetic import synthetic_panel, synthetic_spec

    cat = make_catalogue(indicator("a", dimension="housing"), indicator("c", dimension="housing"))
    data = {
        B1: {2020: {"a": 1.0, "c": 3.0}},
        B2: {2020: {"a": 2.0, "c": 2.0}},
        B3: {2020: {"a": 3.0, "c": 1.0}},
    }
    options = PLAIN.replace(weighting="expert", expert_weights=(("a", 3.0), ("c", 1.0)))
    ref = fit_reference(long_panel(data), cat, options)
    assert by_code(score(long_panel(data), cat, ref, options).scores, 2020)[B1] == pytest.approx(
        -0.5
    )
    assert ref.weights_table().loc["a", "total_weight"] == pytest.approx(0.75)

    spec = synthetic_spec(24, seed=2)
    panel, _ = synthetic_panel(spec, n_gemeenten=3, wijken_per_gemeente=4, years=(2022, 2023))
    pca = fit_reference(panel, spec, EngineOptions(weighting="pca"))
    table = pca.weights_table()
    used = table[list(table.columns[:8])].sum(axis=0)
    np.testing.assert_allclose(used[used > 0], 1.0)
    assert table["effective_weight"].sum() == pytest.approx(1.0)
    assert score(panel, spec, pca, EngineOptions(weighting="pca")).scores["total"].notna().any()
