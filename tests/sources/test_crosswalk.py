"""Crosswalks: reading and validating them, and carrying series across boundary years.

Tables marked "hand-built" are made up to pin one rule each; the Amsterdam tests read the real
gebiedsindeling export and KWB 2019 file from ../shared/data and skip when it is absent. Each
of those has a synthetic twin beside it, written in the same layout with made-up buurten
(file_layouts.py), that always runs.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from file_layouts import (
    AMSTERDAM_LIKE,
    R_ABOVE_THE_BUURTEN,
    RRegion,
    gebiedsindeling_csv,
    r_resaved_kwb_csv,
)
from real_data import SHARED_DATA
from real_data import real_bytes as real

from wijkkompas.catalogue import Catalogue
from wijkkompas.regions.crosswalk import BREAK_COLUMNS, CarriedSeries, carry_series
from wijkkompas.sources import registry
from wijkkompas.sources.base import LoadOptions, SourceError, to_number
from wijkkompas.sources.crosswalk import LOADER, read_crosswalk
from wijkkompas.store import AnalyticStore, ImportBatch
from wijkkompas.store.batch import CROSSWALK_COLUMNS

SHARED = SHARED_DATA
AMSTERDAM_CSV = SHARED / "geo" / "amsterdam" / "buurten.csv"
AMSTERDAM_KWB_2019 = SHARED / "kwb" / "amsterdam" / "Kerncijfers_wijken_en_buurten_2019.csv"


# -- reading ----------------------------------------------------------------------------------------


def test_plain_crosswalk_with_defaults(catalogue: Catalogue) -> None:
    data = (
        b"old_code,new_code,share,old_year,new_year\n"
        b"BU03440101,BU03440110,0.6,2019,2024\n"
        b"BU03440101,BU03440111,0.4,2019,2024\n"
        b"bu03440102 ,BU03440111,,2019,2024\n"  # hand-built: padding, lower case, empty share
    )
    assert LOADER.sniff("cw.csv", data)
    batch = LOADER.load(data, "cw.csv", catalogue, LoadOptions())
    batch.validate()
    frame = batch.crosswalk
    assert list(frame.columns) == CROSSWALK_COLUMNS
    assert list(frame["old_code"]) == ["BU03440101", "BU03440101", "BU03440102"]
    assert list(frame["share"]) == [0.6, 0.4, 1.0]
    assert set(frame["old_year"]) == {2019} and set(frame["new_year"]) == {2024}
    assert batch.provenance["year_pairs"] == ["2019->2024"]


def test_semicolons_decimal_comma_and_year_from_the_command_line() -> None:
    data = b"old_code;new_code;share;old_year\nWK034401;WK034410;0,5;2020\n"
    frame = read_crosswalk(data, "cw.csv", LoadOptions(year=2024))
    assert frame.iloc[0].to_dict() == {
        "old_code": "WK034401",
        "old_year": 2020,
        "new_code": "WK034410",
        "new_year": 2024,
        "share": 0.5,
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("BU0344010,BU03440110,1,2019,2024", r"line 2: 'BU0344010' is not a CBS region code"),
        ("BU03440101,BU03440110,1.5,2019,2024", r"line 2: share '1.5' is not between 0 and 1"),
        ("BU03440101,WK034401,1,2019,2024", r"BU03440101 is a buurt but WK034401 is a wijk"),
        ("BU03440101,BU03440110,1,2024,2019", r"old_year must be before new_year"),
        ("BU03440101,BU03440110,1,twenty,2024", r"old_year 'twenty' is not a year"),
        (
            "BU03440101,BU03440110,0.7,2019,2024\nBU03440101,BU03440111,0.4,2019,2024",
            r"shares of BU03440101 \(2019 → 2024\) add up to 1\.1",
        ),
        (
            "BU03440101,BU03440110,0.5,2019,2024\nBU03440101,BU03440110,0.5,2019,2024",
            r"appears more than once",
        ),
    ],
)
def test_bad_rows_are_refused_with_their_line(body: str, message: str) -> None:
    data = f"old_code,new_code,share,old_year,new_year\n{body}\n".encode()
    with pytest.raises(SourceError, match=message):
        read_crosswalk(data, "cw.csv")


def test_shares_may_round_to_just_over_one() -> None:
    data = (
        b"old_code,new_code,share,old_year,new_year\n"
        b"BU03440101,BU03440110,0.3333334,2019,2024\n"
        b"BU03440101,BU03440111,0.3333333,2019,2024\n"
        b"BU03440101,BU03440112,0.3333334,2019,2024\n"
    )
    assert len(read_crosswalk(data, "cw.csv")) == 3


def test_missing_years_are_not_guessed() -> None:
    with pytest.raises(SourceError, match="no old_year column"):
        read_crosswalk(b"old_code,new_code\nBU03440101,BU03440110\n", "cw.csv", LoadOptions(2024))


def test_a_table_that_is_no_crosswalk_says_what_it_needs() -> None:
    assert not LOADER.sniff("kwb.csv", b"gwb_code_10;regio;a_inw\n")
    with pytest.raises(SourceError, match="old_code,new_code,share"):
        read_crosswalk(b"gwb_code_10;regio;a_inw\nGM0344;Utrecht;1\n", "kwb.csv")


@pytest.mark.realdata(twin="test_a_gebiedsindeling_csv_gives_a_one_to_one_crosswalk_of_its_years")
def test_amsterdam_gebiedsindeling_gives_a_one_to_one_2015_to_2022_crosswalk(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    data = real(AMSTERDAM_CSV)
    assert LOADER.sniff(AMSTERDAM_CSV.name, data[:65536])
    # Auto-detection takes it as boundaries (it has a geometry column too); --source crosswalk
    # reads the codes.
    assert registry.detect(AMSTERDAM_CSV.name, data[:65536]).key == "boundaries"
    batch = LOADER.load(data, AMSTERDAM_CSV.name, catalogue, LoadOptions())
    frame = batch.crosswalk
    assert len(frame) == 439
    assert set(frame["old_year"]) == {2015} and set(frame["new_year"]) == {2022}
    assert (frame["share"] == 1.0).all()
    assert frame["old_code"].is_unique and frame["new_code"].is_unique
    kop_zeedijk = frame[frame["old_code"] == "BU03630000"].iloc[0]
    assert kop_zeedijk["new_code"] == "BU0363AE01"
    store = AnalyticStore(tmp_path / "s.duckdb")
    store.import_batch(batch)
    with store.reader() as reader:
        assert len(reader.crosswalk()) == 439


def test_a_gebiedsindeling_csv_gives_a_one_to_one_crosswalk_of_its_years(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    """Amsterdam's gebiedsindeling layout, written here: BUURTCODE_CBS_2015 beside
    BUURTCODE_CBS_2022 (and a geometry column) gives one row per buurt, 2015 → 2022."""
    path = tmp_path / "buurten.csv"
    path.write_bytes(gebiedsindeling_csv())
    data = path.read_bytes()
    assert LOADER.sniff(path.name, data[:65536])
    # Auto-detection takes it as boundaries (it has a geometry column too); --source crosswalk
    # reads the codes.
    assert registry.detect(path.name, data[:65536]).key == "boundaries"
    batch = LOADER.load(data, path.name, catalogue, LoadOptions())
    frame = batch.crosswalk
    assert list(zip(frame["old_code"], frame["new_code"], strict=True)) == [
        (buurt.cbs_2015, buurt.cbs_2022) for buurt in AMSTERDAM_LIKE
    ]
    assert set(frame["old_year"]) == {2015} and set(frame["new_year"]) == {2022}
    assert (frame["share"] == 1.0).all()
    assert batch.provenance["year_pairs"] == ["2015->2022"]
    store = AnalyticStore(tmp_path / "s.duckdb")
    store.import_batch(batch)
    with store.reader() as reader:
        assert len(reader.crosswalk()) == len(AMSTERDAM_LIKE)


# -- carrying series (hand-built) -------------------------------------------------------------------

OBS_COLUMNS = [
    "region_code",
    "region_year",
    "indicator_id",
    "period",
    "value",
    "suppressed",
    "source_column",
    "release",
]


def observations(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=OBS_COLUMNS)


def crosswalk(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=CROSSWALK_COLUMNS)


# Hand-built: A splits 60/40 into X and Y; B merges wholly into Y; C has no crosswalk row.
SPLIT_MERGE = crosswalk(
    [
        ("BU00010001", 2019, "BU00010010", 2024, 0.6),
        ("BU00010001", 2019, "BU00010011", 2024, 0.4),
        ("BU00010002", 2019, "BU00010011", 2024, 1.0),
    ]
)


def test_counts_are_share_weighted_sums_and_rates_share_weighted_means() -> None:
    obs = observations(
        [
            ("BU00010001", 2019, "population", "2019", 100.0, False, "a_inw", "definitief"),
            ("BU00010002", 2019, "population", "2019", 50.0, False, "a_inw", "definitief"),
            ("BU00010001", 2019, "income", "2019", 20.0, False, "g_ink_pi", "definitief"),
            ("BU00010002", 2019, "income", "2019", 30.0, False, "g_ink_pi", "voorlopig"),
        ]
    )
    result = carry_series(obs, SPLIT_MERGE, 2024, counts={"population"})
    values = result.observations.set_index(["region_code", "indicator_id"])
    assert values.loc[("BU00010010", "population"), "value"] == pytest.approx(60.0)
    assert values.loc[("BU00010011", "population"), "value"] == pytest.approx(90.0)
    assert values.loc[("BU00010010", "income"), "value"] == pytest.approx(20.0)
    assert values.loc[("BU00010011", "income"), "value"] == pytest.approx((0.4 * 20 + 30) / 1.4)
    assert values["converted"].all() and (values["region_year"] == 2024).all()
    assert (values["from_year"] == 2019).all()
    assert values.loc[("BU00010011", "income"), "release"] == "voorlopig"  # weakest part wins
    assert values.loc[("BU00010010", "income"), "release"] == "definitief"
    assert result.breaks.empty and list(result.breaks.columns) == BREAK_COLUMNS


def test_native_figures_win_and_breaks_are_listed() -> None:
    obs = observations(
        [
            ("BU00010001", 2019, "population", "2024", 100.0, False, "a_inw", "definitief"),
            ("BU00010002", 2019, "population", "2024", 50.0, False, "a_inw", "definitief"),
            ("BU00010010", 2024, "population", "2024", 61.0, False, "a_inw", "definitief"),
            ("BU00010003", 2019, "population", "2019", 7.0, False, "a_inw", "definitief"),
        ]
    )
    result = carry_series(obs, SPLIT_MERGE, 2024, counts={"population"})
    rows = result.observations.set_index("region_code")
    assert rows.loc["BU00010010", "value"] == 61.0 and not rows.loc["BU00010010", "converted"]
    assert rows.loc["BU00010011", "value"] == pytest.approx(90.0)
    assert "BU00010003" not in rows.index
    (brk,) = result.breaks.to_dict("records")
    assert brk == {
        "region_code": "BU00010003",
        "region_year": 2019,
        "indicator_id": "population",
        "target_year": 2024,
        "reason": "no crosswalk row from 2019 to 2024",
    }


def test_missing_parts_and_unknown_figures_never_become_zero() -> None:
    obs = observations(
        [
            ("BU00010001", 2019, "population", "2019", 100.0, False, "a_inw", "definitief"),
            # B has no population row at all: Y's total would be too small, so Y breaks.
            ("BU00010001", 2019, "income", "2019", math.nan, True, "g_ink_pi", "definitief"),
            ("BU00010002", 2019, "income", "2019", 30.0, False, "g_ink_pi", "definitief"),
        ]
    )
    result = carry_series(obs, SPLIT_MERGE, 2024, counts={"population"})
    values = result.observations.set_index(["region_code", "indicator_id"])
    assert values.loc[("BU00010010", "population"), "value"] == pytest.approx(60.0)
    missing = values["value"].isna()
    assert missing.loc[("BU00010011", "population")] and missing.loc[("BU00010011", "income")]
    assert values.loc[("BU00010011", "income"), "suppressed"]
    assert list(result.breaks["region_code"]) == ["BU00010011"]
    assert "not all 2019 regions" in result.breaks.iloc[0]["reason"]


def test_chained_crosswalks_compose_and_backward_years_break() -> None:
    chain = crosswalk(
        [
            ("BU00010001", 2015, "BU00010005", 2019, 1.0),
            ("BU00010005", 2019, "BU00010010", 2024, 0.5),
            ("BU00010005", 2019, "BU00010011", 2024, 0.5),
        ]
    )
    obs = observations(
        [
            ("BU00010001", 2015, "population", "2015", 80.0, False, "a_inw", "definitief"),
            ("BU00010099", 2025, "population", "2025", 5.0, False, "a_inw", "definitief"),
        ]
    )
    result = carry_series(obs, chain, 2024, counts={"population"})
    assert list(result.observations["value"]) == [40.0, 40.0]
    assert list(result.breaks["reason"]) == ["no crosswalk leads from 2025 to 2024"]
    # A figure of 2017 still uses the 2015 codes: the 2015→2019 crosswalk serves it too.
    later = obs.assign(region_year=[2017, 2024])
    carried = carry_series(later, chain, 2024, counts={"population"}).observations
    assert sorted(carried["value"]) == [5.0, 40.0, 40.0]


# -- carrying series (real Amsterdam) ---------------------------------------------------------------

KWB_2019_CARRIED = {
    "population": "Bevolking.Aantal.inwoners..aantal.",
    "owner_occupied": "Wonen.Woningen.naar.eigendom.Koopwoningen....",
}
"""Indicator → the column of a KWB 2019 file as R re-saved it."""


def carry_kwb_2019_buurten(
    kwb: pd.DataFrame, cw: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, CarriedSeries]:
    """The buurt rows of a KWB 2019 file as R re-saved it (read as text), their
    :data:`KWB_2019_CARRIED` observations, and those carried to 2022 through ``cw``."""
    codes = kwb["Regioaanduiding.Codering..code."].str.strip()
    buurten = kwb[codes.str.startswith("BU")]
    obs = pd.concat(
        [
            pd.DataFrame(
                {
                    "region_code": buurten["Regioaanduiding.Codering..code."].str.strip(),
                    "region_year": 2019,  # still the 2015 codes: the 2015→2022 crosswalk serves
                    "indicator_id": indicator,
                    "period": "2019",
                    "value": to_number(buurten[column]),
                    "suppressed": False,
                    "source_column": column,
                    "release": "definitief",
                }
            )
            for indicator, column in KWB_2019_CARRIED.items()
        ],
        ignore_index=True,
    )
    return buurten, obs, carry_series(obs, cw, 2022, counts={"population"})


def assert_carried_to_the_2022_codes(
    result: CarriedSeries, cw: pd.DataFrame, *, population_rows: int
) -> pd.DataFrame:
    """Every carried figure converted onto a 2022 code of the crosswalk (BU0363 + two letters
    + two digits), ``population_rows`` of them population; returns those."""
    carried = result.observations
    assert carried["converted"].all()
    assert set(carried["region_code"]) <= set(cw["new_code"])
    assert carried["region_code"].str.match(r"^BU0363[A-Z]{2}\d{2}$").all()
    population = carried[carried["indicator_id"] == "population"]
    assert len(population) == population_rows
    return population


@pytest.mark.realdata(twin="test_r_resaved_kwb_buurten_carried_to_the_codes_of_the_gebiedsindeling")
def test_amsterdam_2019_buurten_carried_to_the_2022_codes() -> None:
    cw = read_crosswalk(real(AMSTERDAM_CSV), AMSTERDAM_CSV.name)
    kwb = pd.read_csv(AMSTERDAM_KWB_2019, dtype=str) if AMSTERDAM_KWB_2019.is_file() else None
    if kwb is None:
        pytest.skip(f"real sample {AMSTERDAM_KWB_2019} is absent")
    buurten, obs, result = carry_kwb_2019_buurten(kwb, cw)
    assert len(buurten) == 479
    population = assert_carried_to_the_2022_codes(result, cw, population_rows=439)
    source = obs[(obs["indicator_id"] == "population") & obs["region_code"].isin(cw["old_code"])]
    assert population["value"].sum() == pytest.approx(source["value"].sum())
    # 40 of the 479 old buurten are not in the municipal subset: their series break, plainly.
    assert result.breaks.groupby("indicator_id")["region_code"].nunique().to_dict() == {
        "owner_occupied": 40,
        "population": 40,
    }
    kop_zeedijk = obs[(obs["region_code"] == "BU03630000") & (obs["indicator_id"] == "population")]
    carried_kop = population[population["region_code"] == "BU0363AE01"]
    assert carried_kop["value"].item() == kop_zeedijk["value"].item()


def test_r_resaved_kwb_buurten_carried_to_the_codes_of_the_gebiedsindeling(tmp_path: Path) -> None:
    """The same two layouts written here: a KWB 2019 file as R re-saved it (mangled labels,
    padded codes, NA) and the gebiedsindeling CSV, which lacks one of its four buurten."""
    cw_path, kwb_path = (
        tmp_path / "buurten.csv",
        tmp_path / "Kerncijfers_wijken_en_buurten_2019.csv",
    )
    cw_path.write_bytes(gebiedsindeling_csv())
    kwb_path.write_bytes(
        r_resaved_kwb_csv(
            [
                *R_ABOVE_THE_BUURTEN,
                RRegion("Proefkade", "Buurt", "BU03630000", 1040, 7),
                RRegion("Oude Proefsteeg e.o.", "Buurt", "BU03630001", 705, 28),
                RRegion("Proefwallen", "Buurt", "BU03630002", 2010, 12),
                RRegion("Achter de Proefwallen", "Buurt", "BU03630003", 655, None),
            ]
        )
    )
    cw = read_crosswalk(cw_path.read_bytes(), cw_path.name)
    kwb = pd.read_csv(kwb_path, dtype=str)
    buurten, _, result = carry_kwb_2019_buurten(kwb, cw)
    assert len(buurten) == 4
    population = assert_carried_to_the_2022_codes(result, cw, population_rows=3)
    assert population["value"].sum() == 1040 + 705 + 2010
    # the buurt the gebiedsindeling lacks: its series break, plainly
    assert result.breaks.groupby("indicator_id")["region_code"].unique().map(list).to_dict() == {
        "owner_occupied": ["BU03630003"],
        "population": ["BU03630003"],
    }
    carried = result.observations
    owners = carried[carried["indicator_id"] == "owner_occupied"].set_index("region_code")
    assert owners["value"].to_dict() == {"BU0363AE01": 7.0, "BU0363AE02": 28.0, "BU0363AE03": 12.0}


def test_a_batch_of_only_a_crosswalk_round_trips_through_the_store(tmp_path: Path) -> None:
    batch = ImportBatch(source="crosswalk", description="x", crosswalk=SPLIT_MERGE)
    batch.validate()
    store = AnalyticStore(tmp_path / "w.duckdb")
    store.import_batch(batch)
    with store.reader() as reader:
        stored = reader.crosswalk()
        assert reader.observations().empty
    assert list(stored.columns) == [*CROSSWALK_COLUMNS, "source"]
    assert set(stored["source"]) == {"crosswalk"}
    pd.testing.assert_frame_equal(
        stored[CROSSWALK_COLUMNS].reset_index(drop=True),
        SPLIT_MERGE,
        check_dtype=False,
        check_exact=True,
    )


# --- figures on today's codes (what the engine scores) ----------------------------------------


def figures(rows: list[tuple]) -> pd.DataFrame:
    """The engine's chosen figures: code, boundary year, index year, indicator, period, value."""
    frame = pd.DataFrame(
        rows, columns=["region_code", "region_year", "year", "indicator_id", "period", "value"]
    )
    return frame.assign(level="buurt", gemeente_code="GM0001", source="kwb")


