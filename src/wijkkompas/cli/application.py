"""The typer application: the global options and every command group.

One module per command group, each with a ``register(app)``; shared option types, the consoles
and the store of the invocation are in :mod:`wijkkompas.cli.common`.

Starting must be quick: ``wijkkompas --help`` loads every command module, so those import only
typer and the standard library at the top, and everything heavy (pandas, DuckDB, the engine,
Django) inside the command that needs it. ``benchmarks/bench_startup.py`` holds the budget.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wijkkompas import __version__
from wijkkompas.cli import (
    account,
    data,
    fetch,
    mapping,
    monitor,
    pb,
    reference,
    report,
    serve,
    survey,
)
from wijkkompas.cli.common import out

app = typer.Typer(
    name="wijkkompas",
    help="wijkkompas: monitor, plan and decide on livability per buurt, wijk and gemeente.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

LIGHT_COMMANDS = frozenset({"pb", "mapping", "account", "catalogue"})
"""Commands that hold no large arrays: they skip the memory settings of the engine (loading
numpy for them would cost more than the command itself)."""


@app.callback()
def main_options(
    ctx: typer.Context,
    store: Annotated[
        Path | None,
        typer.Option(
            "--store",
            envvar="WIJKKOMPAS_STORE",
            help="The analytic store (a DuckDB file). Default: var/wijkkompas.duckdb.",
            dir_okay=False,
        ),
    ] = None,
    version: Annotated[bool, typer.Option("--version", help="Print the version.")] = False,
) -> None:
    if version:
        out.print(__version__)
        raise typer.Exit()
    if ctx.invoked_subcommand not in LIGHT_COMMANDS:
        from wijkkompas.process import reuse_freed_memory

        reuse_freed_memory()
    from wijkkompas.paths import default_store

    ctx.obj = {"store": store or default_store()}


for commands in (data, serve, fetch, monitor, mapping, pb, report, survey, reference, account):
    commands.register(app)
