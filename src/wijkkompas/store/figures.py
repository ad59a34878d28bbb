"""The chosen figures, read as Arrow with dictionary codes and picked with integer keys.

``index.inputs.select_figures`` picks one figure per region, index year and indicator from the
whole observations table. Done in pandas on a store of twelve whole-country files, that means
eight million rows of Python strings made, sorted and thrown away (half a minute). Here the
store hands over Arrow columns, text becomes dictionary codes (one string per distinct value,
not per row), and the pick is integer arithmetic: a figure that is alone for its region, year
and indicator (nearly all of them) is chosen without sorting; only the few keys that several
figures share are ordered, by the engine's own rules (:class:`SourceRules`). Tests hold the
result to ``select_figures`` on the demo and on real data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from wijkkompas.index.inputs import Selection, SourceRules
from wijkkompas.index.panel import period_years
from wijkkompas.index.parallel import for_each_block
from wijkkompas.store.schema import registered

FIGURE_COLUMNS = [
    "region_code", "region_year", "level", "gemeente_code", "indicator_id", "period", "value",
    "suppressed", "source", "source_column", "release", "import_id",
]  # fmt: skip
"""What ``StoreReader.observations`` returns; a selection adds the index ``year``."""
CONFLICT_COLUMNS = ["indicator_id", "year", "winner", "other", "figures"]
T = TypeVar("T")


def stored_figures(con: duckdb.DuckDBPyConnection, gemeente: str | None = None) -> pa.Table:
    """The observations table joined to its regions, as Arrow, in the order of
    ``StoreReader.observations`` (a voorlopig figure is still there beside its definitief twin:
    :func:`choose` drops it, with integer keys rather than a window over text).

    Text columns come as dictionary arrays: DuckDB casts each of the observations' to an ENUM
    of its distinct values (sorted), so eight million rows cross to Python as small integer
    codes rather than as strings that would be hashed again here. The region's own columns
    (code, level, gemeente) are not joined in as text: the join gives each figure the row of
    its region in a small table read once, whose codes are taken per figure (casting eight
    million region codes to an ENUM of twenty thousand, and joining two more text columns,
    took most of a second each at whole-country scale)."""
    where, params = "", []
    if gemeente:
        where, params = "WHERE gemeente_code = ?", [gemeente]
    regions = con.sql(
        f"SELECT code, year, level, gemeente_code FROM regions {where}", params=params
    ).to_arrow_table()
    keys = pa.table(
        {
            "code": regions["code"],
            "year": regions["year"],
            "region_row": pa.array(np.arange(regions.num_rows, dtype=np.int32)),
        }
    )
    select = ["k.region_row"]
    for column in FIGURE_COLUMNS:
        if column in REGION_TEXT_COLUMNS:
            continue
        if column in TEXT_COLUMNS:
            select.append(f"{_as_enum(con, 'observations', column, 'o')} AS {column}")
        else:
            select.append(f"o.{column}")
    with registered(con, keys, "figure_regions") as name:
        table = con.sql(
            f"""SELECT {", ".join(select)} FROM observations o
                JOIN {name} k ON k.code = o.region_code AND k.year = o.region_year"""
        ).to_arrow_table()
    row = table["region_row"].combine_chunks()
    columns = {}
    for column in FIGURE_COLUMNS:
        if column in REGION_TEXT_COLUMNS:
            coded = pc.dictionary_encode(regions[_REGION_SOURCE[column]].combine_chunks())
            columns[column] = pa.DictionaryArray.from_arrays(
                coded.indices.take(row), coded.dictionary
            )
        else:
            columns[column] = table[column]
    return pa.table(columns)


TEXT_COLUMNS = (
    "region_code", "level", "gemeente_code", "indicator_id", "period", "source",
    "source_column", "release",
)  # fmt: skip
"""The text columns of ``FIGURE_COLUMNS``, read as dictionary codes."""
REGION_TEXT_COLUMNS = ("region_code", "level", "gemeente_code")
"""Those that are the region's: taken from the regions table, per figure, by integer row."""
_REGION_SOURCE = {"region_code": "code", "level": "level", "gemeente_code": "gemeente_code"}


