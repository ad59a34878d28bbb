"""The map's numbers: one measure, one year, one level of one gemeente, coloured by class.

Read from the newest saved index run, like every other monitor page, so map, table, profile and
report agree. Choices arrive in the query string and are validated here: a bad one is a 400.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from wijkkompas.reports.measures import (
    BY_KEY,
    MEASURES,
    PALETTE,
    Measure,
    class_label,
    unknown_reason,
    with_classes,
)

LEVELS = ("buurt", "wijk")


class BadChoice(ValueError):
    """A query-string choice the map does not offer (answered with 400, never 500)."""


@dataclass(frozen=True)
class MapRow:
    code: str
    name: str
    score: float | None
    klass: int | None
    label: str
    colour: str
    reason: str = ""
    """Why there is no class (empty when there is one)."""


@dataclass(frozen=True)
class LegendEntry:
    klass: int
    colour: str
    label: str


def legend() -> list[LegendEntry]:
    """Class, colour and name, worst first: the legend and the table use the same words."""
    return [LegendEntry(k, colour, class_label(k)) for k, colour in sorted(PALETTE.items())]


@dataclass(frozen=True)
class MapChoice:
    """What the map, its legend and its table show; scores and indicators alike."""

    measure: Measure
    level: str
    year: int
    years: list[int]
    rows: list[MapRow]
    legend: list[LegendEntry] = field(default_factory=legend)
    palette: dict[int, str] = field(default_factory=lambda: dict(PALETTE))
    swatch: str = "wk-klasse-"
    """CSS class prefix of the legend's and the table's colour swatches."""
    explanation: str = ""


def _gemeente_rows(scores: pd.DataFrame, gemeente_code: str) -> pd.DataFrame:
    digits = gemeente_code[2:6]
    return scores[scores["code"].str[2:6] == digits]


def choose(
    scores: pd.DataFrame | None,
    gemeente_code: str,
    measure: str = "",
    level: str = "",
    year: str = "",
) -> MapChoice | None:
    """The validated choice with its rows; None when the store has no saved run yet."""
    measure = measure or "total"
    level = level or "buurt"
    if measure not in BY_KEY:
        raise BadChoice(f"unknown measure {measure!r}")
    if level not in LEVELS:
        raise BadChoice(f"unknown level {level!r}")
    if scores is None:
        return None
    mine = _gemeente_rows(scores, gemeente_code)
    mine = mine[mine["level"] == level]
    # A score no region of the run has comes back from the run's JSON as a column of None
    # (object dtype), not NaN: a gemeente scored on one group only has no total at all.
    mine = mine.assign(**{measure: pd.to_numeric(mine[measure], errors="coerce")})
    years = sorted(int(y) for y in mine["year"].unique())
    if not years:
        return None
    if year:
        if not year.isdigit() or int(year) not in years:
            raise BadChoice(f"no scores for year {year!r}")
        chosen_year = int(year)
    else:
        chosen_year = years[-1]
    classes = with_classes(mine, measure)
    rows = []
    in_year = mine[mine["year"] == chosen_year].sort_values("name")
    for index, row in in_year.iterrows():
        value = float(row[measure])
        klass_value = classes.get(index)
        klass = None if klass_value is None or math.isnan(klass_value) else int(klass_value)
        rows.append(
            MapRow(
                code=str(row["code"]),
                name=str(row["name"]),
                score=None if math.isnan(value) else value,
                klass=klass,
                label=class_label(klass),
                colour=PALETTE.get(klass or 0, "#bdbdbd"),
                reason="" if klass is not None else unknown_reason(row.get("reason"), measure),
            )
        )
    return MapChoice(BY_KEY[measure], level, chosen_year, years, rows)


__all__ = [
    "LEVELS",
    "MEASURES",
    "BadChoice",
    "LegendEntry",
    "MapChoice",
    "MapRow",
    "choose",
    "legend",
]
