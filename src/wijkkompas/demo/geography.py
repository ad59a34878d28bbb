"""The map of Voorbeeldstad: buurten that tile the gemeente, grouped into contiguous wijken.

Built in RD New metres (EPSG:28992) because areas, distances and simplification tolerances
mean something there; only the finished geometries are transformed to WGS84. Buurten are the
Voronoi cells of seeded points clipped to a seeded outline, so they tile it by construction,
and wijken are unions of buurten, so the hierarchy nests exactly, as it does at CBS.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPoint, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

CENTRE_RD = (135_300.0, 456_900.0)
"""About 52.1 N 5.1 E; the town is fictional, the place only gives the map a plausible scale."""
RADIUS_M = 4_200.0
GRID_M = 0.01
"""Coordinates are snapped to a centimetre grid so neighbouring cells share vertices exactly."""
WEB_TOLERANCE_M = 20.0

Shape: TypeAlias = Polygon | MultiPolygon
"""A buurt is normally one polygon, but CBS buurten can have several parts, and so can ours."""


@dataclass(frozen=True)
class Cell:
    """One buurt-to-be: its polygon (RD metres) and where it lies in the town."""

    index: int
    polygon: Shape
    radial: float
    """Distance of its centroid from the town centre, 0 (centre) to about 1 (edge)."""


@dataclass(frozen=True)
class Geography:
    outline: Polygon
    cells: tuple[Cell, ...]
    wijk_of: tuple[int, ...]
    """The wijk number (0-based, ordered from the centre outwards) of each cell."""
    n_wijken: int


def _outline(rng: np.random.Generator) -> Polygon:
    """A lobed, irregular town boundary, so the map does not look like a circle."""
    phases = rng.uniform(0, 2 * math.pi, size=3)
    amplitudes = (0.14, 0.09, 0.05)
    angles = np.linspace(0, 2 * math.pi, 96, endpoint=False)
    radius = RADIUS_M * (
        1
        + sum(
            a * np.sin((k + 2) * angles + p)
            for k, (a, p) in enumerate(zip(amplitudes, phases, strict=True))
        )
    )
    xs = CENTRE_RD[0] + radius * np.cos(angles) * 1.15
    ys = CENTRE_RD[1] + radius * np.sin(angles) * 0.9
    polygon = shapely.set_precision(Polygon(zip(xs, ys, strict=True)), GRID_M)
    assert isinstance(polygon, Polygon)
    return polygon


def _seed_points(rng: np.random.Generator, outline: Polygon, n: int) -> np.ndarray:
    """Points denser in the centre (small inner-city buurten, large outer ones), never too close."""
    minx, miny, maxx, maxy = outline.bounds
    spacing = math.sqrt(outline.area / n) * 0.55
    points: list[tuple[float, float]] = []
    tries = 0
    while len(points) < n and tries < 200_000:
        tries += 1
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if not outline.contains(Point(x, y)):
            continue
        r = math.hypot((x - CENTRE_RD[0]) / 1.15, (y - CENTRE_RD[1]) / 0.9) / RADIUS_M
        if rng.uniform() > (1.25 - min(r, 1.0)) / 1.25:
            continue
        d_min = spacing * (0.55 + 0.9 * min(r, 1.0))
        if points and np.min(np.hypot(*(np.asarray(points) - (x, y)).T)) < d_min:
            continue
        points.append((x, y))
    return np.asarray(points)


def radial_of(polygon: BaseGeometry) -> float:
    """Distance of a polygon's centroid from the town centre: 0 centre, about 1 at the edge."""
    c = polygon.centroid
    return float(math.hypot((c.x - CENTRE_RD[0]) / 1.15, (c.y - CENTRE_RD[1]) / 0.9) / RADIUS_M)


def _as_shape(geometry: BaseGeometry) -> Shape:
    if not isinstance(geometry, Polygon | MultiPolygon):
        raise TypeError(f"expected an area, got a {geometry.geom_type}")
    return geometry


def _cells(points: np.ndarray, outline: Polygon) -> list[Shape]:
    diagram = shapely.voronoi_polygons(
        MultiPoint(points), extend_to=outline.buffer(1_000), ordered=True
    )
    polygons: list[Shape] = []
    strays: list[tuple[int, BaseGeometry]] = []
    for i, region in enumerate(shapely.get_parts(diagram)):
        clipped = shapely.set_precision(shapely.intersection(region, outline), GRID_M)
        parts = sorted(shapely.get_parts(clipped), key=lambda g: -g.area)
        polygons.append(_as_shape(parts[0]))
        strays.extend((i, part) for part in parts[1:])
    # A lobed outline can cut a cell in two; a stray piece joins the neighbour it shares most
    # border with, so nothing is lost and every buurt stays one polygon.
    for origin, piece in strays:
        target = max(
            (j for j in range(len(polygons)) if j != origin),
            key=lambda j: piece.intersection(polygons[j]).length,
        )
        polygons[target] = _as_shape(
            shapely.set_precision(shapely.union(polygons[target], piece), GRID_M)
        )
    return polygons


