"""RIVM/GGD health monitor (50090NED): model estimates per age group, all on the 2020 boundaries.

The synthetic twin is written here, in the layout of the real UntypedDataSet export (same 43
columns, padded codes and values, numeric ID and Leeftijd), with made-up regions of the
fictional gemeente GM9999, so these always run. The real-file tests read ../shared/data (see its
PROVENANCE.md, section rivm/) and skip when it is absent; their pinned values were read from the
files with openpyxl, independently of the loader.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from real_data import SHARED_DATA, real_bytes, real_path, shared_catalogue, value

from real_stores import wijkkompas
from twin_cities import RIVM_FIGURES as FIGURES
from twin_cities import RIVM_HEADER as HEADER
from twin_cities import rivm_workbook as workbook
from wijkkompas.catalogue import Catalogue
from wijkkompas.sources import registry
from wijkkompas.sources.base import LoadOptions, SourceError
from wijkkompas.sources.cbs_kwb import LOADER as KWB
from wijkkompas.sources.rivm import LOADER
from wijkkompas.store import AnalyticStore, ImportBatch

REGIONS = [
    ("NL01", "Nederland", "Land"),
    ("GM9999", "Proefstad", "Gemeente"),
    ("WK999901", "Proefstad", "Wijk"),
    ("BU99990101", "Proefstad", "Buurt"),
    ("BU99990102", "Proefstad", "Buurt"),
]
AGES = (20300, 53115, 80200)
AGE_OFFSET = {age: i for i, age in enumerate(AGES)}
PERIODS = ("2016JJ00", "2020JJ00")
ADULT_IDS = {
    "good_health_share", "anxiety_depression_risk_share", "control_over_life_share",
    "loneliness_share", "severe_loneliness_share", "social_loneliness_share",
    "informal_carer_share", "volunteering_share", "noise_nuisance_neighbours_share",
    "difficulty_making_ends_meet_share",
}  # fmt: skip
OLD_IDS = {"loneliness_share_65plus", "difficulty_making_ends_meet_share_65plus"}
LONELY_ADULTS = "Eenzaam_28 (Leeftijd 20300: 18 jaar of ouder)"
SHARED = SHARED_DATA / "rivm"


def figure(column: int, region: int, age: int, period: str) -> float:
    """The made-up percentage of the twin: every cell differs, so a shifted cell shows."""
    return round(
        10 + column + region / 10 + AGE_OFFSET.get(age, 3) * 20 + (period == "2020JJ00"), 1
    )


def twin_rows(
    ages: tuple[int, ...] = AGES, periods: tuple[str, ...] = PERIODS
) -> list[list[object]]:
    """Rows as the export writes them: numeric ID and Leeftijd, everything else padded text.
    Two cells are left out: one written as an empty string, one not written at all."""
    rows: list[list[object]] = []
    for period in periods:
        for age in ages:
            for r, (code, gemeente, kind) in enumerate(REGIONS):
                cells: list[object] = [
                    len(rows), age, "MW00000", f"{code:<10}", period, f"{gemeente:<40}",
                    f"{kind:<10}", f"{code:<20}",
                ]  # fmt: skip
                cells += [f"{figure(j, r, age, period):8.1f}" for j in range(len(FIGURES))]
                rows.append(cells)
    for code, period, column, empty in (
        ("BU99990102", "2020JJ00", "MoeiteMetRondkomen_38", ""),
        ("BU99990101", "2016JJ00", "Vrijwilligerswerk_33", None),
    ):
        if period in periods and 20300 in ages:
            _row(rows, code, 20300, period)[HEADER.index(column)] = empty
    return rows


def _row(rows: list[list[object]], code: str, age: int, period: str) -> list[object]:
    return next(r for r in rows if str(r[7]).strip() == code and r[1] == age and r[4] == period)


def load(
    data: bytes, name: str = "RIVM_gezondheid_twin.xlsx", options: LoadOptions | None = None
) -> ImportBatch:
    return LOADER.load(data, name, shared_catalogue(), options or LoadOptions())


def figure_of(batch: ImportBatch, code: str, indicator: str, period: str) -> pd.Series:
    obs = batch.observations
    rows = obs[(obs.region_code == code) & (obs.indicator_id == indicator) & (obs.period == period)]
    assert len(rows) == 1, f"{code} {indicator} {period}: {len(rows)} rows"
    return rows.iloc[0]


@pytest.fixture(scope="module")
def twin() -> ImportBatch:
    return load(workbook(twin_rows()))


# --- the synthetic twin ---------------------------------------------------------------------


def test_regions_are_on_the_2020_boundaries_and_the_country_is_no_region(
    twin: ImportBatch,
) -> None:
    regions = twin.regions.set_index("code")
    assert sorted(regions.index) == ["BU99990101", "BU99990102", "GM9999", "WK999901"]
    assert regions["level"].to_dict() == {
        "BU99990101": "buurt", "BU99990102": "buurt", "GM9999": "gemeente", "WK999901": "wijk",
    }  # fmt: skip
    assert regions.loc["BU99990101", "gemeente_code"] == "GM9999"
    assert regions.loc["BU99990101", "wijk_code"] == "WK999901"
    assert set(regions["year"]) == {2020}
    assert set(twin.observations["region_year"]) == {2020}
    assert set(twin.unmatched["region_year"]) == {2020}
    assert "NL01" not in set(twin.observations["region_code"]) | set(twin.unmatched["region_code"])


def test_the_gemeente_is_named_and_a_wijk_or_buurt_gets_its_code_as_placeholder(
    twin: ImportBatch,
) -> None:
    names = twin.regions.set_index("code")["name"].to_dict()
    assert names["GM9999"] == "Proefstad"  # Gemeentenaam_1, padding removed
    assert names["WK999901"] == "WK999901"
    assert names["BU99990101"] == "BU99990101"


def test_each_figure_keeps_its_own_period(twin: ImportBatch) -> None:
    assert set(twin.observations["period"]) == {"2016", "2020"}
    assert set(twin.unmatched["period"]) == {"2016", "2020"}
    lonely = HEADER.index("Eenzaam_28") - 8
    for period in PERIODS:
        row = figure_of(twin, "BU99990101", "loneliness_share", period[:4])
        assert row["value"] == figure(lonely, 3, 20300, period)
        assert row["source_column"] == LONELY_ADULTS


def test_adults_feed_the_catalogue_ids_and_65_plus_its_65plus_ids(twin: ImportBatch) -> None:
    obs = twin.observations
    assert set(obs["indicator_id"]) == ADULT_IDS | OLD_IDS
    # 4 regions x 2 periods x (10 adult + 2 65+ figures)
    assert len(obs) == 4 * 2 * 12
    old = figure_of(twin, "WK999901", "loneliness_share_65plus", "2020")
    assert old["value"] == figure(HEADER.index("Eenzaam_28") - 8, 2, 80200, "2020JJ00")
    assert old["source_column"] == "Eenzaam_28 (Leeftijd 80200: 65 jaar of ouder)"
    assert not old["suppressed"]
    assert set(obs["release"]) == {"definitief"}


def test_every_other_column_and_age_group_is_kept_verbatim_as_unmatched(
    twin: ImportBatch,
) -> None:
    unmatched = twin.unmatched
    # 4 regions x 2 periods x (35 columns x 3 age groups - 12 matched)
    assert len(unmatched) == 4 * 2 * (35 * 3 - 12)
    columns = set(unmatched["source_column"])
    assert "Eenzaam_28 (Leeftijd 53115: 18 tot 65 jaar)" in columns
    assert "ErvarenGezondheidGoedZeerGoed_4 (Leeftijd 80200: 65 jaar of ouder)" in columns
    assert "Roker_11 (Leeftijd 20300: 18 jaar of ouder)" in columns
    assert LONELY_ADULTS not in columns
    smoking = unmatched[
        (unmatched.source_column == "Roker_11 (Leeftijd 53115: 18 tot 65 jaar)")
        & (unmatched.region_code == "GM9999")
        & (unmatched.period == "2016")
    ]
    expected = figure(HEADER.index("Roker_11") - 8, 1, 53115, "2016JJ00")
    assert smoking["value_text"].tolist() == [f"{expected:.1f}"]  # padding removed


def test_the_country_row_becomes_national_figures(twin: ImportBatch) -> None:
    national = twin.national
    assert len(national) == 2 * 12
    assert set(national["table_year"]) == {2020}
    assert set(national["indicator_id"]) == ADULT_IDS | OLD_IDS
    row = national[(national.indicator_id == "loneliness_share") & (national.period == "2020")]
    assert row["value"].tolist() == [figure(HEADER.index("Eenzaam_28") - 8, 0, 20300, "2020JJ00")]
    assert row["source_column"].tolist() == [LONELY_ADULTS]


def test_an_empty_cell_is_a_figure_not_published_never_zero(twin: ImportBatch) -> None:
    written_empty = figure_of(twin, "BU99990102", "difficulty_making_ends_meet_share", "2020")
    not_written = figure_of(twin, "BU99990101", "volunteering_share", "2016")
    for row in (written_empty, not_written):
        assert math.isnan(row["value"])
        assert not row["suppressed"]
    assert figure_of(twin, "BU99990101", "volunteering_share", "2020")["value"] > 0


def test_an_empty_unmatched_cell_stays_empty() -> None:
    rows = twin_rows()
    _row(rows, "GM9999", 53115, "2020JJ00")[HEADER.index("Roker_11")] = ""
    batch = load(workbook(rows))
    cell = batch.unmatched[
        (batch.unmatched.source_column == "Roker_11 (Leeftijd 53115: 18 tot 65 jaar)")
        & (batch.unmatched.region_code == "GM9999")
        & (batch.unmatched.period == "2020")
    ]["value_text"]
    assert len(cell) == 1 and pd.isna(cell.iloc[0])


def test_provenance_says_what_the_figures_are(twin: ImportBatch) -> None:
    prov = twin.provenance
    assert prov["file"] == "RIVM_gezondheid_twin.xlsx"
    assert len(prov["sha256"]) == 64
    assert prov["table_id"] == "50090NED"
    assert prov["periods"] == ["2016", "2020"]
    assert prov["age_groups"] == {
        "20300": "18 jaar of ouder", "53115": "18 tot 65 jaar", "80200": "65 jaar of ouder",
    }  # fmt: skip
    assert prov["model_estimate"] is True
    assert "modelschatting" in prov["estimate_note"].lower()
    assert "margin" in prov["margins_note"].lower()
    assert "COVID-19" in prov["covid_note"] and "autumn of 2020" in prov["covid_note"]
    assert prov["skipped_non_point_rows"] == {}
    assert prov["year"] == 2020


def test_no_covid_note_without_2020() -> None:
    batch = load(workbook(twin_rows(periods=("2016JJ00",))))
    assert "covid_note" not in batch.provenance


def test_the_year_in_the_file_name_is_the_period_not_the_boundary_year() -> None:
    batch = load(workbook(twin_rows(periods=("2016JJ00",))), "RIVM_gezondheid2016_18+.xlsx")
    assert set(batch.regions["year"]) == {2020}
    assert set(batch.observations["period"]) == {"2016"}


def test_the_import_summary_names_the_periods_apart_from_the_boundaries(tmp_path: Path) -> None:
    source = tmp_path / "RIVM_gezondheid2016_18+.xlsx"
    source.write_bytes(workbook(twin_rows(periods=("2016JJ00",))))
    argv = [sys.executable, "-m", "wijkkompas", "--store", str(tmp_path / "w.duckdb")]
    result = subprocess.run([*argv, "import", str(source)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "figures for periods: 2016 (on the boundaries of 2020)" in result.stdout


def test_year_option_overrides_the_boundary_year() -> None:
    batch = load(workbook(twin_rows()), options=LoadOptions(year=2022))
    assert set(batch.regions["year"]) == {2022}
    assert set(batch.observations["region_year"]) == {2022}
    assert set(batch.national["table_year"]) == {2022}
    assert "--year" in batch.provenance["year_from"]


def test_rows_other_than_point_estimates_are_skipped_and_counted() -> None:
    rows = twin_rows()
    bounds = [list(r) for r in rows[:3]]
    for row in bounds:
        row[2] = "CI00001"
        row[0] = 1000 + int(str(row[0]))
    batch = load(workbook(rows + bounds))
    assert batch.provenance["skipped_non_point_rows"] == {"CI00001": 3}
    assert "skipped" in batch.provenance["margins_note"]
    assert len(batch.observations) == 4 * 2 * 12  # nothing doubled


def test_an_unknown_age_group_is_kept_as_unmatched() -> None:
    rows = twin_rows(ages=(20300, 12345))
    batch = load(workbook(rows))
    assert batch.provenance["unknown_age_groups"] == ["12345"]
    assert "Eenzaam_28 (Leeftijd 12345)" in set(batch.unmatched["source_column"])
    assert set(batch.observations["indicator_id"]) == ADULT_IDS


@pytest.mark.parametrize("period", ["2020KW01", "twintig", ""])
def test_a_period_that_is_not_a_year_is_refused(period: str) -> None:
    rows = twin_rows()
    rows[4][4] = period
    with pytest.raises(SourceError, match=r"twin\.xlsx, row 6: .*not a year"):
        load(workbook(rows))


def test_a_sheet_without_region_codes_is_refused() -> None:
    header = [h if h not in ("WijkenEnBuurten", "Codering_3") else f"X{h}" for h in HEADER]
    with pytest.raises(SourceError, match=r"twin\.xlsx: no column for region codes.*--mapping"):
        load(workbook(twin_rows(), header))


def test_a_renamed_code_column_can_be_named_with_a_mapping() -> None:
    header = [{"WijkenEnBuurten": "Gebied", "Codering_3": "Regio"}.get(h, h) for h in HEADER]
    batch = load(workbook(twin_rows(), header), options=LoadOptions(mapping={"Regio": "code"}))
    assert set(batch.regions["code"]) == {"GM9999", "WK999901", "BU99990101", "BU99990102"}
    # a column the loader does not know is kept, not dropped
    assert "Gebied (Leeftijd 20300: 18 jaar of ouder)" in set(batch.unmatched["source_column"])


def test_a_sheet_without_leeftijd_is_refused() -> None:
    header = ["Age" if h == "Leeftijd" else h for h in HEADER]
    with pytest.raises(SourceError, match=r"twin\.xlsx: no column for Leeftijd"):
        load(workbook(twin_rows(), header))


def test_a_region_twice_for_one_period_and_age_is_refused() -> None:
    rows = twin_rows()
    with pytest.raises(SourceError, match=r"twin\.xlsx: region \w+ occurs more than once"):
        load(workbook([*rows, list(rows[3])]))


def test_a_code_that_contradicts_its_soort_regio_is_refused() -> None:
    rows = twin_rows()
    rows[3][6] = "Gemeente  "
    with pytest.raises(SourceError, match=r"twin\.xlsx, row 5: region BU99990101 is a buurt"):
        load(workbook(rows))


def test_a_damaged_workbook_is_refused_naming_the_file() -> None:
    data = workbook(twin_rows())
    with pytest.raises(SourceError, match=r"twin\.xlsx"):
        load(data[: len(data) // 2])


def _records(rows: list[list[object]]) -> list[dict[str, object]]:
    return [
        {h: ("" if c is None else str(c)) for h, c in zip(HEADER, row, strict=True)} for row in rows
    ]


def _same_figures(a: ImportBatch, b: ImportBatch) -> None:
    def key(batch: ImportBatch) -> pd.DataFrame:
        obs = batch.observations.drop(columns=["value"]).astype(str)
        obs["value"] = batch.observations["value"].round(6).astype(str)
        return obs.sort_values(list(obs.columns)).reset_index(drop=True)

    pd.testing.assert_frame_equal(key(a), key(b))
    pd.testing.assert_frame_equal(
        a.national.sort_values(["indicator_id", "period"]).reset_index(drop=True),
        b.national.sort_values(["indicator_id", "period"]).reset_index(drop=True),
    )
    assert len(a.unmatched) == len(b.unmatched)


def test_the_same_table_as_odata_json_gives_the_same_figures(twin: ImportBatch) -> None:
    payload = {
        "odata.metadata": "https://dataderden.cbs.nl/ODataApi/odata/50090NED/$metadata"
        "#Cbs.OData.WebAPI.UntypedDataSet",
        "value": _records(twin_rows()),
    }
    batch = load(json.dumps(payload).encode(), "50090NED_UntypedDataSet.json")
    _same_figures(twin, batch)
    assert "UntypedDataSet" in batch.provenance["format"]


def test_the_same_table_as_csv_gives_the_same_figures(twin: ImportBatch) -> None:
    lines = [";".join(HEADER)] + [";".join(map(str, d.values())) for d in _records(twin_rows())]
    batch = load("\n".join(lines).encode(), "gezondheid_wijk_buurt.csv")
    _same_figures(twin, batch)


def test_another_statline_table_needs_its_boundary_year() -> None:
    payload = {
        "odata.metadata": "https://dataderden.cbs.nl/ODataApi/odata/50120NED/$metadata",
        "value": _records(twin_rows()),
    }
    data = json.dumps(payload).encode()
    with pytest.raises(SourceError, match=r"other\.json: this is StatLine table 50120NED.*--year"):
        load(data, "other.json")
    assert set(load(data, "other.json", LoadOptions(year=2022)).regions["year"]) == {2022}


def test_recognised_by_name_or_by_its_header() -> None:
    assert LOADER.sniff("RIVM_gezondheid2020_18+.xlsx", b"PK\x03\x04")
    assert LOADER.sniff("50090NED_UntypedDataSet.json", b"{")
    header = ";".join(HEADER).encode()
    assert LOADER.sniff("download.csv", header)
    assert LOADER.sniff("download.json", b'{"value": [{"ID": 0, "Leeftijd": "20300", '
                        b'"Marges": "MW00000", "Eenzaam_28": "   47.0"}]}')  # fmt: skip
    assert not LOADER.sniff("download.xlsx", b"PK\x03\x04")
    assert not LOADER.sniff("kwb-2020.csv", b"gwb_code_10;regio;a_inw;Eenzaam\n")
    assert not LOADER.sniff("leeftijd.csv", b"Leeftijd;Marges;Roker_11\n")


def test_auto_detection_picks_this_loader_before_kwb_and_statline() -> None:
    keys = list(registry.LOADER_MODULES)
    assert keys.index("rivm") < keys.index("kwb") < keys.index("statline")
    assert registry.detect("RIVM_gezondheid2020_18+.xlsx", b"PK\x03\x04").key == "rivm"
    assert registry.detect("gezondheid.csv", ";".join(HEADER).encode()).key == "rivm"


def test_written_to_a_store_a_placeholder_never_replaces_a_known_name(
    twin: ImportBatch, catalogue: Catalogue, tmp_path: Path
) -> None:
    kwb_csv = (
        "gwb_code_10;regio;gm_naam;recs;a_inw\n"
        "GM9999;Proefstad;Proefstad;Gemeente;2000\n"
        "WK999901;Wijk 01 Centrum;Proefstad;Wijk;2000\n"
        "BU99990101;Oude Haven;Proefstad;Buurt;1200\n"
    )
    store = AnalyticStore(tmp_path / "w.duckdb")
    store.import_batch(KWB.load(kwb_csv.encode(), "kwb-2020.csv", catalogue, LoadOptions()))
    store.import_batch(twin)
    with store.reader() as reader:
        names = reader.all_regions().set_index("code")["name"].to_dict()
        national = reader.national_observations(["loneliness_share"])
        observations = reader.observations(["loneliness_share"], ["BU99990101"])
    assert names["BU99990101"] == "Oude Haven"
    assert names["WK999901"] == "Wijk 01 Centrum"
    assert names["BU99990102"] == "BU99990102"  # new to the store: the code stands in
    assert sorted(national["period"]) == ["2016", "2020"]
    assert sorted(observations["period"]) == ["2016", "2020"]


# --- one download per year and age group, as the real files come -----------------------------

REAL_NAMES = {
    ("2012JJ00", 20300): "RIVM_gezondheid2012_18+.xlsx",
    ("2012JJ00", 53115): "RIVM_gezondheid2012_18_65.xlsx",
    ("2012JJ00", 80200): "RIVM_gezondheid2012_65+.xlsx",
    ("2016JJ00", 20300): "RIVM_gezondheid2016_18+.xlsx",
    ("2016JJ00", 53115): "RIVM_gezondheid2016_18_65.xlsx",
    ("2016JJ00", 80200): "RIVM_gezondheid2016_65+.xlsx",
    ("2020JJ00", 20300): "RIVM_gezondheid2020_18+.xlsx",
    ("2020JJ00", 80200): "RIVM_gezondheid2020_65+.xlsx",
}
"""The eight files of the real download set: one period and one age group each."""
NOT_ASKED = {
    "2012JJ00": ("Vrijwilligerswerk_33", "SociaalEenzaam_31", "MatigVeelRegieOverEigenLeven_27"),
    "2016JJ00": ("ErnstigeGeluidhinderDoorBuren_37",),
}
"""Questions a year's survey did not ask: their column is there, every cell of it empty."""
REGION_COUNT = len(REGIONS) - 1  # NL01 is the country, no region


