"""Registered crime (Politie/CBS 47018NED): null is suppressed, totals are never double counted,
"buurt onbekend" is no region, and wijk and gemeente totals are summed from the buurten where the
file has none.

Three kinds of input:

* HAND-BUILT fixtures in the documented OData and StatLine layouts (design/anchors-ecosystem.md
  1.8: dimensions WijkenEnBuurten, SoortMisdrijf, Perioden like 2023JJ00, topic
  GeregistreerdeMisdrijven_1, total row 0.0.0), for the kinds of crime and the totals. Region
  codes are real Utrecht codes (GM0344, WK034401, BU03440111, BU03440112); the counts are made up.
* A synthetic TWIN of the real whole-country export, written by the tests themselves in its
  R-style layout (12 quoted columns, padded gemeente names, blank where the count is 0): real
  codes and names, made-up counts. It always runs.
* The REAL file ../shared/data/crime/nederland/PolRegCrime47018_2023.csv (PROVENANCE.md,
  "crime/nederland/"); those tests skip, naming the file, where ../shared/data is absent.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from real_data import SHARED_DATA, real_bytes, shared_catalogue

from twin_cities import police_crime_csv
from wijkkompas.catalogue import Catalogue
from wijkkompas.errors import WijkkompasError
from wijkkompas.sources import registry
from wijkkompas.sources.base import LoadOptions, SourceError
from wijkkompas.sources.importer import import_files
from wijkkompas.sources.politie import LOADER, SUMMED_RULE, kinds_in
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
    # the file has no GM0344 rows, and no WK034401 rows for 2022: those are summed from buurten
    obs = batch.observations
    summed = obs[obs["source_column"] == "GeregistreerdeMisdrijven_1 (opgeteld uit de buurten)"]
    assert set(zip(summed["region_code"], summed["period"], strict=True)) == {
        ("GM0344", "2023"), ("GM0344", "2022"), ("WK034401", "2022"),
    }  # fmt: skip
    assert set(obs.drop(summed.index)["source_column"]) == {"GeregistreerdeMisdrijven_1"}
    assert figure(batch, "GM0344", "registered_crime_count") == (47.0 + 30.0, False)
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
    # the file's own (suppressed) wijk total stands: never replaced by the sum of its buurten
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


# --- The whole-country R-style export: a synthetic twin, then the real file -------------------


def r_export(rows: list[tuple[str, str, str, str]]) -> bytes:
    """A file in the layout of PolRegCrime47018_2023.csv (``twin_cities.police_crime_csv``):
    (code, name, count, gemeente) per row; the gemeente name padded to 30 characters, blank
    (with SoortRegio_3) where the count is 0, as in the real export; an empty count is written
    as nothing, R's way with a null."""
    return police_crime_csv(
        (code, name, count, gemeente, "" if count == "0" or not gemeente else "Buurt")
        for code, name, count, gemeente in rows
    )


TWIN = [
    ("BU03440111", "Welgelegen, Den Hommel", "12", "Utrecht"),
    ("BU03440112", "Oog in Al", "0", ""),  # a real zero: blank gemeente name, as in the export
    ("BU03440211", "Pijlsweerd-Zuid", "7", "Utrecht"),
    ("BU0363AA01", "Planciusbuurt-Noord", "19", "Amsterdam"),
    ("BU0363AA02", "Westelijke eilanden", "", "Amsterdam"),  # suppressed
    ("BU0363AB01", "Marnixbuurt-Noord", "105", "Amsterdam"),
    ("BU00000000", "Buurt onbekend", "9", ""),
]
"""Real codes and names from the 2023 file, made-up counts: gemeente Utrecht with wijk WK034401
of two buurten (12 and a zero) and wijk WK034402 of one, Amsterdam with a wijk holding a
suppressed buurt, and "buurt onbekend"."""


def row(frame: pd.DataFrame, code: str, *columns: str) -> tuple[Any, ...]:
    """Cells of one region's row, by column name."""
    return tuple(frame.at[code, c] for c in columns)


def load_twin(catalogue: Catalogue, rows: list[tuple[str, str, str, str]] = TWIN) -> ImportBatch:
    return LOADER.load(r_export(rows), "PolRegCrime47018_2023.csv", catalogue, LoadOptions())


def test_buurt_onbekend_is_no_region_but_its_crimes_are_in_the_provenance(
    catalogue: Catalogue,
) -> None:
    batch = load_twin(catalogue)
    for table in (batch.regions["code"], batch.observations["region_code"]):
        assert not set(table) & {"BU00000000", "WK000000", "GM0000"}
    assert "BU00000000" not in set(batch.unmatched["region_code"])
    assert batch.provenance["buurt_onbekend"]["codes"] == ["BU00000000"]
    assert batch.provenance["buurt_onbekend"]["crimes"] == {"2023": 9}


