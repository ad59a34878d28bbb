"""Registered crime (Politie/CBS 47018NED): null is suppressed, totals are never double counted.

There is no real sample of this table in ../shared/data (these machines have no internet), so
every fixture here is HAND-BUILT from the documented layout (design/anchors-ecosystem.md 1.8:
dimensions WijkenEnBuurten, SoortMisdrijf, Perioden like 2023JJ00, topic
GeregistreerdeMisdrijven_1, total row 0.0.0). Region codes are real Utrecht codes from
kwb/utrecht (GM0344, WK034401, BU03440111, BU03440112); the counts are made up.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from real_data import shared_catalogue

from wijkkompas.catalogue import Catalogue
from wijkkompas.errors import WijkkompasError
from wijkkompas.sources import registry
from wijkkompas.sources.base import LoadOptions, SourceError
from wijkkompas.sources.politie import LOADER, kinds_in
from wijkkompas.store import AnalyticStore, ImportBatch

KINDS = {"1.1.1 ": 12, "1.4.4 ": 3, "1.4.5 ": 5, "2.2.1 ": 7, "1.2.3 ": 20}
"""Hand-built counts for BU03440111 in 2023; their sum is 47."""


def typed_dataset() -> list[dict[str, Any]]:
    """Hand-built TypedDataSet records in the OData v3 JSON shape (padded keys, JJ00 periods)."""
    records: list[dict[str, Any]] = []

    def add(code: str, kind: str, period: str, count: int | None) -> None:
        records.append(
            {"ID": len(records), "SoortMisdrijf": kind, "WijkenEnBuurten": code.ljust(10),
             "Perioden": period, "GeregistreerdeMisdrijven_1": count}
        )  # fmt: skip

    add("NL00", "0.0.0 ", "2023JJ00", 800000)
    add("BU03440111", "0.0.0 ", "2023JJ00", 47)
    for kind, count in KINDS.items():
        add("BU03440111", kind, "2023JJ00", count)
        add("BU03440111", kind, "2023MM01", 1)  # a month row: skipped
    add("BU03440112", "0.0.0 ", "2023JJ00", 30)
    add("BU03440112", "1.1.1 ", "2023JJ00", None)  # suppressed
    add("BU03440112", "2.2.1 ", "2023JJ00", 4)
    add("BU03440112", "1.1.1 ", "2022JJ00", None)  # suppressed, and no total to fall back on
    add("BU03440112", "2.2.1 ", "2022JJ00", 6)
    add("WK034401", "0.0.0 ", "2023JJ00", None)
    return records


def odata_bytes(records: list[dict[str, Any]] | None = None) -> bytes:
    payload = {"odata.metadata": "https://dataderden.cbs.nl/ODataApi/odata/47018NED/$metadata#"
               "Cbs.OData.WebAPI.TypedDataSet", "value": records or typed_dataset()}  # fmt: skip
    return json.dumps(payload).encode()


LABEL_CSV = (
    '"Soort misdrijf";"Wijken en buurten";"Regiocode";"Perioden";'
    '"Geregistreerde misdrijven (aantal)";"Aantal inwoners"\n'
    '"Totaal misdrijven";"Welgelegen, Den Hommel";"BU03440111";"2024*";"60";"1810"\n'
    '"1.1.1 Diefstal/inbraak woning";"Welgelegen, Den Hommel";"BU03440111";"2024*";"10";"1810"\n'
    '"1.4.5 Mishandeling";"Welgelegen, Den Hommel";"BU03440111";"2024*";"5";"1810"\n'
    '"1.6.3 Vermogensmisdrijven, totaal";"Welgelegen, Den Hommel";"BU03440111";"2024*";"30";"1810"\n'
    '"1.6.2 Overige vermogensdelicten";"Welgelegen, Den Hommel";"BU03440111";"2024*";"45";"1810"\n'
    '"Totaal misdrijven";"Oog in Al";"BU03440112";"2024*";"21";"0"\n'
)
"""Hand-built StatLine-style label download with a population column, a provisional year and
a subtotal ("1.6.3 ..., totaal") that must not be added to the sum."""


def figure(
    batch: ImportBatch, code: str, indicator: str, period: str = "2023"
) -> tuple[float, bool]:
    obs = batch.observations
    row = obs[
        (obs["region_code"] == code)
        & (obs["indicator_id"] == indicator)
        & (obs["period"] == period)
    ]
    assert len(row) == 1, f"{code} {indicator} {period}: {len(row)} rows"
    return float(row["value"].iloc[0]), bool(row["suppressed"].iloc[0])


def test_odata_counts_per_buurt_year(catalogue: Catalogue, tmp_path: Path) -> None:
    batch = LOADER.load(odata_bytes(), "47018NED_utrecht.json", catalogue, LoadOptions())
    assert figure(batch, "BU03440111", "registered_crime_count") == (47.0, False)
    assert figure(batch, "BU03440111", "residential_burglary_count") == (12.0, False)
    assert figure(batch, "BU03440111", "violent_crime_count") == (8.0, False)  # 1.4.4 + 1.4.5
    assert figure(batch, "BU03440111", "vandalism_count") == (7.0, False)
    assert batch.provenance["total_mismatches"] == 0
    assert batch.provenance["skipped_month_rows"] == len(KINDS)
    assert "NL00" not in set(batch.regions["code"])
    assert set(batch.observations["source_column"]) == {"GeregistreerdeMisdrijven_1"}
    # no population in the file: counts only, the index engine makes the rate
    assert "registered_crime_per_1000" not in set(batch.observations["indicator_id"])
    assert "not computed" in batch.provenance["rates"]
    # kinds without an indicator of their own are kept verbatim
    bikes = batch.unmatched[
        batch.unmatched["source_column"] == "GeregistreerdeMisdrijven_1 [1.2.3]"
    ]
    assert bikes["value_text"].tolist() == ["20"]
    AnalyticStore(tmp_path / "w.duckdb").import_batch(batch)


def test_null_is_suppressed_never_zero(catalogue: Catalogue) -> None:
    batch = LOADER.load(odata_bytes(), "crime.json", catalogue, LoadOptions())
    burglary, suppressed = figure(batch, "BU03440112", "residential_burglary_count")
    assert math.isnan(burglary) and suppressed
    # a suppressed part makes the sum unknown; the published total covers it
    assert figure(batch, "BU03440112", "registered_crime_count") == (30.0, False)
    total, suppressed = figure(batch, "BU03440112", "registered_crime_count", "2022")
    assert math.isnan(total) and suppressed  # no published total to fall back on
    total, suppressed = figure(batch, "WK034401", "registered_crime_count")
    assert math.isnan(total) and suppressed


def test_label_csv_excludes_total_and_subtotals_and_computes_rates(catalogue: Catalogue) -> None:
    batch = LOADER.load(LABEL_CSV.encode(), "misdrijven.csv", catalogue, LoadOptions())
    # 10 + 5 + 45: neither "Totaal misdrijven" (60) nor the subtotal (30) is added
    assert figure(batch, "BU03440111", "registered_crime_count", "2024") == (60.0, False)
    assert batch.provenance["total_mismatches"] == 0
    assert figure(batch, "BU03440111", "violent_crime_count", "2024") == (5.0, False)
    rate, _ = figure(batch, "BU03440111", "registered_crime_per_1000", "2024")
    assert rate == pytest.approx(60 / 1810 * 1000)
    rate, suppressed = figure(batch, "BU03440112", "registered_crime_per_1000", "2024")
    assert math.isnan(rate) and not suppressed  # no residents: undefined, not suppressed
    assert set(batch.observations["release"]) == {"voorlopig"}  # "2024*"
    assert batch.regions.set_index("code").loc["BU03440111", "name"] == "Welgelegen, Den Hommel"
    assert set(batch.regions["year"]) == {2024}


def test_a_total_that_disagrees_with_its_parts_is_reported(catalogue: Catalogue) -> None:
    wrong = LABEL_CSV.replace('"Totaal misdrijven";"Welgelegen, Den Hommel";"BU03440111";"2024*";"60"',
                              '"Totaal misdrijven";"Welgelegen, Den Hommel";"BU03440111";"2024*";"61"')  # fmt: skip
    batch = LOADER.load(wrong.encode(), "misdrijven.csv", catalogue, LoadOptions())
    assert batch.provenance["total_mismatches"] == 1
    assert figure(batch, "BU03440111", "registered_crime_count", "2024") == (60.0, False)


def test_key_csv_download_and_duplicates(catalogue: Catalogue) -> None:
    lines = ["ID;SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1"]
    lines += ["1;0.0.0 ;BU03440111;2023JJ00;5", "2;1.1.1 ;BU03440111;2023JJ00;5",
              "3;1.1.1 ;BU03440111;2023JJ00;5", "4;2.2.1 ;BU03440111;2023JJ00;"]  # fmt: skip
    data = "\n".join(lines).encode()
    batch = LOADER.load(data, "crime.csv", catalogue, LoadOptions())  # identical repeat merged
    assert figure(batch, "BU03440111", "residential_burglary_count") == (5.0, False)
    vandalism, suppressed = figure(batch, "BU03440111", "vandalism_count")
    assert math.isnan(vandalism) and suppressed  # an empty CSV cell is the JSON null
    conflicting = data.replace(b"3;1.1.1 ;BU03440111;2023JJ00;5", b"3;1.1.1 ;BU03440111;2023JJ00;6")
    with pytest.raises(SourceError, match=r"crime\.csv: BU03440111 2023 '1\.1\.1'.*line 3, line 4"):
        LOADER.load(conflicting, "crime.csv", catalogue, LoadOptions())


def test_kind_classification() -> None:
    assert kinds_in(
        [
            "0.0.0 ",
            "Totaal misdrijven",
            "1.6.3 Vermogensmisdrijven, totaal",
            "1.1.1 Diefstal/inbraak woning",
            "1.0.0 ",
        ]
    ) == [
        ("0.0.0", "total"),
        ("0.0.0", "total"),
        ("1.6.3", "subtotal"),
        ("1.1.1", "detail"),
        ("1.0.0", "subtotal"),
    ]


def test_errors_name_the_file_and_what_to_do(catalogue: Catalogue) -> None:
    months = [r for r in typed_dataset() if "MM" in r["Perioden"]]
    with pytest.raises(SourceError, match=r"m\.json: no yearly .*5 month rows.*47018NED"):
        LOADER.load(odata_bytes(months), "m.json", catalogue, LoadOptions())
    with pytest.raises(SourceError, match=r"^b\.json: not valid JSON \(line 1"):
        LOADER.load(b'{"value": [', "b.json", catalogue, LoadOptions())
    with pytest.raises(SourceError, match=r"^s\.json: no column for SoortMisdrijf"):
        LOADER.load(
            json.dumps(
                [
                    {
                        "WijkenEnBuurten": "GM0344",
                        "Perioden": "2023JJ00",
                        "GeregistreerdeMisdrijven_1": 1,
                    }
                ]
            ).encode(),
            "s.json",
            catalogue,
            LoadOptions(),
        )
    bad = LABEL_CSV.replace('"10";"1810"', '"tien";"1810"')
    with pytest.raises(SourceError, match=r"^c\.csv, line 3: 'tien'.*not a count"):
        LOADER.load(bad.encode(), "c.csv", catalogue, LoadOptions())
    for cell in ("-3", "inf"):
        bad = LABEL_CSV.replace('"10";"1810"', f'"{cell}";"1810"')
        with pytest.raises(SourceError, match=rf"^c\.csv, line 3: '{cell}'.*not a count"):
            LOADER.load(bad.encode(), "c.csv", catalogue, LoadOptions())
    no_codes = (
        LABEL_CSV.replace('"Regiocode";', "")
        .replace(';"BU03440111"', "")
        .replace(';"BU03440112"', "")
    )
    with pytest.raises(SourceError, match=r"region codes.*must include the region codes"):
        LOADER.load(no_codes.encode(), "c.csv", catalogue, LoadOptions())


def test_sniff_and_detect() -> None:
    assert LOADER.sniff("export.json", odata_bytes()[:4096])
    assert LOADER.sniff("export.csv", LABEL_CSV.encode())
    assert registry.detect("export.json", odata_bytes()[:4096]).key == "crime"


@settings(max_examples=25, deadline=None)
@given(
    fixture=st.sampled_from(["json", "csv"]),
    kind=st.sampled_from(["flip", "truncate", "delete", "insert"]),
    position=st.integers(min_value=0, max_value=2**31),
    byte=st.integers(min_value=0, max_value=255),
)
def test_mutated_fixtures_fail_only_with_a_clear_error(
    fixture: str, kind: str, position: int, byte: int
) -> None:
    catalogue = shared_catalogue()
    data = odata_bytes() if fixture == "json" else LABEL_CSV.encode()
    at = position % len(data)
    data = {
        "flip": data[:at] + bytes([byte]) + data[at + 1 :],
        "truncate": data[:at],
        "delete": data[:at] + data[at + 1 + byte :],
        "insert": data[:at] + bytes([byte, 59]) + data[at:],
    }[kind]
    try:
        batch = LOADER.load(data, "crime." + fixture, catalogue, LoadOptions())
    except WijkkompasError as exc:
        assert "crime." + fixture in str(exc)
    else:
        batch.validate()
