"""Tidy-table helpers shared by the amenity, SES-WOA, crime and Leefbaarometer loaders.

These sources arrive as small files that people download, re-save and rename (reading them is
:mod:`wijkkompas.sources.reading`), so the same questions recur once the cells are read: which
cell is a region code, which year the figures belong to, what a CBS symbol means, what the tidy
tables look like. Answering them once keeps the four loaders agreeing.

The year and suppression rules deliberately match :mod:`wijkkompas.sources.year` and
:mod:`wijkkompas.sources.widetable` (the KWB loaders), so all loaders read a file's year alike.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wijkkompas.catalogue import Catalogue, Indicator
from wijkkompas.errors import InvalidRegionCode
from wijkkompas.regions import RegionCode, parse_region_code
from wijkkompas.sources.base import MISSING_MARKERS, LoadOptions, SourceError, to_number
from wijkkompas.sources.year import TableYear
from wijkkompas.sources.year import resolve_release as resolve_table_release
from wijkkompas.sources.year import resolve_year as resolve_table_year
from wijkkompas.store.batch import (
    OBSERVATION_COLUMNS,
    REGION_COLUMNS,
    UNMATCHED_COLUMNS,
    ImportBatch,
)

SUPPRESSION_MARKERS = frozenset({".", "..", "x", "X", "?"})
"""CBS's own symbols for 'unknown or kept secret' (kept equal to ``cells``): such a cell is
missing *and* marked suppressed; an empty cell or ``NA`` is only missing; ``-`` is nil, a zero."""

RELEASES = ("voorlopig", "definitief")
"""A year on its own in a file name; ``14102024`` (a download date) is not one."""
NON_TARGET_CODE = re.compile(r"^(NL|LD|PV|CR|RE|GG|LB|ZW|CO|TO|VR|RS|AR)[0-9A-Z]{2,4}$")
"""National, landsdeel, provincie and other area codes CBS tables carry next to GM/WK/BU."""


Year = TableYear
"""Where a figure's year came from; the same record the KWB loaders use."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class ReadFile:
    """A file as a loader read it: its name (for messages), its bytes and how they were read
    (format, sheet or delimiter, encoding), which go into the import's provenance."""

    name: str
    data: bytes
    fmt: dict[str, str]

    def provenance(self) -> dict[str, object]:
        return {"file": self.name, "sha256": sha256(self.data), **self.fmt}


def build_batch(
    read: ReadFile,
    source: str,
    description: str,
    *,
    provenance: Mapping[str, object],
    names_to_resolve: bool = False,
    **tables: pd.DataFrame,
) -> ImportBatch:
    """What every loader hands the store: its tables, with the file's name, hash and how it was
    read leading the provenance (so a figure can always be traced to the bytes it came from),
    checked before it leaves the loader so that nothing half-shaped reaches the store.

    ``names_to_resolve``: the regions are named, not coded, yet (a names-only table); the
    importer checks the batch once it has found their codes.
    """
    batch = ImportBatch(
        source=source,
        description=description,
        provenance={**read.provenance(), **provenance},
        **tables,
    )
    if not names_to_resolve:
        batch.validate()
    return batch


def resolve_year(name: str, options: LoadOptions, *candidates: Year | None) -> Year:
    """Content first, then the file name, then ``--year``; a contradicting ``--year`` stops."""
    return resolve_table_year(name, options, *candidates, noun="year")


def resolve_release(name: str, options: LoadOptions, content: str | None = None) -> str:
    """The release of all figures in a file (see :func:`wijkkompas.sources.year.resolve_release`,
    which also says how it was determined)."""
    return resolve_table_release(name, options, content)[0]


def region_code(raw: object, name: str, where: str) -> RegionCode | None:
    """A gemeente, wijk or buurt code; None for national and other area codes (NL00, PV26)."""
    text = str(raw).strip().upper()
    if NON_TARGET_CODE.match(text):
        return None
    try:
        return parse_region_code(text)
    except InvalidRegionCode as exc:
        raise SourceError(f"{name}, {where}: {exc}") from None


