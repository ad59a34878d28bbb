"""Leefbaarometer 3.0 scores (BZK) as an external reference layer, never an input to our index.

The Leefbaarometer predicts livability from a model; wijkkompas shows it next to its own index
so users can compare, and the catalogue keeps its ids (``lbm_*``) untagged and unscored.

Files come as the official open-data CSV (``bu_code``/``wk_code``/``gm_code``, ``jaar``, ``lbm``
and the dimensions ``afw won fys vrz soc onv``), as xlsx excerpts, or as extracts people derived
from them with their own column names (``leefbarometer_score``). Two quirks of such files:

* Rows joined to postcodes repeat one buurt-year many times. Identical repeats are expected and
  merged; the same buurt-year with different scores cannot be resolved and stops the import.
* Some authors wrote 0.0 for a missing score. A total of exactly 0 is impossible on the
  Leefbaarometer scale (about 3 to 5), so an ``lbm`` of 0 is read as missing, and so are the
  dimension scores of that row that are exactly 0 too (written by the same fill).

Regions get the measurement year (``jaar``) as boundary year; a file without a year column needs
``--year``. Region names come from the file when it has them, else the code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from wijkkompas.catalogue import Catalogue
from wijkkompas.sources import reading
from wijkkompas.sources import tabular as tab
from wijkkompas.sources.base import LoadOptions, NamedSourceLoader, SourceError, to_number
from wijkkompas.sources.year import year_from_name
from wijkkompas.store.batch import ImportBatch

SHORT: dict[str, str] = {
    "lbm": "lbm_score",
    "afw": "lbm_deviation",
    "won": "lbm_housing",
    "fys": "lbm_physical_environment",
    "vrz": "lbm_amenities",
    "soc": "lbm_social_cohesion",
    "onv": "lbm_nuisance_insecurity",
}
LONG: dict[str, str] = {
    "": "lbm",
    "score": "lbm",
    "totaalscore": "lbm",
    "afwijking": "afw",
    "woningvoorraad": "won",
    "wonen": "won",
    "fysiekeomgeving": "fys",
    "voorzieningen": "vrz",
    "socialesamenhang": "soc",
    "overlastenonveiligheid": "onv",
    "fysiekeoverlast": "onv",
}
"""Suffix after ``leefbaarometer_``/``leefbarometer_`` in derived extracts → short name."""

CODES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("bucode", "buurtcode"), ("bunaam", "buurtnaam", "regio", "naam")),
    (("wkcode", "wijkcode"), ("wknaam", "wijknaam", "regio", "naam")),
    (("gmcode", "gemeentecode"), ("gmnaam", "gemeentenaam", "regio", "naam")),
    (("gwbcode", "regiocode", "code"), ("regio", "naam")),
)
"""Code columns from the most to the least specific, each with its name columns."""
YEAR_KEYS = ("jaar", "year", "meetjaar")
JOIN_KEYS = ("pc4", "postcode", "id", "index", "fid", "objectid")


def _short_name(column: str) -> str | None:
    k = reading.key(column)
    if k in SHORT:
        return k
    for prefix in ("leefbaarometer", "leefbarometer"):
        if k.startswith(prefix):
            return LONG.get(k.removeprefix(prefix))
    return None


class LeefbaarometerLoader(NamedSourceLoader):
    key = "leefbaarometer"
    description = "Leefbaarometer 3.0 scores (external reference layer), CSV or xlsx"
    name_words = ("leefbaarometer", "leefbarometer")

    def sniff_head(self, head: bytes) -> bool:
        first = head.split(b"\n", 1)[0].lower()
        if b"leefbaarometer" in first or b"leefbarometer" in first:
            return True
        return b"lbm" in first and (b"bu_code" in first or b"jaar" in first)

    def load(
        self, data: bytes, name: str, catalogue: Catalogue, options: LoadOptions
    ) -> ImportBatch:
        fmt: dict[str, str]
        if reading.is_xlsx(data):
            wanted = [k for codes, _ in CODES for k in codes] + list(options.mapping)
            frame, sheet = reading.read_sheet(data, name, wanted)
            fmt, where = {"format": "xlsx", "sheet": sheet}, "row"
        else:
            rows, fmt = reading.read_rows(data, name)
            frame, _unnamed = reading.rows_to_frame(rows, name)
            fmt, where = {"format": "CSV", **fmt}, "line"
        return _build(frame, tab.ReadFile(name, data, fmt), catalogue, options, where)


@dataclass
class Roles:
    """What each column of the file is."""

    code: str
    name: str | None
    year: str | None
    matched: dict[str, str]
    ignored: list[str]
    unmatched: list[str]


def _roles(frame: pd.DataFrame, catalogue: Catalogue, options: LoadOptions, name: str) -> Roles:
    columns = [str(c) for c in frame.columns]
    known = {i.id for i in catalogue.indicators}
    matched, code_col, name_col = tab.mapped_columns(options, catalogue, columns, name)
    keys = {c: reading.key(c) for c in columns}
    if code_col is None:
        for code_keys, name_keys in CODES:
            code_col = next((c for c in columns if keys[c] in code_keys), None)
            if code_col is not None:
                if name_col is None:
                    name_col = next((c for k in name_keys for c in columns if keys[c] == k), None)
                break
    if code_col is None:
        raise SourceError(
            f"{name}: no region code column (bu_code, wk_code, gm_code or buurt_code). Name the "
            "code column in a --mapping file ('<column>,code')."
        )
    year_col = next((c for c in columns if keys[c] in YEAR_KEYS), None)
    ignored = []
    for column in columns:
        if column in matched or column in (code_col, name_col, year_col):
            continue
        short = _short_name(column)
        target = SHORT.get(short or "")
        if target in known and target not in matched.values():
            matched[column] = str(target)
        elif (
            keys[column] in JOIN_KEYS
            or column.startswith("(column ")
            or any(keys[column] in ks for ks, _ in CODES)
            or any(keys[column] in ns for _, ns in CODES)
        ):
            ignored.append(column)
    if not matched:
        raise SourceError(
            f"{name}: no Leefbaarometer score column (lbm, afw, won, fys, vrz, soc, onv). Is this "
            "a Leefbaarometer file? Map renamed columns with --mapping FILE."
        )
    data_cols = [c for c in columns if c not in (code_col, name_col, year_col) and c not in matched]
    unmatched = [c for c in data_cols if c not in ignored]
    return Roles(code_col, name_col, year_col, matched, ignored, unmatched)


def _years(
    frame: pd.DataFrame, year_col: str | None, name: str, where: str, options: LoadOptions
) -> tuple[list[int], str]:
    if year_col is None:
        year = tab.resolve_year(name, options, year_from_name(name))
        return [year.year] * len(frame), year.how
    numbers = to_number(frame[year_col]).to_numpy()
    finite = np.isfinite(numbers)
    whole = np.zeros(len(numbers), dtype=bool)
    whole[finite] = (numbers[finite] == np.round(numbers[finite])) & (
        (numbers[finite] >= 1990) & (numbers[finite] <= 2100)
    )
    if not whole.all():
        index = frame.index[~whole][0]
        raw = str(frame.at[index, year_col]).strip()
        raise SourceError(
            f"{name}, {where} {index}: '{raw}' in column '{year_col}' is not a measurement "
            "year. Fix that cell and import again."
        )
    years = [int(y) for y in numbers]
    if options.year is not None and set(years) - {int(options.year)}:
        raise SourceError(
            f"{name}: the column '{year_col}' gives the years {sorted(set(years))[:8]}, but --year "
            f"{options.year} was given. Drop --year: this file says its own years."
        )
    return years, f"column '{year_col}' (each row's own measurement year)"


def _build(
    frame: pd.DataFrame, read: tab.ReadFile, catalogue: Catalogue, options: LoadOptions, where: str
) -> ImportBatch:
    name = read.name
    blank = np.ones(len(frame), dtype=bool)
    for column in frame.columns:
        blank &= (frame[column].astype("string").fillna("").str.strip() == "").to_numpy(dtype=bool)
    frame = frame[~blank]
    roles = _roles(frame, catalogue, options, name)
    matched, code_col, name_col = roles.matched, roles.code, roles.name
    years, year_how = _years(frame, roles.year, name, where, options)
    release = tab.resolve_release(name, options)
    empty_code = frame[code_col].astype("string").fillna("").str.strip() == ""
    if empty_code.any():
        index = empty_code.index[empty_code.to_numpy()][0]
        raise SourceError(f"{name}, {where} {index}: the region code in '{code_col}' is empty.")
    parsed = tab.region_codes(frame[code_col], name, where, code_col)
    keep = parsed.notna().to_numpy()
    if not keep.any():
        raise SourceError(f"{name}: no gemeente, wijk or buurt rows were found.")
    codes = parsed[keep].tolist()
    row_years = [y for y, k in zip(years, keep, strict=True) if k]
    rows = frame.loc[frame.index[keep]]
    values = pd.DataFrame({c: tab.cells_to_values(rows[c])[0] for c in matched}, index=rows.index)
    zero_fill = _zero_lbm_as_missing(values, matched)
    tidy = pd.DataFrame({"code": codes, "year": row_years}, index=rows.index)
    tidy = tidy.join(values)
    _check_conflicts(tidy, list(matched), name, where)
    unique = tidy[~tidy.duplicated(["code", "year"])]
    parts = []
    for column, indicator_id in matched.items():
        raw = rows.loc[unique.index, column].astype("string").str.strip()
        parts.append(
            pd.DataFrame(
                {
                    "region_code": unique["code"].to_numpy(),
                    "region_year": unique["year"].to_numpy(),
                    "indicator_id": indicator_id,
                    "period": unique["year"].astype(str).to_numpy(),
                    "value": unique[column].to_numpy(),
                    "suppressed": (raw.isin(tab.SUPPRESSION_MARKERS)).fillna(False).to_numpy(),
                    "source_column": column,
                    "release": release,
                }
            )
        )
    observations = tab.observations_frame(parts)
    unmatched = _unmatched(rows, tidy, roles.unmatched)
    names = {
        (c, int(y)): (str(rows.at[i, name_col]).strip() if name_col else "")
        for i, c, y in zip(unique.index, unique["code"], unique["year"], strict=True)
    }
    return tab.build_batch(
        read,
        LOADER.key,
        f"{LOADER.description}: {name}",
        regions=tab.regions_frame(names),
        observations=observations,
        unmatched=unmatched,
        provenance={
            "table_id": None,
            "year_from": year_how,
            "years": sorted(set(row_years)),
            "role": "external reference layer (not an input to the wijkkompas index)",
            **tab.column_provenance(observations, rows, matched, roles.ignored, catalogue),
            "duplicate_rows_merged": int(len(tidy) - len(unique)),
            "zero_lbm_read_as_missing": zero_fill,
        },
    )


def _zero_lbm_as_missing(values: pd.DataFrame, matched: dict[str, str]) -> int:
    """Blank a total of exactly 0 and that row's zero dimension scores; returns how many rows."""
    total = next((c for c, i in matched.items() if i == "lbm_score"), None)
    if total is None:
        return 0
    zero = values[total] == 0
    for column in matched:
        values.loc[zero & (values[column] == 0), column] = np.nan
    return int(zero.sum())


