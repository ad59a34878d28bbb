"""Every condition of social quality from real sources, as a municipal analyst imports them.

On top of a KWB file, the RIVM health monitor gives social cohesion and social empowerment a
score; SES-WOA, Nabijheid voorzieningen and police crime overlap with the KWB or with each other,
and scoring and validation never fail on it: a documented source priority picks one value per
region, year and indicator. An early-release KWB year (Utrecht 2023) gets a total, with the
basket it rests on; Amsterdam's 2017 → 2019 trends compare the same basket in both years.

The real-file tests need ``../shared/data`` and skip without it; the synthetic twin writes small
files in the real layouts itself and always runs.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli_process import run_cli
from twin_cities import (
    AMSTERDAM,
    UNPUBLISHED_2023,
    UTRECHT,
    crime_csv,
    kwb_r_csv,
    kwb_xlsx,
    leefbaarometer_csv,
    nabijheid_csv,
    proximity_csv,
    rivm_xlsx,
    ses_woa_csv,
    write,
)

sys.path.insert(0, str(Path(__file__).parent / "sources"))

from test_rivm import twin_rows, workbook

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
GROUPS = (
    "housing", "physical_environment", "amenities", "safety", "socioeconomic_security",
    "social_inclusion", "social_cohesion", "social_empowerment",
)  # fmt: skip


def wijkkompas(store: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wijkkompas", "--store", str(store), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "COLUMNS": "200"},
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def index_rows(store: Path, *args: str) -> list[dict[str, str]]:
    out = ok(wijkkompas(store, "index", "--format", "csv", "--draws", "0", "--no-save", *args))
    return list(csv.DictReader(io.StringIO(out)))


def refused_clearly(result: subprocess.CompletedProcess[str]) -> bool:
    """Exit 1 with a message, never a traceback."""
    return result.returncode == 1 and "Traceback" not in result.stderr and "Error" in result.stderr


Row = dict[str, str]


def assert_every_source_on_top(
    summary: str, rows: list[Row], validated: str
) -> tuple[dict[str, list[Row]], list[Row]]:
    """Amsterdam-like KWB 2017 and 2019 with RIVM, SES-WOA, Nabijheid and crime on top: the
    KWB's households are used; nine in ten buurten of 200 or more inhabitants have social
    cohesion and empowerment in both years; the 2019 trends compare with 2017 like for like;
    our ranking agrees with SES-WOA (ρ ≥ 0.9). Returns the buurt rows by year and the trended."""
    assert "households 2019" in summary  # SES-WOA also gives households: the KWB's are used
    by_year = {y: [r for r in rows if r["year"] == y] for y in ("2017", "2019")}
    for year, part in by_year.items():
        big = [r for r in part if float(r["population"] or 0) >= 200]
        for group in ("social_cohesion", "social_empowerment"):
            share = sum(bool(r[group]) for r in big) / len(big)
            assert share >= 0.9, (year, group, share)
    trended = [r for r in by_year["2019"] if r["trend"]]
    assert all(r["trend_from"] == "2017" for r in trended)
    # like for like: nothing carried forward or model-based in a trend's basket
    assert not any("loneliness_share" in r["trend_basket"] for r in trended)
    assert not any("burglary_per_1000" in r["trend_basket"] for r in trended)
    rho = float(validated.split("Spearman ρ = ")[1].split()[0])
    assert rho >= 0.9
    return by_year, trended


def assert_early_release_gets_a_total(
    rows: list[Row], validated: str
) -> tuple[list[Row], list[Row]]:
    """Utrecht-like kwb-2023 (an early release) with Nabijheid, RIVM 2020, crime 2023 and the
    Leefbaarometer: nine in ten buurten of 200 or more inhabitants get a total on four groups
    or more, with RIVM 2020 carried; nine in ten of those have the crime rate (the rest are
    mainly non-residential); the validation compares our 2023 with their 2022. Returns the big
    buurten and those with a total."""
    big = [r for r in rows if float(r["population"] or 0) >= 200]
    with_total = [r for r in big if r["total"]]
    assert len(with_total) >= 0.9 * len(big)
    for r in with_total:
        assert int(r["groups_scored"]) >= 4
        assert "difficulty_making_ends_meet_share" in r["basket_carried"]  # RIVM 2020
    # police 2023 ÷ KWB 2023 inhabitants (withheld where a buurt is mainly non-residential)
    crime = [r for r in with_total if "registered_crime_per_1000" in r["basket"]]
    assert len(crime) >= 0.9 * len(with_total)
    assert all(r["non_residential"] == "True" for r in with_total if r not in crime)
    assert "our 2023 with their 2022" in validated
    return big, with_total


# --- the synthetic twin (always runs) ---------------------------------------------------------

KWB_TWIN = (
    "gwb_code_10;regio;gm_naam;recs;ind_wbi;a_inw;a_00_14;a_15_24;a_25_44;a_45_64;a_65_oo;"
    "a_hh;a_1p_hh;g_hh_sti;p_hh_lkk;p_hh_osm;a_soz_wb;p_arb_pp;g_wozbag;p_leegsw\n"
    "GM9999;Proefstad;Proefstad;Gemeente;1;4000;600;500;1200;1000;700;1900;800;31,0;8;7;120;68;250;4\n"
    "WK999901;Wijk 01;Proefstad;Wijk;1;4000;600;500;1200;1000;700;1900;800;31,0;8;7;120;68;250;4\n"
    "BU99990101;Oost;Proefstad;Buurt;1;2500;400;300;700;650;450;1150;400;35,5;5;4;40;72;300;3\n"
    "BU99990102;West;Proefstad;Buurt;1;1500;200;200;500;350;250;750;400;26,0;13;11;80;61;190;6\n"
)
SES_WOA_TWIN = (
    '"Perioden";"Wijken en buurten";"Regiocode (gemeente, wijk, buurt) (code)";'
    '"Particuliere huishoudens (Aantal)";"SES-WOA/Totaalscore/Gemiddelde score (Getal)"\n'
    '"2020";"Proefstad";"GM9999";"1900";"0,01"\n'
    '"2020";"Oost";"BU99990101";"1150";"0,35"\n'
    '"2020";"West";"BU99990102";"750";"-0,40"\n'
)


def test_twin_rivm_beside_kwb_scores_cohesion_and_empowerment(tmp_path: Path) -> None:
    kwb = tmp_path / "kwb-2020.csv"
    kwb.write_text(KWB_TWIN, encoding="utf-8")
    rivm = tmp_path / "RIVM_gezondheid2020_18+.xlsx"
    rivm.write_bytes(workbook(twin_rows(ages=(20300,), periods=("2020JJ00",))))
    ses = tmp_path / "ses_woa_2020.csv"
    ses.write_text(SES_WOA_TWIN, encoding="utf-8")
    store = tmp_path / "twin.duckdb"
    ok(wijkkompas(store, "import", kwb))
    before = {r["code"]: r for r in index_rows(store)}
    assert before["BU99990101"]["social_cohesion"] == ""  # living alone alone: a proxy, no score
    assert before["BU99990101"]["social_empowerment"] == ""
    summary = ok(wijkkompas(store, "import", rivm, ses))
    assert "households 2020" in summary and "scoring uses kwb" in summary
    rows = {r["code"]: r for r in index_rows(store)}
    for code in ("BU99990101", "BU99990102"):
        assert rows[code]["social_cohesion"] and rows[code]["social_empowerment"], code
        assert "loneliness_share" in rows[code]["basket"]
        assert rows[code]["total"] and int(rows[code]["groups_scored"]) >= 5
    assert float(rows["BU99990101"]["total"]) > float(rows["BU99990102"]["total"])
    # Two buurten cannot be validated against SES-WOA: a clear refusal, not a crash.
    assert refused_clearly(wijkkompas(store, "validate", "--against", "ses-woa"))


# --- the twins of the real-file tests: a made-up gemeente in each real layout (always run) ----


def in_process(store: Path, *args: str | Path) -> str:
    result = run_cli("--store", store, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def in_process_rows(store: Path, *args: str) -> list[dict[str, str]]:
    out = in_process(store, "index", "--format", "csv", "--draws", "0", "--no-save", *args)
    return list(csv.DictReader(io.StringIO(out)))


def test_amsterdam_layouts_with_every_source_on_top_score_and_validate(tmp_path: Path) -> None:
    """A made-up gemeente on Amsterdam's codes: KWB 2017 and 2019 as R re-saved them, then
    RIVM 2016 and 2020 (18+), SES-WOA, Nabijheid (English column names) and police crime."""
    store = tmp_path / "amsterdam.duckdb"
    in_process(
        store,
        "import",
        write(tmp_path, "Kerncijfers_wijken_en_buurten_2017.csv", kwb_r_csv(AMSTERDAM, 2017)),
        write(tmp_path, "Kerncijfers_wijken_en_buurten_2019.csv", kwb_r_csv(AMSTERDAM, 2019)),
    )
    summary = in_process(
        store,
        "import",
        write(tmp_path, "RIVM_gezondheid2016_18+.xlsx", rivm_xlsx([AMSTERDAM], 2016)),
        write(tmp_path, "RIVM_gezondheid2020_18+.xlsx", rivm_xlsx([AMSTERDAM], 2020)),
        write(tmp_path, "SES_WOA_scores_per_wijk_en_buurt_25042023_160857.csv",
              ses_woa_csv([AMSTERDAM])),
        write(tmp_path, "proximity_to_facilities_2020.csv", proximity_csv(AMSTERDAM)),
        write(tmp_path, "PolRegCrime47018_2023.csv", crime_csv([AMSTERDAM])),
    )  # fmt: skip
    rows = in_process_rows(store, "--gemeente", "GM0363", "--level", "buurt")
    validated = in_process(store, "validate", "--against", "ses-woa", "--extremes", "0")
    by_year, trended = assert_every_source_on_top(summary, rows, validated)
    for year, part in by_year.items():
        assert len([r for r in part if float(r["population"] or 0) >= 200]) == 12, year
    assert len(trended) >= 12
    assert any("burglary_per_1000" in r["basket"] for r in by_year["2017"])
    refused = run_cli("--store", store, "validate", "--against", "leefbaarometer")
    assert refused.returncode == 1 and "Leefbaarometer" in refused.stderr


def test_utrecht_layouts_2023_early_release_gets_a_total_with_its_basket(tmp_path: Path) -> None:
    """A made-up gemeente on Utrecht's codes: kwb-2023.xlsx without income, education, care or
    distances, the Nabijheid voorzieningen 2023 download, RIVM 2020 (18+), police crime 2023
    and the Leefbaarometer series of 2002, 2020 and 2022."""
    store = tmp_path / "utrecht.duckdb"
    in_process(
        store,
        "import",
        write(tmp_path, "CBS-Utrecht-kwb-2023.xlsx", kwb_xlsx(UTRECHT, 2023, UNPUBLISHED_2023)),
        write(tmp_path, "CBS-Utrecht_Nabijheid_voorzieningen__buurt_2023_14102024_164034.csv",
              nabijheid_csv(UTRECHT)),
        write(tmp_path, "RIVM_gezondheid2020_18+.xlsx", rivm_xlsx([UTRECHT], 2020)),
        write(tmp_path, "PolRegCrime47018_2023.csv", crime_csv([UTRECHT])),
        write(tmp_path, "utrecht_GM0344_leefbaarometer3_buurten_2002-2024.csv",
              leefbaarometer_csv(UTRECHT)),
    )  # fmt: skip
    rows = in_process_rows(store, "--gemeente", "GM0344", "--level", "buurt", "--year", "2023")
    validated = in_process(store, "validate", "--against", "leefbaarometer", "--extremes", "3")
    big, with_total = assert_early_release_gets_a_total(rows, validated)
    assert len(big) == 11
    for r in with_total:
        assert "distance_supermarket" in r["basket"]  # from Nabijheid: the KWB has '.'
    best = max(with_total, key=lambda r: float(r["total"]))
    assert best["name"] == "Domplein"  # the richest made-up buurt


# --- the real files ---------------------------------------------------------------------------


def real(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.is_file():
        pytest.skip(f"real data file {path} is absent (no ../shared/data next to the repository)")
    return path


@pytest.mark.realdata(twin="test_amsterdam_layouts_with_every_source_on_top_score_and_validate")
@pytest.mark.slow
def test_amsterdam_with_every_source_on_top_scores_and_validates(tmp_path: Path) -> None:
    store = tmp_path / "amsterdam.duckdb"
    ok(
        wijkkompas(
            store,
            "import",
            real("kwb", "amsterdam", "Kerncijfers_wijken_en_buurten_2017.csv"),
            real("kwb", "amsterdam", "Kerncijfers_wijken_en_buurten_2019.csv"),
        )
    )
    summary = ok(
        wijkkompas(
            store,
            "import",
            real("rivm", "RIVM_gezondheid2016_18+.xlsx"),
            real("rivm", "RIVM_gezondheid2020_18+.xlsx"),
            real("ses_woa", "SES_WOA_scores_per_wijk_en_buurt_25042023_160857.csv"),
            real("nabijheid", "amsterdam", "proximity_to_facilities_2020.csv"),
            real("crime", "nederland", "PolRegCrime47018_2023.csv"),
        )
    )
    rows = index_rows(store, "--gemeente", "GM0363", "--level", "buurt")
    validated = ok(wijkkompas(store, "validate", "--against", "ses-woa", "--extremes", "0"))
    _, trended = assert_every_source_on_top(summary, rows, validated)
    assert len(trended) > 250
    assert refused_clearly(wijkkompas(store, "validate", "--against", "leefbaarometer"))


@pytest.mark.realdata(twin="test_utrecht_layouts_2023_early_release_gets_a_total_with_its_basket")
@pytest.mark.slow
def test_utrecht_2023_early_release_gets_a_total_with_its_basket(tmp_path: Path) -> None:
    store = tmp_path / "utrecht.duckdb"
    ok(
        wijkkompas(
            store,
            "import",
            real("kwb", "utrecht", "CBS-Utrecht-kwb-2023.xlsx"),
            real("nabijheid", "CBS-Utrecht_Nabijheid_voorzieningen__buurt_2023_14102024_164034.csv"),
            real("rivm", "RIVM_gezondheid2020_18+.xlsx"),
            real("crime", "nederland", "PolRegCrime47018_2023.csv"),
            real("leefbaarometer", "utrecht_gemeente",
                 "utrecht_GM0344_leefbaarometer3_buurten_2002-2024.csv"),
        )
    )  # fmt: skip
    rows = index_rows(store, "--gemeente", "GM0344", "--level", "buurt", "--year", "2023")
    validated = ok(wijkkompas(store, "validate", "--against", "leefbaarometer", "--extremes", "3"))
    assert_early_release_gets_a_total(rows, validated)
