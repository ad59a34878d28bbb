"""CBS "Nabijheid voorzieningen" (proximity to facilities): how far residents live from amenities.

The table reaches users in three shapes, all handled here: the StatLine CSV with label headers
(``Gezondheid en welzijn/Huisartsenpraktijk/Afstand tot huisartsenpraktijk (km)``), the StatLine
"tabel" export turned sideways (regions as columns, topics as rows) and OData-style key exports,
in Dutch or English, often with columns renamed by whoever shared the file (``--mapping``).

Labels are matched on their last two path segments, because CBS regroups the upper levels of
the topic tree between years while the leaf wording stays put. Only topics whose meaning is the
catalogue's are matched; the other hundred-odd columns are kept verbatim as unmatched.

The distance figures refer to the table year itself (the KWB republishes them a year later, so
the catalogue's KWB lag does not apply here): the period label is the table year.
"""

from __future__ import annotations

import re

import pandas as pd

from wijkkompas.catalogue import Catalogue
from wijkkompas.sources import reading
from wijkkompas.sources import tabular as tab
from wijkkompas.sources.base import LoadOptions, NamedSourceLoader, SourceError
from wijkkompas.sources.year import STANDALONE_YEAR, year_from_name
from wijkkompas.store.batch import ImportBatch

LABELS: dict[tuple[str, str], str] = {
    ("huisartsenpraktijk", "afstand tot huisartsenpraktijk"): "distance_gp",
    ("winkels dagelijkse boodschappen", "afstand tot grote supermarkt"): "distance_supermarket",
    ("kinderdagverblijf", "afstand tot kinderdagverblijf"): "distance_daycare",
    ("basisonderwijs", "afstand tot school"): "distance_school",
    ("treinstations", "afstand tot treinstations totaal"): "distance_train_station",
    ("openbaar groen", "afstand tot openbaar groen totaal"): "distance_public_green",
    ("openbaar groen", "afstand tot park of plantsoen"): "distance_park",
}
"""(parent topic, leaf) of a label path, lower-case, without unit → catalogue id."""

KEYS: dict[str, str] = {
    "afstandtothuisartsenpraktijk": "distance_gp",
    "afstandtotgrotesupermarkt": "distance_supermarket",
    "afstandtotkinderdagverblijf": "distance_daycare",
    "afstandtotschool": "distance_school",
    "afstandtottreinstationstotaal": "distance_train_station",
    "afstandtotopenbaargroentotaal": "distance_public_green",
    "afstandtotparkofplantsoen": "distance_park",
    "distancetogppractice": "distance_gp",
    "distancetolargesupermarket": "distance_supermarket",
    "distancetodaycarecentres": "distance_daycare",
    "distancetoschool": "distance_school",
    "distancetotrainstationalltypes": "distance_train_station",
}
"""OData keys (base name, Dutch and English tables) → catalogue id. ``AfstandTotSchool`` and
``DistanceToSchool`` repeat (primary, then secondary school): only the first, which CBS orders
before secondary education, is primary school; later ones stay unmatched."""

CODE_KEYS = (
    "regioaanduidingcoderingcode",
    "regioaanduidingcodering",
    "codering",
    "encoding",
    "regiocode",
    "code",
)
REGION_KEYS = ("wijkenenbuurten", "districtsandneighbourhoods")
MUNICIPALITY_KEYS = ("gemeentenaam", "municipalityname", "regioaanduidinggemeentenaamnaam")
IGNORED_KEYS = ("id",)
UNIT = re.compile(r"\s*\(([^()]*)\)\s*$")


class NabijheidLoader(NamedSourceLoader):
    key = "nabijheid"
    description = "CBS Nabijheid voorzieningen (distance to amenities), StatLine/OData CSV"
    name_words = ("nabijheid", "proximity")

    def sniff_head(self, head: bytes) -> bool:
        line = reading.first_line(head)
        if line.startswith(("{", "[")):
            return False  # JSON metadata may mention the table; this loader reads CSV only
        if "nabijheid voorzieningen" in line:
            return True
        distances = line.count("afstand tot") + line.count("distanceto")
        return distances >= 5 and "bevolking" not in line and "population" not in line

    def load(
        self, data: bytes, name: str, catalogue: Catalogue, options: LoadOptions
    ) -> ImportBatch:
        rows, fmt = reading.read_rows(data, name)
        if not rows:
            raise SourceError(f"{name}: the file is empty.")
        sideways = len(rows[0][1]) == 1 or any(
            reading.key(r[1][0]) == "regioaanduidingcodering" for r in rows[:12]
        )
        if sideways:
            frame, codes_where, names, title, layout = _transpose(rows, name)
        else:
            frame, _unnamed = reading.rows_to_frame(rows, name)
            labelled = any("/" in str(c) for c in frame.columns)
            codes_where, names, title = None, None, None
            layout = "labels" if labelled else "keys"
        read = tab.ReadFile(name, data, fmt)
        return _build(frame, read, catalogue, options, layout, names, title, codes_where)


