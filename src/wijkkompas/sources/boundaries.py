"""Boundaries: CBS wijk- en buurtkaart (GeoPackage), GeoJSON exports and CSVs with EWKT.

Boundary files come from many hands (CBS, PDOK, a municipality's API, a Carto export), each
naming the code property differently and some not naming their CRS at all. So the loader does
not trust names: it picks the property that holds the most distinct valid CBS region codes,
reprojects whatever the CRS to WGS84, repairs geometry and simplifies each level as one
coverage for the web. A boundary file emits geometries only; the importer joins them to regions
that a figures file brought, so a boundary file can never invent regions.

One exception: the CBS/PDOK wijk- en buurtkaart itself (snake_case attributes such as
``aantal_inwoners``, ``aantal_huishoudens``, ``woningvoorraad``). It is CBS's own publication of
the regions of a year with their KWB figures, so a layer carrying those attributes also
registers its regions (code, name, level, gemeente) for its year (the ``jaar`` property, else
the year in ``jrstatcode``, else ``--year``) and turns the attributes it recognises with
certainty into figures (:data:`PDOK_INDICATORS`); every other attribute is kept unmatched, as
other loaders keep unknown columns (the age groups, for one, are percentages there, not the
KWB's counts). PDOK writes −99995 for "not yet available" and −99997 for "secret": both are
missing, never numbers; −99997 is marked suppressed.
"""

from __future__ import annotations

import io
import re
import tempfile
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # the geometry stack loads when a boundary file is read, not to sniff one
    from pyproj import CRS

from wijkkompas.catalogue import Catalogue
from wijkkompas.regions import is_region_code, level_of
from wijkkompas.sources.base import LoadOptions, SourceError
from wijkkompas.sources.cells import cell_text
from wijkkompas.sources.crosswalk import LOADER as CROSSWALK
from wijkkompas.sources.crosswalk import read_crosswalk
from wijkkompas.sources.tabular import (
    ReadFile,
    build_batch,
    observations_frame,
    regions_frame,
    resolve_release,
)
from wijkkompas.sources.textfile import decode_text, sniff_delimiter
from wijkkompas.sources.year import TableYear, resolve_year
from wijkkompas.store.batch import (
    BOUNDARY_CHANGE_COLUMNS,
    GEOMETRY_COLUMNS,
    UNMATCHED_COLUMNS,
    ImportBatch,
)

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

