"""GeoJSON from the store's WKB geometries, for Leaflet.

Coordinates are rounded to 5 decimals (about 1 m in the Netherlands): finer detail is invisible
on a neighbourhood map and only makes the payload larger. Neighbours share their borders in the
store (coverage-simplified), and rounding every vertex to the same grid keeps them shared.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping

PRECISION = 5


def _none_if_missing(value: object) -> object:
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else value


def feature_collection(
    frame: pd.DataFrame,
    properties: Sequence[str] = ("code", "name", "wijk_code"),
    precision: int = PRECISION,
) -> dict[str, Any]:
    """One Feature per row of ``frame`` (columns ``code``, ``wkb`` and ``properties``).

    Rows without a geometry are left out rather than sent as ``null`` geometries, which Leaflet
    would silently skip anyway; the page's table still lists them.
    """
    rows = frame[frame["wkb"].notna()]
    geometries = shapely.from_wkb(rows["wkb"].to_numpy())
    geometries = shapely.transform(geometries, lambda xy: np.round(xy, precision))
    features = []
    for record, geometry in zip(rows[list(properties)].to_dict("records"), geometries, strict=True):
        if geometry is None or geometry.is_empty:
            continue
        features.append(
            {
                "type": "Feature",
                "id": record["code"],
                "properties": {key: _none_if_missing(record[key]) for key in properties},
                "geometry": mapping(geometry),
            }
        )
    return {"type": "FeatureCollection", "features": features}
