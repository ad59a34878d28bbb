"""RIVM/GGD'en/CBS health monitor per wijk and buurt: StatLine table 50090NED "Gezondheid per
wijk en buurt; 2012/2016/2020 (indeling 2020)", as the xlsx UntypedDataSet export, OData JSON
(typed or untyped) or the same records saved as CSV.

The figures are model-based small-area estimates (modelschattingen) from the
Gezondheidsmonitor Volwassenen en Ouderen: percentages predicted for every area from register
covariates, not counts of respondents in it. What the loader decides:

* Columns match on their StatLine base name (``Eenzaam_28`` → ``Eenzaam``); the names live
  here, not in the catalogue (:data:`FIGURES`). A label header such as ``Eenzaam (%)`` reduces
  to the same key.
* ``Leeftijd`` is a dimension: 20300 (18 years and older) feeds the catalogue ids, 80200
  (65 and older) feeds ``<id>_65plus`` where the catalogue has one. Every other combination of
  column and age group, an unknown age code included, is kept verbatim as unmatched, its
  source column naming both: ``Eenzaam_28 (Leeftijd 53115: 18 tot 65 jaar)``.
* Rows whose ``Marges`` is not ``MW00000`` (the point estimate) are bounds of an interval, not
  figures: they are skipped and counted per Marges code in the provenance. A file without a
  Marges column holds point estimates only.
* All periods of the table are on the 2020 boundaries, so every region gets boundary year 2020
  (``--year`` overrides it, for a later release on other boundaries); the period of a figure is
  the year of ``Perioden`` (``2012``, ``2016``, ``2020``). One file may hold several periods.
  The year in a file name (``RIVM_gezondheid2012_18+.xlsx``) is the period, never the
  boundary year, and is not used.
* The country row (NL01, soort regio "Land") becomes national figures, not a region; other
  area codes (provinces, GGD regions) are skipped and counted.
* The table has no region names. A gemeente gets its ``Gemeentenaam``; a wijk or buurt gets its
  code as a placeholder, which the store never lets overwrite a name another file gave.
* An empty cell is a figure not published for that period (2012 has no volunteering, social
  loneliness, control or stress; 2016 no noise nuisance): NaN, not suppressed, never 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from wijkkompas.catalogue import Catalogue
from wijkkompas.sources import reading
from wijkkompas.sources import tabular as tab
from wijkkompas.sources.base import MISSING_MARKERS, LoadOptions, SourceError, statline_base_name
from wijkkompas.sources.cbs_kwb import read_spreadsheet
from wijkkompas.sources.cells import cell_text
from wijkkompas.sources.statline_csv import read_statline_csv
from wijkkompas.sources.statline_json import read_statline_json
from wijkkompas.sources.textfile import as_source_error
from wijkkompas.sources.year import table_id_in
from wijkkompas.store.batch import (
    NATIONAL_COLUMNS,
    OBSERVATION_COLUMNS,
    UNMATCHED_COLUMNS,
    ImportBatch,
)

TABLE_ID = "50090NED"
TABLE_TITLE = "Gezondheid per wijk en buurt; 2012/2016/2020 (indeling 2020)"
TABLE_REGION_YEARS: dict[str, int] = {TABLE_ID: 2020}
"""StatLine table id → the regio-indeling all its periods are computed on."""

FIGURES: dict[str, str] = {
    "ErvarenGezondheidGoedZeerGoed": "good_health_share",
    "HoogRisicoOpAngstOfDepressie": "anxiety_depression_risk_share",
    "MatigVeelRegieOverEigenLeven": "control_over_life_share",
    "Eenzaam": "loneliness_share",
    "ErnstigZeerErnstigEenzaam": "severe_loneliness_share",
    "SociaalEenzaam": "social_loneliness_share",
    "Mantelzorger": "informal_carer_share",
    "Vrijwilligerswerk": "volunteering_share",
    "ErnstigeGeluidhinderDoorBuren": "noise_nuisance_neighbours_share",
    "MoeiteMetRondkomen": "difficulty_making_ends_meet_share",
}
"""StatLine base name → catalogue id (for 18 years and older)."""
FIGURE_KEYS = {reading.key(base): target for base, target in FIGURES.items()}

ADULTS, SIXTY_FIVE_PLUS, WORKING_AGE = "20300", "80200", "53115"
AGE_GROUPS: dict[str, tuple[str, str | None]] = {
    ADULTS: ("18 jaar of ouder", ""),
    WORKING_AGE: ("18 tot 65 jaar", None),
    SIXTY_FIVE_PLUS: ("65 jaar of ouder", "_65plus"),
}
"""Leeftijd code → (label, suffix of the catalogue id it feeds; None: no indicator)."""
AGE_BY_LABEL = {reading.key(label): code for code, (label, _) in AGE_GROUPS.items()}

POINT_ESTIMATE = "MW00000"
POINT_LABELS = {POINT_ESTIMATE, "WAARDE"}
"""The Marges code (or, in a label download, the label) of the point estimate."""
COUNTRY_CODES = ("NL01", "NL00")
"""50090NED writes the country as NL01 (the KWB as NL00); either is the whole country."""

CODE_KEYS = ("codering", "regioaanduidingcodering", "regioaanduidingcoderingcode", "coderingcode")
REGION_KEYS = ("wijkenenbuurten",)
LEVEL_OF_PREFIX = {"GM": "gemeente", "WK": "wijk", "BU": "buurt"}
KNOWN_LEVELS = ("land", "gemeente", "wijk", "buurt")
XLS_MAGIC = b"\xd0\xcf\x11\xe0"
TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9_]*")

NOTES = {
    "estimate": (
        "Modelschattingen (model-based small-area estimates) of the Gezondheidsmonitor "
        "Volwassenen en Ouderen (RIVM, GGD'en, CBS): predicted for every area from register "
        "covariates fitted on the national survey, not counts of respondents in the area. "
        "Partly correlated with income and household type by construction; a change in one "
        "buurt is not the effect of a local intervention."
    ),
    "margins": (
        "Only point estimates (Marges MW00000) are imported; this export holds no margins of "
        "error, so no precision is stored for these figures."
    ),
    "bounds": (
        "Only point estimates (Marges MW00000) are imported; the rows with other Marges codes "
        "(interval bounds) were skipped and are counted in skipped_non_point_rows."
    ),
    "covid_2020": (
        "The 2020 monitor was fielded in the autumn of 2020, during the COVID-19 pandemic and "
        "its measures; loneliness, mental health and other 2020 figures may reflect that."
    ),
}


@dataclass
class _Roles:
    """What each column of the file is."""

    code: str
    name: str | None
    """A column of region names, only when a --mapping names one (the table has none)."""
    age: str
    period: str
    marges: str | None
    gemeente: str | None
    kind: str | None
    identification: list[str]
    figures: list[str]
    targets: dict[str, str]
    """Figure column → catalogue id for 18 years and older (matched on its base name)."""


class RivmLoader:
    key = "rivm"
    description = (
        "RIVM/GGD'en/CBS Gezondheid per wijk en buurt (50090NED, health monitor model "
        "estimates), xlsx, OData JSON or CSV"
    )

    def sniff(self, name: str, head: bytes) -> bool:
        """By name (rivm, 50090) or by a header with Leeftijd, Marges and a known figure."""
        lowered = reading.key(name)
        if "rivm" in lowered or TABLE_ID[:5] in lowered:
            return True
        if head[:4] in (reading.XLSX_MAGIC, XLS_MAGIC):
            return False  # a workbook's header is compressed: only its name can tell
        text = head[:16384].decode("utf-8", errors="ignore")
        tokens = {statline_base_name(t) for t in TOKEN.findall(text)}
        return {"Leeftijd", "Marges"} <= tokens and bool(tokens & set(FIGURES))

    def load(
        self, data: bytes, name: str, catalogue: Catalogue, options: LoadOptions
    ) -> ImportBatch:
        with as_source_error(name, "the RIVM health table 50090NED"):
            frame, where, table_id, fmt = _read(data, name, options)
            return _build(frame, where, table_id, fmt, data, name, catalogue, options)


def _read(
    data: bytes, name: str, options: LoadOptions
) -> tuple[pd.DataFrame, str, str | None, dict[str, str]]:
    """Text cells indexed by the row, record or line a person sees; table id if the file says."""
    if data[:4] in (reading.XLSX_MAGIC, XLS_MAGIC):
        # calamine straight into one object array: a whole-country sheet in half a second
        cells, rows, sheet, _ = read_spreadsheet(data, name, options)
        frame = _as_text(cells)
        frame.index = pd.Index(rows, name="row")
        kind = "xlsx" if data[:4] == reading.XLSX_MAGIC else "xls"
        return frame, "row", None, {"format": kind, "sheet": sheet}
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        table = read_statline_json(data, name)
        frame = _as_text(table.frame)
        frame.index = pd.Index(table.record_numbers, name="record")
        return frame, "record", table.table_id, {"format": table.layout}
    csv_table = read_statline_csv(data, name)
    frame = csv_table.frame
    frame.index = pd.Index(csv_table.lines, name="line")
    table_id = next((t for t in map(table_id_in, csv_table.titles) if t), None)
    return frame, "line", table_id, {"format": csv_table.layout}


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell as the text the file shows, '' when empty: a spreadsheet's or a typed JSON's
    number 20300.0 reads '20300'. Columns of text (nearly all, in an UntypedDataSet) are kept
    as they are, so only the few numeric columns cost any work."""
    columns: dict[str, pd.Series] = {}
    for column in frame.columns:
        cells = frame[column]
        if pd.api.types.infer_dtype(cells.to_numpy(dtype=object), skipna=False) == "string":
            columns[str(column)] = cells.astype(object)
        else:
            text = np.asarray(cell_text(cells).to_numpy(zero_copy_only=False), dtype=object)
            text[pd.isna(text)] = ""
            columns[str(column)] = pd.Series(text, index=cells.index, dtype=object)
    return pd.DataFrame(columns, index=frame.index)