def one_download(period: str, age: int) -> tuple[str, bytes]:
    """One file of the real download set: its name, and a workbook of one period and one age
    group whose sheet is named as the real ones are (Excel cuts a name at 31 characters), with
    the columns of questions not asked that year left empty in every row."""
    rows = twin_rows(ages=(age,), periods=(period,))
    for column in NOT_ASKED.get(period, ()):
        for row in rows:
            row[HEADER.index(column)] = None
    name = REAL_NAMES[(period, age)]
    title = (
        name.removesuffix(".xlsx") if period == "2020JJ00" else "50090NED_UntypedDataSet_1305202"
    )
    return name, workbook(rows, sheet_title=title)


def load_download(period: str, age: int) -> ImportBatch:
    name, data = one_download(period, age)
    return load(data, name)


def assert_adults_of_2020(
    batch: ImportBatch,
    *,
    levels: dict[str, int],
    gemeente: tuple[str, str],
    figures: dict[tuple[str, str], float],
) -> None:
    """A 2020 file for adults: its regions on the 2020 boundaries, ten figures a region and the
    other 25 columns unmatched; ``figures`` ((code, indicator) → value); the gemeente (code,
    name) named; the covid note; nothing unparseable or implausible."""
    regions = sum(levels.values())
    assert batch.regions["level"].value_counts().to_dict() == levels
    assert set(batch.regions["year"]) == {2020}
    assert set(batch.observations["period"]) == {"2020"}
    assert set(batch.observations["indicator_id"]) == ADULT_IDS
    assert len(batch.observations) == regions * 10
    assert len(batch.unmatched) == regions * 25
    for (code, indicator), number in figures.items():
        assert value(batch, code, indicator) == number, (code, indicator)
    assert batch.regions.set_index("code").loc[gemeente[0], "name"] == gemeente[1]
    assert "covid_note" in batch.provenance
    assert batch.provenance["unparseable_by_column"] == {}
    assert batch.provenance["implausible"] == {}


