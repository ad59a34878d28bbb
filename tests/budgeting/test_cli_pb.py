"""``wijkkompas pb FILE.pb``: text and JSON reports; user errors are WijkkompasErrors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from wijkkompas.budgeting import PabulibError
from wijkkompas.cli.pb import pb_command
from wijkkompas.errors import WijkkompasError

from .conftest import PABULIB, election
from .pabulib_layouts import write_layout

app = typer.Typer()
app.command("pb")(pb_command)  # how the main app mounts it
app.command("noop")(lambda: None)  # a second command, so "pb" must be named as on the main app


def run(*args: str) -> tuple[int, str, BaseException | None]:
    result = CliRunner().invoke(app, ["pb", *args])
    return result.exit_code, result.output, result.exception


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "small.pb"
    text = election("approval", "a;6\nb;4", "1;a\n2;b", budget="10")
    path.write_text(
        text.replace("project_id;cost\na;6\nb;4", "project_id;cost;name\na;6;Park\nb;4;Bank")
    )
    return path


def test_text_report_lists_winners_and_explains_every_project(small: Path) -> None:
    code, output, _ = run(str(small))
    assert code == 0
    assert "rule: mes" in output
    assert "+ a Park (cost 6)" in output
    assert "Bought in round 1 of the Method of Equal Shares" in output
    assert "was raised by one unit 1 time to 6" in output


def test_json_report_has_rule_selected_total_cost_and_explanations(small: Path) -> None:
    code, output, _ = run(str(small), "--format", "json", "--rule", "greedy")
    assert code == 0
    report = json.loads(output)
    assert report["rule"] == "greedy"
    assert report["selected"] == ["a", "b"]
    assert report["total_cost"] == 10
    assert [p["project"] for p in report["projects"]] == ["a", "b"]
    assert report["projects"][0]["reason"].startswith("Rank 1 by approvals")


def test_mes_json_reports_the_rounds_and_shares(small: Path) -> None:
    code, output, _ = run(str(small), "--format", "json")
    report = json.loads(output)
    assert code == 0
    assert report["mes"]["increments"] == 1
    assert report["projects"][0]["round"] == 1
    assert report["projects"][0]["rho"] == 1


def test_a_bad_file_is_a_user_error_with_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.pb"
    path.write_text(election("approval", "a;6", "1;z"))
    code, _, error = run(str(path))
    assert code == 1
    assert isinstance(error, PabulibError)
    assert "bad.pb, line 17: vote for unknown project 'z'" in str(error)


def test_a_missing_file_is_a_user_error(tmp_path: Path) -> None:
    code, _, error = run(str(tmp_path / "nope.pb"))
    assert code == 1
    assert isinstance(error, WijkkompasError)
    assert "Cannot read" in str(error)


def test_an_unknown_rule_is_a_usage_error(small: Path) -> None:
    code, _, _ = run(str(small), "--rule", "dictator")
    assert code == 2


@pytest.mark.realdata(twin="test_category_budgets_flag_reaches_the_rule_on_an_amsterdam_layout")
def test_category_budgets_flag_reaches_the_rule() -> None:
    path = PABULIB / "Netherlands_Amsterdam_166.pb"
    if not path.is_file():
        pytest.skip(f"real Pabulib file not available at {path}")
    _, output, _ = run(str(path), "--rule", "greedy", "--format", "json", "--category-budgets")
    report = json.loads(output)
    assert report["category_budgets"]["Armoede"] == 52000
    assert any((p.get("blocked_by") or "").startswith("category:") for p in report["projects"])


def test_category_budgets_flag_reaches_the_rule_on_an_amsterdam_layout(tmp_path: Path) -> None:
    """A made-up file laid out like Amsterdam 166 (CRLF, ``budget_per_category``): the caps
    are reported and block projects only when the flag is given."""
    path = write_layout(tmp_path, "amsterdam_categories.pb")
    args = ("--rule", "greedy", "--format", "json")
    code, output, _ = run(str(path), *args, "--category-budgets")
    assert code == 0
    report = json.loads(output)
    assert report["category_budgets"] == {
        "Armoede": 20000,
        "Groenonderhoud straten & pleinen": 25000,
        "Jeugdactiviteiten": 15000,
    }
    assert report["selected"] == ["90431", "90433", "90435", "90434"]
    blocked = {p["project"]: p.get("blocked_by") for p in report["projects"]}
    assert blocked["90432"] == "category:Armoede"
    assert blocked["90436"] == "category:Jeugdactiviteiten"
    _, uncapped, _ = run(str(path), *args)
    assert json.loads(uncapped)["selected"] == [
        "90431",
        "90432",
        "90433",
        "90435",
        "90434",
        "90436",
    ]
