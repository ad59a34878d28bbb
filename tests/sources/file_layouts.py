"""Small files in the layouts of real samples in ../shared/data, for their synthetic twins (#20).

Each writer takes made-up regions and writes them as the real file is written: the same
property and column names in the same order, the same encoding and quirks (space-padded codes,
decimal commas, R's mangled labels, a CRS member, RD New EWKT). Names and figures are invented;
the region codes only have the real format. Nothing here is read from a real file.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Polygon, box, mapping

from proefstad import GEBIEDSINDELING_HEADER, ExtractRow, extract_csv
from twin_cities import R_LABELS, RRow, kwb_workbook, r_resaved_csv

# -- the command line, in-process -----------------------------------------------------------------


# -- shapes ---------------------------------------------------------------------------------------


def bowtie(x: float, y: float, size: float = 0.004) -> Polygon:
    """A ring that crosses itself (GEOS: 'Self-intersection'), as a few real features do."""
    return Polygon([(x, y), (x + size, y + size), (x + size, y), (x, y + size), (x, y)])


def brick_coverage(
    x0: float, y0: float, rows: int = 3, cells: int = 3, size: float = 0.004, seed: int = 7
) -> list[Polygon]:
    """Hand-built buurten laid like bricks (every row shifted half a buurt), sharing borders
    that meander as surveyed borders do: 40 points per side, up to 0.00005° off the line.

    The T-junctions where a buurt meets two neighbours along one side make each buurt,
    simplified on its own, keep other points of a shared border than its neighbour keeps."""
    rng = np.random.default_rng(seed)
    points = 40

    def side(p: tuple[float, float], q: tuple[float, float]) -> np.ndarray:
        t = np.linspace(0.0, 1.0, points)
        line = np.outer(1 - t, p) + np.outer(t, q)
        direction = np.subtract(q, p)
        normal = np.array([-direction[1], direction[0]]) / np.hypot(*direction)
        walk = np.cumsum(rng.normal(0.0, 1.0, points))
        walk -= np.linspace(walk[0], walk[-1], points)  # both ends stay on the nodes
        return line + np.outer(walk / np.abs(walk).max() * 0.00005, normal)

    width = 2 * cells  # in half buurten
    horizontal = {
        (i, j): side((x0 + i * size, y0 + j * size), (x0 + (i + 1) * size, y0 + j * size))
        for j in range(rows + 1)
        for i in range(width)
    }
    shapes = []
    for j in range(rows):
        xs = sorted({0, width, *range(j % 2, width, 2)})
        vertical = {
            i: side((x0 + i * size, y0 + j * size), (x0 + i * size, y0 + (j + 1) * size))
            for i in xs
        }
        for left, right in itertools.pairwise(xs):
            bottom = [horizontal[i, j][:-1] for i in range(left, right)]
            top = [horizontal[i, j + 1][::-1][:-1] for i in reversed(range(left, right))]
            ring = np.vstack([*bottom, vertical[right][:-1], *top, vertical[left][::-1]])
            shapes.append(Polygon(ring))
    return shapes


RD_TO_WGS84 = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)


def rd_to_wgs84(shape: Polygon) -> Polygon:
    """The shape in lon/lat, as a municipality's API serves its RD New boundaries."""
    transformed: Polygon = shapely.transform(
        shape, lambda xy: np.column_stack(RD_TO_WGS84.transform(*xy.T))
    )
    return transformed


# -- Rotterdam: a Carto export (geo/rotterdam/rotterdam_buurten.geojson) --------------------------


@dataclass(frozen=True)
class CartoBuurt:
    code: str
    name: str
    shape: Polygon | MultiPolygon
    population: int = 1000
    households: int = 500


ROTTERDAM_LIKE = [
    CartoBuurt("BU05990110", "Havenkwartier", box(4.470, 51.915, 4.480, 51.925), 4210, 2605),
    CartoBuurt(
        "BU05990111",
        "Molenwerf",
        MultiPolygon([box(4.480, 51.915, 4.490, 51.925), box(4.492, 51.915, 4.494, 51.917)]),
        3120,
        1480,
    ),
    CartoBuurt("BU05990112", "Dijkzicht", bowtie(4.470, 51.926, 0.008), 2275, 1010),
    CartoBuurt("BU05990113", "Kaaikant", box(4.480, 51.926, 4.490, 51.934), 1890, 940),
]
"""Made-up buurten in the Carto layout: one in two parts, one whose ring crosses itself."""


