"""CBS StatLine tables (KWB and others by region): OData JSON and CSV downloads in every shape.

Reading is in :mod:`statline_json` and :mod:`statline_csv`, label knowledge in
:mod:`statline_labels`; this module decides what each column is and hands the table to the
shared wide-table conversion. Decisions worth knowing:

* Columns match the catalogue on the key's base name (the numeric suffix changes between
  tables); where a base name repeats within a table (``Appartement_54`` electricity,
  ``Appartement_62`` gas) only the parent topics from a ``DataProperties.json`` decide, so pass
  it with :func:`load_with_metadata` (or ``metadata=`` to ``LOADER.load``). Without it such a
  column is kept unmatched and the provenance says why.
* A table without region codes (StatLine lets you download names only) is read only when each
  row can be placed in its gemeente and level by CBS's naming (the gemeente first, ``Wijk NN …``
  rows followed by their buurten) or a ``Soort regio`` column: its figures then wait under
  placeholder keys until the importer finds the codes by name among the regions it knows (see
  :mod:`region_names`). Any other names-only table (the Amsterdam 2015 income file, with
  stadsdelen and wijken by bare name) is refused: names repeat across gemeenten ("Centrum") and
  change over the years, so guessing would silently misplace figures. The message says how to
  download the table with codes.
* Columns named by a database export, the label path joined with underscores
  (``Bevolking_Leeftijdsgroepen_0_tot_15_jaar``), are read as labels, not as OData keys.
* The table year comes from the content (title row, table id, metadata map year), then the file
  name (``Kerncijfers_wijken_en_buurten_2017``; a later date is the download date), then
  ``--year``.
"""

from __future__ import annotations

import re

import pandas as pd

from wijkkompas.catalogue import Catalogue, Indicator
from wijkkompas.errors import WijkkompasError
from wijkkompas.regions import is_region_code
from wijkkompas.sources import widetable
from wijkkompas.sources.base import LoadOptions, SourceError, statline_base_name
from wijkkompas.sources.region_names import named_batch, placeable, table_placements
from wijkkompas.sources.statline_csv import read_statline_csv
from wijkkompas.sources.statline_json import read_statline_json
from wijkkompas.sources.statline_labels import (
    LabelIndex,
    base_of_title,
    bases_by_suffix,
    builtin_index,
    is_underscore_path,
    label_variants,
    normalise,
    path_words_present,
    squash,
    title_and_parents,
    topics_from_data_properties,
    underscore_label,
)
from wijkkompas.sources.textfile import as_source_error
from wijkkompas.sources.year import (
    TableYear,
    release_in_text,
    resolve_release,
    resolve_year,
    table_id_in,
    year_from_name,
    year_from_table_id,
    year_from_title,
)
from wijkkompas.store.batch import ImportBatch

KEY_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
JSON_KEY = re.compile(rb'"[A-Za-z][A-Za-z0-9]*_\d+"\s*:')
REGION_CELL = re.compile(
    r'(?:^|[;,"])\s*(?:GM\d{4}|WK\d{4}[0-9A-Z]{2}|BU\d{4}[0-9A-Z]{4})\s*(?:[;,"]|$)', re.M
)
REGION_NAMES = {
    "wijkenenbuurten", "regios", "regio", "wijkenbuurten", "gemeentewijkbuurt",
    "districtsandneighbourhoods", "wijkbuurt",
}  # fmt: skip
CODE_NAMES = {"codering", "regiocode", "regiocodegemeentewijkbuurt", "gwbcode", "encoding"}
ID_NAMES = {"gemeentenaam", "soortregio", "id", "perioden", "municipalityname", "periods"}
PROVISIONAL_MARK = "*"
"""StatLine marks a provisional period with an asterisk ('2023*')."""
SNIFF_WORDS = ("wijken en buurten", "regioaanduiding", "kerncijfers wijken", "wijkenenbuurten")


class StatlineLoader:
    """Loader for StatLine OData JSON and CSV downloads (see the module docstring)."""

    key = "statline"
    description = "CBS StatLine table by region: OData JSON or CSV download (also re-saved by R)"

    def sniff(self, name: str, head: bytes) -> bool:
        """JSON with OData records or StatLine keys; CSV whose first lines name StatLine topics."""
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        if start in (b"{", b"["):
            return b'"value"' in head or b"odata" in head or bool(JSON_KEY.search(head))
        if name.lower().endswith((".xls", ".xlsx")):
            return False
        raw = head[:8192].decode("utf-8", errors="ignore")
        text = normalise(raw)
        # Last in line: any table with CBS region codes is regional CBS data, perhaps renamed.
        return any(word in text for word in SNIFF_WORDS) or bool(REGION_CELL.search(raw))

    def load(
        self,
        data: bytes,
        name: str,
        catalogue: Catalogue,
        options: LoadOptions,
        metadata: bytes | None = None,
    ) -> ImportBatch:
        """Parse a StatLine file; ``metadata`` is the table's DataProperties.json, if at hand."""
        with as_source_error(name, "a StatLine table"):
            return _load(
                data,
                name,
                catalogue,
                options,
                metadata if metadata is not None else options.metadata,
            )


