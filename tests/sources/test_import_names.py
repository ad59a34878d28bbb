"""Importing bytes kept under another name (a browser upload): the file's own name still
decides the loader and the year, and is what the report says; the path is never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from wijkkompas.sources.base import SourceError
from wijkkompas.sources.importer import import_files
from wijkkompas.store import AnalyticStore

KWB = (
    b"gwb_code;regio;gm_naam;recs;a_inw\n"
    b"GM9997;Testdorp;Testdorp;Gemeente;1000\n"
    b"WK999700;Centrum;Testdorp;Wijk;1000\n"
    b"BU99970000;Kern;Testdorp;Buurt;600\n"
)


def test_the_given_name_decides_the_kind_and_year_and_is_reported(tmp_path: Path) -> None:
    kept = tmp_path / "0123456789abcdef0123456789abcdef"
    kept.write_bytes(KWB)
    store = AnalyticStore(tmp_path / "s.duckdb")
    (report,) = import_files(store, [kept], names=["kwb_2021.csv"])
    assert report.file == "kwb_2021.csv"
    assert report.source == "kwb"
    assert report.years == [2021]
    assert "population" in report.indicators
    with store.reader() as reader:
        provenance = reader.imports()["provenance"].iloc[0]
    assert "kwb_2021.csv" in provenance and kept.name not in provenance


def test_a_failure_names_the_file_not_where_it_is_kept(tmp_path: Path) -> None:
    kept = tmp_path / "0123456789abcdef0123456789abcdef"
    kept.write_bytes(b"geen tabel\x00\n")
    with pytest.raises(SourceError) as refused:
        import_files(AnalyticStore(tmp_path / "s.duckdb"), [kept], names=["mijn-bestand.csv"])
    assert "mijn-bestand.csv" in str(refused.value)
    assert kept.name not in str(refused.value) and str(tmp_path) not in str(refused.value)


def test_one_name_per_path(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="one name per path"):
        import_files(AnalyticStore(tmp_path / "s.duckdb"), [tmp_path / "a"], names=[])