def carto_geojson(buurten: Sequence[CartoBuurt] = ROTTERDAM_LIKE) -> bytes:
    """A FeatureCollection as Carto exports it: no CRS member (WGS84), MultiPolygon geometry
    before the properties cartodb_id, area, household, population, name and id (the code)."""
    features = []
    for number, buurt in enumerate(buurten, start=1):
        shape = buurt.shape
        if isinstance(shape, Polygon):
            shape = MultiPolygon([shape])
        feature = {
            "type": "Feature",
            "geometry": mapping(shape),
            "properties": {
                "cartodb_id": number,
                "area": round(shapely.area(shape) * 1e6),
                "household": buurt.households,
                "population": buurt.population,
                "name": buurt.name,
                "id": buurt.code,
            },
        }
        features.append(json.dumps(feature, separators=(",", ":")))
    return ('{"type": "FeatureCollection", "features": [' + ",".join(features) + "]}").encode()


# -- Amsterdam: the gebiedsindeling (geo/amsterdam/buurten.geojson and buurten.csv) ---------------


@dataclass(frozen=True)
class AmsterdamBuurt:
    code_2015: str
    cbs_2015: str
    name_2015: str
    code_2022: str
    name_2022: str
    rd_shape: Polygon
    """The 2022 boundary in RD New (EPSG:28992), metres."""

    @property
    def cbs_2022(self) -> str:
        return "BU0363" + self.code_2022

    @property
    def wijk(self) -> str:
        return self.code_2022[:2]


AMSTERDAM_LIKE = [
    AmsterdamBuurt(
        "A00a",
        "BU03630000",
        "Proefkade",
        "AE01",
        "Proefkade",
        box(121_000, 487_000, 121_400, 487_300),
    ),
    AmsterdamBuurt(
        "A00b",
        "BU03630001",
        "Oude Proefsteeg e.o.",
        "AE02",
        "Oude Proefsteeg e.o.",
        box(121_400, 487_000, 121_800, 487_300),
    ),
    AmsterdamBuurt(
        "A00c",
        "BU03630002",
        "Proefwallen",
        "AE03",
        "Proef-wallen",
        box(121_000, 487_300, 121_800, 487_600),
    ),
]
"""Made-up buurten: 2015 codes (old style) beside 2022 codes (BU0363AE01 …), in RD New."""


def gebiedsindeling_csv(buurten: Sequence[AmsterdamBuurt] = AMSTERDAM_LIKE) -> bytes:
    """Comma-separated, the 2015 and 2022 codes side by side, the 2022 boundary as quoted
    RD New EWKT (``SRID=28992;POLYGON ((…))``) in the last column."""
    lines = [",".join(GEBIEDSINDELING_HEADER)]
    for b in buurten:
        centre = rd_to_wgs84(b.rd_shape).centroid
        lines.append(
            f"{b.code_2015},{b.cbs_2015},{b.name_2015},{b.code_2022},{b.cbs_2022},"
            f"{b.name_2022},{b.wijk},Proefwijk {b.wijk},A,Centrum,{centre.y!r},{centre.x!r},"
            f'"SRID=28992;{b.rd_shape.wkt}"'
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def gebiedsindeling_geojson(
    buurten: Sequence[AmsterdamBuurt] = AMSTERDAM_LIKE,
    extra: Sequence[tuple[str, str, Polygon]] = (),
) -> bytes:
    """The gebiedsindeling API's GeoJSON: CRS84 named, ``_links``, feature ids
    ``buurten.<identificatie>.1`` and the properties in the API's order (cbsCode the code).

    ``extra``: (cbsCode, naam, lon/lat shape) of buurten only the municipality has."""
    rows = [(b.cbs_2022, b.name_2022, rd_to_wgs84(b.rd_shape)) for b in buurten]
    features = []
    for number, (code, name, shape) in enumerate([*rows, *extra], start=1):
        identification = f"0363098{number:07d}"
        features.append(
            {
                "type": "Feature",
                "id": f"buurten.{identification}.1",
                "geometry": mapping(shape),
                "properties": {
                    "volgnummer": 1,
                    "registratiedatum": "2024-01-25T20:36:51",
                    "identificatie": identification,
                    "naam": name,
                    "code": code[6:],
                    "beginGeldigheid": "2022-03-24T00:00:00",
                    "eindGeldigheid": None,
                    "documentdatum": "2022-02-16",
                    "documentnummer": "VN2022-000001",
                    "cbsCode": code,
                    "ligtInWijkId": "03630970000001",
                    "ligtInGgpgebiedId": None,
                    "ligtInGgwgebiedId": "03630950000001",
                },
            }
        )
    document: dict[str, Any] = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC::CRS84"}},
        "_links": [],
        "features": features,
    }
    return json.dumps(document).encode("utf-8")


