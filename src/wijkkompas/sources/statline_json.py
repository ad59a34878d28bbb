"""StatLine OData JSON into one frame of cells, whatever wrapper it arrived in.

CBS serves ``{"odata.metadata": ".../85984NED/$metadata#...TypedDataSet", "value": [records]}``;
people save ``{"value": [...]}``, a bare list, or (as the Rotterdam fixture does) a dict of
records keyed by their ID. TypedDataSet records hold numbers and null, UntypedDataSet records
space-padded strings with ``.`` for missing; both become the same frame, and the shared cell
parser handles both.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from wijkkompas.sources.base import SourceError
from wijkkompas.sources.year import table_id_in

DATASET_KIND = re.compile(r"(TypedDataSet|UntypedDataSet)")


@dataclass
class JsonTable:
    frame: pd.DataFrame
    record_numbers: list[int]
    layout: str
    table_id: str | None
    metadata_url: str | None


def read_statline_json(data: bytes, name: str) -> JsonTable:
    """Records of an OData response in any of the wrappers described in the module docstring."""
    try:
        raw = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise SourceError(f"{name}: a JSON file must be UTF-8 text ({exc}).") from exc
    except json.JSONDecodeError as exc:
        raise SourceError(
            f"{name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}). "
            "Download the StatLine data again; a file cut off during download looks like this."
        ) from exc
    metadata_url = raw.get("odata.metadata") if isinstance(raw, dict) else None
    records, wrapper = _records(raw, name)
    if _is_data_properties(records):
        raise SourceError(
            f"{name}: this is StatLine metadata (DataProperties), not data. Import the data file "
            "(TypedDataSet or UntypedDataSet) and give this file alongside it as its metadata."
        )
    bad = next((i for i, r in enumerate(records) if not isinstance(r, dict)), None)
    if bad is not None:
        raise SourceError(
            f"{name}: record {bad + 1} is not an object with keys and values; a StatLine JSON "
            "file holds one object per region (ID, WijkenEnBuurten, AantalInwoners_5, …)."
        )
    frame = pd.DataFrame.from_records(records) if records else pd.DataFrame()
    frame = frame.astype(object)
    frame.columns = [str(c) for c in frame.columns]
    url = str(metadata_url) if metadata_url is not None else None
    kind = DATASET_KIND.search(url) if url else None
    typed = kind.group(1) if kind else _guess_kind(frame)
    return JsonTable(
        frame=frame,
        record_numbers=list(range(1, len(records) + 1)),
        layout=f"statline-odata-json ({typed}, {wrapper})",
        table_id=table_id_in(url) if url else None,
        metadata_url=url,
    )


def _records(raw: Any, name: str) -> tuple[list[Any], str]:
    if isinstance(raw, list):
        return raw, "bare list"
    if isinstance(raw, dict):
        value = raw.get("value")
        if isinstance(value, list):
            return value, "value list"
        if isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
            return list(value.values()), "value dict keyed by ID"
        if raw and all(isinstance(v, dict) for v in raw.values()):
            return list(raw.values()), "dict keyed by ID"
    raise SourceError(
        f"{name}: JSON in a shape wijkkompas does not know. Expected StatLine OData: "
        '{"value": [records]} (as served by opendata.cbs.nl), a list of records, or records '
        "keyed by their ID."
    )


def _is_data_properties(records: list[Any]) -> bool:
    sample = [r for r in records[:20] if isinstance(r, dict)]
    return bool(sample) and all({"Key", "Title", "Type"} <= set(r) for r in sample)


def _guess_kind(frame: pd.DataFrame) -> str:
    """Untyped when the figures arrive as strings, typed when as numbers (the URL was lost)."""
    for column in frame.columns:
        sample = frame[column].dropna().head(5).tolist()
        numbers = any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in sample)
        if numbers and column.upper() != "ID":
            return "TypedDataSet"
    return "UntypedDataSet"