def _roles(frame: pd.DataFrame, catalogue: Catalogue, options: LoadOptions, name: str) -> _Roles:
    columns = [str(c) for c in frame.columns]
    mapped, code_col, name_col = tab.mapped_columns(options, catalogue, columns, name)
    keys = {c: reading.key(statline_base_name(c)) for c in columns}

    def first(*wanted: str) -> str | None:
        return next((c for w in wanted for c in columns if keys[c] == w), None)

    region_col = first(*REGION_KEYS)
    if code_col is None:
        code_col = first(*CODE_KEYS)
    if code_col is None and region_col is not None and tab.looks_like_codes(frame[region_col]):
        code_col = region_col
    age_col, period_col = first("leeftijd"), first("perioden")
    missing = [
        label
        for label, col in (("region codes (Codering_3 or WijkenEnBuurten)", code_col),
                           ("Leeftijd", age_col), ("Perioden", period_col))
        if col is None
    ]  # fmt: skip
    if missing:
        raise SourceError(
            f"{name}: no column for {', '.join(missing)}. A file of table {TABLE_ID} has ID, "
            "Leeftijd, Marges, WijkenEnBuurten, Perioden, Codering_3 and the figure columns "
            "(Eenzaam_28, MoeiteMetRondkomen_38, ...). Download the table from RIVM StatLine "
            "with the region codes and the Leeftijd dimension, or name the code column in a "
            "--mapping file ('<column>,code')."
        )
    assert code_col is not None and age_col is not None and period_col is not None
    marges_col, gemeente_col, kind_col = first("marges"), first("gemeentenaam"), first("soortregio")
    placed = {code_col, name_col, age_col, period_col, marges_col, gemeente_col, kind_col}
    placed.add(region_col)
    identification = [c for c in columns if c in placed or keys[c] == "id"]
    figures = [c for c in columns if c not in identification]
    known = {i.id for i in catalogue.indicators}
    targets = {c: t for c, t in mapped.items() if c in figures}
    for column in figures:
        target = FIGURE_KEYS.get(keys[column])
        if column not in targets and target in known and target not in targets.values():
            targets[column] = str(target)
    return _Roles(
        code=code_col, name=name_col, age=age_col, period=period_col, marges=marges_col,
        gemeente=gemeente_col, kind=kind_col, identification=identification,
        figures=figures, targets=targets,
    )  # fmt: skip


