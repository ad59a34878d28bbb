"""Geometry helpers shared by the boundary loader, the store readers and the web maps.

Geometry stays WKB in WGS84 (lon/lat) everywhere so DuckDB needs no spatial extension and the
web can hand it to Leaflet without reprojecting. Reprojection goes through pyproj, validity
through ``shapely.make_valid`` and web generalisation through ``shapely.coverage_simplify`` over a
whole layer, so neighbouring buurten keep exactly the same border after simplification (a
per-polygon simplify would open slivers and overlaps between them on the map).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from wijkkompas.errors import WijkkompasError

WGS84 = CRS.from_epsg(4326)
RD_NEW = CRS.from_epsg(28992)

WEB_TOLERANCE_DEGREES = 0.00005
"""Tolerance of the web copy, in degrees of lon/lat.

``coverage_simplify`` removes vertices whose triangle area is below ``tolerance²``, so this is a
length: 0.00005° is about 3.4 m east-west and 5.6 m north-south at 52° N, roughly one screen pixel
at Leaflet zoom 15 (4.8 m/pixel at 52° N), the closest zoom at which a whole wijk still fits a
screen. Coarser (0.0001°) visibly cuts corners of small inner-city buurten at that zoom; finer
(0.00002°) keeps twice the vertices for no visible gain. On the real Rotterdam sample it keeps
about 30 % of the vertices (37 363 → 10 898), on Amsterdam 62 % (already coarse source data).
"""

# RD New's valid area, with margin: coordinates inside it and outside lon/lat ranges are metres.
_RD_BOUNDS = (-10_000.0, 280_000.0, 310_000.0, 650_000.0)


class GeometryError(WijkkompasError):
    """Geometry that cannot be read or reprojected; the message says which file and why."""


def crs_from_user(value: object) -> CRS:
    """A CRS from whatever a file says (EPSG code, URN, WKT, ``CRS84``), or a clear error."""
    try:
        return CRS.from_user_input(value)
    except CRSError as exc:
        raise GeometryError(f"The coordinate reference system '{value}' is unknown.") from exc


def guess_crs(geometries: np.ndarray) -> CRS | None:
    """WGS84 or RD New from the coordinate ranges alone, for files that do not name their CRS.

    GeoJSON without a ``crs`` member is WGS84 by the standard, but Dutch services often export
    RD New coordinates without saying so; numbers in the hundreds of thousands cannot be degrees.
    """
    xmin, ymin, xmax, ymax = shapely.total_bounds(geometries)
    if np.isnan(xmin):
        return None
    if xmin >= -180 and xmax <= 180 and ymin >= -90 and ymax <= 90:
        return WGS84
    bx0, by0, bx1, by1 = _RD_BOUNDS
    if bx0 <= xmin and xmax <= bx1 and by0 <= ymin and ymax <= by1:
        return RD_NEW
    return None


def is_geographic_range(geometries: np.ndarray) -> bool:
    """True when every coordinate could be a lon/lat pair."""
    xmin, ymin, xmax, ymax = shapely.total_bounds(geometries)
    return bool(xmin >= -180 and xmax <= 180 and ymin >= -90 and ymax <= 90)


def to_wgs84(geometries: np.ndarray, crs: CRS) -> np.ndarray:
    """Reproject to WGS84 lon/lat (x = longitude), whatever axis order the source CRS declares."""
    if crs.equals(WGS84, ignore_axis_order=True) or _is_crs84(crs):
        return geometries
    transformer = Transformer.from_crs(crs, WGS84, always_xy=True)
    out = shapely.transform(geometries, lambda xy: np.column_stack(transformer.transform(*xy.T)))
    if not np.isfinite(shapely.total_bounds(out)).all():
        raise GeometryError(
            f"Reprojecting from {crs.name} to WGS84 produced invalid coordinates: the file's "
            "coordinates do not fit the CRS it names."
        )
    return out


def _is_crs84(crs: CRS) -> bool:
    return crs.to_authority() in (("OGC", "CRS84"), ("OGC", "CRS:84"))


def polygonal(geometries: np.ndarray) -> np.ndarray:
    """Valid (multi)polygons: ``make_valid`` keeps the area and drops collapsed slivers.

    The ``structure`` method keeps a polygon polygonal (``linework`` can yield collections of
    lines and polygons for self-touching rings, which a map cannot fill).
    """
    valid = shapely.make_valid(geometries, method="structure", keep_collapsed=False)
    kinds = shapely.get_type_id(valid)
    collections = np.flatnonzero(kinds == shapely.GeometryType.GEOMETRYCOLLECTION)
    for i in collections:
        parts = shapely.get_parts(valid[i])
        polys = parts[np.isin(shapely.get_type_id(parts), (3, 6))]
        valid[i] = shapely.union_all(polys) if len(polys) else shapely.Polygon()
    return valid


def coverage_simplified(
    geometries: np.ndarray, tolerance: float = WEB_TOLERANCE_DEGREES
) -> np.ndarray:
    """A web copy of one layer, simplified as a coverage so shared borders stay shared.

    Pass one level (all buurten, or all wijken) at a time: mixing levels would make buurt and
    wijk borders snap to each other. When the source is not a clean coverage (rounded
    coordinates leave tiny gaps), GEOS still simplifies each shared edge once; a result that
    comes out invalid is repaired, and an empty result falls back to the unsimplified shape.
    """
    if len(geometries) == 0:
        return geometries
    simplified = shapely.coverage_simplify(geometries, tolerance)
    invalid = ~shapely.is_valid(simplified)
    if invalid.any():
        simplified[invalid] = polygonal(simplified[invalid])
    empty = shapely.is_empty(simplified) & ~shapely.is_empty(geometries)
    simplified[empty] = geometries[empty]
    return simplified


def to_wkb(geometries: np.ndarray) -> list[bytes]:
    """2D little-endian WKB, what the store keeps (no SRID: the store is WGS84 by contract)."""
    return [bytes(b) for b in shapely.to_wkb(geometries, output_dimension=2, byte_order=1)]


def from_wkb(blobs: Sequence[bytes]) -> np.ndarray:
    return shapely.from_wkb(np.asarray(list(blobs), dtype=object))


_GEOS_PROBLEMS = {
    "not form a closed linestring": "a ring is not closed (its last point is not its first)",
    "Invalid number of points in LinearRing": "a ring has fewer than four points",
}
"""GEOS's words for geometry it cannot build, in words a person fixing the file understands."""


