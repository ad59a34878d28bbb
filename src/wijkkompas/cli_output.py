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
        table = Table(*frame.columns, title=title)
        for row in frame.itertuples(index=False):
            table.add_row(*("" if pd.isna(v) else str(v) for v in row))
        out.print(table)