def region_codes(values: pd.Series, name: str, where: str, column: str) -> pd.Series:
    """Each cell's gemeente, wijk or buurt code, None for national and other area codes.

    Every distinct cell is parsed once, so a whole-country file with millions of rows costs no
    more than its few thousand codes; an error names the first line holding the bad code.
    """
    text = values.astype("string").fillna("").str.strip().str.upper()
    parsed: dict[str, str | None] = {}
    firsts = text.drop_duplicates()
    for first, cell in firsts.items():
        code = region_code(cell, name, f"{where} {first}, column '{column}'")
        parsed[str(cell)] = code.code if code else None
    return text.map(parsed)


def regions_frame(found: Mapping[tuple[str, int], str]) -> pd.DataFrame:
    """Region rows for (code, boundary year) → name; a missing name becomes the code."""
    rows = []
    for (code, year), region_name in sorted(found.items()):
        parsed = parse_region_code(code)
        rows.append(
            (code, region_name or code, parsed.level, int(year), parsed.gemeente_code,
             parsed.wijk_code)
        )  # fmt: skip
    return pd.DataFrame(rows, columns=REGION_COLUMNS)


def cells_to_values(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers (NaN when missing, never zero) and whether CBS marked the cell as suppressed.

    ``inf`` is not a figure any source publishes: it becomes NaN and counts as unparseable."""
    text = cells.astype("string").str.strip()
    values = to_number(cells)
    values = values.mask(np.isinf(values))
    return values, text.isin(SUPPRESSION_MARKERS).fillna(False).astype(bool)


def unparseable_counts(frame: pd.DataFrame, columns: Iterable[str]) -> dict[str, int]:
    """Cells per column that are neither a number nor a missing marker: usually a shifted
    column or a typo, kept out of the figures and counted for the import report."""
    counts = {}
    for column in columns:
        text = frame[column].astype("string").str.strip()
        values = to_number(frame[column])
        bad = int(
            ((values.isna() | np.isinf(values)) & ~text.isin(MISSING_MARKERS) & text.notna()).sum()
        )
        if bad:
            counts[column] = bad
    return counts


def observations_frame(parts: list[pd.DataFrame]) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in OBSERVATION_COLUMNS})
    frame = pd.concat(parts, ignore_index=True)[OBSERVATION_COLUMNS]
    frame["value"] = frame["value"].astype("float64")
    frame["suppressed"] = frame["suppressed"].astype(bool)
    return frame


def wide_observations(
    frame: pd.DataFrame,
    codes: pd.Series,
    region_year: int,
    period: str,
    matched: Mapping[str, str],
    release: str,
) -> pd.DataFrame:
    """One observation per region row and matched column; ``codes`` aligns with ``frame``."""
    parts = []
    for column, indicator_id in matched.items():
        values, suppressed = cells_to_values(frame[column])
        parts.append(
            pd.DataFrame(
                {
                    "region_code": codes.to_numpy(),
                    "region_year": region_year,
                    "indicator_id": indicator_id,
                    "period": period,
                    "value": values.to_numpy(),
                    "suppressed": suppressed.to_numpy(),
                    "source_column": column,
                    "release": release,
                }
            )
        )
    return observations_frame(parts)


def wide_unmatched(
    frame: pd.DataFrame, codes: pd.Series, region_year: int, period: str, columns: list[str]
) -> pd.DataFrame:
    """Columns no indicator claims, kept as text (without StatLine's space padding)."""
    parts = [
        pd.DataFrame(
            {
                "region_code": codes.to_numpy(),
                "region_year": region_year,
                "period": period,
                "source_column": column,
                "value_text": frame[column].astype("string").str.strip().to_numpy(),
            }
        )
        for column in columns
    ]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in UNMATCHED_COLUMNS})
    return pd.concat(parts, ignore_index=True)[UNMATCHED_COLUMNS]


