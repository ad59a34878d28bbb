"""The static class map: one shape per buurt, the chosen one outlined on top, a text
alternative, and nothing for nothing."""

from __future__ import annotations

import math

import shapely
from shapely.geometry import Polygon, box

from wijkkompas.reports.maps import PAD, MapShape, class_map_svg
from wijkkompas.web.apps.plans.selectors.coverage import contains, overlaps


def _shape(code: str, geometry, colour: str = "#a50026", highlighted: bool = False) -> MapShape:
    return MapShape(code, shapely.to_wkb(geometry), colour, highlighted)


def test_nothing_to_draw_is_no_map() -> None:
    assert class_map_svg([], "t", "d") == ""


def test_shapes_their_outline_and_the_text_alternative() -> None:
    ring = Polygon(box(4.0, 52.0, 4.02, 52.02).exterior, [box(4.005, 52.005, 4.01, 52.01).exterior])
    svg = class_map_svg(
        [_shape("BU1", ring), _shape("BU2", box(4.02, 52.0, 4.04, 52.02), "#313695", True)],
        "Kaart <van> de wijk",
        "Twee buurten & een gat",
    )
    assert svg.count("<path ") == 3  # two buurten, one outline on top
    assert svg.index('stroke="#000000"') > svg.rindex('fill="#313695"')
    assert '<title id="kaart-titel">Kaart &lt;van&gt; de wijk</title>' in svg
    assert '<desc id="kaart-uitleg">Twee buurten &amp; een gat</desc>' in svg
    assert 'role="img" aria-labelledby="kaart-titel kaart-uitleg"' in svg
    first = svg.split('<path d="', 1)[1].split('"', 1)[0]
    assert first.count("M") == 2  # the hole is drawn (even-odd), not filled over
    # at 52° N a degree of longitude is cos(52°) of one of latitude: 0.04° × 0.02° is 1.23 : 1
    width, height = (float(v) for v in svg.split('viewBox="0 0 ', 1)[1].split('"')[0].split())
    pad = 2 * PAD
    assert abs((width - pad) / (height - pad) - 2 * math.cos(math.radians(52.01))) < 0.02


def test_cbs_codes_nest_by_their_digits() -> None:
    assert contains("GM0363", "BU0363AE01") and contains("WK0363AE", "BU0363AE01")
    assert not contains("WK0363AF", "BU0363AE01")
    assert overlaps("BU0363AE01", "WK0363AE") and not overlaps("WK036301", "WK036300")