def _as_enum(con: duckdb.DuckDBPyConnection, table: str, column: str, alias: str) -> str:
    """``alias.column`` cast to an ENUM of the column's distinct values in ``table`` (sorted as
    Python sorts text); the plain column when it has none."""
    found = con.sql(f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL")
    values = sorted(str(v) for (v,) in found.fetchall())
    if not values:
        return f"{alias}.{column}"
    literals = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"CAST({alias}.{column} AS ENUM({literals}))"


class _Coded:
    """One text column as sorted distinct values and a code per row (sorted, so comparing codes
    orders rows as comparing the text would); -1 for a missing value."""

    def __init__(self, column: pa.ChunkedArray) -> None:
        if pa.types.is_dictionary(column.type):
            encoded = column.unify_dictionaries().combine_chunks()
        else:
            encoded = pc.dictionary_encode(column.combine_chunks())
        values = np.asarray(encoded.dictionary.to_pylist(), dtype=object)
        indices = encoded.indices
        if indices.null_count:
            indices = pc.fill_null(indices, len(values))  # a null becomes code -1 below
        raw = indices.to_numpy(zero_copy_only=False)
        # Only the values the rows use, in sorted order (an ENUM lists the whole table's).
        used = np.bincount(raw, minlength=len(values) + 1)[: len(values)] > 0
        order = np.argsort(values, kind="stable") if len(values) else np.zeros(0, dtype=int)
        if used.all() and (order == np.arange(len(values))).all() and not encoded.null_count:
            self.values, self.codes = values, raw.astype(np.int32)
            return
        order = order[used[order]]
        rank = np.full(len(values) + 1, -1, dtype=np.int32)
        rank[order] = np.arange(len(order), dtype=np.int32)
        self.values = values[order]
        self.codes = rank[raw]

    def categorical(self, rows: np.ndarray) -> pd.Categorical:
        # The codes index ``values`` (or are -1) by construction: checking eight million of
        # them again would be a pass over the column for nothing.
        return pd.Categorical.from_codes(
            self.codes[rows], categories=pd.Index(self.values, dtype="str"), validate=False
        )


def choose(table: pa.Table, rules: SourceRules) -> Selection:
    """``select_figures`` on the rows of :func:`stored_figures` (see the module notes)."""
    names = [
        c
        for c in FIGURE_COLUMNS
        if pa.types.is_string(table[c].type)
        or pa.types.is_large_string(table[c].type)
        or pa.types.is_dictionary(table[c].type)
    ]
    text = dict(
        zip(names, _on_both_cores(lambda c: _Coded(table[c]), names, table.num_rows), strict=True)
    )
    region, indicator, period, source, release = (
        text[c] for c in ("region_code", "indicator_id", "period", "source", "release")
    )
    region_year = table["region_year"].to_numpy().astype(np.int64)
    keep = _without_voorlopig_twins(region, indicator, period, source, release, region_year)
    period_year = period_years(pd.Series(period.values, dtype=object))[period.codes]
    year = region_year.astype(float)
    if rules.period_keyed:
        keyed = np.isin(source.values, sorted(rules.period_keyed))[source.codes]
        year = np.where(keyed, period_year, year)
    rows = np.flatnonzero(keep & ~np.isnan(year))
    index_year = year[rows].astype(np.int64)
    y = _dense(index_year)
    years = int(y.max(initial=-1)) + 1
    key = (region.codes[rows] * years + y) * max(len(indicator.values), 1) + indicator.codes[rows]
    counts = np.bincount(key, minlength=1)
    shared = counts[key] > 1
    chosen = np.ones(len(rows), dtype=bool)
    conflicts = pd.DataFrame(columns=CONFLICT_COLUMNS)
    if shared.any():
        value = table["value"].to_numpy(zero_copy_only=False)
        many = np.flatnonzero(shared)
        at = rows[many]
        empty = np.isnan(value[at])
        rank_of_source = _priority(source.values, rules)[source.codes[at]]
        # Last key sorts first: the stored order (region year, period text) breaks ties.
        order = np.lexsort(
            (period.codes[at], region_year[at], source.codes[at], -period_year[at],
             rank_of_source, empty, key[many])
        )  # fmt: skip
        many, at, empty = many[order], at[order], empty[order]
        first = np.r_[True, key[many][1:] != key[many][:-1]]
        chosen[many[~first]] = False
        winner = source.codes[at][np.maximum.accumulate(np.where(first, np.arange(len(at)), 0))]
        conflicts = _conflicts(
            indicator.values[indicator.codes[at]], index_year[many], source.values,
            winner, source.codes[at], ~first & ~empty,
        )  # fmt: skip
    # Sorted by region, year and indicator: the keys of the chosen figures are unique, so
    # placing each in its slot sorts them in linear time.
    slots = np.full(counts.size, -1, dtype=np.int64)
    slots[key[chosen]] = rows[chosen]
    picked = slots[slots >= 0]
    picked_year = year[picked].astype(np.int64)

    def column(name: str) -> object:
        if name in text:
            return text[name].categorical(picked)
        whole = table[name]
        if whole.null_count and not pa.types.is_floating(whole.type):
            # numpy has no missing integer or boolean: Arrow converts only the taken rows
            return whole.take(pa.array(picked)).to_numpy(zero_copy_only=False)
        return np.take(whole.combine_chunks().to_numpy(zero_copy_only=False), picked)

    figures = pd.DataFrame(
        dict(zip(FIGURE_COLUMNS, _on_both_cores(column, FIGURE_COLUMNS, len(picked)), strict=True))
    )
    figures["year"] = picked_year
    return Selection(figures, conflicts)


def _on_both_cores(work: Callable[[str], T], names: list[str], rows: int) -> list[T]:
    """``[work(n) for n in names]``, the columns shared out among the processors when they are
    long (:func:`~wijkkompas.index.parallel.for_each_block`): each is an independent pass over
    up to eight million rows in numpy and Arrow, which let go of Python's lock while they
    work, so two columns at once take little longer than one."""
    results: list[T | None] = [None] * len(names)

    def one(i: int) -> None:
        results[i] = work(names[i])

    for_each_block(len(names), one, rows * len(names))
    return results  # type: ignore[return-value]


def _dense(values: np.ndarray) -> np.ndarray:
    """``np.unique(values, return_inverse=True)[1]`` for small non-negative integers (years),
    without sorting millions of them."""
    if not len(values):
        return values.astype(np.int64)
    low = int(values.min())
    present = np.bincount(values - low) > 0
    return (np.cumsum(present) - 1)[values - low]


def _without_voorlopig_twins(
    region: _Coded, indicator: _Coded, period: _Coded, source: _Coded, release: _Coded,
    region_year: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """Rows to keep: every definitief figure, and a voorlopig one only while no definitief
    figure has its region, boundary year, indicator, period and source."""
    voorlopig = release.values == "voorlopig"
    provisional = np.isin(release.codes, np.flatnonzero(voorlopig))
    keep = np.ones(len(region.codes), dtype=bool)
    if not provisional.any():
        return keep
    parts = (region, indicator, period, source)
    key = _dense(region_year)
    for part in parts:
        key = key * (len(part.values) + 1) + part.codes + 1
    definitive = np.isin(release.codes, np.flatnonzero(release.values == "definitief"))
    keep[provisional] = ~np.isin(key[provisional], key[definitive])
    return keep


def _priority(sources: np.ndarray, rules: SourceRules) -> np.ndarray:
    """``SourceRules.rank`` per distinct source."""
    return rules.rank(pd.Series(sources, dtype=object))


def _conflicts(
    indicators: np.ndarray, years: np.ndarray, names: np.ndarray,
    winner: np.ndarray, other: np.ndarray, losing: np.ndarray,
) -> pd.DataFrame:  # fmt: skip
    """Per indicator, year and pair of sources: how many published figures lost to another
    source (as ``index.inputs._conflicts`` counts them)."""
    pairs = losing & (winner != other)
    if not pairs.any():
        return pd.DataFrame(columns=CONFLICT_COLUMNS)
    frame = pd.DataFrame(
        {
            "indicator_id": indicators[pairs],
            "year": years[pairs],
            "winner": names[winner[pairs]],
            "other": names[other[pairs]],
        }
    )
    counted = frame.groupby(["indicator_id", "year", "winner", "other"]).size()
    return counted.rename("figures").reset_index()[CONFLICT_COLUMNS]
