"""The one `wijkkompas` command.

Exit codes: 0 ok, 1 a user error (a one-paragraph message, never a traceback), 2 usage.
Each subcommand is a thin shell around a service: it parses options, calls one function, and
prints the result. One module per command group, each with a ``register(app)``; shared option
types, the consoles and the store of the invocation are in :mod:`wijkkompas.cli.common`.

Starting must be quick: ``wijkkompas --help`` loads every command module, so those import only
typer and the standard library at the top, and everything heavy (pandas, DuckDB, the engine,
Django) inside the command that needs it. ``benchmarks/bench_cli.py`` holds the budget.
"""

from __future__ import annotations

import os
import sys
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
from wijkkompas.cli.common import err, out
from wijkkompas.errors import WijkkompasError

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


def main() -> None:
    """Entry point: turn user errors into a message and exit code 1."""
    try:
        app(standalone_mode=True)
    except WijkkompasError as exc:
        err.print(f"[bold red]Error:[/] {exc}", highlight=False)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # a defect, not a user error: still no raw traceback by default
        if os.environ.get("WIJKKOMPAS_DEBUG"):
            raise
        err.print(
            f"[bold red]Unexpected error:[/] {type(exc).__name__}: {exc}. This is a defect in "
            "wijkkompas; run again with WIJKKOMPAS_DEBUG=1 for the details and report them.",
            highlight=False,
        )
        sys.exit(1)
