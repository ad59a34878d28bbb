"""A made-up gemeente in the layout of the real Amsterdam files, written by the tests themselves.

The real Amsterdam recipe (``real_stores.AMSTERDAM_FILES``) imports five files whose layouts
each carry their own quirks. This module writes a small file in each of those layouts for the
fictional gemeente Proefstad (GM9990), so the tests of that recipe have twins that always run:

- ``Kerncijfers_wijken_en_buurten_2017.csv`` and ``…_2019.csv``: a StatLine KWB download read
  into R and written back with ``write.csv``: commas, a leading unnamed row-index column,
  R-mangled labels (``Bevolking.Aantal.inwoners..aantal.``), the country's NL00 row first,
  names padded to 40 and codes to 10 characters, and the buurt's most common postcode. The
  2017 file keeps StatLine's text cells (figures padded with spaces, ``.`` for unknown, a
  decimal point); the 2019 file has R's own (``"2,1"`` quoted with a decimal comma, ``NA``).
  Both are on the old, all-digit buurt codes (BU99900000).
- ``Kerncijfers_wijken_en_buurten_2024_without_income_data.csv``: an extract with the user's
  own English column names (UTF-8 with BOM, semicolons, decimal comma, income left empty) on
  the new codes with letters (BU9990AA01), read with ``AMSTERDAM_2024_MAPPING``.
- ``buurten.geojson``: the municipality's buurt boundaries (CRS84, one feature per buurt whose
  ``cbsCode`` is the new code), imported with ``--year 2024``.
- ``buurten.csv``: the municipality's gebiedsindeling, which links each old buurt code of 2015
  to its code of 2022 (``BUURTCODE_CBS_2015`` → ``BUURTCODE_CBS_2022``), with an RD polygon.

Figures are invented by the rules in :func:`figures`, so a test can say what a page must show.
One old buurt (Spoorzone) has too few inhabitants to be published; one new buurt (Nieuwland)
did not exist before 2022.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from real_stores import AMSTERDAM_2024_MAPPING
from twin_cities import Region, RRow, r_cell, r_columns, r_resaved_csv
from twin_cities import figures as kwb_figures

GEMEENTE = "GM9990"
GEMEENTE_NAME = "Proefstad"


@dataclass(frozen=True)
class Buurt:
    old_code: str
    """Its code on the boundaries of 2015–2019 (digits only)."""
    new_code: str
    """Its code since 2022 (with letters)."""
    name: str
    wijk: int
    inhabitants: int
    wealth: float | None
    """0 (poorest) to 1 (richest): every figure follows from it; None: too few people to publish."""
    postcode: str
    """Its most common postcode."""


OLD_WIJKEN = [("WK999000", "Oude Stad"), ("WK999001", "Nieuwe Stad"), ("WK999002", "Buitengebied")]
NEW_WIJKEN = [("WK9990AA", "Oude Stad"), ("WK9990AB", "Nieuwe Stad"), ("WK9990AC", "Buitengebied")]
BUURTEN = [
    Buurt("BU99900000", "BU9990AA01", "Havenkade", 0, 1040, 0.8, "9901"),
    Buurt("BU99900001", "BU9990AA02", "Kerkplein", 0, 2310, 0.55, "9901"),
    Buurt("BU99900002", "BU9990AA03", "Markt", 0, 1620, 0.45, "9902"),
    Buurt("BU99900100", "BU9990AB01", "Parkzicht", 1, 3450, 0.3, "9903"),
    Buurt("BU99900101", "BU9990AB02", "Molenbuurt", 1, 2780, 0.1, "9904"),
    Buurt("BU99900102", "BU9990AB03", "Spoorzone", 1, 20, None, "9904"),
    Buurt("BU99900200", "BU9990AC01", "Dijkdorp", 2, 890, 0.7, "9905"),
    Buurt("BU99900201", "BU9990AC02", "Polder", 2, 160, 0.35, "9905"),
]
NEW_ONLY = Buurt("", "BU9990AC03", "Nieuwland", 2, 610, 0.6, "9906")
"""A buurt built after 2019: on today's map, without older figures."""
NATIONAL_WEALTH = 0.32

HAVENKADE = BUURTEN[0]
"""The buurt the tests follow through the years: BU99900000, BU9990AA01 since 2022."""
TINY = BUURTEN[5]


def _wealth_of(members: list[Buurt]) -> float:
    people = sum(b.inhabitants for b in members if b.wealth is not None)
    return sum(b.inhabitants * (b.wealth or 0) for b in members if b.wealth is not None) / people


