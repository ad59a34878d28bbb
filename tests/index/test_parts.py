"""The engine's parts, each against an independent computation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

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
from wijkkompas.index.smallarea import shrink
from wijkkompas.index.spec import IndexSpec, IndicatorSpec

from .conftest import PLAIN


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
    info = shrink(X, panel, spec, np.full((1, 2, 1), 25.0), apply=True)
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
    options = PLAIN.replace(normalisation="rank", aggregation="geometric")
    ref = fit_reference(three_buurten, two_indicator_catalogue, options, name="round-trip")
    text = ref.to_json()
    again = Reference.from_json(text)
    assert again.to_json() == text
    a = score(three_buurten, two_indicator_catalogue, ref, options).scores
    b = score(three_buurten, two_indicator_catalogue, again, options).scores
    pd.testing.assert_frame_equal(a, b)
    assert '"format_version":2' in text and two_indicator_catalogue.scoring_sha256 in text
    with pytest.raises(ReferenceMismatch, match="version"):
        Reference.from_json(text.replace('"format_version":2', '"format_version":1'))
    with pytest.raises(ReferenceMismatch, match="not valid JSON"):
        Reference.from_json(text[:-10])


def test_total_variance_is_the_delta_method_sum(two_indicator_catalogue, three_buurten) -> None:
    """Fitted on three buurten, no indicator has twenty year-on-year pairs, so every noise is
    the documented fallback of 0.1 spread: each term of a total has variance 0.1², and with
    coefficients ½ and ½, Var(total) = 2 · ¼ · 0.01 = 0.005."""
    ref = fit_reference(three_buurten, two_indicator_catalogue, PLAIN)
    np.testing.assert_allclose(ref.noise_sd / ref.spread, 0.1)
    assert ref.noise_from[0].startswith("no pairs")
    result = score(three_buurten, two_indicator_catalogue, ref, PLAIN)
    np.testing.assert_allclose(result.scores["total_se"], np.sqrt(0.005))


@pytest.mark.parametrize("width", [1, 5, 8, 13, 64, 100])
def test_basket_labels_are_the_plain_join_of_the_ids_present(width: int) -> None:
    """The packed, factorised labels equal one join per row (the specification), for widths
    that do and do not fill whole bytes, with empty and full rows among many distinct ones."""
    from wijkkompas.index.basket_labels import mask_labels, mask_labels_plain

    rng = np.random.default_rng(width)
    ids = tuple(f"indicator_{k}" for k in range(width))
    mask = rng.random((2000, width)) < 0.6
    mask[0], mask[1] = False, True
    mask[2:40] = mask[40:78]  # repeated baskets share one category
    labels = mask_labels(mask, ids)
    assert list(labels.astype(str)) == mask_labels_plain(mask, ids)
    assert len(labels.categories) == len({tuple(row) for row in mask})