# -- KWB: CBS's kwb-YYYY.xlsx / .xls (kwb/utrecht/CBS-Utrecht-kwb-2023.xlsx) ----------------------

KWB_COLUMNS = [
    "gwb_code_10", "gwb_code_8", "regio", "gm_naam", "recs", "gwb_code", "ind_wbi", "a_inw",
    "a_man", "a_vrouw", "a_nl_all", "a_hh", "g_hhgro", "a_woning", "g_wozbag", "p_koopw",
    "g_ele", "a_soz_wb", "a_opp_ha",
]  # fmt: skip
"""The first identifying columns of the kwb-xls layout and a few figures of each kind."""

Cell = int | float | str | None


def kwb_rows(gemeente: str = "9998", name: str = "Proefstad") -> list[list[Cell]]:
    """A gemeente, two wijken and three buurten as CBS writes them in kwb-2023.xlsx: numbers
    as numbers, some count columns as text ('5215'), '.' where a figure is not published."""
    regions = [
        (f"GM{gemeente}", gemeente, name, "Gemeente", 10500, 5200, 5300, "6810"),
        (f"WK{gemeente}01", f"{gemeente}01", "Wijk 01 Oost", "Wijk", 6200, 3050, 3150, "4020"),
        (f"WK{gemeente}02", f"{gemeente}02", "Wijk 02 West", "Wijk", 4300, 2150, 2150, "2790"),
        (f"BU{gemeente}0101", f"{gemeente}0101", "Oude Kern", "Buurt", 3900, 1910, 1990, "2550"),
        (f"BU{gemeente}0102", f"{gemeente}0102", "Molenbeemd", "Buurt", 2300, 1140, 1160, "1470"),
        (f"BU{gemeente}0201", f"{gemeente}0201", "Dijkzicht", "Buurt", 4300, 2150, 2150, "2790"),
    ]
    rows: list[list[Cell]] = []
    for number, (code, code8, region, kind, inhabitants, men, women, dutch) in enumerate(regions):
        households = inhabitants // 2
        rows.append(
            [code, code8, region, name, kind, code, 1, inhabitants, men, women, dutch,
             households, 2.1, households + 40, 301 + 7 * number, 52 + number,
             "." if kind == "Buurt" else 2710, str(35 + number), 410 + 10 * number]
        )  # fmt: skip
    return rows


def write_kwb_xlsx(path: Path, rows: Iterable[Sequence[Cell]], sheet: str = "kwb-2023") -> Path:
    """The rows under the kwb-xls header in one sheet, as CBS's xlsx download has them."""
    path.write_bytes(kwb_workbook(rows, sheet, KWB_COLUMNS))
    return path


def write_kwb_xls(path: Path, rows: Iterable[Sequence[Cell]], sheet: str = "kwb-2023") -> Path:
    """The same in the old binary .xls format CBS published before 2019."""
    import xlwt

    book = xlwt.Workbook()
    worksheet = book.add_sheet(sheet)
    for col, name in enumerate(KWB_COLUMNS):
        worksheet.write(0, col, name)
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            worksheet.write(r, col, value)
    book.save(str(path))
    return path


# -- KWB as R re-saved a StatLine CSV (kwb/amsterdam/Kerncijfers_wijken_en_buurten_2019.csv) ------

R_KWB_FIELDS = (
    "inhabitants", "households", "household_size", "dwellings", "owner_share",
    "income_per_inhabitant", "postcode",
)  # fmt: skip
"""The columns written here, after R's six region columns (``twin_cities.R_HEAD``); their
labels as R mangled them (every non-word character a dot) are ``twin_cities.R_LABELS``."""


@dataclass(frozen=True)
class RRegion:
    name: str
    kind: str
    code: str
    inhabitants: int
    owner_occupied: int | None
    income: str = "31,2"
    """Decimal comma, as the StatLine download had it (R kept it as text)."""


R_ABOVE_THE_BUURTEN = [
    RRegion("Nederland", "Land", "NL00", 17000000, 55),
    RRegion("Amsterdam", "Gemeente", "GM0363", 850000, 31),
    RRegion("Proefwallen-Oost", "Wijk", "WK036300", 4410, 19),
]
"""The country, the gemeente and a wijk, made up on Amsterdam's codes, in the order of the
2019 download: what comes before the wijk's buurten."""


