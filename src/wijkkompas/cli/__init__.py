"""The one `wijkkompas` command.

Exit codes: 0 ok, 1 a user error (a one-paragraph message, never a traceback), 2 usage.
Each subcommand is a thin shell around a service: it parses options, calls one function, and
prints the result. The typer application is in :mod:`wijkkompas.cli.application` (``from
wijkkompas.cli import app`` still works); this module only starts it, and loads nothing but the
standard library until it knows what to run: a plain ``wijkkompas pb FILE`` runs without typer
(see :mod:`wijkkompas.cli.pb_run`), every other call goes through the typer application.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer

    app: typer.Typer


def __getattr__(name: str) -> Any:
    if name == "app":
        from wijkkompas.cli.application import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Entry point: turn user errors into a message and exit code 1."""
    from wijkkompas.cli.common import err
    from wijkkompas.errors import WijkkompasError

    try:
        _run(sys.argv[1:])
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


def _run(args: list[str]) -> None:
    if args[:1] == ["pb"]:
        from wijkkompas.cli import pb_run

        call = pb_run.quick_call(args[1:])
        if call is not None:
            # MES multiplies no matrices: OpenBLAS's thread pool, which numpy starts on import,
            # would only cost start-up time (a fifth of the command on a busy machine).
            os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
            text = pb_run.run(call)
            sys.stdout.write(text + "\n")
            sys.stdout.flush()
            return
    from wijkkompas.cli.application import app

    app(standalone_mode=True)
