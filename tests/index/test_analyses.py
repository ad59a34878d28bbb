"""Uncertainty, custom areas, hotspots and the packaged catalogue, end to end."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from wijkkompas.catalogue import load_catalogue
from wijkkompas.index import (
    EngineOptions,
    Panel,
    explain,
    fit_reference,
    hotspots,
    inequality,
    score,
    score_custom_areas,
    uncertainty,
)
from wijkkompas.index.synthetic import synthetic_panel, synthetic_spec

from .conftest import PLAIN, indicator, long_panel, make_catalogue


@pytest.fixture(scope="module")
def small_world() -> tuple:
    spec = synthetic_spec(16, seed=1)
    panel, wkb = synthetic_panel(
        spec, n_gemeenten=4, wijken_per_gemeente=4, years=(2019, 2020, 2021, 2022, 2023), seed=1
    )
    options = EngineOptions(seed=7)
    reference = fit_reference(panel, spec, options)
    return spec, panel, wkb, options, reference


def test_uncertainty_is_seeded_and_brackets_the_ranks(small_world) -> None:
    spec, panel, _, options, reference = small_world
    a = uncertainty(panel, spec, reference, options, year=2023, draws=120)
    b = uncertainty(panel, spec, reference, options, year=2023, draws=120)
    pd.testing.assert_frame_equal(a.ranks, b.ranks)
    r = a.ranks
    assert (r["rank_p05"] <= r["rank_median"]).all() and (r["rank_median"] <= r["rank_p95"]).all()
    assert (r["rank_p05"] >= 1).all()
    n_buurten = int((r["level"] == "buurt").sum())
    assert r.loc[r["level"] == "buurt", "rank_p95"].max() <= n_buurten
    # Most nominal ranks fall inside their own 5–95% interval.
    inside = (r["rank_nominal"] >= r["rank_p05"]) & (r["rank_nominal"] <= r["rank_p95"])
    assert inside.mean() > 0.8
    assert set(a.sensitivity["choice"]) == {"imputation", "normalisation", "aggregation"}
    assert a.sensitivity["first_order"].between(0, 1).all()
    c = uncertainty(panel, spec, reference, options, year=2023, draws=120, seed=8)
    assert not c.ranks["rank_mean"].equals(a.ranks["rank_mean"])


def test_inequality_per_year(small_world) -> None:
    spec, panel, _, options, reference = small_world
    table = inequality(score(panel, spec, reference, options))
    assert table["year"].tolist() == [2019, 2020, 2021, 2022, 2023]
    assert table["gini"].between(0, 1).all() and (table["s80_s20"] > 1).all()
    np.testing.assert_allclose(
        table["theil_within_wijk"] + table["theil_between_wijk"], table["theil"]
    )
    np.testing.assert_allclose(
        table["theil_within_gemeente"] + table["theil_between_gemeente"], table["theil"]
    )


def test_custom_area_sums_numerators_and_denominators() -> None:
    """Two buurten: 10 of 100 and 90 of 300 households on low income. The plan area's rate is
    (10 + 90)/(100 + 300) = 25%, not the mean of 10% and 30% (20%). The mean income, weighted by
    households: (20·100 + 40·300)/400 = 35."""
    cat = make_catalogue(
        indicator("households", unit="count", direction="context"),
        indicator("low_n", unit="count", direction="context"),
        indicator(
            "low",
            unit="percent",
            direction="higher_is_worse",
            numerator="low_n",
            denominator="households",
            social_quality="socio_economic_security",
        ),
        indicator(
            "inc", unit="euro_x1000", weight="households", social_quality="socio_economic_security"
        ),
    )
    data = {
        "GM0001": {2020: {"households": 2000.0, "low_n": 400.0, "low": 20.0, "inc": 30.0}},
        "BU00010001": {2020: {"households": 100.0, "low_n": 10.0, "low": 10.0, "inc": 20.0}},
        "BU00010002": {2020: {"households": 300.0, "low_n": 90.0, "low": 30.0, "inc": 40.0}},
        "BU00010003": {2020: {"households": 200.0, "low_n": 40.0, "low": 20.0, "inc": 30.0}},
    }
    panel = Panel.from_long(long_panel(data))
    reference = fit_reference(panel, cat, PLAIN)
    result = score_custom_areas(
        panel, cat, reference, {"plan": ["BU00010001", "BU00010002"]}, PLAIN
    )
    e = explain(result, "plan", 2020)
    assert e.indicators.loc["low", "value"] == pytest.approx(25.0)
    assert e.indicators.loc["inc", "value"] == pytest.approx(35.0)
    row = result.scores.set_index("region_code").loc["plan"]
    assert row["level"] == "custom" and row["gemeente_code"] == "GM0001"
    with pytest.raises(ValueError, match="unknown region"):
        score_custom_areas(panel, cat, reference, {"x": ["BU00019999"]}, PLAIN)


def test_default_catalogue_end_to_end() -> None:
    """The packaged catalogue, with values drawn inside each indicator's plausible range."""
    catalogue = load_catalogue()
    rng = np.random.default_rng(5)
    data: dict = {}
    for b in range(12):
        code = f"BU000100{b:02d}"
        data[code] = {}
        for year in (2021, 2022):
            values = {}
            for ind in catalogue.indicators:
                low, high = ind.plausible_range
                span = min(high, low + 1000) - low
                values[ind.id] = float(low + span * rng.uniform(0.05, 0.6))
            data[code][year] = values
    frame = long_panel(data)
    options = EngineOptions(suppression_threshold=0.0)
    result = score(frame, catalogue, fit_reference(frame, catalogue, options), options)
    s = result.scores
    assert s["total"].notna().all() and s["class"].between(1, 9).all()
    for group in (
        "housing",
        "physical_environment",
        "amenities",
        "safety",
        "socioeconomic_security",
        "social_inclusion",
        "social_cohesion",
        "social_empowerment",
    ):
        assert s[group].notna().all(), group
    e = explain(result, "BU00010003", 2022, compare_year=2021)
    assert "household_income_standardised" in e.indicators.index
    assert "income_per_inhabitant" not in e.indicators.index  # context since 2026.1
    assert "population" not in e.indicators.index  # context: shown, never scored
    assert e.residual == pytest.approx(0.0, abs=1e-12)


