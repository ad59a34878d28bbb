"""Felt against measured, from the store: the survey's buurt mark beside the index total.

The survey figures reach the store through the importer like every other source; the index
total comes from the newest saved run. Both are read for the newest period the survey has, so
a page compares what residents said with the figures of the same time.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from wijkkompas.services.scoring import latest_run_scores
from wijkkompas.store import AnalyticStore
from wijkkompas.survey.divergence import Divergence, felt_vs_measured

FELT_INDICATOR = "survey_buurt_mark"


@dataclass(frozen=True)
class FeltAndMeasured:
    period: str | None
    """The survey period compared; None when the store has no survey mark."""
    index_year: int | None
    divergences: list[Divergence]


def felt_and_measured(store: AnalyticStore, gemeente: str) -> FeltAndMeasured:
    """Buurten of ``gemeente`` where residents' mark and the index total tell different stories."""
    if not store.exists():
        return FeltAndMeasured(None, None, [])
    with store.reader() as reader:
        felt = reader.observations(indicator_ids=[FELT_INDICATOR], gemeente=gemeente)
    felt = felt[felt["value"].notna() & felt["region_code"].str.startswith("BU")]
    scores = latest_run_scores(store)
    if felt.empty or scores is None:
        return FeltAndMeasured(None, None, [])
    period = str(felt["period"].max())
    felt = felt[felt["period"] == period]
    scores = scores[
        (scores["level"] == "buurt") & scores["code"].str.startswith("BU" + gemeente[2:])
    ]
    year = _nearest_year(scores, int(period[:4]))
    if year is None:
        return FeltAndMeasured(period, None, [])
    measured = scores[scores["year"] == year].set_index("code")["total"].dropna()
    marks = {str(c): float(v) for c, v in zip(felt["region_code"], felt["value"], strict=True)}
    return FeltAndMeasured(
        period, year, felt_vs_measured(marks, {str(c): float(v) for c, v in measured.items()})
    )


def _nearest_year(scores: pd.DataFrame, year: int) -> int | None:
    years = sorted(int(y) for y in scores["year"].unique())
    earlier = [y for y in years if y <= year]
    return earlier[-1] if earlier else (years[0] if years else None)
