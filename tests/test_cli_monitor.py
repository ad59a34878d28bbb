"""`wijkkompas index`, `explain` and `validate` on the demo store and on imported real data."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest

from cli_process import run_cli as run_in_process
from cli_process import wijkkompas as run_cli
from pdf_text import pdf_pages
from twin_cities import AMSTERDAM as AMSTERDAM_LIKE
from twin_cities import UNPUBLISHED_2023, UNPUBLISHED_2024, kwb_r_csv, kwb_xlsx, write
from twin_cities import UTRECHT as UTRECHT_LIKE
from wijkkompas.services.scoring import INDEX_COLUMNS
from wijkkompas.store import AnalyticStore

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
UTRECHT_2023 = SHARED / "kwb" / "utrecht" / "CBS-Utrecht-kwb-2023.xlsx"
UTRECHT_2024 = SHARED / "kwb" / "utrecht" / "CBS-Utrecht-kwb-2024.xlsx"
AMSTERDAM = [
    SHARED / "kwb" / "amsterdam" / "Kerncijfers_wijken_en_buurten_2017.csv",
    SHARED / "kwb" / "amsterdam" / "Kerncijfers_wijken_en_buurten_2019.csv",
]


def wijkkompas(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, timeout=600)  # whole-panel runs take longer


@pytest.fixture
def store(tmp_path: Path, demo_store: Path) -> Path:
    path = tmp_path / "store.duckdb"
    path.write_bytes(demo_store.read_bytes())
    return path


def rows_of(result: subprocess.CompletedProcess[str]) -> list[dict[str, str]]:
    assert result.returncode == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_index_csv_has_the_contract_columns_and_honest_values(store: Path) -> None:
    rows = rows_of(
        wijkkompas(
            "--store",
            store,
            "index",
            "--gemeente",
            "GM9999",
            "--year",
            "2024",
            "--level",
            "buurt",
            "--format",
            "csv",
            "--draws",
            "50",
        )
    )
    assert list(rows[0])[: len(INDEX_COLUMNS)] == INDEX_COLUMNS
    assert 60 <= len(rows) <= 120 and {r["year"] for r in rows} == {"2024"}
    scored = [r for r in rows if r["total"]]
    assert all(1 <= int(r["class"]) <= 9 for r in scored)
    assert all(float(r["rank_p05"]) <= float(r["rank_p95"]) for r in scored)
    # a trend needs a score at least 4 years earlier (buurten split in 2020 have one from 2020)
    assert {r["trend"] for r in scored} <= {"climbing", "stable", "sliding", ""}
    assert sum(bool(r["trend"]) for r in scored) >= 0.9 * len(scored)
    # tiny buurten with suppressed figures get no total: empty, never a made-up number
    unscored = [r for r in rows if not r["total"]]
    assert all(r["class"] == "" and r["rank"] == "" for r in unscored)


def test_the_rank_interval_says_what_varied(store: Path) -> None:
    args = ("index", "--gemeente", "GM9999", "--year", "2024", "--level", "buurt")
    method = wijkkompas("--store", store, *args, "--format", "csv", "--draws", "60", "--no-save")
    full = wijkkompas(
        "--store", store, *args, "--format", "csv", "--draws", "60", "--no-save",
        "--full-uncertainty",
    )  # fmt: skip
    method_rows = [r for r in rows_of(method) if r["total"]]
    full_rows = [r for r in rows_of(full) if r["total"]]
    assert {r["rank_interval"] for r in method_rows} == {"method+weights"}
    assert {r["rank_interval"] for r in full_rows} == {
        "method+weights+data+reference+leave_one_out+coverage"
    }
    assert all(0 < float(r["ranked_share"]) <= 1 for r in full_rows)
    assert "not a confidence interval" in method.stderr
    assert "not a confidence interval" in full.stderr


def test_the_demo_narrative_shows_in_the_scores(store: Path) -> None:
    from wijkkompas.demo import build_demo

    narrative = build_demo(seed=2024).narrative
    args = ("index", "--year", "2024", "--format", "csv", "--draws", "0", "--trend-gap", "4")
    rows = rows_of(wijkkompas("--store", store, *args))
    by_code = {r["code"]: r for r in rows}
    assert all(by_code[c]["trend_from"] == "2020" for c in narrative.sliding)
    assert all(by_code[c]["trend"] == "sliding" for c in narrative.sliding)
    assert all(by_code[c]["trend"] == "climbing" for c in narrative.climbing)
    assert all(int(by_code[c]["cumulation_count"]) >= 3 for c in narrative.cumulating)


def test_a_saved_run_is_kept_with_its_catalogue_hash(store: Path) -> None:
    result = wijkkompas("--store", store, "index", "--draws", "0", "--format", "json")
    assert result.returncode == 0, result.stderr
    run_id = result.stderr.split("index run ")[1].split()[0]
    with AnalyticStore(store).reader() as reader:
        runs = reader.index_runs()
        assert run_id in runs["run_id"].tolist()
        assert len(reader.index_scores(run_id)) == len(json.loads(result.stdout))


def test_explain_contributions_sum_to_the_total(store: Path) -> None:
    result = wijkkompas(
        "--store",
        store,
        "explain",
        "BU99990101",
        "--year",
        "2024",
        "--compare-year",
        "2019",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    total = sum(i["contribution"] for i in payload["indicators"])
    assert total == pytest.approx(payload["scores"]["total"], abs=1e-9)
    assert payload["compare_year"] == 2019
    text = wijkkompas(
        "--store", store, "explain", "BU99990101", "--compare-year", "2019", "--lang", "en"
    )
    assert "Largest contributions" in text.stdout and "change since 2019" in text.stdout
    dutch = wijkkompas("--store", store, "explain", "BU99990101", "--compare-year", "2019")
    assert "Grootste bijdragen aan het totaal" in dutch.stdout
    assert "verandering sinds 2019" in dutch.stdout and "Sociale samenhang" in dutch.stdout
    assert "Largest" not in dutch.stdout


def test_explain_says_what_to_mind_before_comparing(store: Path) -> None:
    """BU99990210 has fewer than 50 inhabitants: no score, and the flags say why to mind."""
    dutch = " ".join(wijkkompas("--store", store, "explain", "BU99990210").stdout.split())
    assert "totaal geen score (minder dan 50 inwoners)" in dutch
    assert (
        "Let op bij het vergelijken: minder dan 200 inwoners; vooral geen woongebied "
        "(misdrijven per inwoner tellen niet mee)." in dutch
    )
    as_json = json.loads(
        wijkkompas("--store", store, "explain", "BU99990210", "--format", "json").stdout
    )
    assert as_json["flags"] == {"small_population": True, "non_residential": True, "rural": False}
    assert "Let op" not in wijkkompas("--store", store, "explain", "BU99990101").stdout


def test_explain_refuses_a_year_without_scores(store: Path) -> None:
    result = wijkkompas("--store", store, "explain", "BU99990101", "--year", "1990")
    assert result.returncode == 1 and "no score for 1990" in result.stderr


def test_validate_against_leefbaarometer_prints_spearman_per_level_and_year(store: Path) -> None:
    result = wijkkompas("--store", store, "validate", "--against", "leefbaarometer")
    assert result.returncode == 0, result.stderr
    assert "Spearman ρ" in result.stdout and "buurt" in result.stdout


@pytest.mark.realdata(twin="test_index_works_on_files_in_the_utrecht_and_amsterdam_layouts")
@pytest.mark.skipif(not UTRECHT_2023.is_file(), reason="../shared/data is not available here")
def test_index_works_on_imported_utrecht_and_amsterdam_data(tmp_path: Path) -> None:
    store = tmp_path / "real.duckdb"
    assert wijkkompas("--store", store, "import", UTRECHT_2023, UTRECHT_2024).returncode == 0
    assert wijkkompas("--store", store, "import", *AMSTERDAM).returncode == 0
    for gemeente, buurten in (("GM0344", 111), ("GM0363", 479)):
        rows = rows_of(
            wijkkompas(
                "--store",
                store,
                "index",
                "--gemeente",
                gemeente,
                "--level",
                "buurt",
                "--format",
                "csv",
                "--draws",
                "20",
            )
        )
        newest = max(r["year"] for r in rows)
        latest = [r for r in rows if r["year"] == newest]
        assert len(latest) == buurten
        assert any(r["housing"] for r in rows), f"no housing scores for {gemeente}"
        if gemeente == "GM0363":
            # many Amsterdam buurten are tiny or business areas: suppressed, not scored
            assert sum(bool(r["total"]) for r in latest) > 0.6 * buurten
        else:
            # Utrecht's 2023/2024 files are early releases: income, care and distances are '.'.
            # On the KWB alone fewer than four groups have an own figure: no total, and the
            # reason says so (tests/test_real_gemeenten.py adds the sources that fill it).
            assert all(r["total"] == "" for r in rows)
            assert all(
                "groups with an own figure" in r["reason"] or "suppress" in r["reason"]
                for r in rows
            )


def test_index_works_on_files_in_the_utrecht_and_amsterdam_layouts(tmp_path: Path) -> None:
    """Made-up gemeenten in the layouts of the real files: Utrecht's kwb-2023.xlsx (income,
    education, care and distances '.') and the early kwb-2024.xlsx (sheet 'Gemeente-Utrecht',
    housing '.' too), Amsterdam's KWB 2017 and 2019 as R re-saved them."""
    files = [
        write(tmp_path, "CBS-Utrecht-kwb-2023.xlsx",
              kwb_xlsx(UTRECHT_LIKE, 2023, UNPUBLISHED_2023)),
        write(tmp_path, "CBS-Utrecht-kwb-2024.xlsx",
              kwb_xlsx(UTRECHT_LIKE, 2024, UNPUBLISHED_2024, sheet="Gemeente-Utrecht")),
    ]  # fmt: skip
    amsterdam = [
        write(
            tmp_path, f"Kerncijfers_wijken_en_buurten_{year}.csv", kwb_r_csv(AMSTERDAM_LIKE, year)
        )
        for year in (2017, 2019)
    ]
    store = tmp_path / "layouts.duckdb"
    assert run_in_process("--store", store, "import", *files).returncode == 0
    assert run_in_process("--store", store, "import", *amsterdam).returncode == 0
    sizes = (("GM0344", len(UTRECHT_LIKE.buurten)), ("GM0363", len(AMSTERDAM_LIKE.buurten)))
    for gemeente, buurten in sizes:
        result = run_in_process(
            "--store", store, "index", "--gemeente", gemeente, "--level", "buurt",
            "--format", "csv", "--draws", "20",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        newest = max(r["year"] for r in rows)
        latest = [r for r in rows if r["year"] == newest]
        assert newest == ("2024" if gemeente == "GM0344" else "2019")
        assert len(latest) == buurten
        assert any(r["housing"] for r in rows), f"no housing scores for {gemeente}"
        if gemeente == "GM0363":
            assert sum(bool(r["total"]) for r in latest) > 0.6 * buurten
            assert next(r for r in latest if r["code"] == "BU03630102")["total"] == ""
        else:
            assert all(r["total"] == "" for r in rows)
            assert all(
                "groups with an own figure" in r["reason"] or "suppress" in r["reason"]
                for r in rows
            )


def test_report_writes_a_tagged_pdf_for_a_wijk(store: Path, tmp_path: Path) -> None:
    """Without the web app's database the report still opens with the council's summary, and
    says the plans are unknown here (not that there are none); no database file is made."""
    pdf = tmp_path / "wijk.pdf"
    result = wijkkompas("--store", store, "report", "WK999901", "--out", pdf)
    assert result.returncode == 0, result.stderr
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 10_000
    assert not list(tmp_path.glob("*.sqlite3"))
    first = " ".join(pdf_pages(data)[0].split())
    assert "Samenvatting" in first
    assert "Onbekend: dit rapport is gemaakt zonder de database van de webapp" in first


def test_report_on_an_unknown_code_is_a_user_error(store: Path, tmp_path: Path) -> None:
    result = wijkkompas("--store", store, "report", "BU12345678", "--out", tmp_path / "x.pdf")
    assert result.returncode == 1 and "BU12345678" in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_explain_says_a_group_without_figures_has_no_score_instead_of_nan() -> None:
    from wijkkompas.cli.monitor import _score_text

    assert _score_text(float("nan")) == "no score (too few own figures)"
    assert _score_text(None) == "no score (too few own figures)"
    assert _score_text(0.25) == "+0.250"