PDOK_INDICATORS: dict[str, str] = {
    "aantal_inwoners": "population",
    "mannen": "men",
    "vrouwen": "women",
    "aantal_huishoudens": "households",
    "bevolkingsdichtheid_inwoners_per_km2": "population_density",
    "woningvoorraad": "dwellings",
    "gemiddelde_woningwaarde": "woz_value",
    "percentage_koopwoningen": "owner_occupied_share",
    "perc_huurwoningen_in_bezit_woningcorporaties": "corporation_rental_share",
    "percentage_bouwjaarklasse_vanaf_2000": "dwellings_built_since_2000",
    "aantal_bedrijfsvestigingen": "establishments",
    "gemiddeld_gasverbruik_totaal": "gas_use",
    "opleidingsniveau_laag": "education_low_persons",
    "opleidingsniveau_middelbaar": "education_mid_persons",
    "opleidingsniveau_hoog": "education_high_persons",
    "netto_arbeidsparticipatie": "labour_participation",
    "gemiddeld_inkomen_per_inwoner": "income_per_inhabitant",
    "gemiddeld_gestandaardiseerd_inkomen_van_huishoudens": "household_income_standardised",
    "percentage_huishoudens_onder_of_rond_sociaal_minimum": "social_minimum_households",
    "aantal_personen_met_een_alg_bijstandsuitkering_tot": "social_assistance_recipients",
    "aantal_personen_met_een_ww_uitkering_totaal": "unemployment_benefit_recipients",
    "aantal_personen_met_een_ao_uitkering_totaal": "disability_benefit_recipients",
    "percentage_jongeren_met_jeugdzorg_in_natura": "youth_care_share",
    "aantal_wmo_clienten": "wmo_clients",
    "aantal_wmo_clienten_per_1000_inwoners": "wmo_per_1000",
    "personenautos_per_km2": "cars_per_km2",
    "huisartsenpraktijk_gemiddelde_afstand_in_km": "distance_gp",
    "grote_supermarkt_gemiddelde_afstand_in_km": "distance_supermarket",
    "kinderdagverblijf_gemiddelde_afstand_in_km": "distance_daycare",
    "basisonderwijs_gemiddelde_afstand_in_km": "distance_school",
}
"""PDOK wijk- en buurtkaart attributes → catalogue ids, only where the attribute is the KWB
variable the indicator is defined on (a_inw, a_hh, a_woning, g_wozbag, …). Deliberately not
here: the age groups and household types (percentages in PDOK, counts in the catalogue), the
two 'laag inkomen' shares (which of CBS's two low-income measures each is cannot be told from
the name), and distances the catalogue takes from other tables."""
PDOK_SENTINEL_FLOOR = -99990.0
"""PDOK's codes for a missing figure: −99995 not yet available, −99997 secret (older editions
used other values below this floor). None is ever a real figure."""
PDOK_SECRET = -99997.0
PDOK_CHANGE = "indelingswijziging_wijken_en_buurten"
PDOK_YEAR = "jaar"
PDOK_YEAR_CODE = "jrstatcode"
"""``2024BU03080000``: the year and the code in one."""
PDOK_IDENTIFICATION = frozenset(
    {*CODE_PROPERTIES, *NAME_PROPERTIES, *_NAME_FOR_CODE.values(), "water", PDOK_YEAR,
     PDOK_YEAR_CODE, PDOK_CHANGE, "gemeentenaam", "wijknaam", "buurtnaam", "fid", "ogc_fid"}
)  # fmt: skip
"""Attributes that say which region a feature is, not something about it: never 'unmatched'."""


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
    attributes: pd.DataFrame | None = None
    """The feature properties row by row with ``frame`` (as read, object cells), for a layer of
    the PDOK wijk- en buurtkaart; None for any other boundary file."""
    skipped: list[str] = field(default_factory=list)
    """Codes whose feature had no geometry, or an empty one: left out, and said so."""
    repaired: list[str] = field(default_factory=list)
    """``CODE (problem)`` for each geometry that was invalid and was repaired."""


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
    unreadable: dict[int, str] | None = None,
    where: str = "feature",
    first: int = 1,
) -> BoundaryLayer:
    """One layer's regions with valid WGS84 geometry.

    ``unreadable`` maps the position of each feature whose geometry could not be read at all
    to the reason; ``where``/``first`` say how a person finds a feature in the file ("feature
    2", or "line 3" in a CSV)."""
    import shapely

    from wijkkompas import geo

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
    if water is not None:
        is_water = water.astype("string").str.strip().str.upper().eq("JA").to_numpy(bool)
        if (keep & ~is_water).any():
            keep &= ~is_water
            notes.append(f"layer {layer}: {int(is_water.sum())} water features left out")
    without_code = int(len(codes) - keep.sum())
    if without_code:
        notes.append(f"layer {layer}: {without_code} features without a valid region code")
    labels = _FeatureLabels(codes, names, where, first)
    broken = {i: why for i, why in (unreadable or {}).items() if keep[i]}
    missing = keep & (pd.isna(geometries) | shapely.is_empty(geometries))
    missing[list(broken)] = False
    skipped = [str(codes.iloc[i]) for i in np.flatnonzero(missing)]
    if skipped:
        notes.append(f"layer {layer}: {len(skipped)} features without geometry skipped")
    keep &= ~missing
    invalid = _invalid_geometries(geometries, keep)
    broken |= {i: why for i, why in invalid.items() if why.startswith(_NOT_A_NUMBER)}
    if broken:
        raise BrokenGeometry(_broken_message(name, layer, broken, labels))
    repaired = [f"{codes.iloc[i]} ({why})" for i, why in sorted(invalid.items())]
    attributes = _pdok_attributes(fields, codes, keep)
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
    collapsed = shapely.is_empty(wgs84)
    if collapsed.any():
        # a repair that leaves no area (a ring folded onto itself): nothing to draw
        skipped += [str(c) for c in frame["code"][collapsed]]
        notes.append(f"layer {layer}: {int(collapsed.sum())} features had no area left")
        frame = frame[~collapsed].reset_index(drop=True)
        if attributes is not None:
            attributes = attributes[~collapsed].reset_index(drop=True)
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
    if attributes is not None:
        # one row per code, in the frame's order (the first feature of a merged code)
        attributes = (
            attributes.drop_duplicates(_CODE_KEY)
            .set_index(_CODE_KEY)
            .reindex(frame["code"].to_numpy())
            .reset_index(drop=True)
        )
    return BoundaryLayer(
        layer=layer,
        code_property=code_property,
        name_property=name_property,
        source_crs=detected.to_string(),
        frame=frame[["code", "name", "level", "geometry"]],
        notes=notes,
        attributes=attributes,
        skipped=skipped,
        repaired=repaired,
    )


