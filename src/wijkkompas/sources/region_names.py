"""Regions a file names without a code: placing its rows, and finding their codes at import.

Some StatLine downloads carry region names only ("Heerlen", "Wijk 10 Maria Gewanden en
Terschuren", "Maria Gewanden"), with no ``Regioaanduiding/Codering``. Names repeat across
gemeenten ("Centrum") and change over the years, so a name means nothing without its gemeente
and level. The work is split in two:

* the loader *places* each row: which gemeente it lies in and at which level, from a
  ``Soort regio`` column when the file has one, else from the order and naming CBS uses (the
  gemeente first, then each wijk, named ``Wijk NN …``, followed by its buurten). It writes the
  figures under a placeholder key per row and lists the rows in ``ImportBatch.named_regions``.
  A table whose rows cannot be placed at all is refused by the loader, as before;
* the importer *resolves* the names against the regions with codes that the store and the
  other files of the same command know, within the same gemeente (itself found by name) and
  level, comparing names without regard to case, accents or whitespace. A buurt must lie in
  the wijk it stands under in the file (when that wijk was found), which also decides between
  buurten of the same name. Rows that
  match nothing, or more than one region, are left out and reported by name; when nothing
  matches at all the import is refused with what to import first.

The codes come from the indeling of the table year when the gemeente's regions of that year are
known, else from the newest indeling known; the provenance says which. The figures keep the
table year as their region year.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from wijkkompas.regions import LEVELS, parse_region_code
from wijkkompas.sources.base import SourceError
from wijkkompas.sources.statline_labels import squash
from wijkkompas.sources.tabular import build_batch
from wijkkompas.sources.widetable import (
    ColumnRoles,
    TableInfo,
    _boundary_changes,
    _national,
    _observations,
    _unmatched,
    table_provenance,
)
from wijkkompas.store.batch import NAMED_REGION_COLUMNS, REGION_COLUMNS, ImportBatch

WIJK_NAME = re.compile(r"^\s*wijke?\s*\d+\b", re.IGNORECASE)
"""CBS names a wijk 'Wijk NN …' (its two-digit number within the gemeente, then its name;
'Wijk02 Kunrade' and 'Wijke 52 Fluitenberg' occur too)."""
COUNTRY_NAMES = frozenset({"nederland"})
KEY_PREFIX = "name:"
"""Placeholder keys are ``name:<line>``: never a region code, so nothing unresolved can pass."""
KIND_LEVELS = {"gemeente": "gemeente", "wijk": "wijk", "buurt": "buurt", "land": "land"}
REFERENCE_COLUMNS = ["code", "name", "level", "year", "gemeente_code", "wijk_code"]


def name_key(name: object) -> str:
    """A region name as compared: without accents, case or any whitespace."""
    text = str(name)
    if not text.isascii():  # plain ASCII has no accents to take off (most names)
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(text.casefold().split())


@dataclass(frozen=True)
class Placement:
    """Where one row of a names-only table stands: level, gemeente and the wijk row above it."""

    level: str | None
    """gemeente, wijk, buurt, land (the country), or None when the row cannot be placed."""
    gemeente: str | None
    parent: int | None = None
    """Position of the wijk row a buurt row follows (None for other levels)."""


def place_rows(
    names: Sequence[str],
    gemeenten: Sequence[str] | None = None,
    kinds: Sequence[str] | None = None,
) -> list[Placement]:
    """The level and gemeente of each row (see the module docstring for the rules).

    ``gemeenten`` is a Gemeentenaam column and ``kinds`` a Soort regio column, when the file
    has them. Without a Gemeentenaam column the gemeente is the table's first row.
    """
    placements: list[Placement] = []
    gemeente: str | None = None
    gemeente_seen = False
    wijk: int | None = None
    for position, raw in enumerate(names):
        name = str(raw).strip()
        key = name_key(name)
        kind = KIND_LEVELS.get(name_key(kinds[position])) if kinds is not None else None
        if kind == "land" or (kinds is None and _is_country(key, position, gemeenten)):
            placements.append(Placement("land", None))
            continue
        if gemeenten is not None:
            named_gemeente = str(gemeenten[position]).strip() or None
            if named_gemeente != gemeente:
                gemeente, gemeente_seen, wijk = named_gemeente, False, None
        elif (kind == "gemeente" or (gemeente is None and kinds is None and key)) and not (
            WIJK_NAME.match(name)
        ):  # a gemeente row, or the first row of a one-gemeente table
            gemeente, gemeente_seen, wijk = name, False, None
        if not key:
            placements.append(Placement(None, gemeente))
            continue
        level: str | None
        if kinds is not None:
            level = kind
        elif not gemeente_seen and gemeente is not None and key == name_key(gemeente):
            level = "gemeente"
        elif WIJK_NAME.match(name) and gemeente is not None:
            level = "wijk"
        elif wijk is not None:
            level = "buurt"
        else:
            level = None
        if level == "gemeente":
            gemeente_seen, wijk = True, None
        elif level == "wijk":
            wijk = position
        placements.append(Placement(level, gemeente, wijk if level == "buurt" else None))
    return placements


def _is_country(key: str, position: int, gemeenten: Sequence[str] | None) -> bool:
    """'Nederland' is the country as a table's first row or with 'Nederland' as its gemeente;
    elsewhere it may be a buurt (Steenwijkerland has two called Nederland)."""
    if key not in COUNTRY_NAMES:
        return False
    if gemeenten is not None:
        return name_key(gemeenten[position]) in COUNTRY_NAMES
    return position == 0


def placeable(placements: Sequence[Placement]) -> bool:
    """True when the table places at least one wijk or buurt: else it is not a names-only
    KWB table wijkkompas can resolve, and the loader refuses it as it always did."""
    return any(p.level in ("wijk", "buurt") for p in placements)


def identification_columns(roles: ColumnRoles) -> tuple[str | None, str | None]:
    """The Gemeentenaam and Soort regio columns among a table's identification columns."""
    gemeente = kind = None
    for column in roles.identification:
        form = squash(column).removeprefix("regioaanduiding")
        if form.startswith("gemeentenaam") and gemeente is None:
            gemeente = column
        elif form.startswith("soortregio") and kind is None:
            kind = column
    return gemeente, kind


