"""A region's boundaries with its scores as a GeoPackage: the GIS user's download.

GeoPackage (OGC) because it opens directly in QGIS and ArcGIS and, unlike a shapefile, keeps
long column names, UTF-8 names and several geometry types in one file. Written with GeoPandas
and pyogrio (both in the project already); a GeoPackage is a SQLite database, so it is written
to a temporary file and read back as bytes. Boundaries are the full-resolution ones in the
profile's boundary year, in WGS84 (EPSG:4326) as stored.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from wijkkompas.catalogue.score_groups import GROUP_KEYS
from wijkkompas.reports.profile import Profile
from wijkkompas.services.scoring import latest_run_scores
from wijkkompas.store import AnalyticStore

GEOPACKAGE = "application/geopackage+sqlite3"
LAYER = "gebieden"
SCORE_COLUMNS = [
    "total",
    "class",
    "class_label",
    *GROUP_KEYS,
    "cumulation_count",
    "trend",
]


class NoBoundaries(LookupError):
    """Neither the region nor any region in it has a boundary in the store."""


def _regions_within(store: AnalyticStore, profile: Profile) -> pd.DataFrame:
    """The region itself plus its wijken and buurten (a buurt is just itself)."""
    gemeente = "GM" + profile.code[2:6]
    frames = []
    with store.reader() as reader:
        for level in ("gemeente", "wijk", "buurt"):
            frame = reader.geometries(level, gemeente=gemeente, year=profile.year, simplified=False)
            frames.append(frame)
    every = pd.concat(frames, ignore_index=True)
    if profile.level == "gemeente":
        return every
    if profile.level == "wijk":
        return every[(every["code"] == profile.code) | (every["wijk_code"] == profile.code)]
    return every[every["code"] == profile.code]


def region_geopackage(store: AnalyticStore, profile: Profile) -> bytes:
    """One layer, ``gebieden``: code, name, level, boundary year, the run's scores, geometry."""
    shapes = _regions_within(store, profile)
    if shapes.empty:
        raise NoBoundaries(profile.code)
    scores = latest_run_scores(store)
    table = shapes.drop(columns=["wkb"]).rename(columns={"year": "region_year"})
    if scores is not None:
        chosen = scores[scores["year"] == profile.year]
        present = [c for c in SCORE_COLUMNS if c in chosen.columns]
        table = table.merge(chosen[["code", *present]], on="code", how="left")
    table["run_id"] = profile.run_id
    frame = gpd.GeoDataFrame(
        table, geometry=shapely.from_wkb(shapes["wkb"].to_numpy()), crs="EPSG:4326"
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "regio.gpkg"
        frame.to_file(path, layer=LAYER, driver="GPKG", engine="pyogrio")
        return path.read_bytes()
