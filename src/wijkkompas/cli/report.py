"""`wijkkompas report CODE --out FILE.pdf`: the same PDF as the profile page's download."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wijkkompas.cli.common import store_of
from wijkkompas.errors import WijkkompasError


def report_command(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Buurt, wijk or gemeente code, e.g. BU03630000.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the PDF.", dir_okay=False)],
    language: Annotated[str, typer.Option("--language", help="nl or en.")] = "nl",
) -> None:
    """Write a region's profile as a tagged PDF (PDF/UA-1), fit for a council meeting."""
    from wijkkompas.reports import RegionNotFound
    from wijkkompas.reports.pdf import write_report

    if language not in ("nl", "en"):
        raise WijkkompasError(f"Unknown language {language!r}; choose nl or en.")
    try:
        write_report(store_of(ctx), code.strip().upper(), out, language)
    except RegionNotFound:
        raise WijkkompasError(
            f"{code} has no scores in the newest index run. Is the code right, and has "
            "`wijkkompas index` been run?"
        ) from None
    typer.echo(str(out))


def register(app: typer.Typer) -> None:
    app.command("report")(report_command)
