"""How the command line prints a table: rich for people, CSV or JSON for programs."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from wijkkompas.cli.common import OutputFormat, out

if TYPE_CHECKING:
    import pandas as pd


def print_frame(frame: pd.DataFrame, format: OutputFormat | str, title: str) -> None:
    if format == OutputFormat.csv:
        write_csv(frame, sys.stdout)
    elif format == OutputFormat.json:
        records = json.loads(frame.to_json(orient="records"))
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
    else:
        print_table(frame, title, out.console)


def write_csv(frame: pd.DataFrame, stream: TextIO) -> None:
    """``frame.to_csv(index=False)``, byte for byte, written by DuckDB.

    pandas formats and writes a whole-country index table (160,000 rows × 45 columns) in
    4.5 s, one Python call per cell; DuckDB does the same in a fraction of that on every core.
    Its text of a double is Python's shortest ``repr`` (18400.0, 1e-05, -0.0), which is what
    pandas writes; booleans, NaN and empty strings are turned into pandas' spelling in the
    query. Column types DuckDB might spell otherwise (dates, mixed objects) go through pandas,
    and ``tests/test_cli_output.py`` holds both ways to the same bytes.
    """
    columns = _csv_columns(frame)
    if columns is None or frame.columns.duplicated().any():
        stream.write(frame.to_csv(index=False))
        return
    import duckdb

    with tempfile.TemporaryDirectory(prefix="wijkkompas-csv-") as folder:
        target = Path(folder) / "out.csv"
        con = duckdb.connect()
        try:
            con.register("frame", frame)
            con.execute(
                f"COPY (SELECT {', '.join(columns)} FROM frame) TO '{target}' "
                "(FORMAT CSV, HEADER, DELIMITER ',', QUOTE '\"', ESCAPE '\"')"
            )
        finally:
            con.close()
        _copy_out(target, stream)


def _copy_out(target: Path, stream: TextIO) -> None:
    """The UTF-8 file ``target`` onto ``stream``: by the kernel when the stream is a file or a
    pipe that takes UTF-8 (a whole-country table is 160 MB, a quarter of a second to decode and
    encode again in Python), else as text."""
    fd = _utf8_descriptor(stream)
    if fd is not None:
        stream.flush()
        with target.open("rb") as source:
            size, offset = os.fstat(source.fileno()).st_size, 0
            try:
                while offset < size:
                    sent = os.sendfile(fd, source.fileno(), offset, size - offset)
                    if sent == 0:
                        raise OSError("the output took no more bytes")
                    offset += sent
                return
            except OSError:
                if offset:  # part of it is out already: writing it again would repeat it
                    raise
    # Not a descriptor the kernel can copy to (a terminal on some systems, a test's buffer).
    with target.open(encoding="utf-8", newline="") as text:
        shutil.copyfileobj(text, stream, 1 << 20)


def _utf8_descriptor(stream: TextIO) -> int | None:
    """The stream's file descriptor, when the bytes of a UTF-8 file may go to it unchanged."""
    if (getattr(stream, "encoding", None) or "").lower().replace("-", "") != "utf8":
        return None
    try:
        return stream.fileno()
    except (AttributeError, OSError, ValueError):
        return None


def _csv_columns(frame: pd.DataFrame) -> list[str] | None:
    """One SELECT expression per column that gives pandas' CSV text, or None when a column
    has a type whose spelling is not known to match."""
    import pandas as pd

    expressions = []
    for position, name in enumerate(frame.columns):
        if not isinstance(name, str):
            return None
        dtype = frame.dtypes.iloc[position]
        quoted = '"' + name.replace('"', '""') + '"'
        if pd.api.types.is_bool_dtype(dtype) and not isinstance(dtype, pd.BooleanDtype):
            value = f"CASE WHEN {quoted} THEN 'True' ELSE 'False' END"
        elif pd.api.types.is_float_dtype(dtype) and not isinstance(dtype, pd.Float64Dtype):
            value = f"CASE WHEN isnan({quoted}) THEN NULL ELSE CAST({quoted} AS VARCHAR) END"
        elif pd.api.types.is_integer_dtype(dtype) or _text(frame.iloc[:, position]):
            value = f"NULLIF(CAST({quoted} AS VARCHAR), '')"
        else:
            return None
        expressions.append(f"{value} AS {quoted}")
    return expressions


def _text(column: pd.Series) -> bool:
    """Strings (plain, pandas' string type or categories of strings), missing allowed."""
    import pandas as pd

    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.api.types.infer_dtype(dtype.categories, skipna=True) in ("string", "empty")
    if pd.api.types.is_string_dtype(dtype):
        return pd.api.types.infer_dtype(column, skipna=True) in ("string", "empty")
    return False


def print_table(frame: pd.DataFrame, title: str, console: Any) -> None:
    """A table for people at the console's width: side by side when every column fits,
    otherwise one block per row (column, value), so no cell is cut to "…"."""
    from rich.table import Table

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