_NOT_A_NUMBER = "a coordinate is not a finite number"
_BROKEN_SHOWN = 5


class BrokenGeometry(SourceError):
    """A feature the file means to import whose geometry cannot be used as it is."""


@dataclass(frozen=True)
class _FeatureLabels:
    """How a message points at one feature: its place in the file, its code and name."""

    codes: pd.Series
    names: pd.Series
    where: str
    first: int

    def __call__(self, i: int) -> str:
        code, label = self.codes.iloc[i], self.names.iloc[i]
        parts = [str(code) if isinstance(code, str) and code else "no code"]
        if isinstance(label, str) and label:
            parts.append(f"'{label}'")
        return f"{self.where} {i + self.first} ({' '.join(parts)})"


def _invalid_geometries(geometries: np.ndarray, keep: np.ndarray) -> dict[int, str]:
    """Position → problem for each kept geometry that is not valid (GEOS's reason, named)."""
    import shapely

    with np.errstate(invalid="ignore"):
        reasons = shapely.is_valid_reason(geometries[keep])
    found = {}
    for i, reason in zip(np.flatnonzero(keep), reasons, strict=True):
        if reason is None or reason == "Valid Geometry":
            continue
        kind, _, at = str(reason).partition("[")
        if kind.startswith("Invalid Coordinate"):
            found[int(i)] = f"{_NOT_A_NUMBER} ({at.rstrip(']')})"
        else:
            found[int(i)] = kind.strip().lower()
    return found


def _broken_message(name: str, layer: str, broken: dict[int, str], labels: _FeatureLabels) -> str:
    shown = [f"{labels(i)}: {why}" for i, why in sorted(broken.items())[:_BROKEN_SHOWN]]
    more = len(broken) - len(shown)
    return (
        f"{name}: layer '{layer}' has {len(broken)} "
        f"{'feature' if len(broken) == 1 else 'features'} whose geometry is broken, so the "
        f"file is not imported: {'; '.join(shown)}{f'; and {more} more' if more else ''}. "
        "Repair the geometry (in QGIS: Vector > Geometry Tools > Check Validity, then Fix "
        "Geometries) or export the layer again, and import the file again."
    )


_CODE_KEY = "\x00code"
"""The region code beside a layer's attributes (a name no property can have)."""


def is_pdok_layer(columns: Iterable[str]) -> bool:
    """True for a layer with the PDOK wijk- en buurtkaart's attribute columns."""
    return any(str(c).lower() in PDOK_INDICATORS for c in columns)


