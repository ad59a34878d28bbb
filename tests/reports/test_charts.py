"""The trend chart draws every value inside its axis (issue 16: 31 of 95 demo profiles had
points clipped off a fixed axis, among them WK999901's −0.52/−0.49; also in the PDF)."""

from __future__ import annotations

import math
import re

import pytest

from wijkkompas.reports.charts import BOTTOM, HEIGHT, TOP, trend_svg
from wijkkompas.reports.profile import TrendPoint


def drawn_heights(svg: str) -> list[float]:
    """Every y coordinate of the band, the line and the points."""
    ys = [float(v) for v in re.findall(r'cy="([-\d.]+)"', svg)]
    for points in re.findall(r'points="([^"]+)"', svg):
        ys += [float(pair.split(",")[1]) for pair in points.split()]
    return ys


@pytest.mark.parametrize(
    "series",
    [
        [(2021, -0.31, 0.05), (2022, -0.40, 0.06), (2023, -0.52, 0.05), (2024, -0.49, 0.05)],
        [(2021, -0.52, float("nan")), (2022, -0.49, None)],
        [(2020, 0.93, 0.0), (2021, 0.41, 0.01)],  # the top value just above a round tick
        [(2020, 2.7, 0.4), (2024, 3.3, 0.3)],
        [(2023, 0.2, None)],
    ],
)
def test_every_value_and_its_band_lie_inside_the_axis(series) -> None:
    svg = str(trend_svg([TrendPoint(y, t, se) for y, t, se in series], "t", "d"))
    heights = drawn_heights(svg)
    assert heights and all(math.isfinite(h) for h in heights)
    assert min(heights) >= TOP - 1e-9
    assert max(heights) <= HEIGHT - BOTTOM + 1e-9


def test_an_indicator_chart_does_not_blow_up_a_wobble() -> None:
    from wijkkompas.reports.charts import SMALL_HEIGHT, indicator_svg

    svg = str(indicator_svg([2015, 2016, 2017], [13.2, 13.1, 13.2], "t", "d", "x"))
    ys = drawn_heights(svg)
    assert max(ys) - min(ys) < (SMALL_HEIGHT - TOP - BOTTOM) / 4
    assert 'id="x-titel"' in svg and 'aria-labelledby="x-titel x-uitleg"' in svg
