"""What a user can set or run is documented (house rule 8, after datasette's ``test_docs.py``).

Every setting of the web app (``WebConfig``, read from ``WIJKKOMPAS_*`` variables) and every
command of `wijkkompas`, subcommands included, must appear in the README, so a new one cannot
land without its line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

from wijkkompas.cli import app
from wijkkompas.web.config import WebConfig

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(group: typer.Typer, prefix: str = "") -> list[str]:
    """``import``, ``survey estimate``, … : every command as it is typed."""
    found = []
    for info in group.registered_commands:
        name = info.name or (info.callback.__name__ if info.callback else "")
        found.append(f"{prefix}{name.replace('_', '-')}")
    for sub in group.registered_groups:
        assert sub.typer_instance is not None and sub.name
        found += _commands(sub.typer_instance, f"{prefix}{sub.name} ")
    return found


COMMANDS = _commands(app)
SETTINGS = sorted(WebConfig.model_fields)


def test_the_command_line_is_walked_whole() -> None:
    # Guards the walk itself: a typer upgrade that hides commands must not make the test pass.
    assert {"demo", "import", "index", "pb", "survey estimate", "reference fit"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_the_readme(command: str) -> None:
    # `wijkkompas [--option [value]]… command`, or `$W command` where the README sets W to
    # `.venv/bin/wijkkompas --store …`.
    prefix = r"(wijkkompas(\s+--\S+(\s+[^\s-]\S*)?)*|\$W)"
    pattern = prefix + r"\s+" + re.escape(command) + r"\b"
    assert re.search(pattern, README), f"`wijkkompas {command}` is not in README.md"


def test_every_setting_is_walked() -> None:
    assert {"SECRET_KEY", "DATABASE_URL", "STORE", "ENV"} <= set(SETTINGS)


@pytest.mark.parametrize("setting", SETTINGS)
def test_every_setting_of_the_web_app_is_in_the_readme(setting: str) -> None:
    assert f"WIJKKOMPAS_{setting}" in README, f"WIJKKOMPAS_{setting} is not in README.md"