def _pdok_attributes(
    fields: dict[str, pd.Series], codes: pd.Series, keep: np.ndarray
) -> pd.DataFrame | None:
    if not is_pdok_layer(fields):
        return None
    attributes = pd.DataFrame(
        {column: values.to_numpy(dtype=object) for column, values in fields.items()}
    ).loc[keep]
    attributes.insert(0, _CODE_KEY, codes[keep].to_numpy(dtype=object))
    return attributes.reset_index(drop=True)


def _read_ogr(data: bytes, name: str) -> list[BoundaryLayer]:
    """GeoPackage, GeoJSON and whatever else the bundled GDAL reads, every polygon layer."""
    import pyogrio
    import shapely

    from wijkkompas import geo

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
            with warnings.catch_warnings():
                # GDAL warns about what the checks in _build_layer report per feature
                # (a ring not closed); a raw warning would only confuse.
                warnings.simplefilter("ignore", RuntimeWarning)
                meta, _fids, wkb, values = pyogrio.raw.read(
                    path, layer=layer, force_2d=True, columns=_wanted_fields(info["fields"])
                )
            fields = {
                str(f): pd.Series(v, dtype=object)
                for f, v in zip(meta["fields"], values, strict=True)
            }
            crs = geo.crs_from_user(meta["crs"]) if meta.get("crs") else None
            with np.errstate(invalid="ignore"):
                geometries = shapely.from_wkb(wkb, on_invalid="ignore")
            unreadable = geo.unreadable(wkb, geometries)
            try:
                layers.append(
                    _build_layer(name, layer, fields, geometries, crs, unreadable=unreadable)
                )
            except BrokenGeometry:
                raise  # never skipped for another layer: the user's file needs repair
            except SourceError as exc:
                problems.append(str(exc))
        if not layers:
            raise SourceError(
                problems[0] if problems else f"{name}: the file holds no polygon layer."
            )
        return layers


def _wanted_fields(fields: Iterable[str]) -> list[str] | None:
    """Only code, name and water fields when a known code field exists and the figures are not
    wanted; every field for a layer of the PDOK kaart (its figures are read) or without a known
    code field."""
    names = [str(f) for f in fields]
    lower = {f.lower() for f in names}
    if not lower & set(CODE_PROPERTIES) or is_pdok_layer(names):
        return None
    keep = set(CODE_PROPERTIES) | set(NAME_PROPERTIES) | set(_NAME_FOR_CODE.values()) | {"water"}
    return [f for f in names if f.lower() in keep]