def assert_feeds_only_the_65plus_ids(
    batch: ImportBatch, figures: dict[tuple[str, str], float], national: dict[str, float]
) -> None:
    """A 65+ file: only the two 65plus indicators, ``figures`` ((code, indicator) → value), the
    country's ``national`` figures, and the other columns kept under their age group."""
    assert set(batch.observations["indicator_id"]) == OLD_IDS
    for (code, indicator), number in figures.items():
        assert value(batch, code, indicator) == number, (code, indicator)
    assert batch.national.set_index("indicator_id")["value"].to_dict() == national
    assert batch.provenance["age_groups"] == {"80200": "65 jaar of ouder"}
    assert "Roker_11 (Leeftijd 80200: 65 jaar of ouder)" in set(batch.unmatched["source_column"])


def assert_kept_whole_as_unmatched(batch: ImportBatch, regions: int) -> None:
    """An 18-65 file: no indicator, no national figure; every one of its 35 columns of every
    region kept."""
    assert batch.observations.empty and batch.national.empty
    assert len(batch.unmatched) == regions * 35
    assert "Eenzaam_28 (Leeftijd 53115: 18 tot 65 jaar)" in set(batch.unmatched["source_column"])


def imported_through_the_command_line(
    store: Path, files: list[Path], buurt: str
) -> tuple[dict[str, int], float | None, int, tuple[int, ...] | None]:
    """``wijkkompas import`` of the files: the rivm figures per period, the buurt's 2020
    loneliness share, the regions of 2020, and the count of national rivm figures."""
    wijkkompas(store, "import", *files)
    with duckdb.connect(str(store), read_only=True) as con:
        per_period = dict(
            con.execute(
                "SELECT period, count(*) FROM observations WHERE source = 'rivm' GROUP BY 1"
            ).fetchall()
        )
        (lonely,) = con.execute(
            """SELECT value FROM observations WHERE region_code = ?
               AND indicator_id = 'loneliness_share' AND period = '2020'""",
            [buurt],
        ).fetchone() or (None,)
        (regions,) = con.execute("SELECT count(*) FROM regions WHERE year = 2020").fetchone() or (
            0,
        )
        national = con.execute(
            "SELECT count(*) FROM national_observations WHERE source = 'rivm'"
        ).fetchone()
    return per_period, lonely, regions, national


