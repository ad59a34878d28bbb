"""Round trip: responses → `wijkkompas survey estimate` → results CSV → `wijkkompas import` →
observations (and margins) in the store → `wijkkompas show`. Bad files stop with exit code 1,
a line number, and a store that is byte for byte what it was."""

from __future__ import annotations

import csv
import hashlib
import io
import random
from pathlib import Path

import duckdb
import pytest

from cli_process import wijkkompas
from wijkkompas.services.survey import margins_from_store
from wijkkompas.store import AnalyticStore
from wijkkompas.store.reader import StoreReader
from wijkkompas.survey import AGE_GROUPS, SEXES, STANDARD, PopulationMargins

YEAR = 2024


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def store(tmp_path: Path, demo_store: Path) -> Path:
    path = tmp_path / "store.duckdb"
    path.write_bytes(demo_store.read_bytes())
    return path


def buurten(store: Path) -> list[str]:
    with AnalyticStore(store).reader() as reader:
        return list(reader.regions(level="buurt", year=YEAR)["code"])


def write_responses(path: Path, counts: dict[str, int], seed: int = 7) -> Path:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["area_code", "age_group", "sex", *(q.id for q in STANDARD)])
        for code, n in counts.items():
            for _ in range(n):
                writer.writerow(
                    [code, rng.choice([*AGE_GROUPS, ""]), rng.choice([*SEXES, ""])]
                    + [rng.choice(q.scale.values) for q in STANDARD]
                )
    return path


def test_margins_come_from_the_kwb_age_and_sex_counts(demo_store: Path) -> None:
    with AnalyticStore(demo_store).reader() as reader:
        codes = [*buurten(demo_store)[:3], "GM9999"]
        margins = margins_from_store(reader, codes, YEAR)
        population = reader.observations(["population"], ["GM9999"])
    assert set(margins) == set(codes)
    gemeente = margins["GM9999"]
    assert isinstance(gemeente, PopulationMargins)
    assert set(gemeente.age) == set(AGE_GROUPS) and set(gemeente.sex) == set(SEXES)
    total = float(population.query("region_year == @YEAR")["value"].iloc[0])
    assert sum(gemeente.sex.values()) == pytest.approx(total, rel=0.01)
    assert 0.6 * total < gemeente.adults < total


def test_responses_to_results_to_store_to_show(store: Path, tmp_path: Path) -> None:
    codes = buurten(store)
    responses = write_responses(
        tmp_path / "responses.csv", {codes[0]: 40, codes[1]: 25, codes[2]: 4, codes[3]: 30}
    )
    results = tmp_path / "results.csv"
    made = wijkkompas(
        "--store", store, "survey", "estimate", responses, "--out", results, "--period", "2024"
    )
    assert made.returncode == 0, made.stderr
    assert "suppressed" in made.stderr and "weighted for" in made.stderr
    imported = wijkkompas("--store", store, "import", results)
    assert imported.returncode == 0, imported.stderr
    assert "(enquete)" in imported.stdout and "years: [2024]" in imported.stdout
    shown = wijkkompas("--store", store, "show", codes[0], "--year", "2024", "--format", "csv")
    assert shown.returncode == 0, shown.stderr
    rows = [r for r in csv.DictReader(io.StringIO(shown.stdout)) if r["source"] == "enquete"]
    assert {r["indicator"] for r in rows} == {q.indicator_id for q in STANDARD}
    assert {r["release"] for r in rows} == {"definitief"}
    assert all(0 <= float(r["value"]) <= 100 for r in rows if r["unit"] == "percent")
    with AnalyticStore(store).reader() as reader:
        obs = reader.observations(region_codes=[codes[2]])
        hidden = obs[obs["source"] == "enquete"]
        margins = reader.margins(region_codes=[codes[0]])
    assert len(hidden) == len(STANDARD)
    assert hidden["suppressed"].all() and hidden["value"].isna().all()
    assert len(margins) == len(STANDARD)
    assert (margins["respondents"] == 40).all()
    assert (margins["margin_of_error"] > 0).all() and (margins["effective_n"] <= 40).all()


