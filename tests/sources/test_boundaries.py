"""Boundaries: code detection, any CRS to WGS84, valid geometry, and a web copy that is a coverage.

Real-format tests read ../shared/data (see its PROVENANCE.md) and skip when it is absent; each
has a synthetic twin beside it that writes made-up buurten in the same layout (file_layouts.py) and
always runs. The GeoPackage fixture is built at test time *from the real Rotterdam GeoJSON* (its
twin from the synthetic one); the small shapes marked "hand-built" are made up to pin one
behaviour each.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from file_layouts import (
    AMSTERDAM_LIKE,
    ROTTERDAM_LIKE,
    brick_coverage,
    carto_geojson,
    gebiedsindeling_csv,
    gebiedsindeling_geojson,
)
from real_data import SHARED_DATA
from real_data import real_bytes as real
from shapely.geometry import Polygon, box

from wijkkompas import geo
from wijkkompas.catalogue import Catalogue
from wijkkompas.sources import registry
from wijkkompas.sources.base import LoadOptions, SourceError
from wijkkompas.sources.boundaries import LOADER, read_boundaries
from wijkkompas.sources.importer import attach_geometries
from wijkkompas.store import AnalyticStore, ImportBatch

SHARED = SHARED_DATA
ROTTERDAM = SHARED / "geo" / "rotterdam" / "rotterdam_buurten.geojson"
AMSTERDAM_GEOJSON = SHARED / "geo" / "amsterdam" / "buurten.geojson"
AMSTERDAM_CSV = SHARED / "geo" / "amsterdam" / "buurten.csv"


def geometries_of(batch: ImportBatch, column: str = "wkb") -> dict[str, shapely.Geometry]:
    shapes = geo.from_wkb(batch.geometries[column].tolist())
    return dict(zip(batch.geometries["region_code"], shapes, strict=True))


def neighbour_pairs(shapes: np.ndarray, min_shared: float) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of shapes sharing a border longer than ``min_shared`` (degrees)."""
    left, right = shapely.STRtree(shapes).query(shapes, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    shared = shapely.length(
        shapely.intersection(shapely.boundary(shapes[left]), shapely.boundary(shapes[right]))
    )
    return left[shared > min_shared], right[shared > min_shared]


def assert_valid_wgs84_buurten(batch: ImportBatch) -> np.ndarray:
    """A boundary file's batch: valid (Multi)Polygons, no year yet and no regions; returns the
    shapes."""
    batch.validate()
    frame = batch.geometries
    assert frame["region_year"].isna().all()  # no --year: the importer picks the region's year
    assert batch.regions.empty  # boundaries never invent regions
    shapes = geo.from_wkb(frame["wkb"].tolist())
    assert shapely.is_valid(shapes).all()
    assert set(shapely.get_type_id(shapes)) <= {3, 6}
    return shapes


def cbs_style_geopackage(carto: Path, path: Path) -> bytes:
    """A GeoPackage as CBS publishes buurten, built from a Carto export of Rotterdam's buurten:
    layers 'buurten' and 'gemeenten' with CBS's attribute names, in EPSG:28992."""
    import geopandas as gpd

    original = gpd.read_file(carto)
    cbs_style = original.rename(columns={"id": "buurtcode", "name": "buurtnaam"})
    cbs_style["gemeentecode"] = "GM0599"  # valid but not unique: must not be chosen
    cbs_style["aantal_inwoners"] = cbs_style["population"]  # a figure column, not read
    columns = ["buurtcode", "buurtnaam", "gemeentecode", "aantal_inwoners", "geometry"]
    cbs_style[columns].to_crs(28992).to_file(path, layer="buurten", driver="GPKG")
    gemeente = cbs_style.set_geometry(cbs_style.make_valid()).dissolve("gemeentecode")
    gemeente = gemeente.reset_index()
    gemeente["gemeentenaam"] = "Rotterdam"
    gemeente[["gemeentecode", "gemeentenaam", "geometry"]].to_crs(28992).to_file(
        path, layer="gemeenten", driver="GPKG"
    )
    return path.read_bytes()


def assert_geopackage_round_trips(
    gpkg: bytes, name: str, carto: bytes, carto_name: str, catalogue: Catalogue
) -> set[str]:
    """The GeoPackage is recognised by its content, its layers' code and name properties are
    CBS's, the gemeente covers its buurten, and the buurten equal those read from the Carto
    export they were made from. Returns their codes."""
    assert LOADER.sniff("download.bin", gpkg[:65536])  # by the SQLite magic, not the name
    assert registry.detect(name, gpkg[:65536]).inner is LOADER
    batch = LOADER.load(gpkg, name, catalogue, LoadOptions())
    layers = {layer["layer"]: layer for layer in batch.provenance["layers"]}
    assert layers["gemeenten"]["code_property"] == "gemeentecode"
    assert layers["gemeenten"]["name_property"] == "gemeentenaam"
    layer = layers["buurten"]
    assert (layer["layer"], layer["code_property"], layer["name_property"]) == (
        "buurten",
        "buurtcode",
        "buurtnaam",
    )
    assert layer["source_crs"] == "EPSG:28992"
    round_trip = geometries_of(batch)
    gemeente_area = round_trip.pop("GM0599").area
    assert gemeente_area == pytest.approx(sum(g.area for g in round_trip.values()), rel=1e-3)
    direct = geometries_of(LOADER.load(carto, carto_name, catalogue, LoadOptions()))
    assert set(round_trip) == set(direct)
    codes = sorted(direct)
    distance = shapely.hausdorff_distance(
        np.array([round_trip[c] for c in codes]), np.array([direct[c] for c in codes])
    )
    assert distance.max() < 1e-6
    return set(direct)


def web_copy_shares_borders_and_is_smaller(batch: ImportBatch) -> tuple[np.ndarray, int, int]:
    """The web copy of neighbouring buurten: every pair sharing at least ~35-55 m of border
    still shares a border and does not overlap, every shape is valid, and the copy is under 80 %
    of the full geometry's bytes. Returns the full shapes, the number of neighbour pairs, and how
    many of those would overlap if each buurt were simplified alone (why a coverage)."""
    full = geo.from_wkb(batch.geometries["wkb"].tolist())
    web = geo.from_wkb(batch.geometries["wkb_web"].tolist())
    left, right = neighbour_pairs(full, min_shared=0.0005)  # ~35-55 m of common border
    shared = shapely.length(
        shapely.intersection(shapely.boundary(web[left]), shapely.boundary(web[right]))
    )
    assert (shared > 0).all()
    assert shapely.area(shapely.intersection(web[left], web[right])).max() < 1e-12  # no overlap
    alone = shapely.simplify(full, geo.WEB_TOLERANCE_DEGREES)
    overlapping = shapely.area(shapely.intersection(alone[left], alone[right])) > 1e-12
    assert shapely.is_valid(web).all()
    full_bytes = sum(len(b) for b in batch.geometries["wkb"])
    web_bytes = sum(len(b) for b in batch.geometries["wkb_web"])
    assert web_bytes < 0.8 * full_bytes
    return full, len(left), int(overlapping.sum())


def stored_beside_their_regions(
    batch: ImportBatch, path: Path, folder: Path
) -> tuple[dict[str, list[str]], pd.DataFrame]:
    """Rotterdam's buurten of 2017 (from the boundary batch's codes) and its boundaries, as
    ``path``, into one store: what attaching did not join, and the buurt geometries the store
    gives back, each valid."""
    codes = sorted(batch.geometries["region_code"])
    regions = pd.DataFrame(
        {
            "code": ["GM0599", *codes],
            "name": ["Rotterdam", *codes],
            "level": ["gemeente"] + ["buurt"] * len(codes),
            "year": 2017,
            "gemeente_code": "GM0599",
            "wijk_code": [None] + ["WK" + c[2:8] for c in codes],
        }
    )
    figures = ImportBatch(source="test", description="regions (test)", regions=regions)
    unjoined = attach_geometries([(path, batch)], regions[["code", "year"]])
    store = AnalyticStore(folder / "s.duckdb")
    store.import_batches([figures, batch])
    with store.reader() as reader:
        stored = reader.geometries("buurt", gemeente="GM0599", year=2017)
    assert shapely.is_valid(geo.from_wkb(stored["wkb"].tolist())).all()
    return unjoined, stored


# -- real samples ---------------------------------------------------------------------------------


@pytest.mark.realdata(twin="test_a_carto_export_gives_valid_wgs84_buurten_coded_by_id")
def test_rotterdam_geojson_gives_92_valid_wgs84_buurten(catalogue: Catalogue) -> None:
    data = real(ROTTERDAM)
    assert LOADER.sniff(ROTTERDAM.name, data[:65536])
    batch = LOADER.load(data, ROTTERDAM.name, catalogue, LoadOptions())
    shapes = assert_valid_wgs84_buurten(batch)
    frame = batch.geometries
    assert len(frame) == 92
    assert frame["region_code"].str.match(r"^BU0599\d{4}$").all()
    xmin, ymin, xmax, ymax = shapely.total_bounds(shapes)
    assert 3.8 < xmin < xmax < 4.7 and 51.8 < ymin < ymax < 52.1  # lon/lat, Maasvlakte incl.
    assert batch.provenance["layers"][0]["code_property"] == "id"


def test_a_carto_export_gives_valid_wgs84_buurten_coded_by_id(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    """Rotterdam's Carto layout, written here: no CRS member, MultiPolygons, the code in 'id'
    (beside a numeric cartodb_id), one buurt in two parts and one whose ring crosses itself."""
    path = tmp_path / "rotterdam_buurten.geojson"
    path.write_bytes(carto_geojson())
    data = path.read_bytes()
    assert LOADER.sniff(path.name, data[:65536])
    batch = LOADER.load(data, path.name, catalogue, LoadOptions())
    shapes = assert_valid_wgs84_buurten(batch)
    assert list(batch.geometries["region_code"]) == [buurt.code for buurt in ROTTERDAM_LIKE]
    assert tuple(np.round(shapely.total_bounds(shapes), 6)) == (4.47, 51.915, 4.494, 51.934)
    layer = batch.provenance["layers"][0]
    assert (layer["code_property"], layer["name_property"]) == ("id", "name")


@pytest.mark.realdata(twin="test_a_gebiedsindeling_geojson_in_crs84_reads_cbs_code")
def test_amsterdam_geojson_in_crs84_reads_cbs_code(catalogue: Catalogue) -> None:
    data = real(AMSTERDAM_GEOJSON)
    batch = LOADER.load(data, AMSTERDAM_GEOJSON.name, catalogue, LoadOptions(year=2024))
    assert len(batch.geometries) == 518
    assert (batch.geometries["region_year"] == 2024).all()
    assert "BU0363AA01" in set(batch.geometries["region_code"])
    layer = batch.provenance["layers"][0]
    assert (layer["code_property"], layer["name_property"]) == ("cbsCode", "naam")


def test_a_gebiedsindeling_geojson_in_crs84_reads_cbs_code(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    """Amsterdam's API layout, written here: CRS84 named, 'code' holding AE01 and
    'identificatie' a long number beside cbsCode, and one buurt CBS does not have."""
    path = tmp_path / "buurten.geojson"
    path.write_bytes(
        gebiedsindeling_geojson(
            extra=[("BU0363MK06", "Nieuwe Proefhaven", box(4.95, 52.35, 4.96, 52.36))]
        )
    )
    batch = LOADER.load(path.read_bytes(), path.name, catalogue, LoadOptions(year=2024))
    assert list(batch.geometries["region_code"]) == [
        "BU0363AE01",
        "BU0363AE02",
        "BU0363AE03",
        "BU0363MK06",
    ]
    assert (batch.geometries["region_year"] == 2024).all()
    layer = batch.provenance["layers"][0]
    assert (layer["code_property"], layer["name_property"]) == ("cbsCode", "naam")
    assert layer["source_crs"] == "OGC:CRS84"


@pytest.mark.realdata(twin="test_ewkt_csv_in_rd_new_lands_on_the_same_buurten_in_wgs84_geojson")
def test_ewkt_csv_in_rd_new_lands_on_the_municipal_wgs84_geojson() -> None:
    """Amsterdam publishes the same 2022 buurten as RD New EWKT and as WGS84 GeoJSON."""
    from_csv = read_boundaries(real(AMSTERDAM_CSV), AMSTERDAM_CSV.name)[0]
    from_geojson = read_boundaries(real(AMSTERDAM_GEOJSON), AMSTERDAM_GEOJSON.name)[0]
    assert from_csv.code_property == "BUURTCODE_CBS_2022"  # the newer of two valid code columns
    assert from_csv.source_crs == "EPSG:28992"
    both = from_csv.frame.merge(from_geojson.frame, on="code")
    assert len(both) == 439
    distance = shapely.hausdorff_distance(
        both["geometry_x"].to_numpy(), both["geometry_y"].to_numpy()
    )
    assert distance.max() < 1e-6


def test_ewkt_csv_in_rd_new_lands_on_the_same_buurten_in_wgs84_geojson(tmp_path: Path) -> None:
    """The gebiedsindeling's two layouts, written here from the same RD New shapes: the CSV
    (2015 and 2022 codes, quoted EWKT) and the API's lon/lat GeoJSON with one buurt more."""
    csv_path, geojson_path = tmp_path / "buurten.csv", tmp_path / "buurten.geojson"
    csv_path.write_bytes(gebiedsindeling_csv())
    extra = ("BU0363MK06", "Nieuwe Proefhaven", box(4.95, 52.35, 4.96, 52.36))
    geojson_path.write_bytes(gebiedsindeling_geojson(extra=[extra]))
    from_csv = read_boundaries(csv_path.read_bytes(), csv_path.name)[0]
    from_geojson = read_boundaries(geojson_path.read_bytes(), geojson_path.name)[0]
    assert from_csv.code_property == "BUURTCODE_CBS_2022"  # the newer of two valid code columns
    assert from_csv.name_property == "BUURTNAAM_2022"
    assert from_csv.source_crs == "EPSG:28992"
    both = from_csv.frame.merge(from_geojson.frame, on="code")
    assert list(both["code"]) == [buurt.cbs_2022 for buurt in AMSTERDAM_LIKE]
    distance = shapely.hausdorff_distance(
        both["geometry_x"].to_numpy(), both["geometry_y"].to_numpy()
    )
    assert distance.max() < 1e-6
    # and the shapes are where RD New puts them: central Amsterdam, in lon/lat
    lon, lat = shapely.centroid(both["geometry_x"].to_numpy())[0].coords[0]
    assert 4.88 < lon < 4.90 and 52.36 < lat < 52.38


@pytest.mark.realdata(twin="test_a_cbs_style_geopackage_in_rd_new_round_trips")
def test_geopackage_in_rd_new_built_from_the_real_rotterdam_file_round_trips(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    """Fixture built from the real Rotterdam GeoJSON: CBS-style layer and names, EPSG:28992."""
    data = real(ROTTERDAM)
    path = tmp_path / "wijkenbuurten_fixture.gpkg"
    gpkg = cbs_style_geopackage(ROTTERDAM, path)
    codes = assert_geopackage_round_trips(gpkg, path.name, data, ROTTERDAM.name, catalogue)
    assert len(codes) == 92


def test_a_cbs_style_geopackage_in_rd_new_round_trips(tmp_path: Path, catalogue: Catalogue) -> None:
    """The same GeoPackage, built from the synthetic Carto export: layers 'buurten' and
    'gemeenten' with CBS's attribute names, in EPSG:28992."""
    source = tmp_path / "rotterdam_buurten.geojson"
    source.write_bytes(carto_geojson())
    path = tmp_path / "wijkenbuurten_fixture.gpkg"
    gpkg = cbs_style_geopackage(source, path)
    codes = assert_geopackage_round_trips(
        gpkg, path.name, source.read_bytes(), source.name, catalogue
    )
    assert codes == {buurt.code for buurt in ROTTERDAM_LIKE}


@pytest.mark.realdata(
    twin="test_web_copy_keeps_meandering_neighbours_sharing_borders_and_is_smaller"
)
def test_web_copy_keeps_real_neighbours_sharing_borders_and_is_smaller(
    catalogue: Catalogue,
) -> None:
    batch = LOADER.load(real(AMSTERDAM_GEOJSON), "buurten.geojson", catalogue, LoadOptions())
    _, pairs, overlapping_alone = web_copy_shares_borders_and_is_smaller(batch)
    assert pairs > 500
    # Why a coverage: simplifying each buurt alone makes hundreds of neighbours overlap.
    assert overlapping_alone > 100


def test_web_copy_keeps_meandering_neighbours_sharing_borders_and_is_smaller(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    """Hand-built buurten laid like bricks with meandering borders (file_layouts.brick_coverage),
    in the gebiedsindeling GeoJSON layout."""
    shapes = brick_coverage(4.88, 52.36)
    path = tmp_path / "buurten.geojson"
    path.write_bytes(
        gebiedsindeling_geojson(
            buurten=[],
            extra=[(f"BU0363AA{i:02d}", f"Proefbuurt {i}", s) for i, s in enumerate(shapes, 1)],
        )
    )
    batch = LOADER.load(path.read_bytes(), path.name, catalogue, LoadOptions())
    full, pairs, overlapping_alone = web_copy_shares_borders_and_is_smaller(batch)
    assert len(full) == len(shapes) == 10
    assert pairs > len(full)  # most buurten have three neighbours or more
    # Why a coverage: simplifying each buurt alone makes neighbours overlap.
    assert overlapping_alone > pairs // 4


@pytest.mark.realdata(twin="test_attach_geometries_joins_known_buurten_of_a_carto_export")
def test_attach_geometries_joins_known_buurten_and_reports_the_rest(catalogue: Catalogue) -> None:
    batch = LOADER.load(real(ROTTERDAM), ROTTERDAM.name, catalogue, LoadOptions())
    codes = sorted(batch.geometries["region_code"])
    known = pd.DataFrame({"code": codes[:-2], "year": 2017})  # two buurten not in the store
    unjoined = attach_geometries([(ROTTERDAM, batch)], known)
    assert unjoined[ROTTERDAM.name] == codes[-2:]
    assert len(batch.geometries) == 90
    assert (batch.geometries["region_year"] == 2017).all()


def test_attach_geometries_joins_known_buurten_of_a_carto_export(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    """Joining the synthetic Carto export: known buurten get the store's year, the rest are
    reported by file name."""
    path = tmp_path / "rotterdam_buurten.geojson"
    path.write_bytes(carto_geojson())
    batch = LOADER.load(path.read_bytes(), path.name, catalogue, LoadOptions())
    codes = sorted(batch.geometries["region_code"])
    known = pd.DataFrame({"code": codes[:-2], "year": 2017})  # two buurten not in the store
    unjoined = attach_geometries([(path, batch)], known)
    assert unjoined == {path.name: codes[-2:]}
    assert sorted(batch.geometries["region_code"]) == codes[:-2]
    assert (batch.geometries["region_year"] == 2017).all()


@pytest.mark.realdata(twin="test_carto_boundaries_reach_the_store_next_to_their_regions")
def test_boundaries_reach_the_store_next_to_their_regions(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    batch = LOADER.load(real(ROTTERDAM), ROTTERDAM.name, catalogue, LoadOptions(year=2017))
    _, stored = stored_beside_their_regions(batch, Path("r.geojson"), tmp_path)
    assert len(stored) == 92


def test_carto_boundaries_reach_the_store_next_to_their_regions(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    path = tmp_path / "rotterdam_buurten.geojson"
    path.write_bytes(carto_geojson())
    batch = LOADER.load(path.read_bytes(), path.name, catalogue, LoadOptions(year=2017))
    codes = sorted(batch.geometries["region_code"])
    unjoined, stored = stored_beside_their_regions(batch, path, tmp_path)
    assert unjoined == {path.name: []}
    assert list(stored["code"]) == codes


# -- hand-built shapes ----------------------------------------------------------------------------


def _zigzag_neighbours() -> tuple[Polygon, Polygon]:
    """Hand-built: two 0.01° squares sharing a border with 200 tiny (0.000005°) zigzags."""
    ys = np.linspace(52.0, 52.01, 201)
    xs = 5.005 + np.where(np.arange(201) % 2 == 0, 0.0, 0.000005)
    border = list(zip(xs, ys, strict=True))
    left = Polygon([(5.0, 52.0), *border, (5.0, 52.01)])
    right = Polygon([(5.01, 52.0), (5.01, 52.01), *border[::-1]])
    return left, right


def test_coverage_simplification_keeps_the_shared_border_shared() -> None:
    left, right = _zigzag_neighbours()
    simplified = geo.coverage_simplified(np.array([left, right]))
    a, b = simplified
    assert shapely.get_num_coordinates(simplified).sum() < 0.2 * (
        shapely.get_num_coordinates(left) + shapely.get_num_coordinates(right)
    )
    shared = shapely.intersection(a.boundary, b.boundary)
    assert math.isclose(shared.length, 0.01, rel_tol=1e-3)  # the whole border, once
    assert shapely.intersection(a, b).area < 1e-15  # no overlap ...
    assert math.isclose(a.area + b.area, shapely.union(a, b).area, rel_tol=1e-9)  # ... no gap


def _feature_collection(features: list[tuple[dict, Polygon]], crs: str | None = None) -> bytes:
    doc: dict = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": p, "geometry": shapely.geometry.mapping(g)}
            for p, g in features
        ],
    }
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(doc).encode()


RD_SQUARE = box(120_000, 487_000, 121_000, 488_000)  # hand-built, in central Amsterdam


@pytest.mark.parametrize("crs", ["urn:ogc:def:crs:EPSG::28992", None])
def test_rd_new_geojson_is_reprojected_with_or_without_a_crs_member(
    crs: str | None, catalogue: Catalogue
) -> None:
    data = _feature_collection([({"statcode": "BU03630000", "statnaam": "X"}, RD_SQUARE)], crs)
    batch = LOADER.load(data, "rd.geojson", catalogue, LoadOptions())
    (shape,) = geo.from_wkb(batch.geometries["wkb"].tolist())
    lon, lat = shape.centroid.x, shape.centroid.y
    assert 4.87 < lon < 4.90 and 52.36 < lat < 52.38
    if crs is None:
        assert any("RD New" in note or "Amersfoort" in note for note in batch.provenance["notes"])


def test_code_property_is_the_one_with_the_most_distinct_codes(catalogue: Catalogue) -> None:
    features = [
        (
            {
                "gemeentecode": "GM0344",
                "wijkcode": "WK034401",
                "buurtcode": f"BU034401{i:02d}",
                "buurtnaam": f"Buurt {i}",
            },
            box(5.1 + i * 0.01, 52.0, 5.11 + i * 0.01, 52.01),
        )
        for i in range(3)
    ]
    layer = read_boundaries(_feature_collection(features), "b.geojson")[0]
    assert layer.code_property == "buurtcode"
    assert layer.name_property == "buurtnaam"
    assert list(layer.frame["name"]) == ["Buurt 0", "Buurt 1", "Buurt 2"]


def test_water_is_left_out_and_parts_of_one_code_merge(catalogue: Catalogue) -> None:
    features = [
        ({"statcode": "GM0344", "water": "NEE"}, box(5.0, 52.0, 5.1, 52.1)),
        ({"statcode": "GM0344", "water": "NEE"}, box(5.2, 52.0, 5.3, 52.1)),
        ({"statcode": "GM0344", "water": "JA"}, box(5.1, 52.0, 5.2, 52.1)),
    ]
    batch = LOADER.load(_feature_collection(features), "g.geojson", catalogue, LoadOptions())
    (shape,) = geo.from_wkb(batch.geometries["wkb"].tolist())
    assert shape.geom_type == "MultiPolygon"
    assert shape.area == pytest.approx(0.02)


def test_invalid_polygon_is_repaired(catalogue: Catalogue) -> None:
    bowtie = Polygon([(5.0, 52.0), (5.01, 52.01), (5.01, 52.0), (5.0, 52.01)])  # hand-built
    batch = LOADER.load(
        _feature_collection([({"code": "BU03440101"}, bowtie)]),
        "x.geojson",
        catalogue,
        LoadOptions(),
    )
    (shape,) = geo.from_wkb(batch.geometries["wkb"].tolist())
    assert shape.is_valid and shape.area == pytest.approx(0.00005)


def test_a_file_without_region_codes_is_refused_with_the_properties_named(
    catalogue: Catalogue,
) -> None:
    data = _feature_collection([({"naam": "Centrum", "id": 7}, box(5.0, 52.0, 5.1, 52.1))])
    with pytest.raises(SourceError, match=r"no property holding CBS region codes.*naam"):
        LOADER.load(data, "x.geojson", catalogue, LoadOptions())


def test_ewkt_csv_hand_built_with_semicolons(catalogue: Catalogue) -> None:
    # The EWKT itself holds a semicolon; real files quote it, so this one does too.
    text = f'code;naam;geometrie\nBU03630000;Kop;"SRID=28992;{RD_SQUARE.wkt}"\n'
    assert LOADER.sniff("b.csv", text.encode())
    batch = LOADER.load(text.encode(), "b.csv", catalogue, LoadOptions())
    assert list(batch.geometries["region_code"]) == ["BU03630000"]


def test_sniff_leaves_other_files_alone() -> None:
    assert not LOADER.sniff("kwb-2023.csv", b"gwb_code_10;regio;a_inw\nGM0344;Utrecht;1\n")
    assert not LOADER.sniff("x.json", b'{"value": [{"Codering_3": "GM0344"}]}')