def test_a_2020_file_for_adults_gives_ten_figures_a_region_and_keeps_the_rest_unmatched() -> None:
    batch = load_download("2020JJ00", 20300)
    lonely, poor = HEADER.index("Eenzaam_28") - 8, HEADER.index("MoeiteMetRondkomen_38") - 8
    assert_adults_of_2020(
        batch,
        levels={"buurt": 2, "wijk": 1, "gemeente": 1},
        gemeente=("GM9999", "Proefstad"),
        figures={
            ("BU99990101", "loneliness_share"): figure(lonely, 3, 20300, "2020JJ00"),
            ("BU99990101", "difficulty_making_ends_meet_share"): figure(poor, 3, 20300, "2020JJ00"),
            ("GM9999", "loneliness_share"): figure(lonely, 1, 20300, "2020JJ00"),
        },
    )


@pytest.mark.parametrize("period", sorted(NOT_ASKED))
def test_a_question_not_asked_in_a_year_is_unpublished_for_every_region(period: str) -> None:
    batch = load_download(period, 20300)
    obs = batch.observations
    assert set(obs["period"]) == {period[:4]}
    assert set(batch.regions["year"]) == {2020}  # older figures, on the 2020 boundaries
    not_asked = {
        "Vrijwilligerswerk_33": "volunteering_share",
        "SociaalEenzaam_31": "social_loneliness_share",
        "MatigVeelRegieOverEigenLeven_27": "control_over_life_share",
        "ErnstigeGeluidhinderDoorBuren_37": "noise_nuisance_neighbours_share",
    }
    for column in NOT_ASKED[period]:
        rows = obs[obs.indicator_id == not_asked[column]]
        assert len(rows) == REGION_COUNT
        assert rows["value"].isna().all() and not rows["suppressed"].any()
    lonely = HEADER.index("Eenzaam_28") - 8
    assert value(batch, "BU99990101", "loneliness_share") == figure(lonely, 3, 20300, period)
    assert "covid_note" not in batch.provenance


