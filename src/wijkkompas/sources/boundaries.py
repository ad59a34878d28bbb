"""Boundaries: CBS wijk- en buurtkaart (GeoPackage), GeoJSON exports and CSVs with EWKT.

Boundary files come from many hands (CBS, PDOK, a municipality's API, a Carto export), each
naming the code property differently and some not naming their CRS at all. So the loader does
not trust names: it picks the property that holds the most distinct valid CBS region codes,
reprojects whatever the CRS to WGS84, repairs geometry and simplifies each level as one
coverage for the web. It emits geometries only; the importer joins them to regions that a
figures file brought, so a boundary file can never invent regions.
"""

from __future__ import annotations

import hashlib
import io
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS

from wijkkompas import geo
from wijkkompas.catalogue import Catalogue
from wijkkompas.regions import is_region_code, level_of
from wijkkompas.sources.base import LoadOptions, SourceError
from wijkkompas.store.batch import GEOMETRY_COLUMNS, ImportBatch

CODE_PROPERTIES = (
    "statcode",
    "buurtcode",
    "wijkcode",
    "gemeentecode",
    "cbscode",
    "bu_code",
    "wk_code",
    "gm_code",
    "id",
    "code",
)
"""Known code properties, in order of preference when two hold equally many valid codes."""

NAME_PROPERTIES = ("statnaam", "buurtnaam", "wijknaam", "gemeentenaam", "naam", "name")
_NAME_FOR_CODE = {
    "buurtcode": "buurtnaam",
    "wijkcode": "wijknaam",
    "gemeentecode": "gemeentenaam",
    "bu_code": "bu_naam",
    "wk_code": "wk_naam",
    "gm_code": "gm_naam",
}
GEOMETRY_TEXT_COLUMNS = ("geometrie", "geometry", "geom", "wkt", "the_geom")
_WKT_START = re.compile(r"^\s*(SRID=\d+;)?\s*(MULTI)?POLYGON", re.IGNORECASE)
_YEAR_IN_NAME = re.compile(r"(19|20)\d\d")
GPKG_MAGIC = b"SQLite format 3\x00"


@dataclass
class BoundaryLayer:
    """One layer as read: which property gave the codes, and the WGS84 geometry per code."""

    layer: str
    code_property: str
    name_property: str | None
    source_crs: str
    frame: pd.DataFrame
    """Columns code, name, level, geometry (valid, WGS84); one row per code."""
    notes: list[str] = field(default_factory=list)


def _ranked_code_column(columns: dict[str, pd.Series]) -> tuple[str, pd.Series] | None:
    """The column holding the most distinct valid codes (ties: known names, then newest year)."""
    best: tuple[tuple[int, int, int], str, pd.Series] | None = None
    for column, values in columns.items():
        codes = values.astype("string").str.strip().str.upper()
        valid = codes[codes.map(lambda c: isinstance(c, str) and is_region_code(c))]
        if valid.empty:
            continue
        lower = column.lower()
        preference = len(CODE_PROPERTIES) - (
            CODE_PROPERTIES.index(lower) if lower in CODE_PROPERTIES else len(CODE_PROPERTIES)
        )
        years = [int(m.group(0)) for m in _YEAR_IN_NAME.finditer(column)]
        rank = (valid.nunique(), preference, max(years, default=0))
        if best is None or rank > best[0]:
            best = (rank, column, codes)
    return None if best is None else (best[1], best[2])


def _name_column(columns: list[str], code_property: str) -> str | None:
    lower = {c.lower(): c for c in columns}
    preferred = _NAME_FOR_CODE.get(code_property.lower())
    for candidate in ((preferred,) if preferred else ()) + NAME_PROPERTIES:
        if candidate in lower:
            return lower[candidate]
    # Exports that keep several years side by side: BUURTCODE_CBS_2022 goes with BUURTNAAM_2022.
    year = _YEAR_IN_NAME.search(code_property)
    for column in columns:
        if "naam" in column.lower() and year and year.group(0) in column:
            return column
    return None


