"""Registered crime per buurt: Politie/CBS 47018NED "Geregistreerde misdrijven; soort misdrijf,
wijk, buurt, jaarcijfers" (dataderden.cbs.nl), as OData JSON or as a CSV download.

The table is long: one row per region, kind of crime (``SoortMisdrijf``) and period. Three
rules keep the counts honest:

* ``null`` (an empty cell in a CSV, ``NA`` in an export written by R) is a figure the police
  did not release: suppressed, never zero. A sum over a suppressed part is unknown, unless the
  published total covers it.
* The total row (``0.0.0``) and subtotals (a label with "totaal", or a code ending in ``.0``)
  are left out when summing kinds, else every crime would be counted twice or thrice. The
  published total is used when the parts are incomplete, and compared with the sum otherwise.
* Crime counts where it happens, residents where they live: a rate per 1,000 needs the
  population, which this table does not have. When the file brings a population column the
  rate is computed here; otherwise only the counts are stored and the index engine divides
  (``registered_crime_per_1000`` has them as numerator and denominator).

``BU00000000`` "Buurt onbekend" holds the crimes the police could not place in any buurt
(3,798 of the 803,367 in the 2023 whole-country file). It is no region: it has no boundary, no
residents and no gemeente (its "gemeente" 0000 does not exist), so it would be ranked as a buurt
with an absurd rate, and adding it to any wijk or gemeente would be a guess. It is left out of
the regions, the figures and the sums below; the provenance says how many crimes it held
(``buurt_onbekend``). Any code of gemeente 0000 is treated alike.

A whole-country download often has buurten only, while a buurt's rate is shrunk toward its
wijk's. Where the file has buurten of a wijk or gemeente but no row of that wijk or gemeente
itself (in that year), its counts are added here as the sum of its buurten: ``WK`` + the buurt
code's characters 3-8, ``GM`` + characters 3-6. A suppressed buurt count makes the sum unknown
(NaN), never smaller, and a buurt without the figure at all makes it unknown too. A figure the
file gives for a wijk or gemeente is never replaced. Summed figures name their count column with
"(opgeteld uit de buurten)", and the provenance (``summed_regions``) says how many there are.
Summing assumes the file holds *all* buurten of the gemeente, as a whole-country download does;
a download of a few buurten gives wijk and gemeente sums of just those buurten.

StatLine exports written by R (cbsodataR) add a row-number column without a header,
``<dimension>_label`` columns, ``Perioden_Date`` and ``Perioden_freq``: the buurt name is taken
from ``WijkenEnBuurten_label``, the rest is bookkeeping. ``Gemeentenaam_2`` names the summed
gemeenten and ``SoortRegio_3`` repeats the level the code already gives; both are blank where the
count is 0 (an export quirk), and such a 0 is a real zero all the same. The gemeente and wijk of a
region always come from its code.

Month rows (``2023MM01``, table 47022NED) are skipped: a year is only complete in the year row.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from wijkkompas.catalogue import Catalogue
from wijkkompas.sources import reading
from wijkkompas.sources import tabular as tab
from wijkkompas.sources.base import LoadOptions, NamedSourceLoader, SourceError, statline_base_name
from wijkkompas.sources.textfile import decode_or_refuse
from wijkkompas.store.batch import REGION_COLUMNS, ImportBatch

TABLE_ID = "47018NED"
TOTAL_ID = "registered_crime_count"
RATE_ID = "registered_crime_per_1000"
CATEGORIES: dict[str, tuple[str, ...]] = {
    "residential_burglary_count": ("1.1.1",),
    "violent_crime_count": ("1.4.1", "1.4.2", "1.4.3", "1.4.4", "1.4.5", "1.4.6", "1.4.7"),
    "vandalism_count": ("2.2.1",),
}
"""Catalogue id → the SoortMisdrijf codes it sums."""
KIND_CODE = re.compile(r"^\s*(\d+(?:\.\d+)+)(?![\d.])")
COUNT_KEYS = (
    "geregistreerdemisdrijven",
    "geregistreerdemisdrijvenaantal",
    "totaalgeregistreerdemisdrijven",
)
REGION_KEYS = ("wijkenenbuurten", "regios", "regiocode", "codering", "regioaanduidingcodering")
POPULATION_KEYS = ("aantalinwoners", "aantalinwonersaantal", "inwoners", "bevolking")
GEMEENTE_NAME_KEYS = ("gemeentenaam",)
REGION_KIND_KEYS = ("soortregio",)
"""A topic repeating the level the code gives (``Buurt``, ``Wijk``, ``Gemeente``)."""
R_SUFFIXES = ("label", "date", "freq")
"""cbsodataR's extra columns per dimension: ``Perioden_label``, ``Perioden_Date``, ..."""
VALID_CODE = r"GM\d{4}|WK\d{4}[0-9A-Z]{2}|BU\d{4}[0-9A-Z]{4}"
""":mod:`wijkkompas.regions`' patterns, to check all codes at once; others are parsed one by one."""
UNPLACED_GEMEENTE = "0000"
"""``BU00000000`` "Buurt onbekend": crimes not placed in any buurt (see the module docstring)."""
SUMMED_RULE = (
    "wijk- en gemeentetotalen opgeteld uit de buurten; misdrijven in 'buurt onbekend' tellen "
    "niet mee"
)
SUMMED_MARK = " (opgeteld uit de buurten)"
"""Appended to the source column of a wijk or gemeente figure summed here."""
PARENTS = (("wijk", "WK", 8), ("gemeente", "GM", 6))
"""Level, prefix and how many characters of a buurt code name it: BU03440111 → WK034401, GM0344."""


