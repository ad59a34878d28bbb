"""``wijkkompas pb FILE.pb``: run a participatory-budgeting rule on a Pabulib file.

The typer face of :mod:`wijkkompas.cli.pb_run`: it gives the command its help and its usage
errors; a plain valid call is read by ``pb_run`` without typer (see there why).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wijkkompas.cli.common import TextFormat
from wijkkompas.cli.pb_run import PbCall, PbRule, run


def pb_command(
    file: Annotated[
        Path, typer.Argument(help="A Pabulib .pb file.", dir_okay=False, show_default=False)
    ],
    rule: Annotated[
        PbRule,
        typer.Option(
            "--rule", help="mes: Method of Equal Shares + Add1 + greedy; greedy: the city rule."
        ),
    ] = PbRule.mes,
    format: Annotated[
        TextFormat, typer.Option("--format", help="Output format.")
    ] = TextFormat.text,
    category_budgets: Annotated[
        bool,
        typer.Option("--category-budgets", help="Respect the file's budget_per_category caps."),
    ] = False,
) -> None:
    """Run a participatory-budgeting rule on a Pabulib file and explain every project."""
    typer.echo(run(PbCall(file, PbRule(rule), TextFormat(format), category_budgets)))


def register(app: typer.Typer) -> None:
    app.command("pb")(pb_command)
