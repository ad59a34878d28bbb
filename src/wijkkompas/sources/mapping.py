"""User-supplied column mappings (``--mapping FILE``) for extracts whose columns were renamed.

A mapping file is a CSV with the columns ``column,indicator`` (``indicator`` may be a catalogue
id or a kwb short name such as ``a_inw``; the special targets ``code`` and ``name`` mark the
region code and name columns) or a TOML table ``[columns]`` with the same pairs.
"""

from __future__ import annotations

import csv
import io
import tomllib
from pathlib import Path

from wijkkompas.sources.base import SourceError


def parse_mapping(data: bytes, name: str) -> dict[str, str]:
    text = data.decode("utf-8-sig", errors="strict")
    if name.endswith(".toml"):
        try:
            table = tomllib.loads(text).get("columns", {})
        except tomllib.TOMLDecodeError as exc:
            raise SourceError(f"{name}: not valid TOML ({exc}).") from exc
        return {str(k): str(v) for k, v in table.items()}
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        if reader.fieldnames is None or not {"column", "indicator"} <= set(reader.fieldnames):
            raise SourceError(
                f"{name}: a mapping CSV needs the header 'column,indicator' (one row per column "
                "of the data file, the indicator as a catalogue id or kwb short name)."
            )
        return {
            row["column"].strip(): (row["indicator"] or "").strip()
            for row in reader
            if row["column"]
        }
    except csv.Error as exc:
        raise SourceError(
            f"{name}: not a readable CSV file (line {reader.line_num}: {exc})."
        ) from exc


def read_mapping(path: Path) -> dict[str, str]:
    try:
        return parse_mapping(path.read_bytes(), path.name)
    except OSError as exc:
        raise SourceError(f"Cannot read the mapping file {path}: {exc.strerror}.") from exc
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path.name}: the mapping file is not UTF-8 text.") from exc