def _group_into_wijken(rng: np.random.Generator, polygons: list[Shape], k: int) -> list[int]:
    """k-means on buurt centroids, then repair so that every wijk is one contiguous area."""
    centres = np.array([[p.centroid.x, p.centroid.y] for p in polygons])
    seeds = centres[rng.choice(len(centres), size=k, replace=False)]
    labels = np.zeros(len(centres), dtype=int)
    for _ in range(25):
        distances = np.linalg.norm(centres[:, None, :] - seeds[None, :, :], axis=2)
        labels = distances.argmin(axis=1)
        for j in range(k):
            if np.any(labels == j):
                seeds[j] = centres[labels == j].mean(axis=0)
    touching = _neighbours(polygons)
    for _ in range(len(polygons)):
        moved = False
        for j in range(k):
            members = [i for i in range(len(polygons)) if labels[i] == j]
            parts = _components(members, touching)
            for part in sorted(parts, key=len)[:-1]:  # keep the largest piece, move the rest
                for i in part:
                    options = sorted({int(labels[n]) for n in touching[i]} - {j})
                    if options:
                        labels[i] = options[0]
                        moved = True
        if not moved:
            break
    used = sorted(set(labels.tolist()))
    inwardness = {
        j: float(np.mean([radial_of(polygons[i]) for i in np.flatnonzero(labels == j)]))
        for j in used
    }
    order = sorted(used, key=inwardness.__getitem__)
    renumber = {old: new for new, old in enumerate(order)}
    return [renumber[int(label)] for label in labels]


def _neighbours(polygons: list[Shape]) -> list[list[int]]:
    """Buurten sharing a border (not just a corner)."""
    tree = shapely.STRtree(polygons)
    result: list[list[int]] = []
    for i, polygon in enumerate(polygons):
        near = tree.query(polygon, predicate="intersects")
        result.append(
            sorted(
                int(j) for j in near if j != i and polygon.intersection(polygons[j]).length > 1.0
            )
        )
    return result


def _components(members: list[int], touching: list[list[int]]) -> list[list[int]]:
    remaining = set(members)
    parts: list[list[int]] = []
    for start in members:
        if start not in remaining:
            continue
        stack, part = [start], []
        remaining.discard(start)
        while stack:
            i = stack.pop()
            part.append(i)
            for n in touching[i]:
                if n in remaining:
                    remaining.discard(n)
                    stack.append(n)
        parts.append(sorted(part))
    return parts


def build_geography(rng: np.random.Generator, n_buurten: int, n_wijken: int) -> Geography:
    outline = _outline(rng)
    points = _seed_points(rng, outline, n_buurten)
    polygons = _cells(points, outline)
    wijk_of = _group_into_wijken(rng, polygons, n_wijken)
    cells = tuple(Cell(i, p, radial_of(p)) for i, p in enumerate(polygons))
    return Geography(outline, cells, tuple(wijk_of), max(wijk_of) + 1)


def split_in_two(polygon: Shape) -> tuple[Shape, Shape]:
    """Cut a buurt across its long axis through its centroid, as a gemeente might when a new
    housing estate gets its own buurt. Both halves come from the same cut line, so they share it."""
    rectangle = polygon.minimum_rotated_rectangle
    corners = np.asarray(rectangle.exterior.coords)[:4]
    edges = np.diff(np.vstack([corners, corners[:1]]), axis=0)
    long_axis = edges[int(np.argmax(np.hypot(edges[:, 0], edges[:, 1])))]
    direction = long_axis / np.hypot(*long_axis)
    normal = np.array([-direction[1], direction[0]])
    c = np.array([polygon.centroid.x, polygon.centroid.y])
    far = 10 * math.sqrt(polygon.area) + 1_000
    half = Polygon(
        [c + normal * far, c + normal * far + direction * far,
         c - normal * far + direction * far, c - normal * far]
    )  # fmt: skip
    first = _as_shape(shapely.set_precision(polygon.intersection(half), GRID_M))
    second = _as_shape(shapely.set_precision(polygon.difference(half), GRID_M))
    return first, second


_TO_WGS84 = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)


def to_wgs84(geometry: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geometry, lambda xy: np.column_stack(_TO_WGS84.transform(*xy.T)))


def simplify_coverage(polygons: list[BaseGeometry]) -> list[BaseGeometry]:
    """Simplify all buurten together so that neighbours keep sharing one border."""
    return list(shapely.coverage_simplify(np.asarray(polygons, dtype=object), WEB_TOLERANCE_M))