def mapped_columns(
    options: LoadOptions, catalogue: Catalogue, columns: Iterable[str], name: str
) -> tuple[dict[str, str], str | None, str | None]:
    """``--mapping`` pairs present in this file: column → indicator id, plus code/name columns.

    A target may be a catalogue id or a kwb short name; anything else stops the import, because
    a typo would otherwise silently drop a column into 'unmatched'.
    """
    present = set(columns)
    matched: dict[str, str] = {}
    code_column = name_column = None
    for column, target in options.mapping.items():
        if column not in present:
            continue
        if target == "code":
            code_column = column
        elif target == "name":
            name_column = column
        else:
            indicator = _indicator_for(target, catalogue)
            if indicator is None:
                raise SourceError(
                    f"{name}: the mapping sends column '{column}' to '{target}', which is neither "
                    "a catalogue indicator id nor a kwb short name. Correct the mapping file."
                )
            matched[column] = indicator.id
    return matched, code_column, name_column


def _indicator_for(target: str, catalogue: Catalogue) -> Indicator | None:
    known = {i.id: i for i in catalogue.indicators}
    return known.get(target.strip()) or catalogue.by_kwb_name(target)


def column_provenance(
    observations: pd.DataFrame,
    rows: pd.DataFrame,
    matched: dict[str, str],
    ignored: list[str],
    catalogue: Catalogue,
) -> dict[str, object]:
    """What a wide file's columns became, for its import's provenance: the columns matched to
    indicators and those ignored, implausible figures per indicator, unreadable cells per column."""
    return {
        "matched_columns": matched,
        "ignored_columns": ignored,
        "implausible": implausible_counts(observations, catalogue),
        "unparseable_by_column": unparseable_counts(rows, matched),
    }


def implausible_counts(observations: pd.DataFrame, catalogue: Catalogue) -> dict[str, int]:
    """How many buurt figures per indicator fall outside the catalogue's plausible range (flagged,
    not dropped: a real outlier must stay visible). The ranges are bounds for one buurt, so
    wijk and gemeente totals are not checked."""
    counts: dict[str, int] = {}
    known = {i.id: i for i in catalogue.indicators}
    buurten = observations[observations["region_code"].astype(str).str.startswith("BU")]
    for indicator_id, group in buurten.groupby("indicator_id"):
        indicator = known.get(str(indicator_id))
        if indicator is None:
            continue
        low, high = indicator.plausible_range
        values = group["value"].dropna()
        outside = int(((values < low) | (values > high)).sum())
        if outside:
            counts[str(indicator_id)] = outside
    return counts


def looks_like_codes(values: pd.Series) -> bool:
    """True when most cells are region codes (an OData export's region dimension), not names."""
    text = values.astype("string").str.strip().str.upper()
    return bool(len(text)) and float(text.str.match(CODE_LIKE).fillna(False).mean()) > 0.5


CODE_LIKE = r"^(?:GM|WK|BU|NL|PV|LD)[0-9A-Z]{2,8}$"


PERIOD = re.compile(r"^\s*((?:19|20)\d{2})\s*(JJ00)?\s*(\*)?\s*$")
"""``2019``, ``2023JJ00`` (OData), ``2024*`` (StatLine marks a provisional figure with a star)."""
PERIOD_PART = re.compile(r"^\s*((?:19|20)\d{2})(MM|KW|HJ)\d{2}\s*\*?\s*$")


@dataclass(frozen=True)
class Period:
    year: int
    provisional: bool


def parse_period(raw: object) -> Period | None:
    """A whole-year period, or None for a month, quarter or half year (``2023MM01``)."""
    text = str(raw)
    found = PERIOD.match(text)
    if found:
        return Period(int(found.group(1)), found.group(3) is not None)
    return None


def is_part_year(raw: object) -> bool:
    return PERIOD_PART.match(str(raw)) is not None
