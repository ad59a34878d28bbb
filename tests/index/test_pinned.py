"""Scores pinned against values computed by hand (house rule 6).

The panel of the ``three_buurten`` fixture (conftest) in 2020 is:

    region       a (higher is better, housing)   b (higher is worse, nuisance_safety)
    BU00010001   1                               10
    BU00010002   2                               30
    BU00010003   3                               20

Fitted on 2020 alone and with no national figures, the reference centres a on its mean 2 with
spread (sd, n − 1) 1, and b on 20 with spread 10.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wijkkompas.index import EngineOptions, Panel, explain, fit_reference, score, trends
from wijkkompas.index.classify import CLASS_OFFSETS
from wijkkompas.index.cumulation import cumulate

from .conftest import PLAIN, by_code, indicator, long_panel, make_catalogue

B1, B2, B3 = "BU00010001", "BU00010002", "BU00010003"


def baskets(scores: pd.DataFrame, year: int) -> dict[str, str]:
    part = scores[scores["year"] == year]
    return dict(zip(part["region_code"].astype(str), part["basket"].astype(str), strict=True))


def fit_2020(panel: Panel, catalogue, options=PLAIN, **kwargs):
    """The reference fitted on 2020 only, as a yardstick for every year."""
    return fit_reference(panel.select(years=[2020]), catalogue, options, **kwargs)


def test_reference_normalisation_arithmetic(two_indicator_catalogue, three_buurten) -> None:
    """2020: z_a = −1, 0, 1; oriented z_b = −(b − 20)/10 = 1, −1, 0.
    housing = z_a, safety = z_b, total = their mean = 0, −0.5, 0.5.
    The fit data's totals have mean 0 and sd 0.5, so the class cut-points are
    0.5 × CLASS_OFFSETS: classes 5, 3, 7.
    2021 against the fixed 2020 reference: a = 2, 2, 3 → z 0, 0, 1; b = 10, 30, 10 → 1, −1, 1;
    totals 0.5, −0.5, 1.0 → classes 7, 3, 9."""
    ref = fit_2020(three_buurten, two_indicator_catalogue)
    np.testing.assert_allclose(ref.centre, [2.0, 20.0])
    np.testing.assert_allclose(ref.spread, [1.0, 10.0])
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
    assert by_code(s, 2020, "ranked_among") == {B1: 3, B2: 3, B3: 3}
    assert by_code(s, 2020, "coverage") == pytest.approx({B1: 1.0, B2: 1.0, B3: 1.0})
    assert set(s.loc[s["year"] == 2020, "basket"]) == {"a b"}
    assert s["socioeconomic_security"].isna().all()  # no indicator of that condition: no score


def test_a_national_figure_centres_the_yardstick(two_indicator_catalogue, three_buurten) -> None:
    """With the country's a = 2.5 as centre, every housing score moves down by 0.5 spread,
    while ``zscore`` keeps the fit data's own mean."""
    ref = fit_2020(three_buurten, two_indicator_catalogue, national={"a": (2.5, 2020.0)})
    assert ref.centre_from[0] == "national figure, period 2020"
    s = score(three_buurten, two_indicator_catalogue, ref, PLAIN).scores
    assert by_code(s, 2020, "housing") == pytest.approx({B1: -1.5, B2: -0.5, B3: 0.5})
    z = PLAIN.replace(normalisation="zscore")
    zref = fit_2020(three_buurten, two_indicator_catalogue, z, national={"a": (2.5, 2020.0)})
    s = score(three_buurten, two_indicator_catalogue, zref, z).scores
    assert by_code(s, 2020, "housing") == pytest.approx({B1: -1.0, B2: 0.0, B3: 1.0})


def test_values_are_clipped_at_three_spreads(two_indicator_catalogue, three_buurten) -> None:
    """An a of 100 is 98 spreads above the centre; it counts as 3."""
    ref = fit_2020(three_buurten, two_indicator_catalogue)
    data = {B1: {2022: {"a": 100.0, "b": 20.0}}, B2: {2022: {"a": -100.0, "b": 20.0}}}
    s = score(long_panel(data), two_indicator_catalogue, ref, PLAIN).scores
    assert by_code(s, 2022, "housing") == pytest.approx({B1: 3.0, B2: -3.0})


