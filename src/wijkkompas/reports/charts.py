"""Charts as SVG markup made on the server: the same picture in the page and in the PDF.

Each chart carries a <title> and <desc> (its text alternative, read by screen readers and kept
in the tagged PDF); the numbers themselves are also in a table next to it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

from wijkkompas.reports.deferred import mark_safe
from wijkkompas.reports.profile import TrendPoint

if TYPE_CHECKING:
    from django.utils.safestring import SafeString

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
    return line_svg(
        [p.year for p in points],
        [p.total for p in points],
        title,
        description,
        ident="trend",
        band=errors,
    )


SMALL_WIDTH, SMALL_HEIGHT = 320, 150
MIN_SPAN_SHARE = 0.2
"""An indicator's axis spans at least a fifth of its largest value, so 13.1 against 13.2 does
not look like a fall off a cliff."""


def indicator_svg(
    years: Sequence[int], values: Sequence[float], title: str, description: str, ident: str
) -> SafeString:
    """A small line of one indicator's figures per year, in its own unit, without a band."""
    if not years:
        return mark_safe("")
    return line_svg(
        years,
        values,
        title,
        description,
        ident=ident,
        width=SMALL_WIDTH,
        height=SMALL_HEIGHT,
        zero_line=False,
        min_span=MIN_SPAN_SHARE * max(abs(v) for v in values),
    )


def line_svg(
    years: Sequence[int],
    values: Sequence[float],
    title: str,
    description: str,
    *,
    ident: str,
    band: Sequence[float] | None = None,
    width: int = WIDTH,
    height: int = HEIGHT,
    zero_line: bool = True,
    min_span: float = 0.0,
) -> SafeString:
    """A line of ``values`` per year, with a ±1.96·``band`` band when given; every value and
    the band lie inside the axis. ``ident`` keeps the title's and description's ids unique on
    a page with several charts."""
    errors = list(band) if band is not None else [0.0] * len(values)
    lows = [v - Z * e for v, e in zip(values, errors, strict=True)]
    highs = [v + Z * e for v, e in zip(values, errors, strict=True)]
    low, high = min(lows), max(highs)
    if min_span and high - low < min_span:  # a tiny wobble should not fill the whole height
        middle = (low + high) / 2
        low, high = middle - min_span / 2, middle + min_span / 2
    ticks = _ticks(low, high)
    if len(ticks) == 1:  # one value: give the axis some height
        ticks.append(ticks[0] + 1)
    y_min, y_max = ticks[0], ticks[-1]
    x_span = (years[-1] - years[0]) or 1

    def x(year: int) -> float:
        return LEFT + (year - years[0]) / x_span * (width - LEFT - RIGHT)

    def y(value: float) -> float:
        return TOP + (y_max - value) / (y_max - y_min) * (height - TOP - BOTTOM)

    title_id, desc_id = f"{ident}-titel", f"{ident}-uitleg"
    parts = [
        f'<svg class="wk-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" role="img" aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
    ]
    for tick in ticks:
        parts.append(
            f'<line x1="{LEFT}" x2="{width - RIGHT}" y1="{_fmt(y(tick))}" y2="{_fmt(y(tick))}"'
            f' stroke="#d9d9d9" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{_fmt(y(tick) + 4)}" text-anchor="end" font-size="11"'
            f' fill="{AXIS}">{tick:g}</text>'
        )
    if zero_line and y_min <= 0 and y_max >= 0:
        parts.append(
            f'<line x1="{LEFT}" x2="{width - RIGHT}" y1="{_fmt(y(0))}" y2="{_fmt(y(0))}"'
            f' stroke="{AXIS}" stroke-width="1"/>'
        )
    if band is not None:
        outline = [f"{_fmt(x(t))},{_fmt(y(h))}" for t, h in zip(years, highs, strict=True)]
        outline += [
            f"{_fmt(x(t))},{_fmt(y(lo))}"
            for t, lo in zip(reversed(years), reversed(lows), strict=True)
        ]
        parts.append(f'<polygon points="{" ".join(outline)}" fill="{BAND}" fill-opacity="0.6"/>')
    line = " ".join(f"{_fmt(x(t))},{_fmt(y(v))}" for t, v in zip(years, values, strict=True))
    parts.append(f'<polyline points="{line}" fill="none" stroke="{LINE}" stroke-width="2.5"/>')
    for t, v in zip(years, values, strict=True):
        parts.append(f'<circle cx="{_fmt(x(t))}" cy="{_fmt(y(v))}" r="3" fill="{LINE}"/>')
    step = max(1, math.ceil(len(years) / (10 if width >= WIDTH else 5)))
    for year in years[::step]:
        parts.append(
            f'<text x="{_fmt(x(year))}" y="{height - 10}" text-anchor="middle" font-size="11"'
            f' fill="{AXIS}">{year}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