def test_wijk_and_gemeente_totals_are_the_sums_of_their_buurten(catalogue: Catalogue) -> None:
    batch = load_twin(catalogue)
    assert figure(batch, "WK034401", "registered_crime_count") == (12.0, False)  # 12 + 0
    assert figure(batch, "WK034402", "registered_crime_count") == (7.0, False)
    assert figure(batch, "GM0344", "registered_crime_count") == (19.0, False)
    assert figure(batch, "WK0363AB", "registered_crime_count") == (105.0, False)
    # "buurt onbekend" is no buurt of any gemeente: its 9 crimes are in no sum
    buurten, wijken, gemeenten = 12 + 0 + 7 + 19 + 105, 12 + 7 + 105, 19  # Amsterdam: unknown
    assert batch.observations["value"].sum() == buurten + wijken + gemeenten
    summed = batch.provenance["summed_regions"]
    assert summed["rule"] == SUMMED_RULE
    assert SUMMED_RULE == (
        "wijk- en gemeentetotalen opgeteld uit de buurten; misdrijven in 'buurt onbekend' "
        "tellen niet mee"
    )
    assert (summed["wijk"], summed["gemeente"]) == (4, 2)
    by_code = batch.observations.set_index("region_code")["source_column"]
    assert by_code["GM0344"] == "GeregistreerdeMisdrijven_1 (opgeteld uit de buurten)"
    assert by_code["BU03440111"] == "GeregistreerdeMisdrijven_1"
    regions = batch.regions.set_index("code")
    assert row(regions, "GM0363", "name", "level") == ("Amsterdam", "gemeente")
    assert row(regions, "WK0363AA", "level", "gemeente_code", "wijk_code") == (
        "wijk", "GM0363", "WK0363AA",
    )  # fmt: skip
    assert row(regions, "GM0344", "wijk_code") == (None,)  # a gemeente lies in no wijk


def test_a_suppressed_buurt_makes_its_wijk_and_gemeente_unknown_not_smaller(
    catalogue: Catalogue,
) -> None:
    batch = load_twin(catalogue)
    assert figure(batch, "BU0363AA02", "registered_crime_count")[1]  # the empty cell
    for code in ("WK0363AA", "GM0363"):
        value, suppressed = figure(batch, code, "registered_crime_count")
        assert math.isnan(value) and suppressed, code  # not 19, not 124
    # R writes a null as NA: the same suppressed figure
    with_na = [(c, n, "NA" if c == "BU0363AA02" else k, g) for c, n, k, g in TWIN]
    value, suppressed = figure(load_twin(catalogue, with_na), "GM0363", "registered_crime_count")
    assert math.isnan(value) and suppressed


def test_a_wijk_or_gemeente_figure_in_the_file_is_never_replaced(catalogue: Catalogue) -> None:
    own = [
        ("WK034401", "Welgelegen/Oog in Al", "50", "Utrecht"),
        ("GM0344", "Utrecht", "99", "Utrecht"),
        *TWIN,
    ]
    batch = load_twin(catalogue, own)
    assert figure(batch, "WK034401", "registered_crime_count") == (50.0, False)  # not 12
    assert figure(batch, "GM0344", "registered_crime_count") == (99.0, False)  # not 19
    assert figure(batch, "WK034402", "registered_crime_count") == (7.0, False)  # still summed
    by_code = batch.observations.set_index("region_code")["source_column"]
    assert by_code["WK034401"] == by_code["GM0344"] == "GeregistreerdeMisdrijven_1"
    assert (batch.provenance["summed_regions"]["wijk"], batch.provenance["summed_regions"]["gemeente"]) == (3, 1)  # fmt: skip


def test_a_zero_with_a_blank_gemeente_name_stays_a_zero_of_its_gemeente(
    catalogue: Catalogue,
) -> None:
    batch = load_twin(catalogue)
    assert figure(batch, "BU03440112", "registered_crime_count") == (0.0, False)
    regions = batch.regions.set_index("code")
    assert row(regions, "BU03440112", "name", "level", "gemeente_code", "wijk_code") == (
        "Oog in Al", "buurt", "GM0344", "WK034401",
    )  # fmt: skip


def test_padding_is_stripped_and_buurt_names_come_from_the_label_column(
    catalogue: Catalogue,
) -> None:
    padded = [(c.ljust(10) if c.startswith("GM") else c, n, k, g) for c, n, k, g in TWIN]
    padded[0] = (" BU03440111 ", "LumiÞrepark", "12", "Utrecht")  # the source's spelling, kept
    batch = load_twin(catalogue, padded)
    names = batch.regions.set_index("code")["name"]
    assert names["BU03440111"] == "LumiÞrepark"
    assert names["BU0363AB01"] == "Marnixbuurt-Noord"
    assert names["GM0344"] == "Utrecht"  # the padded Gemeentenaam_2, stripped
    assert names["WK034401"] == "WK034401"  # no wijk names in the file: the store keeps KWB's
    # The R export's bookkeeping (row numbers, labels, dates, the level) is no figure to keep.
    assert set(batch.unmatched["source_column"]) == {"GeregistreerdeMisdrijven_1 [0.0.0]"}