def test_explanations_and_trend_attribution(two_indicator_catalogue, three_buurten) -> None:
    """BU00010003 in 2021: contributions a 0.5·1 = 0.5 and b 0.5·1 = 0.5, summing to 1.0.
    BU00010001 from 2020 to 2021: total 0 → 0.5; a's contribution 0.5·(−1) → 0.5·0 (+0.5),
    b's 0.5·1 → 0.5·1 (0): the change of +0.5 is all a's."""
    ref = fit_2020(three_buurten, two_indicator_catalogue)
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
    assert t.loc[B1, "basket"] == "a b"
    assert by_code(res.scores, 2021, "change") == pytest.approx({B1: 0.5, B2: 0.0, B3: 0.5})
    assert t.loc[B2, "trend"] == "stable"


def test_minmax_and_rank_normalisations(two_indicator_catalogue, three_buurten) -> None:
    """Min-max against the fit data's range: 2021 a = 2, 2, 3 → 0.5, 0.5, 1; b oriented
    (30 − b)/20 → 1, 0, 1; totals 0.75, 0.25, 1.0. Rank, 2020: a 1, 2, 3 → 0, 0.5, 1;
    b 10, 30, 20 → percentiles 0, 1, 0.5, oriented 1, 0, 0.5; totals 0.5, 0.25, 0.75."""
    options = PLAIN.replace(normalisation="minmax")
    ref = fit_2020(three_buurten, two_indicator_catalogue, options)
    res = score(three_buurten, two_indicator_catalogue, ref, options)
    assert by_code(res.scores, 2021) == pytest.approx({B1: 0.75, B2: 0.25, B3: 1.0})
    options = PLAIN.replace(normalisation="rank")
    ref = fit_2020(three_buurten, two_indicator_catalogue, options)
    res = score(three_buurten, two_indicator_catalogue, ref, options)
    assert by_code(res.scores, 2020) == pytest.approx({B1: 0.5, B2: 0.25, B3: 0.75})


def test_geometric_aggregation(two_indicator_catalogue, three_buurten) -> None:
    """Levels 1 + 99·Φ(z): Φ(−1) = 0.158655 → 16.70687, Φ(0) → 50.5, Φ(1) → 84.29313.
    BU1: √(16.70687 · 84.29313) = 37.52698; BU2: √(50.5 · 16.70687) = 29.04646;
    BU3: √(84.29313 · 50.5) = 65.24418. Contributions are log-additive: they sum to log(total)."""
    options = PLAIN.replace(aggregation="geometric")
    ref = fit_2020(three_buurten, two_indicator_catalogue, options)
    res = score(three_buurten, two_indicator_catalogue, ref, options)
    expected = {B1: 37.52698195, B2: 29.04646178, B3: 65.24418026}
    assert by_code(res.scores, 2020) == pytest.approx(expected)
    e = explain(res, B1, 2020)
    assert e.additive == "log"
    assert e.indicators["contribution"].sum() == pytest.approx(np.log(expected[B1]))


def parent_case() -> tuple:
    """Indicators a and c (housing) and b (safety, worse); BU1 lacks c, its wijk has c = 5."""
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
    return cat, data


def test_parent_imputation_fills_in_but_never_makes_a_score() -> None:
    """The fit reads buurten only: c = 4, 6 gives centre 5 and spread √2, so BU1's imputed c
    (its wijk's 5) scores 0. BU1: housing = (−1 + 0)/2 = −0.5 with half of it imputed;
    safety = 1; total 0.25. Catalogue weights in the total: a .25, c .25, b .5 → observed
    coverage .75, imputed .25. Without its own a, BU1's housing rests on borrowed figures only:
    no housing score, and with two groups required no total either, with the reason."""
    cat, data = parent_case()
    panel = Panel.from_long(long_panel(data))
    options = PLAIN.replace(imputation="parent")
    ref = fit_reference(panel, cat, options)
    s = score(panel, cat, ref, options).scores.set_index("region_code")
    assert s.loc[B1, "housing"] == pytest.approx(-0.5)
    assert s.loc[B1, "housing_imputed"] == pytest.approx(0.5)
    assert s.loc[B1, "total"] == pytest.approx(0.25)
    assert s.loc[B1, "coverage"] == pytest.approx(0.75)
    assert s.loc[B1, "total_imputed"] == pytest.approx(0.25)
    assert (s.loc[B1, "basket"], s.loc[B1, "basket_imputed"]) == ("a b", "c")
    data[B1][2020]["a"] = np.nan
    panel = Panel.from_long(long_panel(data))
    strict = score(panel, cat, ref, options.replace(min_groups=2)).scores.set_index("region_code")
    assert np.isnan(strict.loc[B1, "housing"]) and np.isnan(strict.loc[B1, "total"])
    assert strict.loc[B1, "safety"] == pytest.approx(1.0)
    assert strict.loc[B1, "reason"] == "fewer than 2 groups with an own figure"
    assert strict.loc[B1, "groups_scored"] == 1
    assert strict.loc[B2, "total"] == pytest.approx(s.loc[B2, "total"])