def load_with_metadata(
    data: bytes,
    name: str,
    catalogue: Catalogue,
    options: LoadOptions,
    data_properties: bytes,
) -> ImportBatch:
    """Load a StatLine file with its DataProperties.json, which decides repeated base names."""
    return LOADER.load(data, name, catalogue, options, metadata=data_properties)


def _load(
    data: bytes, name: str, catalogue: Catalogue, options: LoadOptions, metadata: bytes | None
) -> ImportBatch:
    index: LabelIndex | None = None
    map_year: TableYear | None = None
    if metadata is not None:
        topics, stated = topics_from_data_properties(metadata, f"the metadata of {name}")
        index = LabelIndex(topics)
        map_year = TableYear(stated, "DataProperties MapYear") if stated else None
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise SourceError(
            f"{name}: a spreadsheet, but the StatLine loader reads CSV and JSON downloads. "
            "Download the table from StatLine as CSV, or use --source kwb for kwb-YYYY files."
        )
    frame, rows, layout, table_id, titles = _read(data, name)
    roles = statline_roles(frame, catalogue, options, name, index, table_id)
    title_text = " ".join(titles)
    year = resolve_year(
        name,
        options,
        year_from_title(title_text) if titles else None,
        year_from_table_id(table_id),
        map_year,
        year_from_name(name),
    )
    release = resolve_release(
        name, options, release_in_text(title_text) or _release_from_periods(frame)
    )
    info = widetable.TableInfo.of(
        name,
        data,
        source=LOADER.key,
        description=f"CBS StatLine {table_id or 'table'} {year.year} ({name})",
        layout=layout,
        year=year,
        release=release,
        table_id=table_id,
        extra={"titles": titles, "metadata_supplied": metadata is not None},
    )
    if roles.code is None:  # names only, placed by _check_roles: codes are found at import
        return named_batch(frame, rows, roles, info)
    return widetable.table_batch(frame, rows, roles, info)


def _read(data: bytes, name: str) -> tuple[pd.DataFrame, list[int], str, str | None, list[str]]:
    """Cells, row numbers, layout, table id and title lines of a JSON or CSV download."""
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        table = read_statline_json(data, name)
        return table.frame, table.record_numbers, table.layout, table.table_id, []
    csv_table = read_statline_csv(data, name)
    table_id = next((t for t in map(table_id_in, csv_table.titles) if t), None)
    return csv_table.frame, csv_table.lines, csv_table.layout, table_id, csv_table.titles


def _release_from_periods(frame: pd.DataFrame) -> str | None:
    """'voorlopig' when every period in a Perioden column carries StatLine's '*' mark."""
    for column in frame.columns:
        if squash(statline_base_name(column)) in ("perioden", "periods"):
            periods = frame[column].dropna().astype(str).str.strip()
            periods = periods[periods != ""]
            if len(periods) and periods.str.endswith(PROVISIONAL_MARK).all():
                return "voorlopig"
    return None


def identification_role(column: str) -> str | None:
    """'code', 'region' (a code or a name, the values decide), 'change', 'id' or None."""
    forms = {squash(v) for v in label_variants(column)} | {squash(statline_base_name(column))}
    forms |= {f.removeprefix("regioaanduiding") for f in forms}
    for form in forms:
        if form.startswith("indelingswijziging"):
            return "change"
    for role, names in (("code", CODE_NAMES), ("region", REGION_NAMES), ("id", ID_NAMES)):
        if forms & names:
            return role
    return None


def _code_share(series: pd.Series) -> float:
    values = [str(v).strip() for v in series.dropna().head(500) if str(v).strip()]
    if not values:
        return 0.0
    return sum(is_region_code(v) or v.upper().startswith("NL") for v in values) / len(values)


def statline_roles(
    frame: pd.DataFrame,
    catalogue: Catalogue,
    options: LoadOptions,
    name: str,
    metadata: LabelIndex | None,
    table_id: str | None,
) -> widetable.ColumnRoles:
    """Which column holds codes, names, the boundary-change flag, which feed an indicator."""
    columns = list(frame.columns)
    roles = widetable.ColumnRoles()
    mapped = widetable.mapped_roles(columns, options.mapping, catalogue, name)
    roles.code = next((c for c, t in mapped.items() if t == widetable.MAPPING_CODE), None)
    roles.name = next((c for c, t in mapped.items() if t == widetable.MAPPING_NAME), None)
    region_columns: list[str] = []
    for column in columns:
        target = mapped.get(column)
        role = identification_role(column) if target is None else None
        if column in (roles.code, roles.name):
            continue
        if role == "code" and roles.code is None:
            roles.code = column
        elif role == "region":
            region_columns.append(column)
        elif role == "change" and roles.change is None:
            roles.change = column
        elif role is not None:
            roles.identification.append(column)
        elif isinstance(target, Indicator):
            roles.claim(column, target)
        else:
            indicator = _indicator_for(column, catalogue, metadata, table_id, roles)
            if indicator is not None:
                roles.claim(column, indicator)
            else:
                roles.unmatched.append(column)
    for column in region_columns:
        if roles.code is None and _code_share(frame[column]) >= 0.5:
            roles.code = column
        elif roles.name is None and _code_share(frame[column]) < 0.5:
            roles.name = column
        else:
            roles.identification.append(column)
    for placed in (roles.code, roles.name, roles.change):
        if placed is not None and placed not in roles.identification:
            roles.identification.append(placed)
    _check_roles(frame, roles, name, region_columns)
    return roles