def test_a_65_plus_file_feeds_only_the_65plus_ids() -> None:
    lonely, poor = HEADER.index("Eenzaam_28") - 8, HEADER.index("MoeiteMetRondkomen_38") - 8
    assert_feeds_only_the_65plus_ids(
        load_download("2020JJ00", 80200),
        {("BU99990101", "loneliness_share_65plus"): figure(lonely, 3, 80200, "2020JJ00")},
        national={
            "loneliness_share_65plus": figure(lonely, 0, 80200, "2020JJ00"),
            "difficulty_making_ends_meet_share_65plus": figure(poor, 0, 80200, "2020JJ00"),
        },
    )


def test_an_18_to_65_file_is_kept_whole_as_unmatched() -> None:
    assert_kept_whole_as_unmatched(load_download("2016JJ00", 53115), REGION_COUNT)


def test_every_file_of_the_download_set_is_detected_by_its_name_and_first_bytes() -> None:
    for (period, age), name in REAL_NAMES.items():
        _, data = one_download(period, age)
        assert registry.detect(name, data[:65536]).key == "rivm", name


def test_an_adults_and_a_65_plus_file_import_through_the_command_line(tmp_path: Path) -> None:
    paths = []
    for period, age in (("2020JJ00", 20300), ("2016JJ00", 80200)):
        name, data = one_download(period, age)
        paths.append(tmp_path / name)
        paths[-1].write_bytes(data)
    per_period, lonely, regions, national = imported_through_the_command_line(
        tmp_path / "w.duckdb", paths, "BU99990101"
    )
    assert per_period == {"2020": REGION_COUNT * 10, "2016": REGION_COUNT * 2}
    assert lonely == figure(HEADER.index("Eenzaam_28") - 8, 3, 20300, "2020JJ00")
    assert regions == REGION_COUNT
    assert national == (12,)