def _build_layer(
    name: str,
    layer: str,
    fields: dict[str, pd.Series],
    geometries: np.ndarray,
    crs: CRS | None,
) -> BoundaryLayer:
    notes: list[str] = []
    chosen = _ranked_code_column(fields)
    if chosen is None:
        raise SourceError(
            f"{name}: layer '{layer}' has no property holding CBS region codes (looked at "
            f"{', '.join(fields) or 'no properties'}). Boundaries need a property such as "
            "statcode, buurtcode or cbsCode with codes like BU03440101."
        )
    code_property, codes = chosen
    name_property = _name_column(list(fields), code_property)
    names = (
        fields[name_property].astype("string").str.strip()
        if name_property
        else pd.Series([None] * len(codes), dtype="string")
    )
    # The CBS gemeenten layer of some editions splits water from land; maps want the land.
    water = next((fields[c] for c in fields if c.lower() == "water"), None)
    keep = codes.map(lambda c: isinstance(c, str) and is_region_code(c)).to_numpy(bool)
    keep &= ~shapely.is_empty(geometries) & ~pd.isna(geometries)
    if water is not None:
        is_water = water.astype("string").str.strip().str.upper().eq("JA").to_numpy(bool)
        if (keep & ~is_water).any():
            keep &= ~is_water
            notes.append(f"layer {layer}: {int(is_water.sum())} water features left out")
    dropped = int(len(codes) - keep.sum())
    if dropped:
        notes.append(f"layer {layer}: {dropped} features without a valid code or geometry")
    geometries = geometries[keep]
    detected = crs
    if crs is None or (crs.is_geographic and not geo.is_geographic_range(geometries)):
        detected = geo.guess_crs(geometries)
        if detected is None:
            raise SourceError(
                f"{name}: layer '{layer}' does not say which coordinate system it uses and its "
                "coordinates are neither lon/lat nor RD New (EPSG:28992). Convert it to one of "
                "those, or to GeoPackage with its CRS, and import again."
            )
        if crs is not None:
            notes.append(f"layer {layer}: coordinates are in {detected.name}, not {crs.name}")
    assert detected is not None
    try:
        wgs84 = geo.polygonal(geo.to_wgs84(geometries, detected))
    except geo.GeometryError as exc:
        raise SourceError(f"{name}: layer '{layer}': {exc}") from exc
    frame = pd.DataFrame(
        {
            "code": codes[keep].to_numpy(object),
            "name": names[keep].to_numpy(object),
            "geometry": wgs84,
        }
    )
    if frame["code"].duplicated().any():
        # Several features per code (multipart exports, split water): one shape per region.
        grouped = frame.groupby("code", sort=False)
        frame = pd.DataFrame(
            {
                "name": grouped["name"].first(),
                "geometry": grouped["geometry"].agg(lambda g: shapely.union_all(g.to_numpy())),
            }
        ).reset_index()
        notes.append(f"layer {layer}: features with the same code merged")
    frame["level"] = frame["code"].map(level_of)
    return BoundaryLayer(
        layer=layer,
        code_property=code_property,
        name_property=name_property,
        source_crs=detected.to_string(),
        frame=frame[["code", "name", "level", "geometry"]],
        notes=notes,
    )


def _read_ogr(data: bytes, name: str) -> list[BoundaryLayer]:
    """GeoPackage, GeoJSON and whatever else the bundled GDAL reads, every polygon layer."""
    with tempfile.TemporaryDirectory(prefix="wijkkompas-") as tmp:
        # A file on disk, not a buffer: GDAL reopens it once per layer, and GeoPackage (SQLite)
        # needs random access; a 400 MB kaart copied into memory per layer would be wasteful.
        path = Path(tmp) / (Path(name).name or "boundaries")
        path.write_bytes(data)
        try:
            layer_names = [str(row[0]) for row in pyogrio.list_layers(path) if row[1]]
        except Exception as exc:  # pyogrio raises DataSourceError and friends
            raise SourceError(
                f"{name}: not a readable GeoPackage or GeoJSON file ({exc})."
            ) from exc
        layers: list[BoundaryLayer] = []
        problems: list[str] = []
        for layer in layer_names:
            info = pyogrio.read_info(path, layer=layer)
            if "POLYGON" not in str(info.get("geometry_type", "")).upper():
                continue
            meta, _fids, wkb, values = pyogrio.raw.read(
                path, layer=layer, force_2d=True, columns=_wanted_fields(info["fields"])
            )
            fields = {
                str(f): pd.Series(v, dtype=object)
                for f, v in zip(meta["fields"], values, strict=True)
            }
            crs = geo.crs_from_user(meta["crs"]) if meta.get("crs") else None
            geometries = shapely.from_wkb(wkb)
            try:
                layers.append(_build_layer(name, layer, fields, geometries, crs))
            except SourceError as exc:
                problems.append(str(exc))
        if not layers:
            raise SourceError(
                problems[0] if problems else f"{name}: the file holds no polygon layer."
            )
        return layers


def _wanted_fields(fields: Iterable[str]) -> list[str] | None:
    """Only code, name and water fields when a known code field exists (the CBS kaart has ~100
    figure columns per layer that the loader would read for nothing); else every field."""
    names = [str(f) for f in fields]
    lower = {f.lower() for f in names}
    if not lower & set(CODE_PROPERTIES):
        return None
    keep = set(CODE_PROPERTIES) | set(NAME_PROPERTIES) | set(_NAME_FOR_CODE.values()) | {"water"}
    return [f for f in names if f.lower() in keep]


def _sniff_delimiter(first_line: str) -> str:
    return ";" if first_line.count(";") > first_line.count(",") else ","