def unreadable(raw: Sequence[object] | np.ndarray, parsed: np.ndarray) -> dict[int, str]:
    """Positions whose WKB or WKT was there but did not parse (``parsed`` read with
    ``on_invalid="ignore"``), each with the reason in plain words."""
    raw_array = np.asarray(raw, dtype=object)
    problems = {}
    for i in np.flatnonzero(~pd.isna(raw_array) & pd.isna(parsed)):
        try:
            if isinstance(raw_array[i], str):
                shapely.from_wkt(raw_array[i], on_invalid="raise")
            else:
                shapely.from_wkb(raw_array[i], on_invalid="raise")
            problems[int(i)] = "the geometry cannot be read"
        except shapely.errors.GEOSException as exc:
            text = str(exc)
            problems[int(i)] = next(
                (plain for key, plain in _GEOS_PROBLEMS.items() if key in text),
                f"the geometry cannot be read ({text})",
            )
    return problems


def parse_ewkt(
    texts: Sequence[str], default_crs: CRS | None = None
) -> tuple[np.ndarray, CRS, dict[int, str]]:
    """Geometries from (E)WKT such as ``SRID=28992;POLYGON((...))``, the CRS they share, and
    the rows whose text is not a geometry (None in the array; see :func:`unreadable`).

    Rows without ``SRID=`` take ``default_crs`` or, failing that, the CRS the coordinates
    suggest; a column mixing SRIDs is refused rather than reprojected row by row.
    """
    srids: set[str] = set()
    wkts: list[str | None] = []
    for text in texts:
        if text is None or not str(text).strip():
            wkts.append(None)
            continue
        head, sep, rest = str(text).strip().partition(";")
        if sep and head.upper().startswith("SRID="):
            srids.add(head[5:].strip())
            wkts.append(rest)
        else:
            wkts.append(str(text).strip())
    if len(srids) > 1:
        raise GeometryError(f"The geometry column mixes SRIDs {sorted(srids)}.")
    with np.errstate(invalid="ignore"):
        geometries = shapely.from_wkt(np.asarray(wkts, dtype=object), on_invalid="ignore")
    problems = unreadable(wkts, geometries)
    if srids:
        crs = crs_from_user(f"EPSG:{srids.pop()}")
    else:
        guessed = default_crs or guess_crs(geometries)
        if guessed is None:
            raise GeometryError(
                "The geometries do not name their coordinate system (no SRID=) and their "
                "coordinates are neither lon/lat nor RD New."
            )
        crs = guessed
    return geometries, crs, problems