def r_resaved_kwb_csv(regions: Sequence[RRegion], gemeente: str = "Amsterdam") -> bytes:
    """Comma-separated, every text quoted and space-padded as StatLine padded it, decimals as
    quoted ``"1,8"``, ``NA`` where R had no value, ``"."`` for an unknown change code."""

    rows: list[RRow] = []
    for region in regions:
        owners = "NA" if region.owner_occupied is None else str(region.owner_occupied)
        cells = [
            str(region.inhabitants),
            str(region.inhabitants // 2),
            '"1,8"',
            str(region.inhabitants // 2 + 15),
            owners,
            f'"{region.income}"',
            f'"{"1011" if region.kind == "Buurt" else ".":>10}"',
        ]
        owner = gemeente if region.kind != "Land" else "Nederland"
        rows.append((region.name, owner, region.kind, region.code, cells))
    return r_resaved_csv([R_LABELS[field] for field in R_KWB_FIELDS], rows)


# -- KWB 2024 for the whole country (kwb/nederland/Kerncijfers_wijken_en_buurten_2024_…csv) -----

WHOLE_COUNTRY_HEADER = [
    "Wijken en buurten", "Regioaanduiding/Gemeentenaam (naam)",
    "Regioaanduiding/Soort regio (omschrijving)", "Regioaanduiding/Codering (code)",
    "Regioaanduiding/Indelingswijziging gemeente, wijk, buurt (code)",
    "Bevolking/Aantal inwoners (aantal)", "Bevolking/Geslacht/Mannen (aantal)",
    "Bevolking/Geslacht/Vrouwen (aantal)", "Bevolking/Leeftijdsgroepen/0 tot 15 jaar (aantal)",
    "Bevolking/Leeftijdsgroepen/15 tot 25 jaar (aantal)",
    "Bevolking/Leeftijdsgroepen/25 tot 45 jaar (aantal)",
    "Bevolking/Leeftijdsgroepen/45 tot 65 jaar (aantal)",
    "Bevolking/Leeftijdsgroepen/65 jaar of ouder (aantal)",
]  # fmt: skip
"""The labels of the whole-country download of KWB 2024 (85984NED): the five region columns,
then a few population counts."""
CountryRow = tuple[str, str, str, str, str, Sequence[int]]
"""name, gemeente, soort regio, code, boundary change, and the counts under the header."""


def whole_country_csv(
    rows: Iterable[CountryRow], header: Sequence[str] = WHOLE_COUNTRY_HEADER
) -> bytes:
    """StatLine's whole-country download of KWB 2024: UTF-8 with a BOM, semicolons, CRLF,
    labels as headers (``header`` may stop after any count), names padded to 40 and codes to
    10, the country first with '.' for its boundary change, figures as bare integers."""
    lines = [";".join(f'"{h}"' for h in header)]
    for name, gemeente, kind, code, change, counts in rows:
        lines.append(
            f'"{name}";"{gemeente:<40}";"{kind:<10}";"{code:<10}";"{change}";'
            + ";".join(map(str, counts))
        )
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


# -- Rotterdam: CBS OData keyed by ID (kwb/rotterdam/ikgeoData.json) ------------------------------

IKGEO_FIGURES = [
    "k_0Tot15Jaar_8",
    "k_15Tot25Jaar_9",
    "k_25Tot45Jaar_10",
    "k_45Tot65Jaar_11",
    "k_65JaarOfOuder_12",
    "Bevolkingsdichtheid_33",
    "PercentageEengezinswoning_36",
    "PercentageMeergezinswoning_37",
    "Koopwoningen_40",
    "HuurwoningenTotaal_41",
    "GemiddeldInkomenPerInwoner_66",
    "TotaalDiefstalUitWoningSchuurED_106",
    "VernielingMisdrijfTegenOpenbareOrde_107",
    "GeweldsEnSeksueleMisdrijven_108",
]


def ikgeo_json(codes: Sequence[str]) -> bytes:
    """``{"value": {"<ID>": record}}`` with a UTF-8 BOM: UntypedDataSet records (every figure a
    right-aligned string, codes padded to 10, '.' unknown) keyed by their ID."""
    records: dict[str, dict[str, Any]] = {}
    for number, code in enumerate(codes):
        record_id = 12312 + number
        figures = [
            310, 540, 1420, 700, 420, 6150, 12, 88, 41, 58, 27.4, 3, 9, "." if number else 17
        ]  # fmt: skip
        records[str(record_id)] = {
            "ID": record_id,
            "WijkenEnBuurten": f"{code:<10}",
            **{key: f"{value:>8}" for key, value in zip(IKGEO_FIGURES, figures, strict=True)},
        }
    return ("\ufeff" + json.dumps({"value": records}, separators=(",", ":"))).encode("utf-8")


# -- Amsterdam 2024 with English headers (kwb/amsterdam/tommasozf/..._2024_without_income_data.csv)


def english_kwb_2024_csv(regions: Sequence[tuple[str, str, int]]) -> bytes:
    """(name, code, inhabitants) rows under the 23 columns a user renamed to English (not CBS's
    labels, so they need a mapping; ``proefstad.EXTRACT_HEADER``), written by
    ``proefstad.extract_csv``: a UTF-8 BOM, semicolons, quoted and space-padded names and codes,
    decimal commas, and the eight income/education columns empty."""
    rows: list[ExtractRow] = []
    for number, (name, code, inhabitants) in enumerate(regions):
        ages = [inhabitants // 8, inhabitants // 8, inhabitants * 3 // 8, inhabitants // 4]
        ages.append(inhabitants - sum(ages))
        cells = [
            str(inhabitants),
            *map(str, ages),
            "1,8",
            str(480 + 11 * number),
            str(6 + number % 3),
            str(30 + number),
            str(70 - number),
            *[""] * 8,
            "1",
        ]
        rows.append((name, "Amsterdam", code, cells))
    return extract_csv(rows)


# -- KWB series exported by a dashboard (kwb/baarn/baarn_social_data_kwb_2016-2025.json) ----------

DASHBOARD_SERIES = {
    "huishoudens_laag_inkomen": ("% Huishoudens met laag inkomen", "%", "armoede"),
    "huishoudens_sociaal_minimum": ("% Huishoudens nabij sociaal minimum", "%", "armoede"),
    "gem_inkomen_huishoudens": ("Gem. gestandaardiseerd inkomen", "x€1.000", "inkomen"),
    "bijstandsontvangers": ("Bijstandsontvangers", "personen", "uitkeringen"),
    "arbeidsparticipatie": ("Netto arbeidsparticipatie", "%", "werk"),
    "opleiding_laag": ("% Laag opgeleid", "%", "onderwijs"),
    "opleiding_middelbaar": ("% Middelbaar opgeleid", "%", "onderwijs"),
    "opleiding_hoog": ("% Hoog opgeleid", "%", "onderwijs"),
    "jongeren_jeugdzorg": ("% Jongeren met jeugdzorg", "%", "jeugd"),
    "aantal_inwoners": ("Aantal inwoners", "personen", "bevolking"),
}
"""The ten series the dashboard documents, with its labels and units: the education series say
'%' although the dashboard stores counts of persons in them."""

Series = dict[str, dict[str, float | None]]


def dashboard_series_json(
    gemeente: tuple[str, str, Series],
    buurten: Sequence[tuple[str, str, str, Series]],
) -> bytes:
    """``gemeente`` (code, name, series) and ``buurten`` (code, name, wijkcode, series) as the
    dashboard saves them: metadata with every documented series, indented, years newest first
    within each series, ``null`` where CBS published nothing."""

    def newest_first(series: Series) -> Series:
        return {key: dict(sorted(by_year.items(), reverse=True)) for key, by_year in series.items()}

    code, name, series = gemeente
    every = [series, *(buurt[3] for buurt in buurten)]
    years = sorted({int(y) for s in every for by_year in s.values() for y in by_year})
    document = {
        "metadata": {
            "gegenereerd_op": "2026-04-01T07:15:10.188746+00:00",
            "bron": "CBS StatLine — Kerncijfers wijken en buurten",
            "gemeente": name,
            "gemeente_code": code,
            "jaren": years,
            "indicatoren": {
                key: {
                    "label": label,
                    "beschrijving": f"{label} (beschrijving)",
                    "eenheid": unit,
                    "categorie": category,
                    "hoog_is_slecht": category in ("armoede", "uitkeringen", "jeugd"),
                }
                for key, (label, unit, category) in DASHBOARD_SERIES.items()
            },
        },
        "gemeente": {"naam": name, "code": code, "tijdreeksen": newest_first(series)},
        "buurten": {
            buurt: {"naam": buurt_name, "wijkcode": wijk, "tijdreeksen": newest_first(s)}
            for buurt, buurt_name, wijk, s in buurten
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