def test_older_figures_move_to_todays_codes_and_keep_their_index_year() -> None:
    from wijkkompas.regions.crosswalk import to_current_codes

    rows = figures(
        [
            ("BU00010001", 2019, 2019, "population", "2019", 100.0),
            ("BU00010002", 2019, 2019, "population", "2019", 50.0),
            ("BU00010001", 2019, 2019, "income", "2017", 20.0),
            ("BU00010002", 2019, 2019, "income", "2017", 30.0),
            ("BU00010010", 2024, 2024, "population", "2024", 64.0),
        ]
    )
    current = ["BU00010010", "BU00010011"]
    moved = to_current_codes(rows, SPLIT_MERGE, current, 2024, counts={"population"})
    got = moved.figures.set_index(["region_code", "year", "indicator_id"])
    assert got.loc[("BU00010010", 2019, "population"), "value"] == pytest.approx(60.0)
    assert got.loc[("BU00010011", 2019, "population"), "value"] == pytest.approx(90.0)
    assert got.loc[("BU00010011", 2019, "income"), "period"] == "2017"  # the period stays
    assert got.loc[("BU00010010", 2024, "population"), "value"] == 64.0  # today's own figure
    assert got.loc[("BU00010010", 2024, "population"), "converted_from"] == ""
    assert got.loc[("BU00010011", 2019, "population"), "converted_from"] == (
        "BU00010001, BU00010002 (2019)"
    )
    assert not moved.figures["region_code"].isin(["BU00010001", "BU00010002"]).any()
    assert set(moved.converted["region_code"]) == {"BU00010010", "BU00010011"}
    assert (
        got.loc[("BU00010011", 2019, "population"), ["level", "gemeente_code"]]
        == [
            "buurt",
            "GM0001",
        ]
    ).all()


