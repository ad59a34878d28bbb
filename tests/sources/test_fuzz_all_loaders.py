"""Every loader, fed mutated real files, either parses or says clearly what is wrong.

The per-loader suites fuzz their own formats; this one covers the formats they do not (boundaries,
crosswalks, mapping files) and throws every sample at every loader, since auto-detection can hand
any file to any loader. The real samples come from ../shared/data (skipped without it); their
synthetic twins are written in the same layouts (file_layouts.py) and always run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from file_layouts import carto_geojson, gebiedsindeling_csv
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wijkkompas.catalogue import load_catalogue
from wijkkompas.errors import WijkkompasError
from wijkkompas.sources import registry
from wijkkompas.sources.base import LoadOptions
from wijkkompas.sources.mapping import parse_mapping

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
SAMPLES = {
    "boundaries": SHARED / "geo" / "rotterdam" / "rotterdam_buurten.geojson",
    "crosswalk": SHARED / "geo" / "amsterdam" / "buurten.csv",
}
SYNTHETIC = {
    "boundaries": ("rotterdam_buurten.geojson", carto_geojson()),
    "crosswalk": ("buurten.csv", gebiedsindeling_csv()),
}
"""The same layouts with made-up buurten: Rotterdam's Carto GeoJSON, Amsterdam's gebiedsindeling
CSV (2015 and 2022 codes side by side, RD New EWKT)."""
CATALOGUE = load_catalogue()

needs_samples = pytest.mark.skipif(
    not all(p.is_file() for p in SAMPLES.values()),
    reason="../shared/data (real boundary samples) is not available here",
)


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """A real file with a few bytes flipped, a slice cut out, or cut short."""
    kind = draw(st.sampled_from(["flip", "cut", "truncate"]))
    size = len(data)
    if kind == "truncate":
        return data[: draw(st.integers(0, size - 1))]
    start = draw(st.integers(0, size - 1))
    if kind == "cut":
        return data[:start] + data[start + draw(st.integers(1, 4096)) :]
    flipped = bytearray(data)
    for offset in draw(st.lists(st.integers(0, size - 1), min_size=1, max_size=8)):
        flipped[offset] = draw(st.integers(0, 255))
    return bytes(flipped)


def _head_only(path: Path, limit: int = 200_000) -> bytes:
    """Keep fuzzing fast: the first features/rows are where the format is decided."""
    return path.read_bytes()[:limit]


@pytest.mark.realdata(twin="test_mutated_synthetic_samples_never_escape_as_a_traceback")
@needs_samples
@pytest.mark.parametrize("key", sorted(SAMPLES))
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_mutated_samples_never_escape_as_a_traceback(key: str, data: st.DataObject) -> None:
    original = _head_only(SAMPLES[key])
    blob = data.draw(mutated(original))
    loader = registry.get(key)
    try:
        loader.load(blob, SAMPLES[key].name, CATALOGUE, LoadOptions(year=2022))
    except WijkkompasError as error:
        assert SAMPLES[key].name in str(error)


@pytest.mark.parametrize("key", sorted(SYNTHETIC))
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_mutated_synthetic_samples_never_escape_as_a_traceback(
    key: str, data: st.DataObject
) -> None:
    name, original = SYNTHETIC[key]
    blob = data.draw(mutated(original))
    try:
        registry.get(key).load(blob, name, CATALOGUE, LoadOptions(year=2022))
    except WijkkompasError as error:
        assert name in str(error)


@pytest.mark.realdata(twin="test_every_loader_refuses_a_synthetic_file_of_another_source_clearly")
@needs_samples
@pytest.mark.parametrize("key", sorted(registry.available()))
def test_every_loader_refuses_a_file_of_another_source_clearly(key: str) -> None:
    loader = registry.get(key)
    for sample in SAMPLES.values():
        try:
            loader.load(_head_only(sample, 50_000), sample.name, CATALOGUE, LoadOptions(year=2022))
        except WijkkompasError as error:
            assert sample.name in str(error)


@pytest.mark.parametrize("key", sorted(registry.available()))
def test_every_loader_refuses_a_synthetic_file_of_another_source_clearly(key: str) -> None:
    """Whole and cut off in the middle, as the real samples are read only in part."""
    loader = registry.get(key)
    for name, data in SYNTHETIC.values():
        for blob in (data, data[: len(data) // 2]):
            try:
                loader.load(blob, name, CATALOGUE, LoadOptions(year=2022))
            except WijkkompasError as error:
                assert name in str(error)


@settings(max_examples=50, deadline=None)
@given(text=st.text(max_size=300), toml=st.booleans())
def test_mapping_files_parse_or_refuse_clearly(text: str, toml: bool) -> None:
    """Made-up text only: runs without the real samples."""
    name = "mapping.toml" if toml else "mapping.csv"
    try:
        mapping = parse_mapping(text.encode("utf-8"), name)
    except WijkkompasError as error:
        assert name in str(error)
    else:
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in mapping.items())
