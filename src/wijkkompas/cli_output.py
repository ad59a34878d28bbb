"""How the command line prints: one console per stream, tables as rich, CSV or JSON."""

from __future__ import annotations

import json
import sys
from enum import StrEnum

import pandas as pd
from rich.console import Console
from rich.table import Table

err = Console(stderr=True)
out = Console()


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def print_frame(frame: pd.DataFrame, format: OutputFormat | str, title: str) -> None:
    if format == OutputFormat.csv:
        sys.stdout.write(frame.to_csv(index=False))
    elif format == OutputFormat.json:
        records = json.loads(frame.to_json(orient="records"))
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
    else:
        print_table(frame, title, out)


def print_table(frame: pd.DataFrame, title: str, console: Console) -> None:
    """A table for people at the console's width: side by side when every column fits,
    otherwise one block per row (column, value), so no cell is cut to "…"."""
    cells = frame.astype(object).where(frame.notna(), "").astype(str)
    widths = [
        max([len(str(c)), *cells[c].str.len().tolist()]) if len(cells) else len(str(c))
        for c in frame.columns
    ]
    if sum(widths) + 3 * len(widths) + 1 <= console.width:
        table = Table(*frame.columns, title=title)
        for row in cells.itertuples(index=False):
            table.add_row(*row)
        console.print(table)
        return
    console.print(f"[bold]{title}[/]", highlight=False)
    for row in cells.itertuples(index=False):
        block = Table(show_header=False, box=None, pad_edge=False)
        block.add_column(style="bold", no_wrap=True)
        block.add_column(overflow="fold")
        for name, value in zip(frame.columns, row, strict=True):
            if value != "":
                block.add_row(str(name), value)
        console.print(block)
        console.print()