def _kind(text: str) -> tuple[str | None, str]:
    """(code, role) of a SoortMisdrijf cell; role is 'total', 'subtotal' or 'detail'."""
    found = KIND_CODE.match(text)
    code = found.group(1) if found else None
    lowered = text.lower()
    if code == "0.0.0" or (code is None and "totaal" in lowered and "misdrijven" in lowered):
        return code or "0.0.0", "total"
    if "totaal" in lowered or (code is not None and code.endswith(".0")):
        return code, "subtotal"
    return code, "detail"


class PolitieLoader(NamedSourceLoader):
    key = "crime"
    description = "Politie/CBS registered crime per wijk and buurt (47018NED), OData JSON or CSV"
    name_words = ("misdrijf", "misdrijven", "crime", "politie", "47018", "47022")

    def sniff_head(self, head: bytes) -> bool:
        return any(
            w in head for w in (b"SoortMisdrijf", b"Soort misdrijf", b"GeregistreerdeMisdrijven")
        )

    def load(
        self, data: bytes, name: str, catalogue: Catalogue, options: LoadOptions
    ) -> ImportBatch:
        text_start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        unnamed: list[str] = []
        if text_start in (b"{", b"["):
            frame, where = _from_json(data, name), "record"
            fmt = {"format": "OData JSON"}
        else:
            rows, fmt = reading.read_rows(data, name)
            frame, unnamed = reading.rows_to_frame(rows, name)
            where = "line"
            fmt = {"format": "CSV", **fmt}
        roles = _roles(frame, catalogue, options, name, unnamed)
        long, unplaced = _parse(frame, roles, name, where, options)
        return _batch(long, unplaced, roles, frame, name, data, catalogue, fmt)


def _from_json(data: bytes, name: str) -> pd.DataFrame:
    try:
        payload: Any = json.loads(decode_or_refuse(data, name)[0])
    except json.JSONDecodeError as exc:
        raise SourceError(
            f"{name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}). Download "
            "the TypedDataSet again."
        ) from None
    records: Any = payload
    if isinstance(payload, dict):
        records = payload.get("value", payload.get("d", {}))
        if isinstance(records, dict):
            records = records.get("results", list(records.values()))
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise SourceError(
            f"{name}: expected an OData result ({{'value': [records]}}) or a list of records with "
            "WijkenEnBuurten, SoortMisdrijf, Perioden and GeregistreerdeMisdrijven_1."
        )
    # Cells become text before the frame is built, so a null never turns 43 into "43.0".
    cells = [{str(k): "" if v is None else str(v) for k, v in r.items()} for r in records]
    frame = pd.DataFrame(cells, dtype=object).fillna("")
    frame.index = pd.Index(range(1, len(frame) + 1), name="record")
    return frame


