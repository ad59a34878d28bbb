"""Raking: the weights reproduce the population margins, and do nothing they need not do."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wijkkompas.survey.weighting import Margin, kish_effective_n, rake


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    age_targets=st.lists(st.floats(1, 1000), min_size=4, max_size=4),
    sex_targets=st.lists(st.floats(1, 1000), min_size=2, max_size=2),
)
def test_weights_reproduce_both_margins(
    data: st.DataObject, age_targets: list[float], sex_targets: list[float]
) -> None:
    n = data.draw(st.integers(8, 80))
    ages = np.array(data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)))
    sexes = np.array(data.draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
    # Every age-sex combination answered at least once, so both margins can be met together.
    ages[:8], sexes[:8] = [0, 1, 2, 3, 0, 1, 2, 3], [0, 0, 0, 0, 1, 1, 1, 1]
    weights = rake([Margin(ages, np.array(age_targets)), Margin(sexes, np.array(sex_targets))], n)
    assert weights.mean() == pytest.approx(1.0)
    assert (weights > 0).all()
    age_shares = np.bincount(ages, weights=weights, minlength=4) / weights.sum()
    sex_shares = np.bincount(sexes, weights=weights, minlength=2) / weights.sum()
    np.testing.assert_allclose(age_shares, np.array(age_targets) / sum(age_targets), atol=1e-6)
    np.testing.assert_allclose(sex_shares, np.array(sex_targets) / sum(sex_targets), atol=1e-6)


def test_a_sample_with_the_population_structure_gets_equal_weights() -> None:
    ages = np.repeat([0, 1, 2, 3], [10, 30, 20, 15])
    weights = rake([Margin(ages, np.array([100.0, 300.0, 200.0, 150.0]))], len(ages))
    np.testing.assert_allclose(weights, 1.0)


def test_respondents_without_an_age_are_left_out_of_the_age_margin_only() -> None:
    ages = np.array([0, 0, 0, 1, -1, -1])
    weights = rake([Margin(ages, np.array([50.0, 50.0, 0.0, 0.0]))], len(ages))
    known = weights[:4]
    assert known[:3].sum() == pytest.approx(known[3])  # the known respondents match 50/50
    assert weights[4] == pytest.approx(weights[5])  # the unknown ones are treated alike


def test_a_category_nobody_answered_is_collapsed_not_divided_by_zero() -> None:
    ages = np.array([0, 0, 1, 1, 1, 1])  # nobody aged 45-64 or 65+
    weights = rake([Margin(ages, np.array([100.0, 100.0, 500.0, 300.0]))], len(ages))
    shares = np.bincount(ages, weights=weights, minlength=4) / weights.sum()
    np.testing.assert_allclose(shares, [0.5, 0.5, 0.0, 0.0])


def test_kish_effective_n_is_n_for_equal_weights_and_less_otherwise() -> None:
    assert kish_effective_n(np.ones(25)) == pytest.approx(25)
    assert kish_effective_n(np.array([1.0, 1.0, 1.0, 5.0])) < 4