def figures(code: str, year: int) -> dict[str, float]:
    """The made-up figures of a region (old code, NL00, the gemeente or a wijk) in a KWB year,
    by the rules of ``twin_cities.figures``; only the inhabitants of a buurt too small to
    publish."""
    wealth: float | None
    if code == "NL00":
        wealth, people = NATIONAL_WEALTH, 17_081_507
    elif code == GEMEENTE:
        wealth, people = _wealth_of(BUURTEN), sum(b.inhabitants for b in BUURTEN)
    elif code.startswith("WK"):
        members = [b for b in BUURTEN if OLD_WIJKEN[b.wijk][0] == code]
        wealth, people = _wealth_of(members), sum(b.inhabitants for b in members)
    else:
        buurt = next(b for b in BUURTEN if code in (b.old_code, b.new_code))
        wealth, people = buurt.wealth, buurt.inhabitants
    return kwb_figures(Region(code, "", "", people, wealth), year)


# --- the KWB as re-saved by R ---------------------------------------------------------------

COLUMNS_2017 = r_columns(
    ("inhabitants", "count"), ("age_00_14", "count"), ("age_15_24", "count"),
    ("age_25_44", "count"), ("age_45_64", "count"), ("age_65_plus", "count"),
    ("households", "count"), ("single_person_households", "count"), ("dwellings", "count"),
    ("woz", "figure"), ("vacant_share", "figure"), ("owner_share", "figure"),
    ("corporation_share", "figure"), ("income_per_inhabitant", "figure"),
    ("lowest_40_share", "figure"), ("highest_20_share", "figure"),
    ("low_income_households", "figure"), ("social_minimum_households", "figure"),
    ("social_assistance", "figure"), ("distance_gp", "figure"),
    ("distance_supermarket", "figure"), ("distance_daycare", "figure"),
    ("distance_school", "figure"), ("postcode", "code"), ("burglary", "figure"),
    ("vandalism", "figure"), ("violence", "figure"),
)  # fmt: skip
"""(label as R wrote it, field, kind) of the columns of KWB 2017 that feed the index, in order."""
COLUMNS_2019 = [
    *[c for c in COLUMNS_2017[:18] if c[1] != "social_minimum_households"],
    *r_columns(
        ("education_low", "count"), ("education_mid", "count"), ("education_high", "count"),
        ("labour_participation", "figure"), ("standardised_household_income", "figure"),
    ),
    COLUMNS_2017[17],
    *COLUMNS_2017[18:24],
]  # fmt: skip
"""KWB 2019 has education and labour but no crime figures."""


def _regions_in_kwb_order() -> list[tuple[str, str, str, Buurt | None]]:
    """(code, name, soort regio, buurt) as StatLine lists them: land, gemeente, each wijk with
    its buurten."""
    rows: list[tuple[str, str, str, Buurt | None]] = [
        ("NL00", "Nederland", "Land", None),
        (GEMEENTE, GEMEENTE_NAME, "Gemeente", None),
    ]
    for w, (code, name) in enumerate(OLD_WIJKEN):
        rows.append((code, name, "Wijk", None))
        rows += [(b.old_code, b.name, "Buurt", b) for b in BUURTEN if b.wijk == w]
    return rows


def kwb_resaved_by_r(year: int) -> bytes:
    """KWB ``year`` (2017 or 2019) for Proefstad as R's ``write.csv`` leaves a StatLine CSV;
    the most common postcode (a code) right-aligned in 10, '.' above the buurten."""
    columns = COLUMNS_2017 if year == 2017 else COLUMNS_2019
    rows: list[RRow] = []
    for code, name, kind, buurt in _regions_in_kwb_order():
        values = figures(code, year)
        cells = []
        for _, field, shape in columns:
            if field == "postcode":
                postcode = buurt.postcode if buurt is not None else "."
                cells.append(f'"{postcode:>10}"')
            else:
                cells.append(r_cell(values.get(field), shape, year))
        owner = "Nederland" if code == "NL00" else GEMEENTE_NAME
        rows.append((name, owner, kind, code, cells))
    return r_resaved_csv([label for label, _, _ in columns], rows)


# --- the 2024 extract with the user's own column names ----------------------------------------

