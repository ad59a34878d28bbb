"""Charts as SVG markup made on the server: the same picture in the page and in the PDF.

Each chart carries a <title> and <desc> (its text alternative, read by screen readers and kept
in the tagged PDF); the numbers themselves are also in a table next to it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

from wijkkompas.reports.profile import TrendPoint

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 14, 32
Z = 1.96
LINE = "#154273"
BAND = "#9ec5e8"
AXIS = "#595959"


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high]; readable without a charting library."""
    span = high - low or 1.0
    raw = span / (count - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = min((m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw), default=raw)
    start = math.floor(low / step) * step
    ticks, value = [start], start
    while value < high - step * 1e-9:  # the last tick at or above the highest value
        value += step
        ticks.append(round(value, 10))
    return ticks


def trend_svg(points: Sequence[TrendPoint], title: str, description: str) -> SafeString:
    """A line of the total per year with a 95 % band (±1.96 standard errors) around it."""
    if not points:
        return mark_safe("")
    # An unknown error (None or NaN) draws no band; NaN would also poison the axis range.
    errors = [p.se if p.se is not None and math.isfinite(p.se) else 0.0 for p in points]
    lows = [p.total - Z * e for p, e in zip(points, errors, strict=True)]
    highs = [p.total + Z * e for p, e in zip(points, errors, strict=True)]
    ticks = _ticks(min(lows), max(highs))
    if len(ticks) == 1:  # one value: give the axis some height
        ticks.append(ticks[0] + 1)
    y_min, y_max = ticks[0], ticks[-1]
    years = [p.year for p in points]
    x_span = (years[-1] - years[0]) or 1

    def x(year: int) -> float:
        return LEFT + (year - years[0]) / x_span * (WIDTH - LEFT - RIGHT)

    def y(value: float) -> float:
        return TOP + (y_max - value) / (y_max - y_min) * (HEIGHT - TOP - BOTTOM)

    band = [f"{_fmt(x(p.year))},{_fmt(y(h))}" for p, h in zip(points, highs, strict=True)]
    band += [
        f"{_fmt(x(p.year))},{_fmt(y(lo))}"
        for p, lo in zip(reversed(points), reversed(lows), strict=True)
    ]
    line = " ".join(f"{_fmt(x(p.year))},{_fmt(y(p.total))}" for p in points)
    parts = [
        f'<svg class="wk-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="trend-titel trend-uitleg">',
        f'<title id="trend-titel">{escape(title)}</title>',
        f'<desc id="trend-uitleg">{escape(description)}</desc>',
    ]
    for tick in ticks:
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_fmt(y(tick))}" y2="{_fmt(y(tick))}"'
            f' stroke="#d9d9d9" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{_fmt(y(tick) + 4)}" text-anchor="end" font-size="11"'
            f' fill="{AXIS}">{tick:g}</text>'
        )
    if y_min <= 0 and y_max >= 0:
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_fmt(y(0))}" y2="{_fmt(y(0))}"'
            f' stroke="{AXIS}" stroke-width="1"/>'
        )
    parts.append(f'<polygon points="{" ".join(band)}" fill="{BAND}" fill-opacity="0.6"/>')
    parts.append(f'<polyline points="{line}" fill="none" stroke="{LINE}" stroke-width="2.5"/>')
    for p in points:
        parts.append(
            f'<circle cx="{_fmt(x(p.year))}" cy="{_fmt(y(p.total))}" r="3" fill="{LINE}"/>'
        )
    step = max(1, math.ceil(len(years) / 10))
    for year in years[::step]:
        parts.append(
            f'<text x="{_fmt(x(year))}" y="{HEIGHT - 10}" text-anchor="middle" font-size="11"'
            f' fill="{AXIS}">{year}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
