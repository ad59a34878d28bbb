"""User-supplied column mappings (``--mapping FILE``) for extracts whose columns were renamed.

A mapping file is a CSV with the columns ``column,indicator`` (``indicator`` may be a catalogue
id or a kwb short name such as ``a_inw``; the special targets ``code`` and ``name`` mark the
region code and name columns) or a TOML table ``[columns]`` with the same pairs.

A third CSV column ``unit`` (or a TOML table ``[units]``) says in which unit a column is when
that differs from the catalogue's: WOZ in euros rather than thousands, a share as a fraction
rather than a percentage. The importer converts (``convert_units``), so the unit a file happens
to use changes no score.
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
        # A row left blank (as in a template from `wijkkompas mapping`) maps nothing.
        return {
            row["column"].strip(): (row["indicator"] or "").strip()
            for row in reader
            if row["column"] and (row["indicator"] or "").strip()
        }
    except csv.Error as exc:
        raise SourceError(
            f"{name}: not a readable CSV file (line {reader.line_num}: {exc})."
        ) from exc


UNIT_FACTORS: dict[tuple[str, str], float] = {
    ("euro", "euro_x1000"): 0.001,
    ("euro_x1000", "euro"): 1000.0,
    ("fraction", "percent"): 100.0,
    ("per_100", "per_1000"): 10.0,
    ("per_10000", "per_1000"): 0.1,
    ("per_100000", "per_1000"): 0.01,
    ("m", "km"): 0.001,
    ("per_ha", "per_km2"): 100.0,
}
"""(unit in the file, unit in the catalogue) → multiply by this to get the catalogue's unit."""


def parse_mapping_units(data: bytes, name: str) -> dict[str, str]:
    """Column → the unit it is in, where the mapping file says (see the module docstring)."""
    text = data.decode("utf-8-sig", errors="strict")
    if name.endswith(".toml"):
        try:
            table = tomllib.loads(text).get("units", {})
        except tomllib.TOMLDecodeError as exc:
            raise SourceError(f"{name}: not valid TOML ({exc}).") from exc
        return {str(k): str(v).strip() for k, v in table.items()}
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if reader.fieldnames is None or "unit" not in reader.fieldnames:
        return {}
    return {
        row["column"].strip(): row["unit"].strip()
        for row in reader
        if row.get("column") and (row.get("unit") or "").strip()
    }


def unit_factor(declared: str, wanted: str, column: str, name: str) -> float:
    """The factor from a declared unit to the catalogue's, or a clear refusal."""
    if declared == wanted:
        return 1.0
    factor = UNIT_FACTORS.get((declared, wanted))
    if factor is None:
        known = sorted({a for a, b in UNIT_FACTORS if b == wanted})
        hint = f" For {wanted} it knows: {', '.join(known)}." if known else ""
        raise SourceError(
            f"{name}: the mapping says column '{column}' is in '{declared}', but wijkkompas "
            f"cannot convert '{declared}' to the catalogue's unit '{wanted}'.{hint} Correct the "
            "unit in the mapping file, or convert the column before importing."
        )
    return factor


def read_mapping_units(path: Path) -> dict[str, str]:
    try:
        return parse_mapping_units(path.read_bytes(), path.name)
    except OSError as exc:
        raise SourceError(f"Cannot read the mapping file {path}: {exc.strerror}.") from exc
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path.name}: the mapping file is not UTF-8 text.") from exc


def read_mapping(path: Path) -> dict[str, str]:
    try:
        return parse_mapping(path.read_bytes(), path.name)
    except OSError as exc:
        raise SourceError(f"Cannot read the mapping file {path}: {exc.strerror}.") from exc
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path.name}: the mapping file is not UTF-8 text.") from exc
