"""The map's choice of rows when a score is missing for every region of a saved run."""

from __future__ import annotations

import pandas as pd

from wijkkompas.web.apps.monitor.selectors import choropleth


def test_a_score_no_region_has_maps_grey_instead_of_failing() -> None:
    """A saved run's JSON gives a score that every region lacks as None (object dtype): the
    map of Rotterdam's 2017 KWB extract alone, which covers one group only, failed with 500."""
    scores = pd.DataFrame(
        {
            "code": ["BU05990110", "BU05990111", "BU05990112"],
            "name": ["A", "B", "C"],
            "level": ["buurt"] * 3,
            "year": [2017] * 3,
            "total": [None, None, None],
            "class": [None, None, None],
            "safety": [-0.6, 0.1, 0.5],
        }
    )
    assert scores["total"].dtype == object
    total = choropleth.choose(scores, "GM0599")
    assert total is not None
    assert [(row.score, row.klass) for row in total.rows] == [(None, None)] * 3
    safety = choropleth.choose(scores, "GM0599", measure="safety")
    assert safety is not None
    assert [row.score for row in safety.rows] == [-0.6, 0.1, 0.5]
    assert all(row.klass for row in safety.rows)