EXTRACT_HEADER = [
    "District_Type", "Municipality_Name", "Area_Code", "Population_Total", "Pop_Age_0_15",
    "Pop_Age_15_25", "Pop_Age_25_45", "Pop_Age_45_65", "Pop_Age_65_Plus", "Avg_Household_Size",
    "Avg_Property_Value_1000EUR", "Pct_Unoccupied_Homes", "Pct_Owner_Occupied", "Pct_Rental",
    "Higher_Education_Count", "Avg_Income_Per_Income_Recipient_1000EUR",
    "Avg_Income_Per_Inhabitant_1000EUR", "Avg_Std_Household_Income_1000EUR",
    "Pct_Lowest_40Pct_Income", "Pct_Highest_20Pct_Income", "Pct_Low_Income_Households",
    "Pct_Below_120Pct_Social_Min", "Urbanization_Level",
]  # fmt: skip
EXTRACT_NAME = "Kerncijfers_wijken_en_buurten_2024_without_income_data.csv"


ExtractRow = tuple[str, str, str, Sequence[str]]
"""One region of the extract: its name, gemeente, code, and the 20 figure cells as written."""


def extract_csv(rows: Iterable[ExtractRow]) -> bytes:
    """The extract with the user's own English column names (:data:`EXTRACT_HEADER`): UTF-8
    with BOM, semicolons, the name, the gemeente padded to 40 and the code padded to 10
    quoted, then the figures unquoted as given (decimal comma, empty where unknown)."""
    lines = [";".join(f'"{h}"' for h in EXTRACT_HEADER)]
    for name, gemeente, code, cells in rows:
        lines.append(";".join([f'"{name}"', f'"{gemeente:<40}"', f'"{code:<10}"', *cells]))
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


def extract_2024() -> bytes:
    """The 2024 extract: names in District_Type, codes in Area_Code, income columns empty."""
    rows: list[tuple[str, str, float, int]] = []
    everyone = [*BUURTEN, NEW_ONLY]
    rows.append(
        (GEMEENTE, GEMEENTE_NAME, _wealth_of(everyone), sum(b.inhabitants for b in everyone))
    )
    for wijk, (code, name) in enumerate(NEW_WIJKEN):
        members = [b for b in everyone if b.wijk == wijk]
        rows.append((code, name, _wealth_of(members), sum(b.inhabitants for b in members)))
        rows += [(b.new_code, b.name, b.wealth or 0.0, b.inhabitants) for b in members]
    lines: list[ExtractRow] = []
    for code, name, w, people in rows:
        ages = [round(people * s) for s in (0.15, 0.12, 0.33, 0.24)]
        known = people >= 50
        cells = [
            str(people), *map(str, ages), str(people - sum(ages)), "1,8" if known else "",
            str(round(300 + 280 * w)) if known else "", str(round(9 - 6 * w)) if known else "",
            str(round(15 + 55 * w)) if known else "", str(round(85 - 55 * w)) if known else "",
            *[""] * 8, "1",
        ]  # fmt: skip
        lines.append((name, GEMEENTE_NAME, code, cells))
    return extract_csv(lines)


def extract_woz(code: str) -> int:
    """The WOZ value (x 1000 euro) the extract gives a new-code region."""
    text = extract_2024().decode("utf-8-sig").splitlines()
    row = next(r for r in csv.reader(text[1:], delimiter=";") if r[2].strip() == code)
    return int(row[EXTRACT_HEADER.index("Avg_Property_Value_1000EUR")])


# --- the municipality's boundaries and its gebiedsindeling ------------------------------------


def _square(column: int, row: int) -> list[list[float]]:
    """A buurt-sized square on a grid, in degrees (CRS84), counter-clockwise and closed."""
    x, y, side = 5.10 + column * 0.004, 52.05 + row * 0.003, 0.0035
    return [[x, y], [x + side, y], [x + side, y + side * 0.8], [x, y + side * 0.8], [x, y]]


