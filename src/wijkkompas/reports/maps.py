"""A static map of buurten coloured by class, as SVG made on the server: the same picture in the
report's PDF and its HTML version, without JavaScript or map tiles.

Boundaries are the store's WGS84 polygons. They are drawn in a plain equirectangular projection
scaled by the cosine of the middle latitude: over a municipality that is close enough to the
Dutch RD grid for a reader to recognise the shapes. The SVG carries a <title> and <desc>; the
table of buurten beside it is its full text alternative.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

import shapely
from shapely.geometry.base import BaseGeometry

from wijkkompas.reports.deferred import mark_safe

if TYPE_CHECKING:
    from django.utils.safestring import SafeString

WIDTH = 560
MAX_HEIGHT = 440
PAD = 6
NO_CLASS = "#bdbdbd"
"""Grey for a buurt without a score (the map page's colour for "geen score")."""
EDGE = "#ffffff"
HIGHLIGHT = "#000000"
TOLERANCE = 0.5
"""Pixels: boundary detail below this is left out of the drawing."""


@dataclass(frozen=True)
class MapShape:
    code: str
    wkb: bytes
    colour: str
    highlighted: bool = False


def _rings(geometry: BaseGeometry) -> Iterator[Sequence[tuple[float, float]]]:
    """Every ring (outer boundary and holes) of a polygon or multipolygon."""
    parts = getattr(geometry, "geoms", [geometry])
    for part in parts:
        if part.geom_type != "Polygon" or part.is_empty:
            continue
        yield part.exterior.coords
        for hole in part.interiors:
            yield hole.coords


def class_map_svg(
    shapes: Sequence[MapShape], title: str, description: str, ident: str = "kaart"
) -> SafeString:
    """The shapes filled with their colour, the highlighted ones outlined on top; empty markup
    when there is nothing to draw."""
    geometries = [(s, shapely.from_wkb(s.wkb)) for s in shapes]
    geometries = [(s, g) for s, g in geometries if g is not None and not g.is_empty]
    if not geometries:
        return mark_safe("")
    min_x, min_y, max_x, max_y = shapely.total_bounds([g for _s, g in geometries])
    squeeze = math.cos(math.radians((min_y + max_y) / 2))
    span_x = max((max_x - min_x) * squeeze, 1e-9)
    span_y = max(max_y - min_y, 1e-9)
    scale = min((WIDTH - 2 * PAD) / span_x, (MAX_HEIGHT - 2 * PAD) / span_y)
    width = round(span_x * scale + 2 * PAD)  # a tall area is narrower than the page
    height = round(span_y * scale + 2 * PAD)

    def path(geometry: BaseGeometry) -> str:
        # Detail finer than half a pixel cannot be seen, but costs the PDF renderer time.
        geometry = shapely.simplify(geometry, TOLERANCE / scale, preserve_topology=True)
        parts = []
        for ring in _rings(geometry):
            points: list[str] = []
            for coordinate in ring:
                lon, lat = coordinate[0], coordinate[1]
                point = (
                    f"{PAD + (lon - min_x) * squeeze * scale:.1f},{PAD + (max_y - lat) * scale:.1f}"
                )
                if not points or points[-1] != point:  # rounding merges close points
                    points.append(point)
            if len(points) >= 3:
                parts.append("M" + " L".join(points) + "Z")
        return "".join(parts)

    out = [
        f'<svg class="wk-kaart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" role="img"'
        f' aria-labelledby="{ident}-titel {ident}-uitleg">',
        f'<title id="{ident}-titel">{escape(title)}</title>',
        f'<desc id="{ident}-uitleg">{escape(description)}</desc>',
    ]
    for shape, geometry in geometries:
        out.append(
            f'<path d="{path(geometry)}" fill="{shape.colour}" fill-rule="evenodd"'
            f' stroke="{EDGE}" stroke-width="0.8"/>'
        )
    for shape, geometry in geometries:  # on top, so no neighbour's edge covers the outline
        if shape.highlighted:
            out.append(
                f'<path d="{path(geometry)}" fill="none" stroke="{HIGHLIGHT}" stroke-width="3"/>'
            )
    out.append("</svg>")
    return mark_safe("".join(out))