def table_placements(frame: pd.DataFrame, roles: ColumnRoles) -> list[Placement]:
    """:func:`place_rows` for a wide table whose name column is ``roles.name``."""
    if roles.name is None:
        return []
    gemeente_column, kind_column = identification_columns(roles)

    def cells(column: str | None) -> list[str] | None:
        if column is None:
            return None
        return [str(v).strip() for v in frame[column].fillna("").to_numpy(dtype=object)]

    return place_rows(cells(roles.name) or [], cells(gemeente_column), cells(kind_column))


def named_batch(
    frame: pd.DataFrame, row_numbers: Sequence[int], roles: ColumnRoles, info: TableInfo
) -> ImportBatch:
    """The batch of a wide table that names its regions: figures under placeholder keys."""
    assert roles.name is not None
    placements = table_placements(frame, roles)
    rows = np.asarray(row_numbers)
    names = [str(v).strip() for v in frame[roles.name].fillna("").to_numpy(dtype=object)]
    country = np.array([p.level == "land" for p in placements], dtype=bool)
    keep = np.array(
        [bool(n) and p.level != "land" for n, p in zip(names, placements, strict=True)], dtype=bool
    )
    keys = np.array([f"{KEY_PREFIX}{r}" for r in rows], dtype=object)
    national, _ = _national(frame.loc[country], roles, info)
    kept = frame.loc[keep].reset_index(drop=True)
    observations, unparseable = _observations(keys[keep], kept, roles, info)
    named = pd.DataFrame(
        {
            "key": keys[keep],
            "name": np.array(names, dtype=object)[keep],
            "level": [p.level for p, k in zip(placements, keep, strict=True) if k],
            "gemeente_name": [p.gemeente for p, k in zip(placements, keep, strict=True) if k],
            "parent_key": [
                keys[p.parent] if p.parent is not None else None
                for p, k in zip(placements, keep, strict=True)
                if k
            ],
            "year": np.full(int(keep.sum()), info.table_year, dtype="int64"),
            "row": rows[keep].astype("int64"),
        },
        columns=NAMED_REGION_COLUMNS,
    )
    levels = named["level"].fillna("unplaced").value_counts().to_dict()
    provenance = table_provenance(
        info,
        roles,
        national=len(national),
        unparseable=unparseable,
        code_column=None,
        regions_identified_by="name",
        rows_by_level_in_file={str(k): int(v) for k, v in levels.items()},
        skipped_rows={"blank": int((~keep & ~country).sum()), "national": int(country.sum())},
    )
    return build_batch(
        info.read(),
        info.source,
        info.description,
        observations=observations,
        unmatched=_unmatched(keys[keep], kept, roles, info),
        boundary_changes=_boundary_changes(keys[keep], kept, roles, info.table_year),
        national=national,
        named_regions=named,
        provenance=provenance,
        names_to_resolve=True,
    )


