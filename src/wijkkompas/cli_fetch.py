"""``wijkkompas fetch``: download open data into the store (the only commands that go online).

Kept apart from :mod:`wijkkompas.cli` so the network code loads only when someone fetches.
The fetched bytes take the same road as a file imported by hand: the StatLine loader parses
them, and all years land in the store in one transaction, or none does.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from wijkkompas.catalogue import Catalogue, load_catalogue
from wijkkompas.errors import WijkkompasError
from wijkkompas.regions import parse_region_code
from wijkkompas.sources.base import LoadOptions, SourceError
from wijkkompas.sources.online import (
    KWB_TABLES,
    FetchedTable,
    StatLineClient,
    fetch_kwb,
    parse_years,
)
from wijkkompas.store import AnalyticStore, ImportBatch, ImportSummary

fetch_app = typer.Typer(
    name="fetch",
    help="Download open data (CBS StatLine) into the store. Needs internet; answers are cached.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)
out = Console()

ALL_YEARS = f"{min(KWB_TABLES)}-{max(KWB_TABLES)}"

client_factory: Callable[..., StatLineClient] = StatLineClient
"""How the command builds its client; tests swap in one with an ``httpx.MockTransport``."""


def to_batches(fetched: list[FetchedTable], catalogue: Catalogue) -> list[ImportBatch]:
    """Parse fetched tables with the StatLine loader, exactly as if the JSON had been saved."""
    try:
        statline = importlib.import_module("wijkkompas.sources.statline")
    except ModuleNotFoundError as exc:
        if exc.name != "wijkkompas.sources.statline":
            raise
        raise WijkkompasError(
            "This installation has no StatLine JSON loader (wijkkompas.sources.statline), so "
            "the downloaded tables cannot be read. They are kept in the cache; update wijkkompas."
        ) from exc
    batches = []
    for table in fetched:
        options = LoadOptions(year=table.year)
        with_metadata = getattr(statline, "load_with_metadata", None)
        if with_metadata is not None:
            kwargs = _metadata_kwargs(with_metadata, table)
            batch = with_metadata(table.data, table.file_name, catalogue, options, **kwargs)
        else:
            batch = statline.LOADER.load(table.data, table.file_name, catalogue, options)
        batch.provenance = {**batch.provenance, "fetched": table.provenance()}
        batches.append(batch)
    return batches


def _metadata_kwargs(function: Callable[..., object], table: FetchedTable) -> dict[str, bytes]:
    """Hand over the metadata the loader accepts (its signature may grow TableInfos later)."""
    parameters = inspect.signature(function).parameters
    offered = {"data_properties": table.data_properties, "table_infos": table.table_infos}
    return {name: value for name, value in offered.items() if name in parameters}


def fetch_cbs_into_store(
    store: AnalyticStore,
    client: StatLineClient,
    gemeente: str,
    years: list[int],
    *,
    catalogue: Catalogue | None = None,
    verify: bool = False,
    progress: Callable[[str], None] | None = None,
) -> tuple[list[FetchedTable], list[ImportSummary]]:
    """Fetch (or reuse from the cache) every year, parse all, then write all in one transaction."""
    fetched = fetch_kwb(client, gemeente, years, verify=verify, progress=progress)
    batches = to_batches(fetched, catalogue or load_catalogue())
    empty = [t.table_id for t, b in zip(fetched, batches, strict=True) if b.regions.empty]
    if empty:
        raise SourceError(
            f"StatLine returned no regions of {gemeente} in table(s) {', '.join(empty)}. Is "
            f"{gemeente} a gemeente in those years (merged municipalities get a new code)?"
        )
    return fetched, store.import_batches(batches, progress=progress)


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
    code = parse_region_code(gemeente)
    if code.level != "gemeente":
        raise WijkkompasError(
            f"--gemeente expects a gemeente code such as GM0344; {code.code} is a {code.level}."
        )
    year_list = parse_years(years)
    store = AnalyticStore(ctx.obj["store"])

    def step(message: str) -> None:
        err.print(f"  {message}", highlight=False)

    with client_factory(cache_dir, refresh=refresh) as client:
        fetched, summaries = fetch_cbs_into_store(
            store, client, code.code, year_list, verify=verify_tables, progress=step
        )
    for table, summary in zip(fetched, summaries, strict=True):
        origin = "cache" if table.from_cache else "opendata.cbs.nl"
        out.print(
            f"{table.year} {table.table_id}: {summary.regions} regions, {summary.observations} "
            f"observations (from {origin}, retrieved {table.retrieved_at})",
            highlight=False,
        )
    out.print(f"Written to {store.path}.", highlight=False)
