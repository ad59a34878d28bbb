"""`wijkkompas serve`: the web app on the store."""

from __future__ import annotations

from typing import Annotated

import typer

from wijkkompas.cli.common import store_of


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the web app (production-style server) on the store."""
    from wijkkompas.web.serve import run

    run(host=host, port=port, store=store_of(ctx).path)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