def _transpose(
    rows: list[tuple[int, list[str]]], name: str
) -> tuple[pd.DataFrame, str, list[str] | None, str, str]:
    """The sideways "tabel" export as one row per region, topics as columns (label ``a|b (km)``)."""
    title = rows[0][1][0].strip() if len(rows[0][1]) == 1 else ""
    code_row = next((r for r in rows if reading.key(r[1][0]) == "regioaanduidingcodering"), None)
    if code_row is None:
        raise SourceError(
            f"{name}: this looks like a StatLine table turned sideways, but no row "
            "'Regioaanduiding|Codering' with the region codes was found. Export the table with "
            "the region codes (Regioaanduiding/Codering) selected."
        )
    width = len(code_row[1])
    names_row = next((r for r in rows if r[1][0].strip().lower() == "onderwerp"), None)
    names = (
        [c.strip() for c in names_row[1][2:]] if names_row and len(names_row[1]) == width else None
    )
    columns: dict[str, list[str]] = {"Regioaanduiding|Codering": code_row[1][2:]}
    units: dict[str, str] = {}
    for line, record in rows[rows.index(code_row) + 1 :]:
        if len(record) == 1:
            continue  # "Bron: CBS" footer
        if len(record) != width:
            raise SourceError(
                f"{name}, line {line}: {len(record)} fields where the region-code row has "
                f"{width}. A separator or quote in that line is probably wrong."
            )
        label = record[0].strip()
        if reading.key(label).startswith("regioaanduiding"):
            continue
        if label in columns:
            raise SourceError(f"{name}, line {line}: the topic '{label}' occurs twice.")
        columns[label] = record[2:]
        units[label] = record[1].strip()
    frame = pd.DataFrame(columns, dtype=object)
    frame.attrs["units"] = units
    frame.index = pd.Index(range(3, 3 + len(frame)), name="column")
    return frame, f"line {code_row[0]}", names, title, "sideways"


def _path(label: str, unit: str | None = None) -> tuple[str, str] | None:
    """(parent, leaf) of a label path, lower-case, unit removed."""
    text = UNIT.sub("", label) if unit is None else label
    parts = [" ".join(p.split()).lower() for p in re.split(r"[/|]", text) if p.strip()]
    return (parts[-2], parts[-1]) if len(parts) >= 2 else None


def _match(
    frame: pd.DataFrame,
    catalogue: Catalogue,
    options: LoadOptions,
    name: str,
    units: dict[str, str],
) -> tuple[dict[str, str], str | None, str | None, list[str], list[str]]:
    """Which column feeds which indicator, which holds codes and names, which are bookkeeping."""
    columns = [str(c) for c in frame.columns]
    known = {i.id for i in catalogue.indicators}
    matched, code_col, name_col = tab.mapped_columns(options, catalogue, columns, name)
    ignored: list[str] = []
    claimed = set(matched.values())
    for column in columns:
        if column in matched or column in (code_col, name_col):
            continue
        k = reading.key(column)
        base = reading.key(re.sub(r"_\d+$", "", column.strip()))
        if code_col is None and (k in CODE_KEYS or base in CODE_KEYS):
            code_col = column
            continue
        if k.startswith(("regioaanduiding", "wijkenenbuurten")) or base in REGION_KEYS:
            if name_col is None and k == "wijkenenbuurten":
                name_col = column
            ignored.append(column)
            continue
        if base in IGNORED_KEYS or column.startswith("(column "):
            ignored.append(column)
            continue
        path = _path(column, units.get(column) if column in units else None)
        target = KEYS.get(base) or (LABELS.get(path) if path else None)
        if target in known and target not in claimed:
            matched[column] = target
            claimed.add(target)
    if code_col is None:
        code_col = next(
            (
                c
                for c in columns
                if reading.key(re.sub(r"_\d+$", "", c)) in REGION_KEYS
                and tab.looks_like_codes(frame[c])
            ),
            None,
        )
        if code_col in ignored:
            ignored.remove(code_col)
        if code_col == name_col:
            name_col = None
    unmatched = [c for c in columns if c not in matched and c not in ignored and c != code_col]
    return matched, code_col, name_col, ignored, unmatched


