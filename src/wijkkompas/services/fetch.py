"""Fetching open data into the store: download (or reuse from the cache), parse, write once.

The fetched bytes take the same road as a file imported by hand: the StatLine loader parses
them, and all years land in the store in one transaction, or none does.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable

from wijkkompas.catalogue import Catalogue, load_catalogue
from wijkkompas.errors import WijkkompasError
from wijkkompas.sources.base import LoadOptions, SourceError
from wijkkompas.sources.online import FetchedTable, StatLineClient, fetch_kwb
from wijkkompas.store import AnalyticStore, ImportBatch, ImportSummary


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
