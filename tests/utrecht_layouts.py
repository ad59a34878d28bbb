"""A made-up gemeente in the layout of the real Utrecht files, written by the tests themselves.

Two layouts from ``../shared/data`` (see its PROVENANCE.md):

- ``kwb/utrecht/CBS-Utrecht-kwb-2023.xlsx``: the CBS ``kwb-2023.xlsx`` download cut to one
  gemeente: one sheet ``kwb-2023`` whose header is the 121 short kwb column names, codes and
  the 8-digit code as text, ``ind_wbi`` as a number, figures as numbers, '.' where unknown.
- ``leefbaarometer/utrecht_provincie/buurten.csv``: an author's table of the province's buurten
  (a pandas index column, then KWB 2022, nabijheid, the Leefbaarometer 3.0 scores of 2020
  rounded to two decimals, energy, SES-WOA and noise, under the author's own column names),
  imported with ``--year 2020``.

The gemeente is the fictional Proefstad (GM9990); its figures are invented.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from twin_cities import KWB_XLS_COLUMNS, kwb_workbook

GEMEENTE = "GM9990"
REGIONS = [
    # code, name, soort, inhabitants, wealth (0 poorest … 1 richest)
    ("GM9990", "Proefstad", "Gemeente", 9400, 0.5),
    ("WK999001", "Wijk 01 Binnenstad", "Wijk", 5300, 0.55),
    ("BU99900101", "Welgelegen, De Hoven", "Buurt", 1855, 0.7),
    ("BU99900102", "Stationsbuurt", "Buurt", 1540, 0.35),
    ("BU99900103", "Lange Laan", "Buurt", 1905, 0.6),
    ("WK999002", "Wijk 02 Noord", "Wijk", 4100, 0.45),
    ("BU99900201", "Zuilenkwartier", "Buurt", 2230, 0.25),
    ("BU99900202", "Molenpark", "Buurt", 1870, 0.65),
]
BUURT = "BU99900101"
"""The buurt whose Leefbaarometer row the tests read: 'Welgelegen, De Hoven'."""


def _cell(column: str, people: int, w: float) -> float | str:
    """A plausible cell for a region of ``people`` inhabitants and wealth ``w``."""
    if column == "a_inw":
        return float(people)
    if column.startswith("a_opl"):
        return float(
            round(
                people * 0.7 * {"lg": 0.4 - 0.3 * w, "md": 0.35, "hg": 0.25 + 0.3 * w}[column[-2:]]
            )
        )
    if column in ("a_hh", "a_woning"):
        return float(round(people * 0.52))
    if column.startswith("a_"):
        return float(round(people * 0.08))
    if column in ("p_hh_lkk", "p_hh_osm", "p_hh_110", "p_hh_120", "p_leegsw", "p_jz_tn"):
        return round(16 - 12 * w, 1)
    if column.startswith("p_"):
        return round(25 + 50 * w, 1)
    if column.startswith("g_afs") or column == "g_hhgro":
        return round(0.4 + 1.5 * (1 - w), 1)
    if column == "g_wozbag":
        return float(round(220 + 300 * w))
    if column.startswith("g_ink") or column == "g_hh_sti":
        return round(24 + 20 * w, 1)
    if column.startswith(("g_ele", "g_gas")):
        return "."  # not published: CBS writes a dot
    return float(round(500 + 4000 * w)) if column in ("bev_dich", "ste_oad", "g_pau_km") else 1.0


def kwb_2023_xlsx() -> bytes:
    """CBS-…-kwb-2023.xlsx for Proefstad: sheet ``kwb-2023``, the header in an Excel table."""
    rows = []
    for code, name, kind, people, w in REGIONS:
        ids: list[float | str] = [code, code[2:], name, "Proefstad", kind, code, 1.0]
        rows.append(ids + [_cell(c, people, w) for c in KWB_XLS_COLUMNS[7:]])
    return kwb_workbook(rows, "kwb-2023", table="Table1")


LEEFBAAROMETER_HEADER = (
    ",buurt_code,gm_naam,regio,aantal_inwoners,aantal_inwoners_tussen_25_44_percentage,"
    "aantal_huishoudens_met_kinderen_percentage,gemiddelde_huishoudensgrootte,woningvoorraad,"
    "gemiddelde_woningwaarde,meergezinswoning_percentage,bewoond_percentage,koopwoning_percentage,"
    "bouwjaar_vanaf_2000_percentage,afstand_tot_ziekenhuis_km,afstand_tot_grote_supermarkt_km,"
    "afstand_tot_cafe_km,afstand_tot_kinderdagverblijf_km,afstand_tot_buitenschoolseopvang_km,"
    "afstand_tot_openbaar_groen_km,afstand_tot_park_of_plantsoen_km,afstand_tot_bos_km,"
    "afstand_tot_hoofdverkeersweg_km,afstand_tot_treinstation_km,"
    "AfstandTotSemiOpenbaarGroenTotaal_83,leefbarometer_score,leefbarometer_fysieke_omgeving,"
    "leefbarometer_fysieke_overlast,leefbarometer_sociale_samenhang,leefbarometer_voorzieningen,"
    "aardgasverbruik_m3_gemiddeld,elektriciteitsverbruik_kwh_gemiddeld,"
    "social_economische_score_gemiddeld,geluid_van_treinverkeer,geluid_van_weg"
)
LEEFBAAROMETER = {
    # code: (lbm, fysieke omgeving, overlast, sociale samenhang, voorzieningen)
    "BU99900101": (4.08, -0.02, -0.12, 0.0, 0.21),
    "BU99900102": (3.97, -0.05, -0.2, -0.06, 0.11),
    "BU99900103": (4.11, 0.01, -0.08, 0.02, 0.17),
    "BU99900201": (3.91, -0.04, -0.17, -0.09, 0.05),
    "BU99900202": (4.19, 0.03, -0.03, 0.04, 0.15),
}


def derived_buurten_csv(rows: Iterable[Sequence[object]]) -> bytes:
    """An author's buurten.csv as pandas wrote it: comma-separated under
    :data:`LEEFBAAROMETER_HEADER`, each row after its index (0, 1, …); a name with a comma is
    quoted, numbers are written as Python prints them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    out.write(LEEFBAAROMETER_HEADER + "\n")
    for index, row in enumerate(rows):
        writer.writerow([index, *row])
    return out.getvalue().encode()


def leefbaarometer_csv() -> bytes:
    """buurten.csv for Proefstad: comma-separated, a pandas index first, a name with a comma
    quoted, float noise like 37.480000000000004, the Leefbaarometer rounded to 2 decimals."""
    rows = []
    for code, name, _, people, w in [r for r in REGIONS if r[2] == "Buurt"]:
        kwb = [people, 38.5, 9.2, 1.8, round(people * 0.52), 340.0, 71.0, 93.0, round(40 * w), 12.0]
        distances = [3.1, 0.6, 0.4, 0.7, 0.5, 0.0, 0.2, 1.4, 1.1, 1.8, 0.0]
        rest = [760.0, 2240.0, round(w - 0.5, 2), 20.0, 37.480000000000004]
        rows.append([code, "Proefstad", name, *kwb, *distances, *LEEFBAAROMETER[code], *rest])
    return derived_buurten_csv(rows)
