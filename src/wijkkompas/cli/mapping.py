"""``wijkkompas mapping``: write a mapping file to fill in for a table with renamed columns."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wijkkompas.errors import WijkkompasError


def mapping_command(
    path: Annotated[Path, typer.Argument(help="The CSV or Excel table whose columns are unknown.")],
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write the mapping here (default: print it)."),
    ] = None,
) -> None:
    """A mapping file for `import --mapping`: every column of the table, with the region code
    and name columns and the columns wijkkompas recognises filled in; fill in the rest with
    indicator ids from `wijkkompas catalogue`, leave a row blank to skip a column."""
    from wijkkompas.catalogue import load_catalogue
    from wijkkompas.sources.mapping_template import mapping_template

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise WijkkompasError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    text = mapping_template(data, path.name, load_catalogue())
    if out is None:
        typer.echo(text, nl=False)
        return
    if out.exists():
        raise WijkkompasError(
            f"{out} exists already; wijkkompas does not overwrite a mapping you may have filled "
            "in. Choose another name with --out, or remove the file first."
        )
    out.write_text(text, encoding="utf-8")
    filled = sum(1 for line in text.splitlines()[1:] if line.split(",")[1:2] != [""])
    typer.echo(
        f"Wrote {out}: {len(text.splitlines()) - 1} columns, {filled} filled in. Fill in the "
        "indicator of each column you want (ids from `wijkkompas catalogue`; optionally its "
        f"unit), then: wijkkompas import {path} --mapping {out}",
        err=True,
    )


def register(app: typer.Typer) -> None:
    app.command("mapping")(mapping_command)