def test_the_twin_imports_end_to_end(catalogue: Catalogue, tmp_path: Path) -> None:
    path = tmp_path / "PolRegCrime47018_2023.csv"
    path.write_bytes(r_export(TWIN))
    store = AnalyticStore(tmp_path / "w.duckdb")
    (report,) = import_files(store, [path], catalogue=catalogue)
    assert report.source == "crime"
    assert report.regions_per_level == {"buurt": 6, "wijk": 4, "gemeente": 2}
    with store.reader() as reader:
        obs = reader.observations(["registered_crime_count"]).set_index("region_code")
    assert obs.loc["GM0344", "value"] == 19.0
    assert row(obs, "BU03440112", "value", "gemeente_code") == (0.0, "GM0344")


CRIME_2023 = SHARED_DATA / "crime" / "nederland" / "PolRegCrime47018_2023.csv"


@pytest.fixture(scope="module")
def real_batch() -> ImportBatch:
    return LOADER.load(real_bytes(CRIME_2023), CRIME_2023.name, shared_catalogue(), LoadOptions())


def counts(batch: ImportBatch, prefix: str) -> Any:
    obs = batch.observations
    rows = obs[
        (obs["indicator_id"] == "registered_crime_count")
        & obs["region_code"].str.startswith(prefix)
    ]
    return rows.set_index("region_code")["value"]


COMPLETE_TWIN = [
    ("BU00341807", "LumiÞrepark", "3", "Almere"),  # the source's spelling, kept
    *((c, n, "23" if k == "" else k, g) for c, n, k, g in TWIN),
    ("BU16800309", "Verspreide huizen Gasteren", "0", ""),
]
"""The twin with no suppressed buurt, as in the real 2023 file, and a second zero."""


def test_every_buurt_is_counted_and_the_total_leaves_out_buurt_onbekend(
    catalogue: Catalogue,
) -> None:
    """The twin of the real file's buurt counts: every buurt a region with its count (zeros
    kept), their sum the file's total less "buurt onbekend"."""
    batch = load_twin(catalogue, COMPLETE_TWIN)
    buurten = counts(batch, "BU")
    assert len(buurten) == 8 == (batch.regions["level"] == "buurt").sum()
    assert buurten.notna().all()
    file_total = sum(int(count) for _, _, count, _ in COMPLETE_TWIN)
    assert buurten.sum() == file_total - 9 == 3 + 12 + 0 + 7 + 19 + 23 + 105 + 0
    assert (buurten == 0).sum() == 2  # both with a blank gemeente name, both kept as zeros
    assert batch.provenance["buurt_onbekend"]["crimes"] == {"2023": 9}
    assert batch.regions.set_index("code").loc["BU00341807", "name"] == "LumiÞrepark"
    gemeenten = counts(batch, "GM")
    assert gemeenten.sum() == counts(batch, "WK").sum() == buurten.sum()


@pytest.mark.realdata(twin="test_every_buurt_is_counted_and_the_total_leaves_out_buurt_onbekend")
def test_real_file_buurten_and_their_total(real_batch: ImportBatch) -> None:
    buurten = counts(real_batch, "BU")
    assert len(buurten) == 14_421 == (real_batch.regions["level"] == "buurt").sum()
    assert buurten.notna().all()
    assert buurten.sum() == 803_367 - 3_798  # the file's total less "buurt onbekend"
    assert (buurten == 0).sum() == 488  # all with a blank gemeente name, all kept as zeros
    assert real_batch.provenance["buurt_onbekend"]["crimes"] == {"2023": 3_798}
    assert real_batch.regions.set_index("code").loc["BU00341807", "name"] == "LumiÞrepark"


@pytest.mark.realdata(twin="test_wijk_and_gemeente_totals_are_the_sums_of_their_buurten")
def test_real_file_gemeente_and_wijk_sums(real_batch: ImportBatch) -> None:
    buurten = counts(real_batch, "BU")
    amsterdam = buurten[buurten.index.str.startswith("BU0363")]
    assert (len(amsterdam), amsterdam.sum()) == (517, 81_144)
    assert counts(real_batch, "GM")["GM0363"] == 81_144
    assert len(counts(real_batch, "GM")) == 342
    # one wijk: the sum of its buurten (Utrecht's WK034401, Welgelegen/Oog in Al e.o.)
    wijk = buurten[buurten.index.str.startswith("BU034401")]
    assert len(wijk) > 1
    assert counts(real_batch, "WK")["WK034401"] == wijk.sum()
    assert counts(real_batch, "WK").sum() == counts(real_batch, "GM").sum() == buurten.sum()
