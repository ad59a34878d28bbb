"""A wide CBS table (one row per region, one column per topic) into the tidy import shape.

KWB download files, StatLine CSVs and OData JSON differ in how they are read and how their
columns are named, but once a loader knows which column holds the region code, which ones feed
which indicator and which ones are identification, the rest is the same: check the codes, parse
the cells by the shared CBS rules, keep every unknown column verbatim. Doing that in one place
keeps the loaders agreeing on what ``.`` means and on what a duplicate code is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from wijkkompas.catalogue import Catalogue, Indicator
from wijkkompas.errors import InvalidRegionCode, WijkkompasError
from wijkkompas.regions import parse_region_code
from wijkkompas.sources.base import SourceError
from wijkkompas.sources.cells import cell_text, parse_cells
from wijkkompas.sources.tabular import ReadFile, build_batch
from wijkkompas.sources.year import TableYear
from wijkkompas.store.batch import (
    BOUNDARY_CHANGE_COLUMNS,
    NATIONAL_COLUMNS,
    OBSERVATION_COLUMNS,
    REGION_COLUMNS,
    UNMATCHED_COLUMNS,
    ImportBatch,
)

MAPPING_CODE = "code"
MAPPING_NAME = "name"
COUNTRY_CODE = "NL00"
"""The whole country ("Nederland", soort regio "Land"): its figures are kept as national figures,
to compare regions with. Other national-looking codes are skipped like any non-region row."""


@dataclass
class ColumnRoles:
    """What a loader decided each column of the file is."""

    code: str | None = None
    name: str | None = None
    change: str | None = None
    identification: list[str] = field(default_factory=list)
    matched: dict[str, Indicator] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)
    notes: dict[str, Any] = field(default_factory=dict)

    def claim(self, column: str, indicator: Indicator) -> None:
        """Feed ``indicator`` from ``column``, unless another column already does (kept unmatched:
        two figures for one indicator, region and period cannot both be stored)."""
        if indicator.id in {i.id for i in self.matched.values()}:
            self.notes.setdefault("duplicate_indicator_columns", []).append(column)
            self.unmatched.append(column)
        else:
            self.matched[column] = indicator


def mapped_roles(
    columns: list[str], mapping: dict[str, str], catalogue: Catalogue, name: str
) -> dict[str, str | Indicator]:
    """Resolve ``--mapping`` targets for the columns this file has: 'code', 'name' or an indicator."""
    resolved: dict[str, str | Indicator] = {}
    by_key = {c.strip().lower(): c for c in columns}
    for source_column, target in mapping.items():
        column = by_key.get(str(source_column).strip().lower())
        if column is None:
            continue
        goal = str(target).strip()
        if goal.lower() in (MAPPING_CODE, MAPPING_NAME):
            resolved[column] = goal.lower()
            continue
        indicator = _indicator_named(goal, catalogue)
        if indicator is None:
            raise SourceError(
                f"{name}: the mapping sends column '{column}' to '{goal}', which is neither "
                "'code', 'name', a catalogue indicator id nor a kwb/StatLine name the catalogue "
                "knows. Run `wijkkompas catalogue` for the ids and fix the mapping file."
            )
        resolved[column] = indicator
    return resolved


def _indicator_named(goal: str, catalogue: Catalogue) -> Indicator | None:
    by_id = {i.id: i for i in catalogue.indicators}
    if goal in by_id:
        return by_id[goal]
    found = catalogue.by_kwb_name(goal)
    if found is None:
        try:
            found = catalogue.by_statline_base(goal)
        except WijkkompasError:
            found = None
    return found


@dataclass
class TableInfo:
    """Everything about the file that is not in its cells."""

    file_name: str
    data: bytes
    source: str
    description: str
    layout: str
    table_year: int
    year_how: str
    release: str
    release_how: str
    table_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def read(self) -> ReadFile:
        """The file as read, for :func:`~wijkkompas.sources.tabular.build_batch` (how it was read
        is in the table's own provenance)."""
        return ReadFile(self.file_name, self.data, {})

    @classmethod
    def of(
        cls,
        name: str,
        data: bytes,
        *,
        source: str,
        description: str,
        layout: str,
        year: TableYear,
        release: tuple[str, str],
        table_id: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> TableInfo:
        """From what the loaders resolve: the table year and the release, each with how it
        was found (:func:`~wijkkompas.sources.year.resolve_year`, ``resolve_release``)."""
        return cls(
            file_name=name,
            data=data,
            source=source,
            description=description,
            layout=layout,
            table_year=year.year,
            year_how=year.how,
            release=release[0],
            release_how=release[1],
            table_id=table_id,
            extra=extra or {},
        )


def table_batch(
    frame: pd.DataFrame, row_numbers: list[int] | np.ndarray, roles: ColumnRoles, info: TableInfo
) -> ImportBatch:
    """The tidy batch of a wide table whose column roles are decided."""
    if roles.code is None:
        raise SourceError(
            f"{info.file_name}: no column with region codes was found, so the figures cannot be "
            "placed. Expected a code column such as gwb_code_10 or gwb_code (kwb files), "
            "'Regioaanduiding/Codering (code)', Codering_3 or WijkenEnBuurten (StatLine). "
            f"The file's columns are: {_shown(list(frame.columns))}. If the columns were "
            "renamed, pass --mapping with a row that maps the code column to 'code'."
        )
    rows = np.asarray(row_numbers)
    codes, keep, country, skipped = _region_rows(frame[roles.code], rows)
    if not keep.any():
        raise SourceError(
            f"{info.file_name}: column '{roles.code}' holds no gemeente, wijk or buurt code "
            f"(GM0344, WK034401, BU03440111); first values: {_shown(skipped['examples'])}. "
            "Check that this is a CBS regional table, or map the right column to 'code'."
        )
    _refuse_duplicates(codes[keep | country], rows[keep | country], info.file_name, roles.code)
    national, national_unparseable = _national(frame.loc[country], roles, info)
    frame = frame.loc[keep].reset_index(drop=True)
    codes = codes[keep]
    rows = rows[keep]

    regions = _regions(codes, frame, roles, info.table_year)
    observations, unparseable = _observations(codes, frame, roles, info)
    for column, count in national_unparseable.items():
        unparseable[column] = unparseable.get(column, 0) + count
    unmatched = _unmatched(codes, frame, roles, info)
    changes = _boundary_changes(codes, frame, roles, info.table_year)
    provenance = table_provenance(
        info,
        roles,
        national=len(national),
        unparseable=unparseable,
        code_column=roles.code,
        skipped_rows=skipped,
    )
    return build_batch(
        info.read(),
        info.source,
        info.description,
        regions=regions,
        observations=observations,
        unmatched=unmatched,
        boundary_changes=changes,
        national=national,
        provenance=provenance,
    )


def table_provenance(
    info: TableInfo,
    roles: ColumnRoles,
    *,
    national: int,
    unparseable: dict[str, int],
    **specific: Any,
) -> dict[str, Any]:
    """The provenance of a CBS regional table's import: the file, its year and release and how
    they were found, what its columns became, and what the loader adds (``specific``); the
    roles' notes and the loader's extra facts come last and may refine any of it."""
    return {
        "file": info.file_name,
        "layout": info.layout,
        "table_id": info.table_id,
        "table_year": info.table_year,
        "table_year_from": info.year_how,
        "release": info.release,
        "release_from": info.release_how,
        **specific,
        "name_column": roles.name,
        "matched_columns": {c: i.id for c, i in roles.matched.items()},
        "unmatched_columns": list(roles.unmatched),
        "n_national": national,
        "n_unparseable": int(sum(unparseable.values())),
        "unparseable_by_column": unparseable,
        **roles.notes,
        **info.extra,
    }


def _shown(items: list[Any], limit: int = 12) -> str:
    shown = ", ".join(repr(str(i)) for i in items[:limit])
    return shown + (f" … ({len(items)} in all)" if len(items) > limit else "")


def _region_rows(
    raw: pd.Series, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
    """Stripped codes, which rows are regions and which row is the country (NL00).

    National rows are never regions: ``skipped_rows["national"]`` counts them all, as it always
    has, and ``skipped_rows["national_kept"]`` says how many of them (the NL00 row) went to the
    national figures instead. Blank rows and other codes are skipped.
    """
    text = raw.astype("string").str.strip().str.upper().fillna("")
    codes = text.to_numpy(dtype=object)
    keep = np.zeros(len(codes), dtype=bool)
    country = np.zeros(len(codes), dtype=bool)
    national, blank, invalid = 0, 0, []
    for position, code in enumerate(codes):
        if code.startswith("NL") and len(code) <= 4:
            national += 1
            country[position] = code == COUNTRY_CODE
        elif code == "":
            blank += 1
        else:
            try:
                parse_region_code(code)
            except InvalidRegionCode:
                invalid.append(f"row {rows[position]}: {code[:20]!r}")
            else:
                keep[position] = True
    skipped: dict[str, Any] = {
        "national": national,
        "national_kept": int(country.sum()),
        "blank": blank,
        "not_a_code": len(invalid),
    }
    skipped["examples"] = invalid[:5]
    return codes, keep, country, skipped


def _refuse_duplicates(codes: np.ndarray, rows: np.ndarray, name: str, column: str) -> None:
    series = pd.Series(codes)
    dupes = series[series.duplicated(keep=False)]
    if dupes.empty:
        return
    groups = [
        f"{code} (rows {', '.join(str(rows[i]) for i in positions[:5])})"
        for code, positions in dupes.groupby(dupes, sort=False).groups.items()
    ]
    raise SourceError(
        f"{name}: region code {groups[0]} occurs more than once in column '{column}'"
        + (f"; also {', '.join(groups[1:4])}" if len(groups) > 1 else "")
        + ". A table must have one row per region and year: remove the duplicate rows (or split "
        "the file per year) and import again."
    )


def _regions(codes: np.ndarray, frame: pd.DataFrame, roles: ColumnRoles, year: int) -> pd.DataFrame:
    parsed = [parse_region_code(c) for c in codes]
    if roles.name is not None:
        names = frame[roles.name].astype("string").str.strip()
        names = names.where(names.notna() & (names != ""), pd.Series(codes, dtype="string"))
    else:
        names = pd.Series(codes, dtype="string")
    return pd.DataFrame(
        {
            "code": codes.astype(object),
            "name": names.astype(object).to_numpy(),
            "level": [p.level for p in parsed],
            "year": np.full(len(codes), year, dtype="int64"),
            "gemeente_code": [p.gemeente_code for p in parsed],
            "wijk_code": [p.wijk_code for p in parsed],
        },
        columns=REGION_COLUMNS,
    )


def _observations(
    codes: np.ndarray, frame: pd.DataFrame, roles: ColumnRoles, info: TableInfo
) -> tuple[pd.DataFrame, dict[str, int]]:
    n = len(codes)
    values, suppressed, columns, ids, periods = [], [], [], [], []
    unparseable: dict[str, int] = {}
    for column, indicator in roles.matched.items():
        v, s, bad = parse_cells(frame[column])
        values.append(v)
        suppressed.append(s)
        columns.append(column)
        ids.append(indicator.id)
        periods.append(indicator.period_label(info.table_year))
        if bad.any():
            unparseable[column] = int(bad.sum())
    m = len(columns)
    cell_region = np.tile(np.arange(n, dtype=np.int32), m)
    cell_column = np.repeat(np.arange(m, dtype=np.int32), n)
    observations = pd.DataFrame(
        {
            "region_code": _repeated_text(codes, cell_region),
            "region_year": np.full(n * m, info.table_year, dtype="int64"),
            "indicator_id": _repeated_text(np.array(ids, dtype=object), cell_column),
            "period": _repeated_text(np.array(periods, dtype=object), cell_column),
            "value": np.concatenate(values) if m else np.empty(0, dtype="float64"),
            "suppressed": np.concatenate(suppressed) if m else np.empty(0, dtype=bool),
            "source_column": _repeated_text(np.array(columns, dtype=object), cell_column),
            "release": _repeated_text(
                np.array([info.release], dtype=object), np.zeros(n * m, dtype=np.int32)
            ),
        },
        columns=OBSERVATION_COLUMNS,
    )
    return observations, unparseable


def _national(
    frame: pd.DataFrame, roles: ColumnRoles, info: TableInfo
) -> tuple[pd.DataFrame, dict[str, int]]:
    """The country row's figures, parsed exactly as a region's: the same matched columns,
    periods (income lag included), release and missing markers, so a buurt and the country
    can be compared figure by figure."""
    codes = np.full(len(frame), COUNTRY_CODE, dtype=object)
    observations, unparseable = _observations(codes, frame.reset_index(drop=True), roles, info)
    national = observations.rename(columns={"region_year": "table_year"})[NATIONAL_COLUMNS]
    return national, unparseable


def _objects(values: np.ndarray) -> pd.Series:
    """A column kept as Python objects: pandas would otherwise convert millions of strings to
    its Arrow string type, which costs more than the whole import of a kwb file."""
    return pd.Series(values, dtype=object)


def _unmatched(
    codes: np.ndarray, frame: pd.DataFrame, roles: ColumnRoles, info: TableInfo
) -> pd.DataFrame:
    n, m = len(codes), len(roles.unmatched)
    texts = [cell_text(frame[c]) for c in roles.unmatched]
    # Region codes and column names repeat (a column's cells, then the next column's): built
    # as Arrow text from their few distinct values, they go to the store without a Python
    # string per cell (1.4 million cells in a whole-country kwb file).
    region = _repeated_text(codes, np.tile(np.arange(n, dtype=np.int32), m))
    column = _repeated_text(
        np.array(roles.unmatched, dtype=object), np.repeat(np.arange(m, dtype=np.int32), n)
    )
    return pd.DataFrame(
        {
            "region_code": region,
            "region_year": np.full(n * m, info.table_year, dtype="int64"),
            "period": _objects(np.full(n * m, None, dtype=object)),
            "source_column": column,
            "value_text": pd.Series(
                pd.arrays.ArrowExtensionArray(pa.chunked_array(texts, type=pa.string()))
            ),
        },
        columns=UNMATCHED_COLUMNS,
    )


def _repeated_text(values: np.ndarray, positions: np.ndarray) -> pd.Series:
    """``values[positions]`` as an Arrow-backed text column that stays dictionary-encoded:
    DuckDB decodes it while it writes the store, so a whole-country file's million region
    codes, ids and column names are never made as strings here (a quarter of a second of the
    import; the store holds exactly the same rows, compared table by table)."""
    dictionary = pa.array([str(v) for v in values], type=pa.string())
    coded = pa.DictionaryArray.from_arrays(pa.array(positions), dictionary)
    return pd.Series(pd.arrays.ArrowExtensionArray(coded))


def _boundary_changes(
    codes: np.ndarray, frame: pd.DataFrame, roles: ColumnRoles, year: int
) -> pd.DataFrame:
    if roles.change is None:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in BOUNDARY_CHANGE_COLUMNS})
    values, _, _ = parse_cells(frame[roles.change])
    known = ~np.isnan(values) & (np.abs(values) < 1e6)
    return pd.DataFrame(
        {
            "region_code": codes[known].astype(object),
            "region_year": np.full(int(known.sum()), year, dtype="int64"),
            "change_code": values[known].astype("int64"),
        },
        columns=BOUNDARY_CHANGE_COLUMNS,
    )