# --- at import: names to codes ---------------------------------------------------------------


@dataclass
class NameResolution:
    """What became of one file's named regions."""

    matched: int = 0
    unmatched: list[dict[str, Any]] = field(default_factory=list)
    """One entry per row left out: name, level, gemeente, file line and the reason."""
    code_years: dict[str, int] = field(default_factory=dict)
    """Per gemeente code: the year of the indeling whose codes the names were matched to."""

    @property
    def unmatched_names(self) -> list[str]:
        return [str(u["name"]) for u in self.unmatched]


def reference_regions(
    batches: Sequence[tuple[Path, ImportBatch]], known: pd.DataFrame
) -> pd.DataFrame:
    """Regions with codes from the store and from every file of the command, with name keys."""
    parts = [known.reindex(columns=REFERENCE_COLUMNS)]
    parts += [b.regions.reindex(columns=REFERENCE_COLUMNS) for _, b in batches if len(b.regions)]
    regions = (
        pd.concat([p for p in parts if len(p)], ignore_index=True)
        if any(len(p) for p in parts)
        else pd.DataFrame(columns=REFERENCE_COLUMNS)
    )
    regions = regions.dropna(subset=["code", "year"]).copy()
    regions["year"] = regions["year"].astype("int64")
    # A file that knows only codes (the RIVM monitor, police crime) names its regions by code:
    # such a region cannot be found by name, and its year is no indeling to match names to.
    named = regions["name"].fillna("").astype(str).str.strip()
    regions = regions[(named != "") & (named != regions["code"].astype(str))].copy()
    regions["key"] = regions["name"].fillna("").map(name_key)
    return regions.drop_duplicates(["code", "year"], keep="last").reset_index(drop=True)


def resolve_named_regions(
    batches: Sequence[tuple[Path, ImportBatch]], known: pd.DataFrame
) -> list[NameResolution | None]:
    """Give every named region of every batch its code, in place; one result per batch.

    A batch of which no named region resolves is refused (see the module docstring).
    """
    if all(batch.named_regions.empty for _, batch in batches):
        return [None] * len(batches)  # every region has its code: no names to key (seconds)
    reference = reference_regions(batches, known)
    results: list[NameResolution | None] = []
    for path, batch in batches:
        if batch.named_regions.empty:
            results.append(None)
            continue
        codes, resolution = _resolve(batch.named_regions, reference)
        if not codes:
            raise _nothing_matched(path.name, batch.named_regions, reference)
        _apply(batch, codes, resolution)
        results.append(resolution)
    return results