# --- the real files ------------------------------------------------------------------------


def real(file: str) -> ImportBatch:
    path = SHARED / file
    return LOADER.load(real_bytes(path), path.name, shared_catalogue(), LoadOptions())


@pytest.fixture(scope="module")
def adults_2020() -> ImportBatch:
    return real("RIVM_gezondheid2020_18+.xlsx")


@pytest.mark.realdata(
    twin="test_a_2020_file_for_adults_gives_ten_figures_a_region_and_keeps_the_rest_unmatched"
)
def test_real_2020_adults_whole_country(adults_2020: ImportBatch) -> None:
    assert_adults_of_2020(
        adults_2020,
        levels={"buurt": 13808, "wijk": 3177, "gemeente": 355},
        gemeente=("GM0363", "Amsterdam"),
        # Amsterdam, buurt Kop Zeedijk (sheet row 925): Eenzaam_28 '    54.7',
        # MoeiteMetRondkomen_38 '    24.1'
        figures={
            ("BU03630000", "loneliness_share"): 54.7,
            ("BU03630000", "difficulty_making_ends_meet_share"): 24.1,
            ("GM0363", "loneliness_share"): 53.2,
        },
    )


@pytest.mark.realdata(twin="test_the_country_row_becomes_national_figures")
def test_real_country_row_nl01_is_national(adults_2020: ImportBatch) -> None:
    national = adults_2020.national.set_index("indicator_id")
    assert len(national) == 10
    assert national.loc["loneliness_share", "value"] == 47.0  # NL01, sheet row 2
    assert national.loc["difficulty_making_ends_meet_share", "value"] == 13.9
    assert set(national["period"]) == {"2020"}
    assert not adults_2020.regions["code"].str.startswith("NL").any()