def _read_csv(data: bytes, name: str) -> list[BoundaryLayer]:
    """A CSV with an (E)WKT geometry column, such as Amsterdam's gebiedsindeling export."""
    from wijkkompas import geo

    text, _ = decode_text(data)
    delimiter = sniff_delimiter(text)
    frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False)
    geom_column = _geometry_text_column(frame)
    if geom_column is None:
        raise SourceError(
            f"{name}: no geometry column found; a boundary CSV needs a column such as "
            "'geometrie' with WKT or EWKT (SRID=28992;POLYGON(...))."
        )
    try:
        geometries, crs, unreadable = geo.parse_ewkt(frame[geom_column].tolist())
    except geo.GeometryError as exc:
        raise SourceError(f"{name}: column '{geom_column}': {exc}") from exc
    fields = {c: frame[c] for c in frame.columns if c != geom_column}
    layer = Path(name).stem
    return [_build_layer(name, layer, fields, geometries, crs, unreadable, "line", first=2)]


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
    tolerance: float | None = None,
) -> pd.DataFrame:
    """The store's geometries table: full WKB plus a web copy simplified per level as a coverage.

    All layers of one level are simplified together, so a buurt keeps sharing its border with
    a neighbour even when the two came from different layers of the same file.
    """
    from wijkkompas import geo

    tolerance = geo.WEB_TOLERANCE_DEGREES if tolerance is None else tolerance
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
        from wijkkompas import geo

        layers = read_boundaries(data, name)
        pdok = [layer for layer in layers if layer.attributes is not None]
        year = _pdok_year(pdok, name, options) if pdok else None
        geometries = geometries_frame(layers, year.year if year else options.year)
        provenance: dict[str, Any] = {
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
            "geometries_skipped": [code for layer in layers for code in layer.skipped],
            "geometries_repaired": [what for layer in layers for what in layer.repaired],
        }
        batch = build_batch(
            ReadFile(name, data, {}),
            self.key,
            f"Boundaries from {name}",
            geometries=geometries,
            provenance=provenance,
        )
        provenance = batch.provenance
        if name.lower().endswith(".csv") and CROSSWALK.sniff(name, data[:65536]):
            # A gebiedsindeling export with the codes of two years side by side is a crosswalk
            # too (Amsterdam's BUURTCODE_CBS_2015 next to BUURTCODE_CBS_2022): keep both.
            batch.crosswalk = read_crosswalk(data, name, options)
            provenance["crosswalk_rows"] = len(batch.crosswalk)
        if pdok and year is None:
            provenance["notes"].append(
                "the PDOK attributes (figures) were not read: the file does not say its year "
                "(no 'jaar' or 'jrstatcode' property); import it again with --year"
            )
        elif pdok and year is not None:
            _add_pdok_figures(batch, pdok, year, catalogue, resolve_release(name, options))
        return batch


def _pdok_year(layers: list[BoundaryLayer], name: str, options: LoadOptions) -> TableYear | None:
    """The year of a PDOK kaart: its ``jaar`` property, else the year in ``jrstatcode``."""
    found: dict[int, str] = {}
    for layer in layers:
        assert layer.attributes is not None
        columns = {str(c).lower(): c for c in layer.attributes.columns}
        if PDOK_YEAR in columns:
            years = pd.to_numeric(layer.attributes[columns[PDOK_YEAR]], errors="coerce")
            found |= {int(y): f"property '{columns[PDOK_YEAR]}'" for y in years.dropna()}
        elif PDOK_YEAR_CODE in columns:
            text = layer.attributes[columns[PDOK_YEAR_CODE]].astype("string").str.slice(0, 4)
            years = pd.to_numeric(text, errors="coerce")
            found |= {int(y): f"property '{columns[PDOK_YEAR_CODE]}'" for y in years.dropna()}
    if len(found) > 1:
        raise SourceError(
            f"{name}: its features belong to several years ({', '.join(map(str, sorted(found)))}"
            "). A wijk- en buurtkaart holds one year: split the file per year and import each."
        )
    stated = [TableYear(y, how) for y, how in found.items()]
    if not stated and options.year is None:
        return None
    return resolve_year(name, options, *stated, noun="year")


def _pdok_values(cells: pd.Series) -> tuple[np.ndarray, np.ndarray, dict[str, int]]:
    """Numbers with PDOK's codes for missing as NaN; suppressed where PDOK says secret."""
    numbers = pd.to_numeric(cells, errors="coerce").astype("float64").to_numpy()
    sentinel = numbers <= PDOK_SENTINEL_FLOOR
    suppressed = numbers == PDOK_SECRET
    counts = pd.Series(numbers[sentinel]).value_counts()
    values = np.where(sentinel | np.isinf(numbers), np.nan, numbers)
    return values, suppressed, {f"{k:g}": int(v) for k, v in counts.items()}


def _pdok_text(cells: pd.Series) -> list[str | None]:
    """Cells kept as text, PDOK's codes written as CBS's symbols: secret '.', unavailable empty."""
    numbers = pd.to_numeric(cells, errors="coerce").to_numpy(dtype="float64")
    marked = cells.to_numpy(dtype=object).copy()
    marked[numbers == PDOK_SECRET] = "."
    marked[(numbers <= PDOK_SENTINEL_FLOOR) & (numbers != PDOK_SECRET)] = None
    text: list[str | None] = cell_text(pd.Series(marked, dtype=object)).to_pylist()
    return text