def buurten_geojson() -> bytes:
    """Today's buurten as the municipality publishes them: FeatureCollection in CRS84, one
    Polygon per buurt, its CBS code in ``cbsCode`` beside the municipality's own ids."""
    features = []
    for number, buurt in enumerate([*BUURTEN, NEW_ONLY]):
        ident = f"0399098000{number:04d}"
        features.append(
            {
                "type": "Feature",
                "id": f"buurten.{ident}.1",
                "geometry": {"type": "Polygon", "coordinates": [_square(number % 3, number // 3)]},
                "properties": {
                    "volgnummer": 1, "registratiedatum": "2024-01-25T20:36:51",
                    "identificatie": ident, "naam": buurt.name, "code": buurt.new_code[-4:],
                    "beginGeldigheid": "2022-03-24T00:00:00", "eindGeldigheid": None,
                    "documentdatum": "2022-02-16", "documentnummer": "VN2022-001699",
                    "cbsCode": buurt.new_code, "ligtInWijkId": f"039909700000{buurt.wijk:02d}",
                    "ligtInGgpgebiedId": None, "ligtInGgwgebiedId": "03990950000022",
                },
            }
        )  # fmt: skip
    collection = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC::CRS84"}},
        "features": features,
    }
    return json.dumps(collection).encode("utf-8")


GEBIEDSINDELING_HEADER = [
    "BUURTCODE_2015", "BUURTCODE_CBS_2015", "BUURTNAAM_2015", "BUURTCODE_2022",
    "BUURTCODE_CBS_2022", "BUURTNAAM_2022", "WIJKCODE_2022", "WIJKNAAM_2022", "STADSDEELCODE",
    "STADSDEELNAAM", "latitude", "longitude", "geometrie",
]  # fmt: skip


def gebiedsindeling_csv() -> bytes:
    """Each old buurt with its code of 2022 and an RD (EPSG:28992) polygon as EWKT."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(GEBIEDSINDELING_HEADER)
    for number, buurt in enumerate(BUURTEN):
        x, y = 136_000 + (number % 3) * 270, 455_000 + (number // 3) * 330
        ring = [(x, y), (x + 240, y), (x + 240, y + 190), (x, y + 190), (x, y)]
        wijk_code, wijk_name = NEW_WIJKEN[buurt.wijk]
        writer.writerow([
            f"{'ABC'[buurt.wijk]}0{number}a", buurt.old_code, buurt.name, buurt.new_code[-4:],
            buurt.new_code, buurt.name, wijk_code[-2:], wijk_name, "ABC"[buurt.wijk],
            wijk_name, 52.05 + number * 0.003, 5.10 + number * 0.004,
            "SRID=28992;POLYGON ((" + ", ".join(f"{a:.3f} {b:.3f}" for a, b in ring) + "))",
        ])  # fmt: skip
    return out.getvalue().encode("utf-8")


# --- the recipe --------------------------------------------------------------------------------


def write_files(folder: Path) -> dict[str, Path]:
    """The five files under the names of ``real_stores.AMSTERDAM_FILES``, and the mapping."""
    folder.mkdir(parents=True, exist_ok=True)
    contents = {
        "kwb2017": ("Kerncijfers_wijken_en_buurten_2017.csv", kwb_resaved_by_r(2017)),
        "kwb2019": ("Kerncijfers_wijken_en_buurten_2019.csv", kwb_resaved_by_r(2019)),
        "kwb2024": (EXTRACT_NAME, extract_2024()),
        "boundaries": ("buurten.geojson", buurten_geojson()),
        "crosswalk": ("buurten.csv", gebiedsindeling_csv()),
        "mapping": ("mapping.csv", AMSTERDAM_2024_MAPPING.encode("utf-8")),
    }
    paths = {}
    for key, (name, data) in contents.items():
        paths[key] = folder / name
        paths[key].write_bytes(data)
    return paths


_BUILT: dict[tuple[bool, int], Path] = {}
"""Stores already built in this process, by recipe: a second module gets a copy."""


def build_store(folder: Path, *, crosswalk: bool, draws: int) -> Path:
    """Import the files as the README's recipe does (the command line's own functions, in this
    process), then save an index run. Returns the store's path, in ``folder``."""
    built = _BUILT.get((crosswalk, draws))
    if built is not None and built.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        copy = folder / "wijkkompas.duckdb"
        copy.write_bytes(built.read_bytes())
        return copy
    from wijkkompas.services.scoring import run_index
    from wijkkompas.sources.base import LoadOptions
    from wijkkompas.sources.importer import import_files
    from wijkkompas.sources.mapping import read_mapping, read_mapping_units
    from wijkkompas.store import AnalyticStore

    files = write_files(folder / "files")
    store = AnalyticStore(folder / "wijkkompas.duckdb")
    import_files(store, [files["kwb2017"], files["kwb2019"]], source="auto", options=LoadOptions())
    mapped = LoadOptions(
        mapping=read_mapping(files["mapping"]), units=read_mapping_units(files["mapping"])
    )
    import_files(store, [files["kwb2024"]], source="statline", options=mapped)
    import_files(store, [files["boundaries"]], source="auto", options=LoadOptions(year=2024))
    if crosswalk:
        import_files(store, [files["crosswalk"]], source="auto", options=LoadOptions())
    run_index(store, draws=draws, save=True)
    _BUILT[(crosswalk, draws)] = folder / "wijkkompas.duckdb"
    return folder / "wijkkompas.duckdb"