def test_a_proxy_alone_makes_no_score() -> None:
    """Group cohesion has a direct measure d and a proxy p (weight 1/4). With both: the
    weighted mean; with only the proxy: no cohesion score."""
    cat = make_catalogue(
        indicator("d", social_quality="social_cohesion"),
        indicator("p", social_quality="social_cohesion", proxy="stands in for d"),
    )
    fit_data = {B1: {2020: {"d": 1.0, "p": 1.0}}, B2: {2020: {"d": 3.0, "p": 3.0}}}
    ref = fit_reference(long_panel(fit_data), cat, PLAIN)
    assert ref.weights_table().loc["p", "social_cohesion"] == pytest.approx(0.25)
    data = {B1: {2021: {"d": 3.0, "p": 1.0}}, B2: {2021: {"d": np.nan, "p": 3.0}}}
    s = score(long_panel(data), cat, ref, PLAIN).scores.set_index("region_code")
    # spread √2 for both; BU1: d = +1/√2, p = −1/√2 → (1·0.7071 − 0.25·0.7071)/1.25
    assert s.loc[B1, "social_cohesion"] == pytest.approx(0.75 / 1.25 / np.sqrt(2))
    assert np.isnan(s.loc[B2, "social_cohesion"])


def test_suppression_below_threshold_and_unknown_inhabitants(two_indicator_catalogue) -> None:
    data = {
        code: {2020: {"a": a, "b": b}}
        for code, a, b in [
            (B1, 1.0, 10.0),
            (B2, 2.0, 30.0),
            (B3, 3.0, 20.0),
            ("BU00010004", 9.0, 1.0),
            ("BU00010005", 2.0, 20.0),
        ]
    }
    frame = long_panel(data, population=500.0)
    frame.loc[frame["region_code"] == "BU00010004", "population"] = 40.0
    frame.loc[frame["region_code"] == "BU00010005", "population"] = np.nan
    options = PLAIN.replace(suppression_threshold=50)
    ref = fit_reference(frame, two_indicator_catalogue, options)
    s = score(frame, two_indicator_catalogue, ref, options).scores.set_index("region_code")
    assert np.isnan(s.loc["BU00010004", "total"]) and pd.isna(s.loc["BU00010004", "class"])
    assert s.loc["BU00010004", "reason"] == "suppressed: fewer than 50 inhabitants"
    assert np.isnan(s.loc["BU00010005", "total"])
    assert s.loc["BU00010005", "reason"].startswith("not scored: the number of inhabitants")
    assert s.loc[B3, "total"] == pytest.approx(0.5)  # the small buurt is not in the fit


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
    # Without the share beside the mean a region cannot be said to hide nothing: unknown.
    del data[B3][2020]["low"]
    known = by_code(score(long_panel(data), cat, ref, options).scores, 2020, "averages_hide_known")
    assert known == {B1: 1, B2: 1, B3: 0, "BU00010004": 1}
    row = res.averages.iloc[0]
    assert (row["region_code"], row["mean_reference_median"], row["share_worst_bound"]) == (
        "BU00010004",
        pytest.approx(45.0),
        pytest.approx(34.0),
    )


def test_cumulation_structural_flag() -> None:
    """Three domains, five buurten, four years, fitted on 2020 (values 1…5: the worst fifth of
    the fit data lies below z = −0.76). BU1 is worst in all three every year, so from the third
    consecutive year (2022) it is structureel onder druk; BU2 is worst only in 2021."""
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
    panel = Panel.from_long(long_panel(data))
    ref = fit_2020(panel, cat)
    res = score(panel, cat, ref, PLAIN)
    s = res.scores.set_index(["region_code", "year"])
    assert s.loc[(B1, 2021), "cumulation_count"] == 3
    assert s.loc[(B1, 2021), "cumulation_known"] == 3
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


