"""Broken geometry in a boundary file is the user's to fix: the import names the feature and
the problem and stops (exit 1, store untouched); what it can fix itself it fixes and says so
(issue 17, item 9).

The GeoJSON here is hand-written text, because the hostile parts (a ring that does not close,
NaN and infinite coordinates) cannot be written by a well-behaved library.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from file_layouts import CartoBuurt, bowtie, carto_geojson
from shapely.geometry import MultiPolygon, box

from cli_process import wijkkompas
from wijkkompas.catalogue import Catalogue
from wijkkompas.sources.base import LoadOptions, SourceError
from wijkkompas.sources.boundaries import LOADER

BUURTEN = [("BU99990000", "Saffierdreef"), ("BU99990001", "Iependreef"),
           ("BU99990002", "Akkerdreef"), ("BU99990003", "Sluisbuurt")]  # fmt: skip
"""Buurten of the demo store, so boundaries join to regions it has."""


def square(x: float, y: float, size: float = 0.01) -> str:
    ring = [(x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y)]
    return json.dumps([[list(p) for p in ring]])


def feature(code: str, name: str, coordinates: str | None, kind: str = "Polygon") -> str:
    geometry = (
        "null" if coordinates is None else f'{{"type": "{kind}", "coordinates": {coordinates}}}'
    )
    return (
        f'{{"type": "Feature", "properties": {{"statcode": "{code}", "statnaam": "{name}"}}, '
        f'"geometry": {geometry}}}'
    )


def collection(*features: str) -> str:
    return '{"type": "FeatureCollection", "features": [' + ", ".join(features) + "]}"


@pytest.fixture
def store(tmp_path: Path, demo_store: Path) -> Path:
    path = tmp_path / "store.duckdb"
    path.write_bytes(demo_store.read_bytes())
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def import_refused(store: Path, path: Path) -> str:
    before = digest(store)
    result = wijkkompas("--store", store, "import", path, "--year", "2024")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Unexpected error" not in result.stderr and "defect" not in result.stderr
    assert "Warning" not in result.stderr and "Traceback" not in result.stderr
    assert digest(store) == before
    return " ".join(result.stderr.split())


def test_a_ring_that_does_not_close_names_the_feature_and_stops(
    tmp_path: Path, store: Path
) -> None:
    path = tmp_path / "buurten.geojson"
    open_ring = "[[[5.1, 52.0], [5.11, 52.0], [5.11, 52.01], [5.1, 52.01]]]"
    path.write_text(collection(feature(*BUURTEN[0], square(5.0, 52.0)),
                               feature(*BUURTEN[1], open_ring)))  # fmt: skip
    message = import_refused(store, path)
    assert message.startswith("Error: buurten.geojson: layer 'buurten' has 1 feature")
    assert "feature 2 (BU99990001 'Iependreef'): a ring is not closed" in message
    assert "Fix Geometries" in message


@pytest.mark.parametrize(("literal", "shown"), [("NaN", "nan 52.01"), ("Infinity", "inf 52.01")])
def test_a_coordinate_that_is_not_a_finite_number_names_the_feature_and_stops(
    tmp_path: Path, store: Path, literal: str, shown: str
) -> None:
    path = tmp_path / "buurten.geojson"
    ring = f"[[[5.1, 52.0], [5.11, 52.0], [{literal}, 52.01], [5.1, 52.01], [5.1, 52.0]]]"
    path.write_text(collection(feature(*BUURTEN[0], square(5.0, 52.0)),
                               feature(*BUURTEN[2], ring)))  # fmt: skip
    message = import_refused(store, path)
    assert (
        f"feature 2 (BU99990002 'Akkerdreef'): a coordinate is not a finite number ({shown})"
        in message
    )


def test_many_broken_features_are_counted_and_the_first_five_named(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    open_ring = "[[[5.1, 52.0], [5.11, 52.0], [5.11, 52.01], [5.1, 52.01]]]"
    features = [feature(f"BU999901{i:02d}", f"Buurt {i}", open_ring) for i in range(7)]
    with pytest.raises(SourceError) as refused:
        LOADER.load(collection(*features).encode(), "b.geojson", catalogue, LoadOptions())
    message = str(refused.value)
    assert "has 7 features whose geometry is broken" in message
    assert "feature 5 (BU99990104 'Buurt 4')" in message and "feature 6" not in message
    assert "and 2 more" in message


def test_missing_geometry_is_skipped_and_repairs_are_reported_in_the_summary(
    tmp_path: Path, store: Path
) -> None:
    bowtie = "[[[5.2, 52.0], [5.21, 52.01], [5.21, 52.0], [5.2, 52.01], [5.2, 52.0]]]"
    path = tmp_path / "buurten.geojson"
    path.write_text(
        collection(
            feature(*BUURTEN[0], square(5.0, 52.0)),
            feature(*BUURTEN[1], bowtie),
            feature(*BUURTEN[2], None),
            feature(*BUURTEN[3], "[]"),
        )
    )
    result = wijkkompas("--store", store, "import", path, "--year", "2024")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    summary = " ".join(result.stdout.split())
    assert "boundaries joined: 2;" in summary
    assert (
        "features without geometry (or with an empty one), skipped: 2: BU99990002, BU99990003"
        in summary
    )
    assert "invalid geometries repaired: 1: BU99990001 (self-intersection)" in summary


def test_a_csv_with_a_broken_wkt_names_the_line(catalogue: Catalogue) -> None:
    text = (
        "code;naam;geometrie\n"
        "BU03630000;Kop;POLYGON((5 52, 5.1 52, 5.1 52.1, 5 52.1, 5 52))\n"
        "BU03630001;Staart;POLYGON((5 52, 5.1 52, 5.1 52.1, 5 52.1))\n"
    )
    with pytest.raises(SourceError, match=r"line 3 \(BU03630001 'Staart'\): a ring is not closed"):
        LOADER.load(text.encode(), "b.csv", catalogue, LoadOptions())


@pytest.mark.realdata(twin="test_a_carto_export_names_each_buurt_it_repairs")
def test_the_real_rotterdam_file_names_the_eight_buurten_it_repairs(
    catalogue: Catalogue,
) -> None:
    path = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "geo" / "rotterdam"
    path /= "rotterdam_buurten.geojson"
    if not path.is_file():
        pytest.skip("../shared/data (real boundary samples) is not available here")
    batch = LOADER.load(path.read_bytes(), path.name, catalogue, LoadOptions())
    repaired = batch.provenance["geometries_repaired"]
    assert len(repaired) == 8 and all(r.endswith("(self-intersection)") for r in repaired)
    assert batch.provenance["geometries_skipped"] == []


def test_a_carto_export_names_each_buurt_it_repairs(tmp_path: Path, catalogue: Catalogue) -> None:
    """Rotterdam's Carto layout (MultiPolygons, the code in 'id'), written here with two buurten
    whose rings cross themselves, one of them in a second, valid part."""
    buurten = [
        CartoBuurt("BU05990110", "Havenkwartier", bowtie(4.470, 51.915, 0.008)),
        CartoBuurt("BU05990111", "Molenwerf", box(4.480, 51.915, 4.490, 51.925)),
        CartoBuurt(
            "BU05990112",
            "Dijkzicht",
            MultiPolygon([box(4.470, 51.926, 4.478, 51.934), bowtie(4.480, 51.926, 0.008)]),
        ),
    ]
    path = tmp_path / "rotterdam_buurten.geojson"
    path.write_bytes(carto_geojson(buurten))
    batch = LOADER.load(path.read_bytes(), path.name, catalogue, LoadOptions())
    assert batch.provenance["geometries_repaired"] == [
        "BU05990110 (self-intersection)",
        "BU05990112 (self-intersection)",
    ]
    assert batch.provenance["geometries_skipped"] == []
    assert len(batch.geometries) == 3