def _resolve(named: pd.DataFrame, reference: pd.DataFrame) -> tuple[dict[str, str], NameResolution]:
    resolution = NameResolution()
    codes: dict[str, str] = {}
    reasons: dict[str, str] = {}
    gemeenten = reference[reference["level"] == "gemeente"]
    gemeente_codes: dict[str, list[str]] = {}
    for key, code in zip(gemeenten["key"], gemeenten["code"], strict=True):
        found_codes = gemeente_codes.setdefault(str(key), [])
        if str(code) not in found_codes:
            found_codes.append(str(code))
    by_gemeente = dict(tuple(reference.groupby("gemeente_code", sort=False)))
    # Rows as plain records, per gemeente name in the order the file first names it: a
    # whole-country table has 18,000 rows in 350 gemeenten (frames per gemeente took seconds).
    records = named.to_dict("records")
    groups: dict[str | None, list[dict[Any, Any]]] = {}
    for row in records:
        name = row["gemeente_name"]
        groups.setdefault(None if pd.isna(name) else str(name), []).append(row)
    for gemeente_name, rows in groups.items():
        if gemeente_name is None:
            reasons.update(
                dict.fromkeys((r["key"] for r in rows), "the file does not say its gemeente")
            )
            continue
        found = gemeente_codes.get(name_key(gemeente_name), [])
        if len(found) != 1:
            reason = (
                f"{len(found)} gemeenten are named '{gemeente_name}'"
                if len(found) > 1
                else f"no gemeente named '{gemeente_name}' is known"
            )
            reasons.update(dict.fromkeys((r["key"] for r in rows), reason))
            continue
        gemeente_code = found[0]
        of_gemeente = by_gemeente.get(gemeente_code, reference.iloc[0:0])
        year = _indeling_year(of_gemeente, int(rows[0]["year"]))
        resolution.code_years[gemeente_code] = year
        candidates = _candidates(of_gemeente[of_gemeente["year"] == year])
        # Gemeente and wijken first, so a buurt knows the code of the wijk it stands under.
        for row in sorted(rows, key=lambda r: _LEVEL_ORDER.get(r["level"], len(_LEVEL_ORDER))):
            code, reason = _match(row, candidates, codes)
            if code is not None:
                codes[str(row["key"])] = code
            else:
                reasons[str(row["key"])] = reason
    # Two rows resolving to one region cannot both be its figures: neither is imported.
    taken = pd.Series(codes, dtype=object)
    for key in taken[taken.duplicated(keep=False)].index:
        reasons[str(key)] = f"another row of the file has the same name ({codes.pop(key)})"
    for row in records:
        if str(row["key"]) in reasons:
            resolution.unmatched.append(
                {
                    "name": row["name"],
                    "level": row["level"] if isinstance(row["level"], str) else None,
                    "gemeente": row["gemeente_name"],
                    "line": int(row["row"]),
                    "reason": reasons[str(row["key"])],
                }
            )
    resolution.matched = len(codes)
    return codes, resolution


_LEVEL_ORDER = {"gemeente": 0, "wijk": 1, "buurt": 2}
"""The order rows are matched in within a gemeente; any other level comes last."""


def _indeling_year(of_gemeente: pd.DataFrame, table_year: int) -> int:
    """The table year when the gemeente's wijken or buurten of that year are known, else the
    newest year that knows them (else the newest year of any of its regions)."""
    detailed = set(of_gemeente.loc[of_gemeente["level"].isin(["wijk", "buurt"]), "year"])
    if table_year in detailed:
        return table_year
    return int(max(detailed or set(of_gemeente["year"])))


Candidates = dict[tuple[str, str], list[tuple[str, object]]]
"""A gemeente's regions of one indeling by (level, name key): their codes and wijk codes."""


def _candidates(regions: pd.DataFrame) -> Candidates:
    """``regions`` by level and name key: a whole-country names-only table has 18,000 rows,
    and filtering a frame for each took eight seconds."""
    by_name: Candidates = {}
    for code, level, key, wijk in zip(
        regions["code"], regions["level"], regions["key"], regions["wijk_code"], strict=True
    ):
        by_name.setdefault((str(level), str(key)), []).append((str(code), wijk))
    return by_name


