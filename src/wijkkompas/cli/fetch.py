"""``wijkkompas fetch``: download open data into the store (the only commands that go online).

The network code loads only when someone fetches; the work is :mod:`wijkkompas.services.fetch`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from wijkkompas.cli.common import err, gemeente_code, out, store_of
from wijkkompas.sources.statline_tables import KWB_TABLES

if TYPE_CHECKING:
    from wijkkompas.sources.online import StatLineClient

fetch_app = typer.Typer(
    name="fetch",
    help="Download open data (CBS StatLine) into the store. Needs internet; answers are cached.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ALL_YEARS = f"{min(KWB_TABLES)}-{max(KWB_TABLES)}"


def _default_client(*args: object, **kwargs: object) -> StatLineClient:
    from wijkkompas.sources.online import StatLineClient

    return StatLineClient(*args, **kwargs)  # type: ignore[arg-type]


client_factory: Callable[..., StatLineClient] = _default_client
"""How the command builds its client; tests swap in one with an ``httpx.MockTransport``."""


@fetch_app.command("cbs")
def cbs(
    ctx: typer.Context,
    gemeente: Annotated[
        str, typer.Option("--gemeente", help="The gemeente by CBS code, e.g. GM0344.")
    ],
    years: Annotated[
        str,
        typer.Option("--years", help=f"Table years: 2023, 2019-2024 or 2019,2021 ({ALL_YEARS})."),
    ] = ALL_YEARS,
    cache_dir: Annotated[
        Path | None,
        typer.Option(
            "--cache-dir",
            envvar="WIJKKOMPAS_STATLINE_CACHE",
            help="Where answers are cached. Default: var/cache/statline.",
            file_okay=False,
        ),
    ] = None,
    verify_tables: Annotated[
        bool,
        typer.Option("--verify-tables", help="Check each table id in the CBS catalogue first."),
    ] = False,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Download again even when an answer is cached.")
    ] = False,
) -> None:
    """Download Kerncijfers wijken en buurten of one gemeente from CBS StatLine into the store."""
    from wijkkompas.services.fetch import fetch_cbs_into_store
    from wijkkompas.sources.online import parse_years

    code = gemeente_code(gemeente)
    year_list = parse_years(years)
    store = store_of(ctx)

    def step(message: str) -> None:
        err.print(f"  {message}", highlight=False)

    with client_factory(cache_dir, refresh=refresh) as client:
        fetched, summaries = fetch_cbs_into_store(
            store, client, code, year_list, verify=verify_tables, progress=step
        )
    for table, summary in zip(fetched, summaries, strict=True):
        origin = "cache" if table.from_cache else "opendata.cbs.nl"
        out.print(
            f"{table.year} {table.table_id}: {summary.regions} regions, {summary.observations} "
            f"observations (from {origin}, retrieved {table.retrieved_at})",
            highlight=False,
        )
    out.print(f"Written to {store.path}.", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(fetch_app, name="fetch", help="Download open data (CBS StatLine) into the store.")