def _build(
    frame: pd.DataFrame,
    where: str,
    table_id: str | None,
    fmt: dict[str, str],
    data: bytes,
    name: str,
    catalogue: Catalogue,
    options: LoadOptions,
) -> ImportBatch:
    roles = _roles(frame, catalogue, options, name)
    if frame.empty:
        raise SourceError(f"{name}: the file has a header but no rows.")
    region_year, year_how = _region_year(table_id, options, name)
    frame, skipped_margins = _point_estimates(frame, roles, name)
    periods, provisional = _periods(frame[roles.period], name, where, roles.period)
    ages = _ages(frame[roles.age], name, where, roles.age)
    text_codes = frame[roles.code].astype("string").fillna("").str.strip().str.upper()
    country = text_codes.isin(COUNTRY_CODES).to_numpy()
    codes = tab.region_codes(frame[roles.code], name, where, roles.code)
    region = codes.notna().to_numpy()
    if not region.any():
        raise SourceError(
            f"{name}: no gemeente, wijk or buurt rows (only the country or other areas). "
            "Download the table for the regions you need."
        )
    other_areas = int((~region & ~country).sum())
    _check_levels(frame, roles, codes, region, name, where)
    _refuse_duplicates(text_codes, periods, ages, region | country, name, where)
    release = tab.resolve_release(name, options)
    releases = np.where(
        provisional.to_numpy() & (options.release is None), "voorlopig", release
    ).astype(object)

    known = {i.id for i in catalogue.indicators}
    long = _long(frame, roles, ages, *_column_table(roles, ages, known))
    keys = _Keys(periods, releases, region_year)
    observations, bad = _figures(long, region, codes.to_numpy(dtype=object), keys)
    national, bad_national = _figures(long, country, text_codes.to_numpy(dtype=object), keys)
    national = national.rename(columns={"region_year": "table_year"})[NATIONAL_COLUMNS]
    unparseable = {c: bad.get(c, 0) + bad_national.get(c, 0) for c in {*bad, *bad_national}}
    unmatched = _unmatched(long, region, codes.to_numpy(dtype=object), keys)
    regions = _regions(frame, roles, codes, region, region_year)
    seen_ages = sorted(set(ages[region | country]))
    return tab.build_batch(
        tab.ReadFile(name, data, fmt),
        LOADER.key,
        f"{LOADER.description}: {name}",
        regions=regions,
        observations=observations,
        unmatched=unmatched,
        national=national,
        provenance={
            "table_id": table_id or TABLE_ID,
            "table_id_from": "file" if table_id else f"assumed: this loader reads {TABLE_ID}",
            "table_title": TABLE_TITLE,
            "year": region_year,
            "year_from": year_how,
            "periods": sorted(set(periods[region | country])),
            "age_groups": {
                a: AGE_GROUPS[a][0] if a in AGE_GROUPS else "unknown" for a in seen_ages
            },
            "unknown_age_groups": [a for a in seen_ages if a not in AGE_GROUPS],
            "release": release,
            "model_estimate": True,
            "estimate_note": NOTES["estimate"],
            "margins_note": NOTES["margins"] if not skipped_margins else NOTES["bounds"],
            **({"covid_note": NOTES["covid_2020"]} if "2020" in set(periods) else {}),
            "skipped_non_point_rows": skipped_margins,
            "skipped_other_areas": other_areas,
            "n_national": len(national),
            "national_unmatched_cells_not_stored": int((country[long.row] & ~long.matched).sum()),
            "matched_columns": sorted(set(observations["source_column"])),
            "identification_columns": roles.identification,
            "unparseable_by_column": unparseable,
            "implausible": tab.implausible_counts(observations, catalogue),
        },
    )