def _check_conflicts(tidy: pd.DataFrame, columns: list[str], name: str, where: str) -> None:
    repeated = tidy[tidy.duplicated(["code", "year"], keep=False)]
    for (code, year), group in repeated.groupby(["code", "year"]):
        for column in columns:
            distinct = group[column].drop_duplicates()
            if len(distinct) > 1:
                places = ", ".join(f"{where} {i}" for i in group.index[:4])
                raise SourceError(
                    f"{name}: {code} {year} has different values in '{column}' "
                    f"({', '.join(map(str, distinct.head(3)))}) at {places}. Repeated rows are "
                    "only accepted when their scores agree; keep the right row and import again."
                )


def _unmatched(rows: pd.DataFrame, tidy: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    parts = [
        pd.DataFrame(
            {
                "region_code": tidy["code"].to_numpy(),
                "region_year": tidy["year"].to_numpy(),
                "period": tidy["year"].astype(str).to_numpy(),
                "source_column": column,
                "value_text": rows[column].astype("string").str.strip().to_numpy(),
            }
        )
        for column in columns
    ]
    if not parts:
        return pd.DataFrame(
            columns=["region_code", "region_year", "period", "source_column", "value_text"]
        )
    return pd.concat(parts, ignore_index=True).drop_duplicates(ignore_index=True)


LOADER = LeefbaarometerLoader()
