"""Code crosswalks between boundary years: which share of an old region went into a new one.

Two layouts are read. The plain one is a table ``old_code,new_code,share[,old_year,new_year]``
(comma or semicolon, decimal comma allowed), which a municipality's statistician can write by
hand. The other is a gebiedsindeling export that keeps codes of several years side by side
(Amsterdam's ``BUURTCODE_CBS_2015`` next to ``BUURTCODE_CBS_2022``): each row is a 1:1 pair,
and the years come from the column names. Everything is validated before it reaches the
store, because one wrong share silently moves people between buurten in every converted series.
"""

from __future__ import annotations

import io
import itertools
import re

import numpy as np
import pandas as pd

from wijkkompas.catalogue import Catalogue
from wijkkompas.errors import InvalidRegionCode
from wijkkompas.regions import parse_region_code
from wijkkompas.sources.base import LoadOptions, SourceError, to_number
from wijkkompas.sources.tabular import ReadFile, build_batch
from wijkkompas.sources.textfile import decode_text, sniff_delimiter
from wijkkompas.store.batch import CROSSWALK_COLUMNS, ImportBatch

SHARE_TOLERANCE = 1e-6
"""Shares of one old code may sum to at most 1 + this (rounding in hand-made tables)."""

_PLAIN_REQUIRED = {"old_code", "new_code"}
_YEARED_CODE = re.compile(r"^(?P<base>.*?code.*?)[_\s-]?(?P<year>(?:19|20)\d\d)$", re.IGNORECASE)


def _read_table(data: bytes, name: str) -> pd.DataFrame:
    text, _ = decode_text(data)
    delimiter = sniff_delimiter(text)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise SourceError(f"{name}: not a readable CSV table ({exc}).") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _yeared_code_columns(frame: pd.DataFrame) -> dict[int, str]:
    """Year → column for columns like ``BUURTCODE_CBS_2015`` that hold valid region codes."""
    found: dict[int, tuple[int, str]] = {}
    for column in frame.columns:
        match = _YEARED_CODE.match(column)
        if not match:
            continue
        values = frame[column].str.strip().str.upper()
        valid = int(values.map(_is_code).sum())
        year = int(match.group("year"))
        if valid and (year not in found or valid > found[year][0]):
            found[year] = (valid, column)
    return {year: column for year, (_n, column) in sorted(found.items())}


def _is_code(value: str) -> bool:
    try:
        parse_region_code(value)
    except InvalidRegionCode:
        return False
    return True