def _add_pdok_figures(
    batch: ImportBatch,
    layers: list[BoundaryLayer],
    year: TableYear,
    catalogue: Catalogue,
    release: str,
) -> None:
    """Regions, figures, boundary changes and unmatched attributes of the PDOK layers."""
    known = {i.id: i for i in catalogue.indicators}
    found: dict[tuple[str, int], str] = {}
    parts: list[pd.DataFrame] = []
    unmatched: list[pd.DataFrame] = []
    changes: list[pd.DataFrame] = []
    matched_columns: dict[str, str] = {}
    unmatched_columns: set[str] = set()
    sentinels: dict[str, int] = {}
    seen: set[str] = set()
    for layer in layers:
        assert layer.attributes is not None
        new = ~layer.frame["code"].isin(seen).to_numpy()
        frame = layer.frame[new].reset_index(drop=True)
        attributes = layer.attributes[new].reset_index(drop=True)
        seen |= set(frame["code"])
        codes = frame["code"].to_numpy(dtype=object)
        for code, region_name in zip(codes, frame["name"], strict=True):
            found[(str(code), year.year)] = "" if pd.isna(region_name) else str(region_name)
        for column in attributes.columns:
            lower = str(column).lower()
            indicator = known.get(PDOK_INDICATORS.get(lower, ""))
            if indicator is not None:
                values, suppressed, counts = _pdok_values(attributes[column])
                for value, n in counts.items():
                    sentinels[value] = sentinels.get(value, 0) + n
                matched_columns[str(column)] = indicator.id
                parts.append(
                    pd.DataFrame(
                        {
                            "region_code": codes,
                            "region_year": year.year,
                            "indicator_id": indicator.id,
                            "period": indicator.period_label(year.year),
                            "value": values,
                            "suppressed": suppressed,
                            "source_column": str(column),
                            "release": release,
                        }
                    )
                )
            elif lower == PDOK_CHANGE:
                change, _, _ = _pdok_values(attributes[column])
                known_change = ~np.isnan(change)
                changes.append(
                    pd.DataFrame(
                        {
                            "region_code": codes[known_change],
                            "region_year": year.year,
                            "change_code": change[known_change].astype("int64"),
                        },
                        columns=BOUNDARY_CHANGE_COLUMNS,
                    )
                )
            elif lower not in PDOK_IDENTIFICATION and column != _CODE_KEY:
                unmatched_columns.add(str(column))
                unmatched.append(
                    pd.DataFrame(
                        {
                            "region_code": codes,
                            "region_year": year.year,
                            "period": None,
                            "source_column": str(column),
                            "value_text": _pdok_text(attributes[column]),
                        },
                        columns=UNMATCHED_COLUMNS,
                    )
                )
    batch.regions = regions_frame(found)
    batch.observations = observations_frame(parts)
    if unmatched:
        batch.unmatched = pd.concat(unmatched, ignore_index=True)
    if changes:
        batch.boundary_changes = pd.concat(changes, ignore_index=True)
    batch.provenance.update(
        {
            "pdok_kaart": True,
            "year": year.year,
            "year_from": year.how,
            "release": release,
            "regions_registered": len(batch.regions),
            "matched_columns": matched_columns,
            "unmatched_columns": sorted(unmatched_columns),
            "pdok_missing_codes_in_figures": sentinels,
            "pdok_missing_codes_mean": {
                "-99995": "not yet available (missing)",
                "-99997": "secret (missing, suppressed)",
            },
        }
    )


LOADER = BoundariesLoader()

__all__ = [
    "LOADER",
    "BoundariesLoader",
    "BoundaryLayer",
    "geometries_frame",
    "read_boundaries",
]
