"""Is a goal on track? A straight path from baseline to target, judged on the newest figure.

A plan runs ten years or more while figures arrive a year or two late and move noisily, so the
judgement is deliberately simple and explainable: where would the figure be by now on a straight
line from the baseline to the target, and is the newest figure at least that far (give or take a
tolerance)? Anything cleverer would be harder for a resident panel to check by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Status = Literal["achieved", "on_track", "behind", "unknown"]
Reason = Literal[
    "no_direction",
    "no_new_figures",
    "target_reached",
    "on_path",
    "off_path",
    "target_year_passed",
]

DEFAULT_TOLERANCE = 0.1
"""Share of the baseline-to-target gap by which a figure may trail the path and still count as
on track: year-to-year noise in a buurt figure is of that order."""


@dataclass(frozen=True)
class Assessment:
    """The verdict with what it rests on, so a page can show its working."""

    status: Status
    reason: Reason
    latest_year: int | None = None
    latest_value: float | None = None
    expected_value: float | None = None
    """Where the straight path from baseline to target is in ``latest_year``."""


def assess(
    *,
    baseline_year: int,
    baseline_value: float,
    target_year: int,
    target_value: float,
    actuals: Mapping[int, float],
    higher_is_better: bool | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
) -> Assessment:
    """Judge a goal on the newest figure after its baseline year.

    The desired direction is the direction from baseline to target; ``higher_is_better`` (from
    the indicator) only decides it for a goal that wants to hold a level (target = baseline).
    """
    if target_value != baseline_value:
        up = target_value > baseline_value
    elif higher_is_better is not None:
        up = higher_is_better
    else:
        return Assessment("unknown", "no_direction")
    later = sorted(
        year for year, value in actuals.items() if year > baseline_year and value == value
    )
    if not later:
        return Assessment("unknown", "no_new_figures")
    year = later[-1]
    value = float(actuals[year])
    sign = 1.0 if up else -1.0
    gap = abs(target_value - baseline_value)
    span = max(target_year - baseline_year, 1)
    share = min(max((year - baseline_year) / span, 0.0), 1.0)
    expected = baseline_value + (target_value - baseline_value) * share
    if target_value != baseline_value and sign * (value - target_value) >= 0:
        return Assessment("achieved", "target_reached", year, value, expected)
    # Holding a level: "achieved" only counts at the target year; before that it is on track.
    slack = tolerance * gap if gap else tolerance * max(abs(baseline_value), 1e-9)
    if sign * (value - expected) >= -slack:
        if gap == 0 and year >= target_year:
            return Assessment("achieved", "target_reached", year, value, expected)
        return Assessment("on_track", "on_path", year, value, expected)
    if year >= target_year:
        return Assessment("behind", "target_year_passed", year, value, expected)
    return Assessment("behind", "off_path", year, value, expected)