def _from_yeared_columns(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    columns = _yeared_code_columns(frame)
    if len(columns) < 2:
        raise SourceError(
            f"{name}: not a crosswalk. Give the columns old_code,new_code,share (and "
            "old_year,new_year), or two code columns whose names end in their year, such as "
            "BUURTCODE_CBS_2015 and BUURTCODE_CBS_2022."
        )
    years = list(columns)
    parts = []
    # Consecutive pairs: a file with 2015, 2018 and 2022 codes gives 2015→2018 and 2018→2022.
    for old_year, new_year in itertools.pairwise(years):
        pair = pd.DataFrame(
            {
                "old_code": frame[columns[old_year]],
                "old_year": old_year,
                "new_code": frame[columns[new_year]],
                "new_year": new_year,
                "share": "1",
                "line": frame.index + 2,
            }
        )
        empty = pair["old_code"].str.strip().eq("") | pair["new_code"].str.strip().eq("")
        parts.append(pair[~empty].drop_duplicates(["old_code", "new_code"]))
    return pd.concat(parts, ignore_index=True)


def _from_plain(frame: pd.DataFrame, name: str, options: LoadOptions) -> pd.DataFrame:
    lower = {c.lower(): c for c in frame.columns}
    out = pd.DataFrame(
        {
            "old_code": frame[lower["old_code"]],
            "new_code": frame[lower["new_code"]],
            "share": frame[lower["share"]] if "share" in lower else "1",
            "line": frame.index + 2,  # the header is line 1
        }
    )
    for column in ("old_year", "new_year"):
        if column in lower:
            out[column] = frame[lower[column]]
        elif column == "new_year" and options.year is not None:
            out[column] = str(options.year)
        else:
            raise SourceError(
                f"{name}: the crosswalk has no {column} column. Add old_year and new_year "
                "columns (the boundary years of old_code and new_code); --year gives new_year "
                "only, because guessing the old year would silently misplace figures."
            )
    return out


def _validate(raw: pd.DataFrame, name: str) -> pd.DataFrame:
    """Codes, years and shares checked row by row; a problem is named with its line."""
    frame = raw.reset_index(drop=True)
    lines = frame["line"].tolist()
    problems: list[str] = []
    old_codes: list[str | None] = []
    new_codes: list[str | None] = []
    for line, old, new in zip(lines, frame["old_code"], frame["new_code"], strict=True):
        try:
            o, n = parse_region_code(str(old)), parse_region_code(str(new))
        except InvalidRegionCode as exc:
            problems.append(f"line {line}: {exc}")
            old_codes.append(None)
            new_codes.append(None)
            continue
        if o.level != n.level:
            problems.append(f"line {line}: {o.code} is a {o.level} but {n.code} is a {n.level}")
        old_codes.append(o.code)
        new_codes.append(n.code)
    shares = to_number(frame["share"].astype("string").replace("", "1")).to_numpy()
    years = {
        column: pd.to_numeric(frame[column].astype("string").str.strip(), errors="coerce")
        .astype("float64")
        .to_numpy()
        for column in ("old_year", "new_year")
    }
    for column, values in years.items():
        for i in np.flatnonzero(np.isnan(values) | (values % 1 != 0)):
            problems.append(f"line {lines[i]}: {column} '{frame[column].iloc[i]}' is not a year")
    for i in np.flatnonzero(np.isnan(shares) | (shares < 0) | (shares > 1)):
        problems.append(f"line {lines[i]}: share '{frame['share'].iloc[i]}' is not between 0 and 1")
    for i in np.flatnonzero(years["old_year"] >= years["new_year"]):
        problems.append(f"line {lines[i]}: old_year must be before new_year")
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise SourceError(f"{name}: {'; '.join(problems[:3])}{more}. Nothing was imported.")
    out = pd.DataFrame(
        {
            "old_code": pd.Series(old_codes, dtype=object),
            "old_year": years["old_year"].astype(int),
            "new_code": pd.Series(new_codes, dtype=object),
            "new_year": years["new_year"].astype(int),
            "share": shares.astype(float),
        }
    )[CROSSWALK_COLUMNS]
    keys = ["old_code", "old_year", "new_code", "new_year"]
    duplicated = out[out.duplicated(keys, keep=False)]
    if len(duplicated):
        first = duplicated.iloc[0]
        raise SourceError(
            f"{name}: {first.old_code} ({first.old_year}) → {first.new_code} ({first.new_year}) "
            "appears more than once; give each pair one row with its total share."
        )
    totals = out.groupby(["old_code", "old_year", "new_year"], as_index=False)["share"].sum()
    over = totals[totals["share"] > 1 + SHARE_TOLERANCE]
    if len(over):
        worst = over.iloc[0]
        raise SourceError(
            f"{name}: the shares of {worst.old_code} ({worst.old_year} → {worst.new_year}) add "
            f"up to {worst.share:.4g}, more than 1"
            f"{f' ({len(over)} codes in all)' if len(over) > 1 else ''}. A region cannot hand "
            "on more than all of itself; check the shares."
        )
    return out


def read_crosswalk(data: bytes, name: str, options: LoadOptions | None = None) -> pd.DataFrame:
    """The validated crosswalk of a file, in the store's :data:`CROSSWALK_COLUMNS`."""
    frame = _read_table(data, name)
    lower = {c.lower() for c in frame.columns}
    if lower >= _PLAIN_REQUIRED:
        raw = _from_plain(frame, name, options or LoadOptions())
    else:
        raw = _from_yeared_columns(frame, name)
    if raw.empty:
        raise SourceError(f"{name}: the crosswalk has no rows.")
    return _validate(raw, name)


class CrosswalkLoader:
    """The ``crosswalk`` source: see the module docstring."""

    key = "crosswalk"
    description = "Code crosswalk between boundary years (old_code,new_code,share)"

    def sniff(self, name: str, head: bytes) -> bool:
        first = head.decode("utf-8-sig", errors="replace").split("\n", 1)[0]
        columns = {c.strip().strip('"').lower() for c in re.split(r"[;,]", first)}
        if columns >= _PLAIN_REQUIRED:
            return True
        years = {m.group("year") for c in columns if (m := _YEARED_CODE.match(c)) and "cbs" in c}
        return len(years) >= 2

    def load(
        self, data: bytes, name: str, catalogue: Catalogue, options: LoadOptions
    ) -> ImportBatch:
        crosswalk = read_crosswalk(data, name, options)
        pairs = sorted(
            {(int(a), int(b)) for a, b in zip(crosswalk.old_year, crosswalk.new_year, strict=True)}
        )
        return build_batch(
            ReadFile(name, data, {}),
            self.key,
            f"Code crosswalk from {name}",
            crosswalk=crosswalk,
            provenance={
                "year_pairs": [f"{a}->{b}" for a, b in pairs],
                "rows": len(crosswalk),
            },
        )


LOADER = CrosswalkLoader()