@pytest.mark.slow
def test_hotspots_find_a_planted_cluster() -> None:
    """A 7×7 grid with a block of 3×3 very good buurten in one corner: they are HH clusters and
    Gi* hot spots after FDR; no buurt far away is."""
    cat = make_catalogue(indicator("a", dimension="housing"))
    rng = np.random.default_rng(0)
    data, boxes = {}, {}
    for i in range(49):
        x, y = divmod(i, 7)
        code = f"BU0001{i // 10:02d}{i % 10:02d}"
        hot = x < 3 and y < 3
        data[code] = {2020: {"a": float(rng.normal(90 if hot else 50, 3))}}
        boxes[code] = shapely.to_wkb(shapely.box(x, y, x + 1, y + 1))
    frame = long_panel(data)
    result = score(frame, cat, fit_reference(frame, cat, PLAIN), PLAIN)
    out = hotspots(result, boxes, 2020, permutations=999, seed=1).set_index("region_code")
    corner = [
        f"BU0001{i // 10:02d}{i % 10:02d}"
        for i in range(49)
        if divmod(i, 7)[0] < 2 and divmod(i, 7)[1] < 2
    ]
    assert (out.loc[corner, "lisa_cluster"] == "HH").all()
    assert (out.loc[corner, "gi_cluster"] == "hot").all()
    far = [f"BU0001{i // 10:02d}{i % 10:02d}" for i in range(49) if min(divmod(i, 7)) >= 5]
    assert not out.loc[far, "gi_cluster"].eq("hot").any()
    fuzzy = hotspots(result, boxes, 2020, permutations=99, seed=1, method="fuzzy", tolerance=0.01)
    assert fuzzy["neighbours"].max() == 8  # queen-like on a regular grid