def _region_year(table_id: str | None, options: LoadOptions, name: str) -> tuple[int, str]:
    """The boundary year: the table's regio-indeling, unless ``--year`` says otherwise."""
    stated = TABLE_REGION_YEARS.get(table_id or TABLE_ID)
    if options.year is not None:
        note = f" (table {TABLE_ID} is on the {stated} boundaries)" if stated else ""
        return int(options.year), f"--year option{note}"
    if stated is None:
        raise SourceError(
            f"{name}: this is StatLine table {table_id}, not {TABLE_ID}, so wijkkompas does not "
            "know which regio-indeling its figures are on. Pass it with --year (the year in "
            "'indeling YYYY' of the table title)."
        )
    return stated, f"table {table_id or TABLE_ID} ({TABLE_TITLE})"


def _point_estimates(
    frame: pd.DataFrame, roles: _Roles, name: str
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Rows of point estimates only; the others counted per Marges code."""
    if roles.marges is None:
        return frame, {}
    marges = frame[roles.marges].astype("string").fillna("").str.strip().str.upper()
    point = marges.isin(POINT_LABELS).to_numpy()
    skipped = {str(k): int(v) for k, v in marges[~point].value_counts().items()}
    if not point.any():
        raise SourceError(
            f"{name}: no row holds a point estimate (Marges {POINT_ESTIMATE}); found "
            f"{', '.join(list(skipped)[:4])}. Download the table with Marges 'Waarde' selected."
        )
    return frame[point], skipped


def _periods(raw: pd.Series, name: str, where: str, column: str) -> tuple[np.ndarray, pd.Series]:
    """Each row's year as text ('2020') and whether StatLine marked it provisional."""
    text = raw.astype("string").fillna("")
    parsed = {str(p): tab.parse_period(p) for p in text.unique()}
    bad = next((p for p, v in parsed.items() if v is None), None)
    if bad is not None:
        index = text.index[(text == bad).to_numpy()][0]
        raise SourceError(
            f"{name}, {where} {index}: '{bad.strip()}' in column '{column}' is not a year "
            "(expected 2020JJ00 or 2020). The health monitor is published per survey year; "
            "export whole years only."
        )
    years = text.map({p: str(v.year) for p, v in parsed.items() if v is not None})
    starred = text.map({p: v.provisional for p, v in parsed.items() if v is not None})
    return years.to_numpy(dtype=object), starred.astype(bool)


def _ages(raw: pd.Series, name: str, where: str, column: str) -> np.ndarray:
    """Each row's Leeftijd code; a label download's '65 jaar of ouder' becomes its code."""
    text = raw.astype("string").fillna("").str.strip()
    empty = (text == "").to_numpy()
    if empty.any():
        index = text.index[empty][0]
        raise SourceError(
            f"{name}, {where} {index}: the column '{column}' is empty; every row needs its age "
            f"group ({', '.join(AGE_GROUPS)})."
        )
    codes = {str(t): AGE_BY_LABEL.get(reading.key(str(t)), str(t)) for t in text.unique()}
    return text.map(codes).to_numpy(dtype=object)


def _check_levels(
    frame: pd.DataFrame,
    roles: _Roles,
    codes: pd.Series,
    region: np.ndarray,
    name: str,
    where: str,
) -> None:
    """The level the code prefix says must be the SoortRegio the row says, where it says one."""
    if roles.kind is None:
        return
    kind = frame[roles.kind].astype("string").fillna("").str.strip().str.lower()
    expected = codes.fillna("").str[:2].map(LEVEL_OF_PREFIX)
    wrong = region & kind.isin(KNOWN_LEVELS).to_numpy() & (kind != expected).to_numpy()
    if wrong.any():
        position = int(np.flatnonzero(wrong)[0])
        raise SourceError(
            f"{name}, {where} {frame.index[position]}: region {codes.iloc[position]} is a "
            f"{expected.iloc[position]} by its code but '{kind.iloc[position]}' in column "
            f"'{roles.kind}'. The columns may have shifted; download the table again."
        )


def _refuse_duplicates(
    codes: pd.Series, periods: np.ndarray, ages: np.ndarray, rows: np.ndarray, name: str, where: str
) -> None:
    keys = pd.DataFrame({"code": codes.to_numpy(), "period": periods, "age": ages})[rows]
    repeated = keys.duplicated(keep=False).to_numpy()
    if repeated.any():
        positions = np.flatnonzero(rows)[repeated]
        first = keys.iloc[int(np.flatnonzero(repeated)[0])]
        lines = ", ".join(str(codes.index[p]) for p in positions[:3])
        raise SourceError(
            f"{name}: region {first['code']} occurs more than once for period {first['period']} "
            f"and Leeftijd {first['age']} ({where}s {lines}). Remove the duplicate rows and "
            "import again."
        )


def _column_table(
    roles: _Roles, ages: np.ndarray, known: set[str]
) -> tuple[np.ndarray, np.ndarray]:
    """For every (figure column, age group): the catalogue id it feeds (None: unmatched) and
    the source column that names both, e.g. ``Eenzaam_28 (Leeftijd 80200: 65 jaar of ouder)``."""
    groups = sorted(set(ages))
    targets = np.full((len(roles.figures), len(groups)), None, dtype=object)
    labels = np.empty((len(roles.figures), len(groups)), dtype=object)
    for i, column in enumerate(roles.figures):
        base = roles.targets.get(column)
        for j, age in enumerate(groups):
            label, suffix = AGE_GROUPS.get(age, (None, None))
            labels[i, j] = (
                f"{column} (Leeftijd {age}: {label})" if label else f"{column} (Leeftijd {age})"
            )
            if base is not None and suffix is not None and base + suffix in known:
                targets[i, j] = base + suffix
    return targets, labels


@dataclass
class _Long:
    """All figure cells in column-major order, with what each one is."""

    row: np.ndarray
    cell: np.ndarray
    indicator: np.ndarray
    column: np.ndarray
    matched: np.ndarray


@dataclass
class _Keys:
    """Per row of the file: its period and release; and the boundary year of all."""

    periods: np.ndarray
    releases: np.ndarray
    region_year: int


def _long(
    frame: pd.DataFrame, roles: _Roles, ages: np.ndarray, table: np.ndarray, labels: np.ndarray
) -> _Long:
    """Every figure cell once: a vectorised melt of the figure columns, no loop over cells."""
    n, m = len(frame), len(roles.figures)
    _, age_index = np.unique(ages, return_inverse=True)
    rows = np.tile(np.arange(n), m)
    cols = np.repeat(np.arange(m), n)
    ages_long = np.tile(age_index, m)
    cells = frame[roles.figures].to_numpy(dtype=object).ravel(order="F")
    indicator = table[cols, ages_long]
    matched = pd.notna(indicator).astype(bool)
    return _Long(rows, cells, indicator, labels[cols, ages_long], matched)


def _objects(values: np.ndarray) -> pd.Series:
    """Text kept as Python objects: converting a million strings to Arrow costs more than the
    rest of the import (as in :mod:`widetable`)."""
    return pd.Series(values, dtype=object)


def _figures(
    long: _Long, rows: np.ndarray, codes: np.ndarray, keys: _Keys
) -> tuple[pd.DataFrame, dict[str, int]]:
    """The matched cells of the selected rows as figures, and the unparseable ones per column."""
    keep = rows[long.row] & long.matched
    row = long.row[keep]
    cells = pd.Series(long.cell[keep], dtype=object)
    values, suppressed = tab.cells_to_values(cells)
    text = cells.astype("string").str.strip()
    bad = (values.isna() & text.notna() & ~text.isin(MISSING_MARKERS)).to_numpy(dtype=bool)
    columns = long.column[keep]
    unparseable = {str(c): int(k) for c, k in pd.Series(columns[bad]).value_counts().items()}
    figures = pd.DataFrame(
        {
            "region_code": _objects(codes[row]),
            "region_year": np.full(len(row), keys.region_year, dtype="int64"),
            "indicator_id": _objects(long.indicator[keep]),
            "period": _objects(keys.periods[row]),
            "value": values.to_numpy(dtype="float64"),
            "suppressed": suppressed.to_numpy(dtype=bool),
            "source_column": _objects(columns),
            "release": _objects(keys.releases[row]),
        },
        columns=OBSERVATION_COLUMNS,
    )
    return figures, unparseable


def _unmatched(long: _Long, rows: np.ndarray, codes: np.ndarray, keys: _Keys) -> pd.DataFrame:
    """Cells no indicator claims, verbatim without padding; an empty cell stays empty (null)."""
    keep = rows[long.row] & ~long.matched
    row = long.row[keep]
    text = pc.utf8_trim_whitespace(pa.array(long.cell[keep], type=pa.string(), from_pandas=True))
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    return pd.DataFrame(
        {
            "region_code": _objects(codes[row]),
            "region_year": np.full(len(row), keys.region_year, dtype="int64"),
            "period": _objects(keys.periods[row]),
            "source_column": _objects(long.column[keep]),
            "value_text": pd.Series(pd.arrays.ArrowExtensionArray(text)),
        },
        columns=UNMATCHED_COLUMNS,
    )


def _regions(
    frame: pd.DataFrame, roles: _Roles, codes: pd.Series, region: np.ndarray, region_year: int
) -> pd.DataFrame:
    """One row per region. The table names no region: a gemeente gets its Gemeentenaam, a wijk
    or buurt nothing, for which :func:`tab.regions_frame` puts the code, the placeholder the
    store never writes over a known name (an empty name would replace it). A ``--mapping``
    name column names every level."""
    blank = pd.Series("", index=frame.index, dtype="string")
    gemeente = (
        frame[roles.gemeente].astype("string").fillna("").str.strip()
        if roles.gemeente is not None
        else blank
    )
    names = gemeente.where(codes.fillna("").str.startswith("GM"), blank)
    if roles.name is not None:
        names = frame[roles.name].astype("string").fillna("").str.strip()
    rows = pd.DataFrame({"code": codes.to_numpy(), "name": names.to_numpy()})[region]
    rows = rows.drop_duplicates("code")
    found = {
        (str(code), region_year): str(name)
        for code, name in zip(rows["code"], rows["name"], strict=True)
    }
    return tab.regions_frame(found)


LOADER = RivmLoader()
