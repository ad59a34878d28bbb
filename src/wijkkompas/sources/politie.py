"""Registered crime per buurt: Politie/CBS 47018NED "Geregistreerde misdrijven; soort misdrijf,
wijk, buurt, jaarcijfers" (dataderden.cbs.nl), as OData JSON or as a CSV download.

The table is long: one row per region, kind of crime (``SoortMisdrijf``) and period. Three
rules keep the counts honest:

* ``null`` (an empty cell in a CSV) is a figure the police did not release: suppressed, never
  zero. A sum over a suppressed part is unknown, unless the published total covers it.
* The total row (``0.0.0``) and subtotals (a label with "totaal", or a code ending in ``.0``)
  are left out when summing kinds, else every crime would be counted twice or thrice. The
  published total is used when the parts are incomplete, and compared with the sum otherwise.
* Crime counts where it happens, residents where they live: a rate per 1,000 needs the
  population, which this table does not have. When the file brings a population column the
  rate is computed here; otherwise only the counts are stored and the index engine divides
  (``registered_crime_per_1000`` has them as numerator and denominator).

Month rows (``2023MM01``, table 47022NED) are skipped: a year is only complete in the year row.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any, cast

import numpy as np
import pandas as pd

from wijkkompas.catalogue import Catalogue
from wijkkompas.sources import reading
from wijkkompas.sources import tabular as tab
from wijkkompas.sources.base import LoadOptions, SourceError, statline_base_name
from wijkkompas.store.batch import ImportBatch

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


class PolitieLoader:
    key = "crime"
    description = "Politie/CBS registered crime per wijk and buurt (47018NED), OData JSON or CSV"

    def sniff(self, name: str, head: bytes) -> bool:
        lowered = name.lower()
        if any(
            w in lowered for w in ("misdrijf", "misdrijven", "crime", "politie", "47018", "47022")
        ):
            return True
        return any(
            w in head for w in (b"SoortMisdrijf", b"Soort misdrijf", b"GeregistreerdeMisdrijven")
        )

    def load(
        self, data: bytes, name: str, catalogue: Catalogue, options: LoadOptions
    ) -> ImportBatch:
        text_start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        if text_start in (b"{", b"["):
            frame, where = _from_json(data, name), "record"
            fmt = {"format": "OData JSON"}
        else:
            rows, fmt = reading.read_rows(data, name)
            frame, _unnamed = reading.rows_to_frame(rows, name)
            where = "line"
            fmt = {"format": "CSV", **fmt}
        roles = _roles(frame, catalogue, options, name)
        long = _parse(frame, roles, name, where, options)
        return _batch(long, roles, frame, name, data, catalogue, fmt)


def _from_json(data: bytes, name: str) -> pd.DataFrame:
    try:
        payload: Any = json.loads(reading.decode(data, name)[0])
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


def _roles(
    frame: pd.DataFrame, catalogue: Catalogue, options: LoadOptions, name: str
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
    regionish = [c for c in columns if keys[c] in REGION_KEYS or keys[c].startswith("regiocode")]
    if code_col is None:
        code_col = next((c for c in regionish if tab.looks_like_codes(frame[c])), None)
    if name_col is None:
        name_col = next(
            (c for c in regionish if c != code_col and keys[c] == "wijkenenbuurten"), None
        )
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
    bookkeeping = {
        kind_col,
        period_col,
        count_col,
        code_col,
        name_col,
        population_col,
        "ID",
        "Title",
    }
    extra = [c for c in columns if c not in bookkeeping and keys[c] != "id"]
    return {
        "kind": kind_col, "period": period_col, "count": count_col, "code": code_col,
        "name": name_col, "population": population_col, "extra": extra,
    }  # fmt: skip


def _parse(
    frame: pd.DataFrame, roles: dict[str, Any], name: str, where: str, options: LoadOptions
) -> pd.DataFrame:
    """One clean row per region, year and kind: code, year, kind, role, value, suppressed.

    Column-wise, with each distinct code, kind and period parsed once: a whole-country download
    has millions of rows but only thousands of distinct cells."""
    periods = frame[roles["period"]].astype("string").fillna("")
    parsed = {p: tab.parse_period(p) for p in periods.unique()}
    part_year = periods.map(lambda p: parsed[p] is None and tab.is_part_year(p)).astype(bool)
    unknown = periods.map(lambda p: parsed[p] is None).astype(bool) & ~part_year
    if unknown.any():
        index = unknown.index[unknown.to_numpy()][0]
        raise SourceError(
            f"{name}, {where} {index}: '{periods[index].strip()}' in column '{roles['period']}' "
            "is not a period (expected 2023JJ00, 2023 or 2023MM01)."
        )
    skipped_months = int(part_year.sum())
    rows = frame[~part_year]
    codes = tab.region_codes(rows[roles["code"]], name, where, roles["code"])
    rows, codes = rows[codes.notna()], codes[codes.notna()]
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
    period_of = rows[roles["period"]].astype("string").fillna("").map(parsed)
    release = tab.resolve_release(name, options)
    long = pd.DataFrame(
        {
            "index": rows.index,
            "place": [f"{where} {i}" for i in rows.index],
            "code": codes.to_numpy(),
            "year": [p.year for p in period_of],
            "kind": kinds.to_numpy(),
            "kind_code": [classified[k][0] for k in kinds],
            "role": [classified[k][1] for k in kinds],
            "cell": rows[roles["count"]].to_numpy(),
            "population": rows[roles["population"]].to_numpy() if roles["population"] else "",
            "name": rows[roles["name"]].astype(str).str.strip().to_numpy() if roles["name"] else "",
            "release": [
                "voorlopig" if p.provisional and options.release is None else release
                for p in period_of
            ],
        }
    )
    raw = long["cell"].astype("string").str.strip()
    long["value"] = tab.cells_to_values(long["cell"])[0]
    long["suppressed"] = long["value"].isna() & (raw.isin(tab.SUPPRESSION_MARKERS) | (raw == ""))
    bad = long[(long["value"].isna() & ~long["suppressed"]) | (long["value"] < 0)]
    if len(bad):
        first = bad.iloc[0]
        raise SourceError(
            f"{name}, {first['place']}: '{first['cell']}' in column '{roles['count']}' is not a "
            "count. Check that line; the columns may have shifted."
        )
    long.attrs["skipped_months"] = skipped_months
    return _dedupe(long, name)


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
    deduped = long.drop_duplicates(keys).reset_index(drop=True)
    deduped.attrs = long.attrs
    return deduped


KEYS = ["code", "year", "release"]


def _sums(rows: pd.DataFrame) -> pd.DataFrame:
    """Per region-year: the sum of the rows, unknown (NaN, suppressed) if any part is."""
    grouped = rows.groupby(KEYS)
    out = pd.DataFrame({"value": grouped["value"].sum(), "suppressed": grouped["suppressed"].any()})
    out.loc[out["suppressed"], "value"] = np.nan
    return out


def _aggregate(
    long: pd.DataFrame, known: set[str], roles: dict[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Observations per region-year (total, categories, rate) and the totals that disagree.

    Every figure names the count column it comes from; which kinds were summed is in the
    provenance (``CATEGORIES``, ``total_rule``)."""
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
    parts = []
    if TOTAL_ID in known:
        parts.append(
            total[["value", "suppressed"]].assign(
                indicator_id=TOTAL_ID, source_column=roles["count"]
            )
        )
    for indicator_id, members in CATEGORIES.items():
        rows = details[details["kind_code"].isin(members)]
        if indicator_id in known and len(rows):
            parts.append(
                _sums(rows).assign(indicator_id=indicator_id, source_column=roles["count"])
            )
    if RATE_ID in known and roles["population"]:
        population = (
            long.assign(pop=tab.cells_to_values(long["population"])[0]).groupby(KEYS)["pop"].first()
        )
        rate = total[["value", "suppressed"]].join(population, how="inner").dropna(subset=["pop"])
        rate["value"] = (rate["value"] / rate["pop"] * 1000).where(rate["pop"] > 0)
        ratio = f"{roles['count']} / {roles['population']}"
        parts.append(
            rate[["value", "suppressed"]].assign(indicator_id=RATE_ID, source_column=ratio)
        )
    obs = pd.concat(parts).reset_index() if parts else pd.DataFrame(columns=[*KEYS, "value"])
    obs = obs.rename(columns={"code": "region_code", "year": "region_year"})
    obs["period"] = obs["region_year"].astype(str)
    return tab.observations_frame([obs]), mismatches.reset_index()