def test_a_crosswalk_that_ends_before_today_serves_codes_that_still_exist() -> None:
    """Amsterdam's crosswalk ends in 2022 and the map is 2024: the 2022 codes are accepted
    because they are regions of 2024; one that is not stays on its old code, with a reason."""
    from wijkkompas.regions.crosswalk import to_current_codes

    cw = crosswalk(
        [
            ("BU00010001", 2015, "BU000100A1", 2022, 1.0),
            ("BU00010002", 2015, "BU000100A2", 2022, 1.0),
        ]
    )
    rows = figures(
        [
            ("BU00010001", 2017, 2017, "population", "2017", 100.0),
            ("BU00010002", 2017, 2017, "population", "2017", 80.0),
            ("BU00010003", 2017, 2017, "population", "2017", 10.0),
        ]
    )
    moved = to_current_codes(rows, cw, ["BU000100A1"], 2024, counts={"population"})
    codes = dict(zip(moved.figures["region_code"], moved.figures["value"], strict=True))
    assert codes == {"BU000100A1": 100.0, "BU00010002": 80.0, "BU00010003": 10.0}
    reasons = moved.breaks.set_index("region_code")["reason"]
    assert "no row for this code that leads to a region of 2024" in reasons["BU00010002"]
    assert "no row for this code" in reasons["BU00010003"]