def _read_csv(data: bytes, name: str) -> list[BoundaryLayer]:
    """A CSV with an (E)WKT geometry column, such as Amsterdam's gebiedsindeling export."""
    text = data.decode("utf-8-sig", errors="replace")
    delimiter = _sniff_delimiter(text.split("\n", 1)[0])
    frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False)
    geom_column = _geometry_text_column(frame)
    if geom_column is None:
        raise SourceError(
            f"{name}: no geometry column found; a boundary CSV needs a column such as "
            "'geometrie' with WKT or EWKT (SRID=28992;POLYGON(...))."
        )
    try:
        geometries, crs = geo.parse_ewkt(frame[geom_column].tolist())
    except geo.GeometryError as exc:
        raise SourceError(f"{name}: column '{geom_column}': {exc}") from exc
    fields = {c: frame[c] for c in frame.columns if c != geom_column}
    return [_build_layer(name, Path(name).stem, fields, geometries, crs)]


def _geometry_text_column(frame: pd.DataFrame) -> str | None:
    for column in frame.columns:
        if column.strip().lower() in GEOMETRY_TEXT_COLUMNS:
            sample = frame[column].head(5)
            if sample.map(lambda v: bool(_WKT_START.match(v))).any():
                return str(column)
    return None


def read_boundaries(data: bytes, name: str) -> list[BoundaryLayer]:
    """Every polygon layer of a boundary file, with codes, names and valid WGS84 geometry."""
    if data.startswith(GPKG_MAGIC) or not _looks_like_csv(name, data[:4096]):
        return _read_ogr(data, name)
    return _read_csv(data, name)


def _looks_like_csv(name: str, head: bytes) -> bool:
    if name.lower().endswith((".csv", ".txt")):
        return True
    stripped = head.lstrip(b"\xef\xbb\xbf \r\n\t")
    return not stripped.startswith((b"{", b"[", b"<"))


def geometries_frame(
    layers: list[BoundaryLayer],
    year: int | None,
    tolerance: float = geo.WEB_TOLERANCE_DEGREES,
) -> pd.DataFrame:
    """The store's geometries table: full WKB plus a web copy simplified per level as a coverage.

    All layers of one level are simplified together, so a buurt keeps sharing its border with
    a neighbour even when the two came from different layers of the same file.
    """
    regions = pd.concat([layer.frame for layer in layers], ignore_index=True)
    regions = regions.drop_duplicates("code", keep="first").reset_index(drop=True)
    web = np.empty(len(regions), dtype=object)
    for _level, index in regions.groupby("level").groups.items():
        positions = regions.index.get_indexer(index)
        web[positions] = geo.coverage_simplified(
            regions["geometry"].to_numpy()[positions], tolerance
        )
    return pd.DataFrame(
        {
            # object, as ImportBatch declares it: pandas 3's str dtype does not mix with floats
            # in the importer's year fill-in.
            "region_code": pd.Series(regions["code"].astype(str).tolist(), dtype=object),
            "region_year": float(year) if year is not None else np.nan,
            "wkb": geo.to_wkb(regions["geometry"].to_numpy()),
            "wkb_web": geo.to_wkb(web),
        }
    )[GEOMETRY_COLUMNS]


class BoundariesLoader:
    """The ``boundaries`` source: see the module docstring."""

    key = "boundaries"
    description = "Boundaries (CBS wijk- en buurtkaart GeoPackage, GeoJSON, CSV with EWKT)"

    def sniff(self, name: str, head: bytes) -> bool:
        lower = name.lower()
        if head.startswith(GPKG_MAGIC) or lower.endswith((".gpkg", ".geojson", ".fgb")):
            return True
        if b'"FeatureCollection"' in head or b'"Feature"' in head:
            return True
        if lower.endswith(".csv"):
            text = head.decode("utf-8-sig", errors="replace")
            header = text.split("\n", 1)[0].lower()
            columns = {c.strip().strip('"') for c in re.split(r"[;,]", header)}
            return bool(columns & set(GEOMETRY_TEXT_COLUMNS)) and bool(
                re.search(r"SRID=\d+;|(MULTI)?POLYGON\s*\(", text, re.IGNORECASE)
            )
        return False

    def load(
        self, data: bytes, name: str, catalogue: Catalogue, options: LoadOptions
    ) -> ImportBatch:
        layers = read_boundaries(data, name)
        geometries = geometries_frame(layers, options.year)
        provenance: dict[str, Any] = {
            "file": name,
            "sha256": hashlib.sha256(data).hexdigest(),
            "layers": [
                {
                    "layer": layer.layer,
                    "code_property": layer.code_property,
                    "name_property": layer.name_property,
                    "source_crs": layer.source_crs,
                    "regions": len(layer.frame),
                }
                for layer in layers
            ],
            "web_tolerance_degrees": geo.WEB_TOLERANCE_DEGREES,
            "notes": [note for layer in layers for note in layer.notes],
        }
        return ImportBatch(
            source=self.key,
            description=f"Boundaries from {name}",
            geometries=geometries,
            provenance=provenance,
        )


LOADER = BoundariesLoader()

__all__ = [
    "LOADER",
    "BoundariesLoader",
    "BoundaryLayer",
    "geometries_frame",
    "read_boundaries",
]