def _batch(
    long: pd.DataFrame,
    roles: dict[str, Any],
    frame: pd.DataFrame,
    name: str,
    data: bytes,
    catalogue: Catalogue,
    fmt: dict[str, str],
) -> ImportBatch:
    known = {i.id for i in catalogue.indicators}
    observations, mismatches = _aggregate(long, known, roles)
    members = {m for ms in CATEGORIES.values() for m in ms}
    leftover = long[~long["kind_code"].isin(members)]
    unmatched = [_unmatched(leftover, roles["count"], leftover["cell"])]
    for column in roles["extra"]:
        unmatched.append(_unmatched(long, column, frame.loc[long["index"], column]))
    names = long.groupby(["code", "year"])["name"].first()
    batch = ImportBatch(
        source=LOADER.key,
        description=f"{LOADER.description}: {name}",
        regions=tab.regions_frame({cast(tuple[str, int], key): str(n) for key, n in names.items()}),
        observations=observations,
        unmatched=pd.concat(unmatched, ignore_index=True),
        provenance={
            "file": name,
            "sha256": tab.sha256(data),
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
            "rates": "computed from the file's population column"
            if roles["population"]
            else f"not computed (no population in the file): the index engine derives {RATE_ID}",
            "implausible": tab.implausible_counts(observations, catalogue),
            **fmt,
        },
    )
    batch.validate()
    return batch


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
