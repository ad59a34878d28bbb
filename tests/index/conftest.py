"""Small hand-made catalogues and panels for the index engine tests."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from wijkkompas.catalogue import Catalogue, catalogue_from_dict
from wijkkompas.index import EngineOptions, Panel

PLAIN = EngineOptions(
    shrinkage="none",
    imputation="none",
    suppression_threshold=0.0,
    min_groups=1,
    trend_min_groups=1,
)
"""Options that make hand computation easy: no treatment, nothing suppressed, a total and a
trend from a single group."""


def indicator(id: str, **fields: Any) -> dict[str, Any]:
    base = {
        "id": id,
        "name_nl": id,
        "name_en": id,
        "description_nl": id,
        "description_en": id,
        "unit": "number",
        "direction": "higher_is_better",
        "plausible_range": [-1e9, 1e9],
        "reference_lag_years": 0,
        "reference": "test",
    }
    base.update(fields)
    return base


def make_catalogue(*indicators: dict[str, Any], **extra: Any) -> Catalogue:
    return catalogue_from_dict({"version": "test", "indicators": list(indicators), **extra})


def region_parts(code: str) -> tuple[str, str, str | None]:
    level = {"GM": "gemeente", "WK": "wijk", "BU": "buurt"}[code[:2]]
    return level, "GM" + code[2:6], None if level == "gemeente" else "WK" + code[2:8]


def long_panel(
    data: dict[str, dict[int, dict[str, float]]], population: float | None = None
) -> pd.DataFrame:
    """``{code: {year: {indicator: value}}}`` → the long panel table."""
    rows = []
    for code, years in data.items():
        level, gm, wk = region_parts(code)
        for year, values in years.items():
            for ind, value in values.items():
                rows.append((code, level, gm, wk, year, ind, value, population))
    columns = [
        "region_code",
        "level",
        "gemeente_code",
        "wijk_code",
        "year",
        "indicator_id",
        "value",
        "population",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    return frame if population is not None else frame.drop(columns="population")


def by_code(scores: pd.DataFrame, year: int, column: str = "total") -> dict[str, float]:
    part = scores[scores["year"] == year]
    return dict(zip(part["region_code"], part[column].to_numpy(dtype=float), strict=True))


@pytest.fixture
def two_indicator_catalogue() -> Catalogue:
    """a: higher is better (housing); b: higher is worse (nuisance_safety)."""
    return make_catalogue(
        indicator("a", dimension="housing", cumulation=["housing"]),
        indicator(
            "b",
            direction="higher_is_worse",
            dimension="nuisance_safety",
            cumulation=["safety_undermining"],
        ),
    )


@pytest.fixture
def three_buurten() -> Panel:
    """Year 2020: a = 1, 2, 3; b = 10, 30, 20. Year 2021: a = 2, 2, 3; b = 10, 30, 10."""
    data = {
        "BU00010001": {2020: {"a": 1.0, "b": 10.0}, 2021: {"a": 2.0, "b": 10.0}},
        "BU00010002": {2020: {"a": 2.0, "b": 30.0}, 2021: {"a": 2.0, "b": 30.0}},
        "BU00010003": {2020: {"a": 3.0, "b": 20.0}, 2021: {"a": 3.0, "b": 10.0}},
    }
    return Panel.from_long(long_panel(data))


def nan_equal(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.array_equal(np.isnan(a), np.isnan(b)))
