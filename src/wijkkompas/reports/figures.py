"""A region's figures beside its wijk, gemeente and the country, and what its means hide.

Scores say where a buurt stands among buurten; a council also asks the plain question "how
many households here have a low income, and how many in the whole country?". This module
answers it from the stored figures alone (no scoring), so the page, the PDF and the CLI report
show the same numbers. Figures are only set side by side for the same reference period: an
income of 2021 next to a national one of 2022 would be a false comparison.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from wijkkompas.catalogue import Catalogue

ROLES = ("self", "wijk", "gemeente", "land")
"""Columns of the comparison, in reading order: the region, its wijk, its gemeente, Nederland."""

LEEFBAAROMETER_TOTAL = "lbm_score"
LEEFBAAROMETER_DEVIATION = "lbm_deviation"
LEEFBAAROMETER_PARTS = (
    "lbm_housing",
    "lbm_physical_environment",
    "lbm_amenities",
    "lbm_social_cohesion",
    "lbm_nuisance_insecurity",
)
LEEFBAAROMETER_IDS = frozenset(
    {LEEFBAAROMETER_TOTAL, LEEFBAAROMETER_DEVIATION, *LEEFBAAROMETER_PARTS}
)
"""Shown in their own section: an external model's output, not a figure about the place."""


@dataclass(frozen=True)
class FigureRow:
    """One indicator in one reference period, for the region and the areas it is compared to.

    A value is None where the area has no figure for that period; ``suppressed`` marks the
    ones CBS kept secret (too few people), which are not the same as unknown.
    """

    indicator_id: str
    name: str
    unit: str
    period: str
    values: Mapping[str, float | None]
    suppressed: Mapping[str, bool]
    source: str
    release: str
    model_estimate: bool = False
    """A model-based small-area estimate (the RIVM health monitor): shown as *modelschatting*."""

    @property
    def during_covid(self) -> bool:
        """The RIVM monitor of 2020 was fielded in the autumn of 2020, during COVID-19."""
        return self.model_estimate and self.period.startswith("2020")


@dataclass(frozen=True)
class Distribution:
    """A mean and the indicators that show the spread behind it (what the average hides)."""

    mean: FigureRow
    spread: list[FigureRow]


@dataclass(frozen=True)
class LeefbaarometerReference:
    """The Leefbaarometer's own figures for the region: an external model, never our input."""

    period: str
    score: float | None
    deviation: float | None
    parts: list[FigureRow]


def as_number(value: object) -> float | None:
    """A float, or None for missing, NaN or text (store frames mix all three)."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def newest_per_indicator(observations: pd.DataFrame) -> pd.DataFrame:
    """The newest period per indicator, from the newest boundary year that has it."""
    if observations.empty:
        return observations
    return (
        observations.sort_values(["region_year", "period"])
        .drop_duplicates(["indicator_id"], keep="last")
        .sort_values("indicator_id")
    )


def _lookup(frame: pd.DataFrame) -> dict[tuple[str, str], tuple[float | None, bool]]:
    """(indicator, period) → (value, suppressed), the newest boundary year winning."""
    if frame.empty:
        return {}
    year_column = "region_year" if "region_year" in frame else "table_year"
    ordered = frame.sort_values(year_column)
    return {
        (str(r.indicator_id), str(r.period)): (as_number(r.value), bool(r.suppressed))
        for r in ordered.itertuples(index=False)
    }


def compare_figures(
    mine: pd.DataFrame,
    parents: Mapping[str, pd.DataFrame],
    national: pd.DataFrame,
    catalogue: Catalogue,
    name: Callable[[str], str],
) -> list[FigureRow]:
    """The region's newest figure per indicator, with its wijk's, gemeente's and the country's.

    In catalogue order. Counts are left out (a buurt's number of inhabitants does not compare
    with the country's), as are indicators the catalogue does not know. ``parents`` maps ``wijk`` and ``gemeente`` to
    those areas' observations; ``national`` holds the country's figures (may be empty).
    """
    lookups = {role: _lookup(frame) for role, frame in parents.items()}
    lookups["land"] = _lookup(national)
    newest = {str(r.indicator_id): r for r in newest_per_indicator(mine).itertuples(index=False)}
    rows: list[FigureRow] = []
    for indicator in catalogue.indicators:  # the catalogue's order groups related figures
        r = newest.get(indicator.id)
        if r is None or indicator.unit == "count":
            continue
        key = (indicator.id, str(r.period))
        values: dict[str, float | None] = {"self": as_number(r.value)}
        suppressed: dict[str, bool] = {"self": bool(r.suppressed)}
        for role in ROLES[1:]:
            value, secret = lookups.get(role, {}).get(key, (None, False))
            values[role], suppressed[role] = value, secret
        rows.append(
            FigureRow(
                indicator_id=indicator.id,
                name=name(indicator.id),
                unit=indicator.unit,
                period=str(r.period),
                values=values,
                suppressed=suppressed,
                source=str(r.source),
                release=str(r.release),
                model_estimate=indicator.model_estimate,
            )
        )
    return rows


def distributions(rows: list[FigureRow], catalogue: Catalogue) -> list[Distribution]:
    """Each mean with the spread indicators the catalogue ties to it (``distribution_of``).

    Only means the region has a figure for are shown, and only with spread figures it has:
    an empty panel would suggest there is nothing hidden, which we cannot know.
    """
    by_id = {row.indicator_id: row for row in rows}
    spread_of: dict[str, list[str]] = {}
    for indicator in catalogue.indicators:
        if indicator.distribution_of:
            spread_of.setdefault(indicator.distribution_of, []).append(indicator.id)
    panels = []
    for mean_id, spread_ids in spread_of.items():
        mean = by_id.get(mean_id)
        spread = [by_id[i] for i in spread_ids if i in by_id]
        if mean is not None and spread:
            panels.append(Distribution(mean=mean, spread=spread))
    return panels


def leefbaarometer_reference(
    rows: list[FigureRow], observations: pd.DataFrame, name: Callable[[str], str]
) -> LeefbaarometerReference | None:
    """The region's newest Leefbaarometer figures, or None when none were imported.

    Read from the raw observations rather than ``rows`` so the total and its dimension parts
    come from the same Leefbaarometer edition.
    """
    lbm = observations[observations["indicator_id"].isin(LEEFBAAROMETER_IDS)]
    lbm = lbm[lbm["value"].notna()]
    if lbm.empty:
        return None
    period = str(lbm.sort_values(["period", "region_year"])["period"].iloc[-1])
    edition = lbm[lbm["period"] == period].sort_values("region_year")
    values = {str(r.indicator_id): as_number(r.value) for r in edition.itertuples(index=False)}
    compared = {row.indicator_id: row for row in rows if row.period == period}
    parts = [compared[p] for p in LEEFBAAROMETER_PARTS if p in compared]
    return LeefbaarometerReference(
        period=period,
        score=values.get(LEEFBAAROMETER_TOTAL),
        deviation=values.get(LEEFBAAROMETER_DEVIATION),
        parts=parts,
    )