@pytest.mark.realdata(twin="test_a_question_not_asked_in_a_year_is_unpublished_for_every_region")
def test_real_2012_has_no_volunteering_figures() -> None:
    batch = real("RIVM_gezondheid2012_18+.xlsx")
    obs = batch.observations
    assert set(obs["period"]) == {"2012"}
    assert set(batch.regions["year"]) == {2020}  # 2012 figures, on the 2020 boundaries
    for missing in ("volunteering_share", "social_loneliness_share", "control_over_life_share"):
        rows = obs[obs.indicator_id == missing]
        assert len(rows) == 17340
        assert rows["value"].isna().all() and not rows["suppressed"].any()
    assert value(batch, "BU03630000", "loneliness_share") == 39.5
    assert "covid_note" not in batch.provenance


@pytest.mark.realdata(twin="test_a_question_not_asked_in_a_year_is_unpublished_for_every_region")
def test_real_2016_has_no_noise_nuisance_figures() -> None:
    batch = real("RIVM_gezondheid2016_18+.xlsx")
    noise = batch.observations[batch.observations.indicator_id == "noise_nuisance_neighbours_share"]
    assert len(noise) == 17340 and noise["value"].isna().all()
    assert value(batch, "BU03630000", "loneliness_share") == 45.6


@pytest.mark.realdata(twin="test_a_65_plus_file_feeds_only_the_65plus_ids")
def test_real_65_plus_file_feeds_the_65plus_ids() -> None:
    assert_feeds_only_the_65plus_ids(
        real("RIVM_gezondheid2020_65+.xlsx"),
        {
            ("BU03630000", "loneliness_share_65plus"): 53.5,
            ("BU03630000", "difficulty_making_ends_meet_share_65plus"): 15.9,
        },
        national={"loneliness_share_65plus": 49.5, "difficulty_making_ends_meet_share_65plus": 7.3},
    )