def _is_row_number(values: pd.Series) -> bool:
    """R's row names: a headerless column counting 1, 2, 3, ... (kept when it holds anything else)."""
    numbers = pd.to_numeric(values.astype("string").str.strip(), errors="coerce")
    return bool(len(numbers)) and bool((numbers.to_numpy() == np.arange(1, len(numbers) + 1)).all())


def _roles(
    frame: pd.DataFrame, catalogue: Catalogue, options: LoadOptions, name: str, unnamed: list[str]
) -> dict[str, Any]:
    columns = [str(c) for c in frame.columns]
    matched, code_col, name_col = tab.mapped_columns(options, catalogue, columns, name)
    keys = {c: reading.key(statline_base_name(c)) for c in columns}
    kind_col = next((c for c in columns if keys[c] == "soortmisdrijf"), None)
    period_col = next((c for c in columns if keys[c] == "perioden"), None)
    count_col = next((c for k in COUNT_KEYS for c in columns if keys[c] == k), None)
    population_col = next((c for c, t in matched.items() if t == "population"), None) or next(
        (c for c in columns if keys[c] in POPULATION_KEYS), None
    )
    gemeente_col = next((c for c in columns if keys[c] in GEMEENTE_NAME_KEYS), None)
    regionish = [c for c in columns if keys[c] in REGION_KEYS or keys[c].startswith("regiocode")]
    if code_col is None:
        code_col = next((c for c in regionish if tab.looks_like_codes(frame[c])), None)
    if name_col is None and code_col is not None:
        name_col = next(
            (c for c in regionish if c != code_col and keys[c] == "wijkenenbuurten"), None
        ) or next((c for c in columns if keys[c] == keys[code_col] + "label"), None)
    missing = [
        label for label, col in (("SoortMisdrijf", kind_col), ("Perioden", period_col),
                                 ("GeregistreerdeMisdrijven", count_col), ("region codes", code_col))
        if col is None
    ]  # fmt: skip
    if missing:
        raise SourceError(
            f"{name}: no column for {', '.join(missing)}. A crime file needs WijkenEnBuurten (the "
            "region codes), SoortMisdrijf, Perioden and GeregistreerdeMisdrijven, as in the "
            "TypedDataSet of 47018NED; a StatLine download must include the region codes."
        )
    dimensions = {keys[c] for c in (kind_col, period_col, code_col) if c is not None}
    r_extras = {d + s for d in dimensions for s in R_SUFFIXES}
    bookkeeping = {kind_col, period_col, count_col, code_col, name_col, population_col,
                   gemeente_col, "ID", "Title"}  # fmt: skip
    bookkeeping |= {c for c in columns if keys[c] in r_extras or keys[c] in REGION_KIND_KEYS}
    bookkeeping |= {c for c in unnamed[:1] if c == columns[0] and _is_row_number(frame[c])}
    extra = [c for c in columns if c not in bookkeeping and keys[c] != "id"]
    return {
        "kind": kind_col, "period": period_col, "count": count_col, "code": code_col,
        "name": name_col, "population": population_col, "gemeente_name": gemeente_col,
        "extra": extra,
    }  # fmt: skip


def _codes(values: pd.Series, name: str, where: str, column: str) -> pd.Series:
    """Each cell's gemeente, wijk or buurt code (None for national and other areas).

    All cells are checked at once; only the few that are not plainly a GM, WK or BU code (NL00,
    a typo) go through :func:`tab.region_codes`, which drops or names them."""
    text = values.astype("string").fillna("").str.strip().str.upper()
    valid = text.str.fullmatch(VALID_CODE).fillna(False).astype(bool)
    codes = pd.Series(text.to_numpy(dtype=object), index=values.index, dtype=object)
    if not valid.all():
        others = tab.region_codes(values[~valid], name, where, column)
        codes[~valid] = others.astype(object).where(others.notna(), None)
    return codes


def _stripped(rows: pd.DataFrame, column: str | None) -> Any:
    """A text column without its padding ("" throughout when the file has no such column)."""
    if column is None:
        return ""
    return rows[column].astype("string").fillna("").str.strip().to_numpy(dtype=object)