def _match(
    row: dict[Any, Any], candidates: Candidates, codes: dict[str, str]
) -> tuple[str | None, str]:
    level = row["level"] if isinstance(row["level"], str) else None
    if level not in LEVELS:
        return None, "its level (gemeente, wijk or buurt) cannot be told from the file"
    same = candidates.get((level, name_key(row["name"])), [])
    parent_key = row["parent_key"]
    parent = codes.get(parent_key) if isinstance(parent_key, str) else None
    if level == "buurt" and parent is not None and same:
        # The wijk the file puts it under decides, and must agree: a row taken for a buurt
        # that is really a wijk without 'Wijk NN' in its name is not matched to a buurt.
        under: list[tuple[str, object]] = [
            (code, wijk) for code, wijk in same if isinstance(wijk, str) and wijk == parent
        ]
        if not under:
            elsewhere = ", ".join(sorted({code for code, _wijk in same})[:3])
            return None, f"the buurt of that name ({elsewhere}) lies in another wijk"
        same = under
    found = list(dict.fromkeys(code for code, _wijk in same))
    if len(found) == 1:
        return found[0], ""
    if len(found) > 1:
        shown = ", ".join(sorted(found)[:3])
        return None, f"{len(found)} regions of that name and level ({shown})"
    return None, f"no {level} of that name in the gemeente"


def _apply(batch: ImportBatch, codes: dict[str, str], resolution: NameResolution) -> None:
    """Replace the placeholder keys by codes, leave out unresolved rows, register the regions."""
    named = batch.named_regions
    resolved = named[named["key"].isin(codes.keys())]
    regions = []
    for row in resolved.to_dict("records"):
        parsed = parse_region_code(codes[str(row["key"])])
        regions.append(
            (parsed.code, row["name"], parsed.level, int(row["year"]), parsed.gemeente_code,
             parsed.wijk_code)
        )  # fmt: skip
    batch.regions = pd.DataFrame(regions, columns=REGION_COLUMNS)
    for attribute in ("observations", "unmatched", "boundary_changes"):
        frame = getattr(batch, attribute)
        mapped = frame["region_code"].map(codes)
        frame = frame[mapped.notna()].copy()
        frame["region_code"] = mapped[mapped.notna()].astype(object)
        setattr(batch, attribute, frame.reset_index(drop=True))
    years = sorted(set(resolution.code_years.values()))
    batch.provenance.update(
        {
            "region_codes_from": (
                "names matched (ignoring case, accents and spaces) within the gemeente to the "
                f"regions of the {', '.join(map(str, years))} indeling known to the store or "
                "the files imported with it; the figures keep their table year as region year"
            ),
            "region_code_years": resolution.code_years,
            "names_matched": resolution.matched,
            "names_unmatched": resolution.unmatched,
        }
    )
    batch.named_regions = named.iloc[0:0]


def _nothing_matched(name: str, named: pd.DataFrame, reference: pd.DataFrame) -> SourceError:
    gemeenten = sorted({str(g) for g in named["gemeente_name"].dropna()})
    year = int(named["year"].to_numpy()[0])
    where = ", ".join(gemeenten[:3]) or "its gemeente"
    known = (
        "the store and the files imported with it know no regions"
        if reference.empty
        else f"none of the regions known to the store or the files imported with it has a "
        f"matching name in {where}"
    )
    return SourceError(
        f"{name}: this table names its regions without codes (gemeente {where}, table year "
        f"{year}), and {known}. wijkkompas finds the codes by name within the gemeente, so it "
        "needs a KWB file with region codes that covers the gemeente: import one in the same "
        f"command or first, for example `wijkkompas import "
        f"Kerncijfers_wijken_en_buurten_2024.csv {name}` with the whole-country StatLine "
        "download of 'Kerncijfers wijken en buurten' including 'Regioaanduiding/Codering "
        "(code)' (or kwb-2024.xlsx)."
    )