def test_the_index_is_unchanged_by_survey_figures(store: Path, tmp_path: Path) -> None:
    before = wijkkompas("--store", store, "index", "--gemeente", "GM9999", "--format", "csv")
    codes = buurten(store)
    responses = write_responses(tmp_path / "r.csv", {c: 15 for c in codes[:6]})
    results = tmp_path / "results.csv"
    assert (
        wijkkompas(
            "--store", store, "survey", "estimate", responses, "--out", results, "--period", "2024"
        ).returncode
        == 0
    )
    assert wijkkompas("--store", store, "import", results).returncode == 0
    after = wijkkompas("--store", store, "index", "--gemeente", "GM9999", "--format", "csv")
    assert before.returncode == after.returncode == 0
    assert before.stdout == after.stdout


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "enquete,BU99990101,2024,survey_feels_safe_share,2024,55,9,4,4,false",
            "must be suppressed",
        ),
        ("enquete,BU99990101,2024,population,2024,55,9,40,40,false", "not a survey"),
        ("enquete,XX1,2024,survey_feels_safe_share,2024,55,9,40,40,false", "not a CBS region code"),
        ("enquete,BU99990101,2024,survey_feels_safe_share,2024,,,4,4,maybe", "true' or 'false"),
        ("kwb,BU99990101,2024,survey_feels_safe_share,2024,55,9,40,40,false", "another source"),
        ("enquete,BU99990101,2024,survey_feels_safe_share,2024,55,,40,40,true", "empty value"),
    ],
)
def test_a_bad_results_file_is_refused_with_its_line_and_the_store_unchanged(
    store: Path, tmp_path: Path, line: str, message: str
) -> None:
    code = buurten(store)[0]
    good = f"enquete,{code},2024,survey_trust_share,2024,61.5,8.2,40,36.1,false"
    path = tmp_path / "results.csv"
    path.write_text(
        ",".join(_header()) + "\n" + good + "\n" + line.replace("BU99990101", code) + "\n"
    )
    before = digest(store)
    result = wijkkompas("--store", store, "import", path)
    assert result.returncode == 1, result.stdout + result.stderr
    text = " ".join(result.stderr.split())
    assert "results.csv, line 3" in text and message in text
    assert "Traceback" not in result.stderr
    assert digest(store) == before


def test_results_for_regions_the_store_does_not_have_are_refused(
    store: Path, tmp_path: Path
) -> None:
    path = tmp_path / "results.csv"
    path.write_text(
        ",".join(_header())
        + "\nenquete,BU99998888,2024,survey_trust_share,2024,61.5,8.2,40,36,false\n"
    )
    before = digest(store)
    result = wijkkompas("--store", store, "import", path)
    assert result.returncode == 1 and "BU99998888" in result.stderr
    assert digest(store) == before


def test_bad_responses_stop_the_estimate_with_the_line(store: Path, tmp_path: Path) -> None:
    code = buurten(store)[0]
    path = tmp_path / "responses.csv"
    path.write_text(f"area_code,age_group,sex,feels_safe\n{code},25-44,vrouw,4\n{code},12-14,,4\n")
    result = wijkkompas(
        "--store",
        store,
        "survey",
        "estimate",
        path,
        "--out",
        tmp_path / "o.csv",
        "--period",
        "2024",
    )
    assert result.returncode == 1
    assert "responses.csv, line 3" in " ".join(result.stderr.split())
    assert not (tmp_path / "o.csv").exists()


def test_participation_events_become_suppressed_counts(store: Path, tmp_path: Path) -> None:
    every = buurten(store)
    elsewhere = next(c for c in every if c[:8] != every[0][:8])  # a buurt in another wijk
    codes = [every[0], elsewhere]
    path = tmp_path / "events.csv"
    lines = ["area_code,kind,participant"]
    lines += [f"{codes[0]},support,p{k}" for k in range(25)] + [f"{codes[0]},initiative,p1"]
    lines += [f"{codes[1]},ballot,q{k}" for k in range(3)]
    path.write_text("\n".join(lines) + "\n")
    results = tmp_path / "participation.csv"
    made = wijkkompas(
        "--store", store, "survey", "participation", path, "--out", results, "--period", "2024"
    )
    assert made.returncode == 0, made.stderr
    assert wijkkompas("--store", store, "import", results).returncode == 0
    with AnalyticStore(store).reader() as reader:
        obs = reader.observations(region_codes=codes[:2]).query("source == 'participatie'")
    first = obs[obs["region_code"] == codes[0]].set_index("indicator_id")["value"]
    assert first["participation_participants"] == 25 and first["participation_initiatives"] == 1
    assert first["participation_per_1000"] > 0
    assert obs[obs["region_code"] == codes[1]]["suppressed"].all()


def test_a_store_from_before_margins_reads_as_having_none() -> None:
    con = duckdb.connect()
    assert StoreReader(con).margins().empty


def _header() -> list[str]:
    from wijkkompas.survey import RESULTS_COLUMNS

    return list(RESULTS_COLUMNS)