def _build(
    frame: pd.DataFrame,
    read: tab.ReadFile,
    catalogue: Catalogue,
    options: LoadOptions,
    layout: str,
    names: list[str] | None,
    title: str | None,
    codes_where: str | None,
) -> ImportBatch:
    name = read.name
    units: dict[str, str] = frame.attrs.get("units", {})
    columns = [str(c) for c in frame.columns]
    matched, code_col, name_col, ignored, unmatched = _match(frame, catalogue, options, name, units)
    if code_col is None:
        raise SourceError(
            f"{name}: no column with region codes (Regioaanduiding/Codering, Encoding, "
            "WijkenEnBuurten). Export the table with the region codes, or name the code column "
            "in a --mapping file ('<column>,code')."
        )
    period_col = next((c for c in columns if reading.key(c) == "perioden"), None)
    if period_col in unmatched:
        unmatched.remove(period_col)
    year = tab.resolve_year(
        name, options, _content_year(frame, period_col, title, name), year_from_name(name)
    )
    release = tab.resolve_release(
        name, options, "voorlopig" if _starred(frame, period_col) else None
    )
    codes, found = [], {}
    municipality_col = next(
        (c for c in columns if reading.key(re.sub(r"_\d+$", "", c)) in MUNICIPALITY_KEYS), None
    )
    keep = []
    for position, (index, row) in enumerate(frame.iterrows()):
        where = f"{codes_where}, column {index}" if codes_where else f"line {index}"
        code = tab.region_code(row[code_col], name, where)
        if code is None:
            continue
        region_name = names[position] if names else (str(row[name_col]).strip() if name_col else "")
        if not region_name and code.level == "gemeente" and municipality_col:
            region_name = str(row[municipality_col]).strip()
        if (code.code, year.year) in found:
            raise SourceError(f"{name}, {where}: the region {code.code} occurs twice.")
        found[(code.code, year.year)] = region_name
        codes.append(code.code)
        keep.append(index)
    if not codes:
        raise SourceError(
            f"{name}: no gemeente, wijk or buurt rows (only national or empty rows). Export the "
            "table for the regions you need."
        )
    rows = frame.loc[keep]
    code_series = pd.Series(codes, index=rows.index)
    period = str(year.year)
    observations = tab.wide_observations(rows, code_series, year.year, period, matched, release)
    return tab.build_batch(
        read,
        LOADER.key,
        f"{LOADER.description}: {name}",
        regions=tab.regions_frame(found),
        observations=observations,
        unmatched=tab.wide_unmatched(rows, code_series, year.year, period, unmatched),
        provenance={
            "table_id": None,
            "title": title or None,
            "layout": layout,
            "year": year.year,
            "year_from": year.how,
            "release": release,
            **tab.column_provenance(observations, rows, matched, ignored, catalogue),
        },
    )


def _content_year(
    frame: pd.DataFrame, period_col: str | None, title: str | None, name: str
) -> tab.Year | None:
    if period_col is not None:
        periods = {tab.parse_period(v) for v in frame[period_col]}
        years = {p.year for p in periods if p is not None}
        if None in periods or len(years) != 1:
            raise SourceError(
                f"{name}: the column '{period_col}' must hold one whole year for all rows "
                f"(found {sorted(set(map(str, frame[period_col].str.strip())))[:5]}). Export one "
                "year per file."
            )
        return tab.Year(years.pop(), f"column '{period_col}'")
    if title:
        years = {int(y) for y in STANDALONE_YEAR.findall(title)}
        if len(years) == 1:
            return tab.Year(years.pop(), f"title row '{title[:80]}'")
    return None


def _starred(frame: pd.DataFrame, period_col: str | None) -> bool:
    return period_col is not None and any(
        (p := tab.parse_period(v)) is not None and p.provisional for v in frame[period_col]
    )


LOADER = NabijheidLoader()