def test_without_a_crosswalk_nothing_moves() -> None:
    from wijkkompas.regions.crosswalk import to_current_codes

    rows = figures([("BU00010001", 2019, 2019, "population", "2019", 100.0)])
    moved = to_current_codes(rows, SPLIT_MERGE.iloc[0:0], ["BU00010010"], 2024)
    assert moved.figures["region_code"].tolist() == ["BU00010001"]
    assert moved.converted.empty and moved.breaks.empty


@pytest.mark.realdata(twin="test_a_gebiedsindeling_csv_read_as_boundaries_brings_its_crosswalk")
def test_a_boundaries_csv_with_the_codes_of_two_years_brings_its_crosswalk(
    catalogue: Catalogue,
) -> None:
    path = SHARED_DATA / "geo" / "amsterdam" / "buurten.csv"
    if not path.is_file():
        pytest.skip(f"real Amsterdam gebiedsindeling absent: {path}")
    data = real(path)
    batch = registry.detect(path.name, data[:65536]).load(data, path.name, catalogue, LoadOptions())
    assert batch.source == "boundaries" and len(batch.geometries) == 439
    assert len(batch.crosswalk) == 439
    pairs = zip(batch.crosswalk.old_year, batch.crosswalk.new_year, strict=True)
    assert set(pairs) == {(2015, 2022)}


def test_a_gebiedsindeling_csv_read_as_boundaries_brings_its_crosswalk(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    path = tmp_path / "buurten.csv"
    path.write_bytes(gebiedsindeling_csv())
    data = path.read_bytes()
    batch = registry.detect(path.name, data[:65536]).load(data, path.name, catalogue, LoadOptions())
    assert batch.source == "boundaries"
    assert list(batch.geometries["region_code"]) == [b.cbs_2022 for b in AMSTERDAM_LIKE]
    assert list(batch.crosswalk["old_code"]) == [b.cbs_2015 for b in AMSTERDAM_LIKE]
    pairs = zip(batch.crosswalk.old_year, batch.crosswalk.new_year, strict=True)
    assert set(pairs) == {(2015, 2022)}
    assert batch.provenance["crosswalk_rows"] == len(AMSTERDAM_LIKE)