def test_own_figures_are_carried_forward_within_their_limit() -> None:
    """BU1 lacks a in 2021 and 2022. Its 2020 value (1 → z = −1) stands in for both years as
    its own figure, with its period 2020 kept; a catalogue limit of one year carries it into
    2021 only. Nothing is ever taken from a later year."""
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
    for limit, carried_into in ((3, {2021, 2022}), (1, {2021})):
        cat = make_catalogue(
            indicator("a", dimension="housing", carry_years=limit),
            indicator("c", dimension="housing"),
        )
        ref = fit_2020(Panel.from_long(frame), cat)
        res = score(frame, cat, ref, PLAIN)
        s = res.scores
        for year in (2021, 2022):
            assert by_code(s, year, "housing")[B1] == pytest.approx(-1.0)  # a and c both −1
            assert baskets(s, year)[B1] == ("a c" if year in carried_into else "c")
        e = explain(res, B1, 2021)
        assert e.indicators.loc["a", "period"] == 2020
        assert bool(e.indicators.loc["a", "carried"])
    early = {B1: {2019: {"c": 1.0}, 2020: {"a": 1.0, "c": 1.0}}}
    res = score(long_panel(early), cat, ref, PLAIN)
    assert baskets(res.scores, 2019)[B1] == "c"  # never from the future


def test_money_is_compared_in_base_year_prices() -> None:
    """An income of 110 in period 2021 with a price level of 110 (base 100 in 2015) is 100 in
    2015 money: the same score as 100 in 2015. A period without a price level is unscored."""
    cat = make_catalogue(
        indicator(
            "inc",
            unit="euro_x1000",
            social_quality="socio_economic_security",
            deflate="cpi",
        ),
        price_indices={
            "cpi": {
                "name_nl": "cpi",
                "name_en": "cpi",
                "table": "83131NED",
                "base_year": 2015,
                "source": "test",
                "values": {"2015": 100.0, "2021": 110.0},
            }
        },
    )
    fit = long_panel({B1: {2015: {"inc": 90.0}}, B2: {2015: {"inc": 110.0}}})
    ref = fit_reference(fit, cat, PLAIN)
    frame = long_panel(
        {B1: {2015: {"inc": 100.0}, 2021: {"inc": 110.0}}, B2: {2030: {"inc": 100.0}}}
    )
    res = score(frame, cat, ref, PLAIN)
    s = res.scores.set_index(["region_code", "year"])
    assert s.loc[(B1, 2021), "total"] == pytest.approx(s.loc[(B1, 2015), "total"])
    assert s.loc[(B1, 2015), "total"] == pytest.approx(0.0)
    assert np.isnan(s.loc[(B2, 2030), "total"])
    assert any(e["step"] == "no_price_index" for e in res.log)


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


def test_not_under_pressure_is_only_said_when_missing_domains_could_not_change_it() -> None:
    """Three domains in use (a fourth disabled), three years, the worst share below 0. "No" is a
    verdict only when even every domain without a score, were it persistently worst, could not
    make three; otherwise the answer is unknown, never "no problem"."""
    nan = np.nan
    worst, fine = -1.0, 1.0
    # (years, regions, domains): A worst everywhere; B worst in two, the third unknown in the
    # last year; C fine everywhere; D worst in one, two unknown.
    year = [
        [worst, worst, worst, nan],
        [worst, worst, worst, nan],
        [fine, fine, fine, nan],
        [worst, nan, nan, nan],
    ]
    last = [
        [worst, worst, worst, nan],
        [worst, worst, nan, nan],
        [fine, fine, fine, nan],
        [worst, nan, nan, nan],
    ]
    scores = np.array([year, year, last])
    thresholds = np.array([0.0, 0.0, 0.0, nan])
    result = cumulate(scores, thresholds, np.array([2021, 2022, 2023]), 3, 3)
    assert result.structural[-1].tolist() == [True, False, False, False]
    assert result.decided[-1].tolist() == [True, False, True, False]
    # Before three years are known, worst now may have been worst before the panel began.
    assert result.decided[0].tolist() == [False, False, True, False]
    # Years missing from the panel may have been worst too: a gap is unknown, not "no".
    gap = np.array([[[fine, fine, fine, nan]], [[fine] * 3 + [nan]], [[worst] * 3 + [nan]]])
    across = cumulate(gap, thresholds, np.array([2017, 2019, 2024]), 3, 3)
    assert not across.structural[-1, 0] and not across.decided[-1, 0]
    assert across.decided[1, 0]  # fine everywhere: no, whatever is unknown