def _indicator_for(
    column: str,
    catalogue: Catalogue,
    metadata: LabelIndex | None,
    table_id: str | None,
    roles: widetable.ColumnRoles,
) -> Indicator | None:
    """The indicator a key or label feeds, with the parent topics when they are known."""
    builtin = builtin_index()
    base: str | None = None
    parents: list[str] | None = None
    underscored = is_underscore_path(column)
    label = underscore_label(column) if underscored else column
    if KEY_LIKE.match(column.strip()) and not underscored:
        known = metadata or (builtin if table_id == builtin.table_id else None)
        topic = known.topic_for_key(column) if known else None
        base, parents = statline_base_name(column), list(topic.path) if topic else None
    else:
        topic = (metadata.topic_for_label(label) if metadata else None) or (
            builtin.topic_for_label(label)
        )
        if topic is not None:
            base, parents = topic.base, list(topic.path)
        else:
            # An underscore path has lost its topic marks: only its last words can be trusted.
            title, parents = (None, []) if underscored else title_and_parents(label)
            if title is not None:
                base = base_of_title(title)
            else:
                bases = [n for i in catalogue.indicators for n in i.statline]
                hits = bases_by_suffix(label, bases)
                base = hits[0] if len(hits) == 1 else None
                if underscored and base is not None:
                    paths = builtin.paths_of_base(base)
                    base = base if path_words_present(label, paths) else None
    if base is None:
        return catalogue.by_kwb_name(column)
    try:
        found = catalogue.by_statline_base(base, parents)
    except WijkkompasError:
        found = None
    if found is None and _claimants(catalogue, base) > 1:
        # Several indicators share this base name and the parent topics did not decide.
        roles.notes.setdefault("ambiguous_columns", []).append(column)
        return None
    return found or catalogue.by_kwb_name(column)


def _claimants(catalogue: Catalogue, base: str) -> int:
    name = statline_base_name(base).lower()
    return sum(name in (n.lower() for n in i.statline) for i in catalogue.indicators)


def _check_roles(
    frame: pd.DataFrame, roles: widetable.ColumnRoles, name: str, region_columns: list[str]
) -> None:
    """Refuse tables that cannot be placed (no codes) or that hold nothing we know."""
    if roles.code is None:
        for column in roles.unmatched:
            if _code_share(frame[column]) >= 0.9:
                roles.code = column
                roles.unmatched.remove(column)
                roles.identification.append(column)
                roles.notes["code_column_recognised_by_values"] = True
                break
    if roles.code is None and roles.name is not None and placeable(table_placements(frame, roles)):
        roles.notes["regions_identified_by"] = "name"
    elif roles.code is None and (region_columns or roles.name):
        names = frame[roles.name or region_columns[0]].dropna().astype(str).str.strip()
        raise SourceError(
            f"{name}: this StatLine table names its regions ({', '.join(names.head(3))}, …) "
            "but has no region codes, and its rows cannot be placed in a gemeente and level "
            "(wijkkompas looks codes up by name only in tables that list the gemeente, then each "
            "'Wijk NN …' with its buurten, or that have a 'Soort regio' column: names repeat "
            "across gemeenten and change over the years). In StatLine, add the topic "
            "'Regioaanduiding > Codering (code)' to the selection and download the table again "
            "(or download it as OData JSON, which always carries the codes)."
        )
    elif roles.code is None:
        raise SourceError(
            f"{name}: no column holds region codes ('Regioaanduiding/Codering (code)') or region "
            "names ('Wijken en buurten'), so no figure can be placed. The file may be damaged or "
            "cut off: download it again from CBS StatLine with the topic 'Regioaanduiding > "
            "Codering (code)' selected."
        )
    if not roles.matched:
        raise SourceError(
            f"{name}: none of its columns matches an indicator of the catalogue. Expected "
            "StatLine topics such as 'Bevolking/Aantal inwoners (aantal)' (CSV) or "
            "AantalInwoners_5 (OData JSON) and a region code column ('Regioaanduiding/Codering "
            f"(code)', Codering_3, WijkenEnBuurten). Found: {', '.join(map(str, frame.columns[:10]))}"
            f"{' …' if len(frame.columns) > 10 else ''}. If the columns were renamed, pass "
            "--mapping with a code column and at least one indicator; `wijkkompas mapping "
            f"{name} --out mapping.csv` writes one to fill in."
        )


LOADER = StatlineLoader()
