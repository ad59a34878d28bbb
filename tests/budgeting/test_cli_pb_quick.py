"""``wijkkompas pb``'s quick start: a plain call runs without typer and answers exactly as the
typer command does; anything else (help, a wrong option) goes to typer unchanged."""

from __future__ import annotations

import inspect
import subprocess
import sys
import typing
from enum import StrEnum
from pathlib import Path

import pytest
import typer

from cli_process import wijkkompas
from wijkkompas.cli.common import TextFormat
from wijkkompas.cli.pb import pb_command
from wijkkompas.cli.pb_run import (
    QUICK_CHOICES,
    QUICK_FLAGS,
    PbCall,
    PbRule,
    quick_call,
)

from .conftest import election


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "small.pb"
    path.write_text(election("approval", "a;6\nb;4\nc;5", "1;a\n2;b,c\n3;a,c", budget="10"))
    return path


def test_a_plain_call_is_read_with_its_defaults(small: Path) -> None:
    assert quick_call([str(small)]) == PbCall(small)


@pytest.mark.parametrize(
    "args",
    [
        ["--rule", "greedy", "--format", "json", "--category-budgets", "FILE"],
        ["FILE", "--rule=greedy", "--format=json", "--category-budgets"],
        [
            "--format",
            "text",
            "--rule",
            "mes",
            "--format",
            "json",
            "FILE",
            "--rule",
            "greedy",
            "--category-budgets",
        ],
    ],
)
def test_options_are_read_in_any_order_and_the_last_one_counts(
    small: Path, args: list[str]
) -> None:
    call = quick_call([str(small) if a == "FILE" else a for a in args])
    assert call == PbCall(small, PbRule.greedy, TextFormat.json, category_budgets=True)


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--help"],
        ["FILE", "--help"],
        ["FILE", "-h"],
        ["FILE", "FILE"],
        ["FILE", "--rule"],
        ["FILE", "--rule", "--format"],
        ["FILE", "--rule", "Greedy"],
        ["FILE", "--format", "csv"],
        ["FILE", "--category-budgets=yes"],
        ["FILE", "--categories"],
        ["FILE", "--"],
        ["-", "--rule", "mes"],
        ["DIR"],
        [""],
    ],
)
def test_anything_but_a_plain_valid_call_is_left_to_typer(small: Path, args: list[str]) -> None:
    named = {"FILE": str(small), "DIR": str(small.parent)}
    assert quick_call([named.get(a, a) for a in args]) is None


def test_the_quick_reading_knows_exactly_the_typer_command_s_options() -> None:
    """One list of options for both readings: a new option on the typer command that the quick
    reading does not know would otherwise be silently refused by it (and so left to typer, slow)
    or, worse, read differently."""
    choices: dict[str, type[StrEnum]] = {}
    flags: set[str] = set()
    for parameter in inspect.signature(pb_command, eval_str=True).parameters.values():
        annotation, info = typing.get_args(parameter.annotation)
        if isinstance(info, typer.models.ArgumentInfo):  # the file
            assert annotation is Path
            continue
        # With Annotated, typer takes Option("--rule")'s first name as its "default" slot.
        names = [info.default, *info.param_decls]
        if annotation is bool:
            flags.update(names)
        else:
            choices.update(dict.fromkeys(names, annotation))
    assert choices == QUICK_CHOICES
    assert flags == QUICK_FLAGS


@pytest.mark.parametrize("options", [[], ["--format", "json"], ["--rule", "greedy"]])
def test_the_quick_start_answers_byte_for_byte_as_the_typer_command(
    small: Path, tmp_path: Path, options: list[str]
) -> None:
    quick = wijkkompas("pb", small, *options)
    # A global option before the command sends the same call through the typer application.
    through_typer = wijkkompas("--store", tmp_path / "unused.duckdb", "pb", small, *options)
    assert quick.returncode == through_typer.returncode == 0, quick.stderr + through_typer.stderr
    assert quick.stdout == through_typer.stdout
    assert "Bought" in quick.stdout or '"selected"' in quick.stdout or "Rank 1" in quick.stdout


def test_a_user_error_on_the_quick_start_reads_as_on_every_other_command(tmp_path: Path) -> None:
    done = wijkkompas("pb", tmp_path / "nope.pb")
    assert done.returncode == 1
    assert "Error:" in done.stderr and "Cannot read" in done.stderr
    assert "Traceback" not in done.stderr


def test_help_and_usage_errors_still_come_from_typer(small: Path) -> None:
    helped = wijkkompas("pb", "--help")
    assert helped.returncode == 0 and "--category-budgets" in helped.stdout
    wrong = wijkkompas("pb", small, "--rule", "best")
    assert wrong.returncode == 2
    assert "--rule" in wrong.stderr


def test_the_quick_start_loads_neither_typer_nor_pydantic(small: Path) -> None:
    probe = (
        "import sys\n"
        "from wijkkompas.cli import _run\n"
        f"_run(['pb', {str(small)!r}])\n"
        "print(sorted(m for m in ('typer', 'pydantic', 'click', 'rich') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"