def _parse(
    frame: pd.DataFrame, roles: dict[str, Any], name: str, where: str, options: LoadOptions
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One clean row per region, year and kind: code, year, kind, role, value, suppressed; and
    apart, the rows of "buurt onbekend" (BU00000000).

    Column-wise, with each distinct kind and period parsed once: a whole-country download has
    millions of rows but only thousands of distinct cells."""
    periods = frame[roles["period"]].astype("string").fillna("")
    parsed = {p: tab.parse_period(p) for p in periods.unique()}
    part_year = periods.map({p: v is None and tab.is_part_year(p) for p, v in parsed.items()})
    part_year = part_year.astype(bool)
    unknown = periods.map({p: v is None for p, v in parsed.items()}).astype(bool) & ~part_year
    if unknown.any():
        index = unknown.index[unknown.to_numpy()][0]
        raise SourceError(
            f"{name}, {where} {index}: '{periods[index].strip()}' in column '{roles['period']}' "
            "is not a period (expected 2023JJ00, 2023 or 2023MM01)."
        )
    skipped_months = int(part_year.sum())
    rows = frame[~part_year.to_numpy()]
    codes = _codes(rows[roles["code"]], name, where, roles["code"])
    targets = codes.notna().to_numpy()
    rows, codes = rows[targets], codes[targets]
    if rows.empty:
        detail = f" ({skipped_months} month rows were skipped)" if skipped_months else ""
        raise SourceError(
            f"{name}: no yearly gemeente, wijk or buurt rows{detail}. Use the yearly table "
            "47018NED (periods like 2023JJ00) rather than the monthly 47022NED."
        )
    kinds = rows[roles["kind"]].astype("string").fillna("").str.strip()
    if (kinds == "").any():
        index = kinds.index[(kinds == "").to_numpy()][0]
        raise SourceError(f"{name}, {where} {index}: the column '{roles['kind']}' is empty.")
    classified = {k: _kind(str(k)) for k in kinds.unique()}
    row_periods = periods[~part_year.to_numpy()][targets]
    years = {p: v.year for p, v in parsed.items() if v is not None}
    release = tab.resolve_release(name, options)
    releases = {
        p: "voorlopig" if v.provisional and options.release is None else release
        for p, v in parsed.items()
        if v is not None
    }

    long = pd.DataFrame(
        {
            "index": rows.index,
            "place": (where + " " + rows.index.astype(str)).to_numpy(dtype=object),
            "code": codes.to_numpy(dtype=object),
            "year": row_periods.map(years).astype("int64").to_numpy(),
            "kind": kinds.to_numpy(dtype=object),
            "kind_code": kinds.map({k: c for k, (c, _) in classified.items()}).to_numpy(object),
            "role": kinds.map({k: r for k, (_, r) in classified.items()}).to_numpy(dtype=object),
            "cell": rows[roles["count"]].to_numpy(),
            "population": rows[roles["population"]].to_numpy() if roles["population"] else "",
            "name": _stripped(rows, roles["name"]),
            "gemeente_name": _stripped(rows, roles["gemeente_name"]),
            "release": row_periods.map(releases).to_numpy(dtype=object),
        }
    )
    raw = long["cell"].astype("string").str.strip()
    long["value"] = tab.cells_to_values(long["cell"])[0]
    null = raw.isin(tab.SUPPRESSION_MARKERS) | (raw == "") | (raw == "NA")  # NA: R's null
    long["suppressed"] = (long["value"].isna() & null.fillna(True)).astype(bool)
    bad = long[(long["value"].isna() & ~long["suppressed"]) | (long["value"] < 0)]
    if len(bad):
        first = bad.iloc[0]
        raise SourceError(
            f"{name}, {first['place']}: '{first['cell']}' in column '{roles['count']}' is not a "
            "count. Check that line; the columns may have shifted."
        )
    long = _dedupe(long, name)
    unplaced = long["code"].str[2:6] == UNPLACED_GEMEENTE
    placed = long[~unplaced].reset_index(drop=True)
    if placed.empty:
        raise SourceError(
            f"{name}: the file has only rows of 'buurt onbekend' (BU00000000), crimes the police "
            "could not place in a buurt, and no gemeente, wijk or buurt rows to import."
        )
    placed.attrs["skipped_months"] = skipped_months
    return placed, long[unplaced].reset_index(drop=True)


def _dedupe(long: pd.DataFrame, name: str) -> pd.DataFrame:
    """Identical repeated rows are dropped; the same region, year and kind with two different
    counts cannot be resolved and stops the import."""
    keys = ["code", "year", "kind"]
    dup = long[long.duplicated(keys, keep=False)]
    for _, group in dup.groupby(keys):
        values = group["value"].fillna(-1.0)
        if values.nunique() > 1:
            places = ", ".join(group["place"].head(3))
            raise SourceError(
                f"{name}: {group['code'].iloc[0]} {group['year'].iloc[0]} '{group['kind'].iloc[0]}' "
                f"has different counts at {places}. Keep one of those rows and import again."
            )
    return long.drop_duplicates(keys).reset_index(drop=True)


KEYS = ["code", "year", "release"]


def _sums(rows: pd.DataFrame) -> pd.DataFrame:
    """Per region-year: the sum of the rows, unknown (NaN, suppressed) if any part is."""
    grouped = rows.groupby(KEYS)
    out = pd.DataFrame({"value": grouped["value"].sum(), "suppressed": grouped["suppressed"].any()})
    out.loc[out["suppressed"], "value"] = np.nan
    return out


def _totals(long: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Total crimes per region-year (value, suppressed) by the rules of the module docstring,
    and the published totals that disagree with the sum of their kinds."""
    details = long[long["role"] == "detail"]
    published = long[long["role"] == "total"].groupby(KEYS)[["value", "suppressed"]].first()
    summed = _sums(details)
    total = summed.add_suffix("_sum").join(published.add_suffix("_pub"), how="outer")
    has_sum = total["value_sum"].notna() | total["suppressed_sum"].notna()
    use_pub = ~has_sum | (
        total["suppressed_sum"].fillna(False).astype(bool) & total["value_pub"].notna()
    )
    total["value"] = total["value_sum"].where(~use_pub, total["value_pub"])
    total["suppressed"] = total["value"].isna() & (
        total["suppressed_sum"].where(~use_pub, total["suppressed_pub"]).fillna(True).astype(bool)
    )
    differs = has_sum & total["value_sum"].notna() & total["value_pub"].notna()
    mismatches = total[differs & (total["value_sum"] != total["value_pub"])]
    return total[["value", "suppressed"]], mismatches.reset_index()


def _parent_sums(
    figures: pd.DataFrame, buurten: pd.DataFrame, present: pd.MultiIndex
) -> pd.DataFrame:
    """Wijk and gemeente figures summed from their buurten, for those the file does not give.

    ``figures`` is indexed by :data:`KEYS` (value, suppressed); ``buurten`` lists every buurt
    and year in the file, so a buurt without this figure makes its wijk's sum unknown rather
    than smaller; ``present`` holds the (code, year) of every region the file has rows for. A
    sum is made only where at least one buurt has the figure."""
    parts = buurten.merge(figures.reset_index(), on=KEYS, how="left")
    parts["covered"] = parts["value"].notna() | parts["suppressed"].notna()
    parts["missing"] = parts["value"].isna()
    parts["suppressed"] = parts["suppressed"].astype("boolean").fillna(False).astype(bool)
    found = []
    for _level, prefix, width in PARENTS:
        parts["parent"] = prefix + parts["code"].str[2:width]
        grouped = parts.groupby(["parent", "year"])
        sums = pd.DataFrame(
            {
                "value": grouped["value"].sum(),
                "missing": grouped["missing"].any(),
                "suppressed": grouped["suppressed"].any(),
                "covered": grouped["covered"].any(),
                "release": grouped["release"].max(),  # "voorlopig" if any part is provisional
            }
        )
        sums.loc[sums["missing"], "value"] = np.nan
        found.append(sums[sums["covered"] & ~sums.index.isin(present)])
    out = pd.concat(found).rename_axis(["code", "year"]).reset_index()
    return out.set_index(KEYS)[["value", "suppressed"]]


def _aggregate(
    long: pd.DataFrame, known: set[str], roles: dict[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Observations per region-year (total, categories, rate), the totals that disagree, and
    the wijken and gemeenten summed from their buurten (code, year).

    Every figure names the count column it comes from; which kinds were summed is in the
    provenance (``CATEGORIES``, ``total_rule``), and a figure summed from buurten says so."""
    total, mismatches = _totals(long)
    buurten = long.loc[long["code"].str.startswith("BU"), KEYS].drop_duplicates()
    present = pd.MultiIndex.from_frame(long[["code", "year"]].drop_duplicates())
    counts = {TOTAL_ID: total} if TOTAL_ID in known else {}
    details = long[long["role"] == "detail"]
    for indicator_id, members in CATEGORIES.items():
        rows = details[details["kind_code"].isin(members)]
        if indicator_id in known and len(rows):
            counts[indicator_id] = _sums(rows)
    parts = []
    summed = []
    for indicator_id, figures in counts.items():
        parents = _parent_sums(figures, buurten, present)
        parts += [
            figures.assign(indicator_id=indicator_id, source_column=roles["count"]),
            parents.assign(indicator_id=indicator_id, source_column=roles["count"] + SUMMED_MARK),
        ]
        summed.append(parents.index.to_frame(index=False)[["code", "year"]])
    if RATE_ID in known and roles["population"]:
        population = (
            long.assign(value=tab.cells_to_values(long["population"])[0], suppressed=False)
            .groupby(KEYS)[["value", "suppressed"]]
            .first()
        )
        ratio = f"{roles['count']} / {roles['population']}"
        for counted, people, column in (
            (total, population, ratio),
            (
                _parent_sums(total, buurten, present),
                _parent_sums(population, buurten, present),
                ratio + SUMMED_MARK,
            ),
        ):
            rate = counted.join(people["value"].rename("pop"), how="inner")
            rate = rate.dropna(subset=["pop"])
            rate["value"] = (rate["value"] / rate["pop"] * 1000).where(rate["pop"] > 0)
            parts.append(
                rate[["value", "suppressed"]].assign(indicator_id=RATE_ID, source_column=column)
            )
    obs = pd.concat(parts).reset_index() if parts else pd.DataFrame(columns=[*KEYS, "value"])
    obs = obs.rename(columns={"code": "region_code", "year": "region_year"})
    obs["period"] = obs["region_year"].astype(str)
    parents_found = (
        pd.concat(summed).drop_duplicates()
        if summed
        else pd.DataFrame({"code": pd.Series(dtype=object), "year": pd.Series(dtype="int64")})
    )
    return tab.observations_frame([obs]), mismatches, parents_found


def _regions(long: pd.DataFrame, summed: pd.DataFrame) -> pd.DataFrame:
    """Region rows: those in the file, named by the file (or by their code), and the summed
    wijken and gemeenten, a gemeente named by the file's gemeente name where it has one. The
    gemeente and wijk of every region come from its code, never from a name column."""
    names = long.groupby(["code", "year"], sort=False)["name"].first().reset_index()
    named = long[long["gemeente_name"] != ""]
    gemeente_names = (
        named.assign(code="GM" + named["code"].str[2:6])
        .groupby(["code", "year"])["gemeente_name"]
        .first()
    )
    extra = summed.merge(
        gemeente_names.rename("name").reset_index(), on=["code", "year"], how="left"
    )
    regions = pd.concat([names, extra], ignore_index=True)
    code = regions["code"].astype(str)
    name = regions["name"].astype("string").fillna("")
    level = code.str[:2].map({"GM": "gemeente", "WK": "wijk", "BU": "buurt"})
    out = pd.DataFrame(
        {
            "code": code.to_numpy(dtype=object),
            "name": name.where(name != "", code).to_numpy(dtype=object),
            "level": level.to_numpy(dtype=object),
            "year": regions["year"].astype("int64").to_numpy(),
            "gemeente_code": ("GM" + code.str[2:6]).to_numpy(dtype=object),
            "wijk_code": ("WK" + code.str[2:8]).astype(object).where(level != "gemeente", None),
        }
    )
    return out.sort_values(["code", "year"], ignore_index=True)[REGION_COLUMNS]


def _unplaced_crimes(unplaced: pd.DataFrame) -> dict[str, Any]:
    """What "buurt onbekend" held, for the provenance: its codes and crimes per year (None when
    suppressed)."""
    crimes: dict[str, int | None] = {}
    if len(unplaced):
        values = _totals(unplaced)[0]["value"]
        per_year = values.groupby(level="year").sum()
        per_year = per_year.mask(values.isna().groupby(level="year").any())
        crimes = {str(y): None if pd.isna(v) else int(v) for y, v in per_year.items()}
    return {
        "codes": sorted(set(unplaced["code"])),
        "crimes": crimes,
        "rule": "misdrijven die de politie niet aan een buurt kon toewijzen; geen gebied, dus "
        "niet in de gebieden, de cijfers of de opgetelde wijk- en gemeentetotalen",
    }


def _batch(
    long: pd.DataFrame,
    unplaced: pd.DataFrame,
    roles: dict[str, Any],
    frame: pd.DataFrame,
    name: str,
    data: bytes,
    catalogue: Catalogue,
    fmt: dict[str, str],
) -> ImportBatch:
    known = {i.id for i in catalogue.indicators}
    observations, mismatches, summed = _aggregate(long, known, roles)
    members = {m for ms in CATEGORIES.values() for m in ms}
    leftover = long[~long["kind_code"].isin(members)]
    unmatched = [_unmatched(leftover, roles["count"], leftover["cell"])]
    for column in roles["extra"]:
        unmatched.append(_unmatched(long, column, frame.loc[long["index"], column]))
    levels = summed["code"].str[:2].value_counts()
    return tab.build_batch(
        tab.ReadFile(name, data, fmt),
        LOADER.key,
        f"{LOADER.description}: {name}",
        regions=_regions(long, summed),
        observations=observations,
        unmatched=pd.concat(unmatched, ignore_index=True),
        provenance={
            "table_id": TABLE_ID,
            "year_from": f"column '{roles['period']}' (each row's own period)",
            "years": sorted({int(y) for y in long["year"]}),
            "skipped_month_rows": int(long.attrs.get("skipped_months", 0)),
            "categories": {k: list(v) for k, v in CATEGORIES.items()},
            "total_rule": "sum of detail kinds (total and subtotal rows excluded); the published "
            "0.0.0 total where a detail is suppressed or no details are given",
            "total_mismatches": len(mismatches),
            "total_mismatch_examples": [
                {
                    "region": r.code,
                    "year": int(str(r.year)),
                    "sum": r.value_sum,
                    "published": r.value_pub,
                }
                for r in mismatches.head(10).itertuples()
            ],
            "buurt_onbekend": _unplaced_crimes(unplaced),
            "summed_regions": {
                "rule": SUMMED_RULE,
                "wijk": int(levels.get("WK", 0)),
                "gemeente": int(levels.get("GM", 0)),
                "source_column": roles["count"] + SUMMED_MARK,
            },
            "rates": "computed from the file's population column"
            if roles["population"]
            else f"not computed (no population in the file): the index engine derives {RATE_ID}",
            "implausible": tab.implausible_counts(observations, catalogue),
        },
    )


def _unmatched(rows: pd.DataFrame, column: str, cells: pd.Series) -> pd.DataFrame:
    """A count or extra column of kinds without an indicator of their own, kept verbatim."""
    return pd.DataFrame(
        {
            "region_code": rows["code"].to_numpy(),
            "region_year": rows["year"].to_numpy(),
            "period": rows["year"].astype(str).to_numpy(),
            "source_column": (column + " [" + rows["kind"].astype(str) + "]").to_numpy(),
            "value_text": cells.astype(str).str.strip().to_numpy(),
        }
    )


def kinds_in(values: Iterable[str]) -> list[tuple[str | None, str]]:
    """How each SoortMisdrijf label is classified (for tests and the import report)."""
    return [_kind(v) for v in values]


LOADER = PolitieLoader()