@pytest.mark.realdata(twin="test_an_18_to_65_file_is_kept_whole_as_unmatched")
def test_real_18_to_65_file_is_kept_whole_as_unmatched() -> None:
    assert_kept_whole_as_unmatched(real("RIVM_gezondheid2016_18_65.xlsx"), 17340)


@pytest.mark.realdata(
    twin="test_every_file_of_the_download_set_is_detected_by_its_name_and_first_bytes"
)
def test_real_files_are_detected_automatically() -> None:
    real_path(SHARED / "RIVM_gezondheid2020_18+.xlsx")
    files = sorted(SHARED.glob("*.xlsx"))
    assert len(files) == 8
    for path in files:
        assert registry.detect(path.name, path.read_bytes()[:65536]).key == "rivm"


@pytest.mark.realdata(twin="test_an_adults_and_a_65_plus_file_import_through_the_command_line")
def test_real_import_through_the_command_line(tmp_path: Path) -> None:
    adults = real_path(SHARED / "RIVM_gezondheid2020_18+.xlsx")
    old = real_path(SHARED / "RIVM_gezondheid2016_65+.xlsx")
    per_period, lonely, regions, national = imported_through_the_command_line(
        tmp_path / "w.duckdb", [adults, old], "BU03630000"
    )
    assert per_period == {"2020": 17340 * 10, "2016": 17340 * 2}
    assert lonely == 54.7
    assert regions == 17340
    assert national == (12,)
