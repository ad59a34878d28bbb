"""Made-up gemeenten written in the layouts of the real files in ``../shared/data`` (#20).

Each writer takes a :class:`Gemeente` (invented names and figures, codes only in the real
format) and writes it as the real file is written: the same column names in the same order,
the same delimiter, quoting, padding, encoding and missing-value marks. Nothing is read from a
real file. The layouts (see ``../shared/data/PROVENANCE.md``):

- :func:`kwb_xlsx`: CBS's ``kwb-YYYY.xlsx`` cut to one gemeente (``kwb/utrecht/…``): one sheet,
  the 121 short kwb column names as header, codes as text, figures as numbers, ``.`` where CBS
  published nothing (an early release leaves income, WOZ and distances at ``.``).
- :func:`kwb_r_csv`: a StatLine KWB download re-saved by R's ``write.csv``
  (``kwb/amsterdam/Kerncijfers_wijken_en_buurten_2017.csv``, ``…_2019.csv``): commas, a
  leading unnamed row-number column, R-mangled labels, names padded to 40 and codes to 10,
  the country's NL00 row first; 2017 keeps StatLine's padded text (``"     2.1"``, ``.``),
  2019 has R's own (``"2,1"``, ``NA``).
- :func:`ses_woa_csv`, :func:`proximity_csv`, :func:`nabijheid_csv`, :func:`crime_csv`,
  :func:`leefbaarometer_csv`, :func:`rivm_xlsx`: SES-WOA, the two Nabijheid voorzieningen
  layouts, the police's registered crime, the Leefbaarometer 3.0 series and the RIVM health
  monitor.
- :func:`data_properties_json`: a StatLine ``DataProperties.json`` (OData v3 metadata).

The layouts themselves are written by :func:`kwb_workbook` (any sheet: :func:`one_sheet_xlsx`),
:func:`r_resaved_csv`, :func:`statline_download_csv`, :func:`police_crime_csv` and
:func:`rivm_workbook`, which the other layout modules (``proefstad``, ``utrecht_layouts``,
``sources/file_layouts``) and the source tests use for their own made-up rows.

Every figure of a buurt follows from its ``wealth`` (0 poorest … 1 richest), so a test can say
which buurt must score higher; a buurt with ``wealth`` None is too small to publish.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

KWB_XLS_COLUMNS = [
    "gwb_code_10", "gwb_code_8", "regio", "gm_naam", "recs", "gwb_code", "ind_wbi", "a_inw",
    "a_man", "a_vrouw", "a_00_14", "a_15_24", "a_25_44", "a_45_64", "a_65_oo", "a_ongeh",
    "a_gehuwd", "a_gesch", "a_verwed", "a_nl_all", "a_eur_al", "a_neu_al", "a_geb_nl", "a_geb_eu",
    "a_geb_ne", "a_gbl_eu", "a_gbl_ne", "a_geb", "p_geb", "a_ste", "p_ste", "a_hh", "a_1p_hh",
    "a_hh_z_k", "a_hh_m_k", "g_hhgro", "bev_dich", "a_woning", "g_wozbag", "p_1gezw", "p_mgezw",
    "p_bewndw", "p_leegsw", "p_koopw", "p_huurw", "p_wcorpw", "p_ov_hw", "p_e_o_w", "p_bjj2k",
    "p_bjo2k", "g_ele", "g_ele_ap", "g_ele_tw", "g_ele_hw", "g_ele_2w", "g_ele_vw", "g_ele_hu",
    "g_ele_ko", "g_gas", "g_gas_ap", "g_gas_tw", "g_gas_hw", "g_gas_2w", "g_gas_vw", "g_gas_hu",
    "g_gas_ko", "p_stadsv", "a_opl_lg", "a_opl_md", "a_opl_hg", "p_arb_pp", "p_arb_wn", "p_arb_zs",
    "a_inkont", "g_ink_po", "g_ink_pi", "p_ink_li", "p_ink_hi", "g_hh_sti", "p_hh_li", "p_hh_hi",
    "p_hh_lkk", "p_hh_osm", "p_hh_110", "p_hh_120", "m_hh_ver", "a_soz_wb", "a_soz_ao", "a_soz_ww",
    "a_soz_ow", "a_jz_tn", "p_jz_tn", "a_wmo_t", "p_wmo_t", "a_bedv", "a_bed_a", "a_bed_bf",
    "a_bed_gi", "a_bed_hj", "a_bed_kl", "a_bed_mn", "a_bed_oq", "a_bed_ru", "a_pau", "a_bst_b",
    "a_bst_nb", "g_pau_hh", "g_pau_km", "a_m2w", "g_afs_hp", "g_afs_gs", "g_afs_kv", "g_afs_sc",
    "g_3km_sc", "a_opp_ha", "a_lan_ha", "a_wat_ha", "pst_mvp", "pst_dekp", "ste_mvs", "ste_oad",
]  # fmt: skip
"""The header of CBS's kwb-2023.xlsx (and of kwb-2024.xlsx): the 121 column names in order."""

UNPUBLISHED_2023 = (
    "p_stadsv", "a_opl_lg", "a_opl_md", "a_opl_hg", "p_arb_pp", "p_arb_wn", "p_arb_zs",
    "a_inkont", "g_ink_po", "g_ink_pi", "p_ink_li", "p_ink_hi", "g_hh_sti", "p_hh_li", "p_hh_hi",
    "p_hh_lkk", "p_hh_osm", "p_hh_110", "p_hh_120", "m_hh_ver", "a_jz_tn", "p_jz_tn", "a_wmo_t",
    "p_wmo_t", "g_afs_hp", "g_afs_gs", "g_afs_kv", "g_afs_sc", "g_3km_sc",
)  # fmt: skip
"""What the kwb-2023.xlsx download leaves at '.' for every buurt: income, education, labour,
care and distances were not yet published (energy, never filled here, neither)."""
UNPUBLISHED_2024 = (
    *UNPUBLISHED_2023, "a_geb", "p_geb", "a_ste", "p_ste", "bev_dich", "a_woning", "g_wozbag",
    "p_1gezw", "p_mgezw", "p_bewndw", "p_leegsw", "p_koopw", "p_huurw", "p_wcorpw", "p_ov_hw",
    "p_e_o_w", "p_bjj2k", "p_bjo2k", "a_soz_wb", "a_soz_ao", "a_soz_ww", "a_soz_ow", "a_bedv",
    "a_bed_a", "a_bed_bf", "a_bed_gi", "a_bed_hj", "a_bed_kl", "a_bed_mn", "a_bed_oq", "a_bed_ru",
    "a_pau", "a_bst_b", "a_bst_nb", "g_pau_hh", "g_pau_km", "a_m2w", "a_opp_ha", "a_lan_ha",
    "a_wat_ha",
)  # fmt: skip
"""What the first kwb-2024.xlsx release leaves at '.': also housing, social security, firms
and areas."""


@dataclass(frozen=True)
class Buurt:
    name: str
    inhabitants: int
    wealth: float | None
    """0 (poorest) … 1 (richest); None: too few inhabitants, figures not published."""
    wijk: int = 0


@dataclass(frozen=True)
class Gemeente:
    code: str
    """Four digits: the GM code without 'GM'."""
    name: str
    buurten: tuple[Buurt, ...]
    wijken: tuple[str, ...] = ("Centrum", "Buitenwijken")
    postcode: str = "99"

    @property
    def gm(self) -> str:
        return f"GM{self.code}"

    def wijk_code(self, wijk: int) -> str:
        return f"WK{self.code}{wijk:02d}"

    def buurt_codes(self) -> list[str]:
        """The buurten's codes, ``BU<gemeente><wijk><nn>``, in the order of ``buurten``."""
        codes, seen = [], {w: 0 for w in range(len(self.wijken))}
        for buurt in self.buurten:
            codes.append(f"BU{self.code}{buurt.wijk:02d}{seen[buurt.wijk]:02d}")
            seen[buurt.wijk] += 1
        return codes

    def regions(self) -> list[Region]:
        """Gemeente, then each wijk followed by its buurten, as CBS lists them."""
        codes = dict(zip(self.buurten, self.buurt_codes(), strict=True))
        rows = [Region(self.gm, self.name, "Gemeente", self._people(self.buurten), self._w())]
        for number, wijk in enumerate(self.wijken):
            members = tuple(b for b in self.buurten if b.wijk == number)
            rows.append(
                Region(self.wijk_code(number), f"Wijk {number:02d} {wijk}", "Wijk",
                       self._people(members), self._w(members))
            )  # fmt: skip
            rows += [Region(codes[b], b.name, "Buurt", b.inhabitants, b.wealth) for b in members]
        return rows

    def _people(self, members: Sequence[Buurt]) -> int:
        return sum(b.inhabitants for b in members)

    def _w(self, members: Sequence[Buurt] | None = None) -> float:
        known = [b for b in (members or self.buurten) if b.wealth is not None]
        return sum(b.inhabitants * (b.wealth or 0) for b in known) / sum(
            b.inhabitants for b in known
        )


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    kind: str
    """Land, Gemeente, Wijk or Buurt (CBS's 'Soort regio')."""
    inhabitants: int
    wealth: float | None

    @property
    def published(self) -> bool:
        return self.wealth is not None


def figures(region: Region, year: int) -> dict[str, float]:
    """The made-up KWB figures of a region in a year; empty where nothing is published."""
    if region.wealth is None:
        return {"inhabitants": region.inhabitants}
    w, people, later = region.wealth, region.inhabitants, year - 2017
    households = round(people * 0.55)
    return {
        "inhabitants": people,
        "men": round(people * 0.49),
        "women": people - round(people * 0.49),
        "age_00_14": round(people * 0.15),
        "age_15_24": round(people * 0.12),
        "age_25_44": round(people * 0.33),
        "age_45_64": round(people * 0.24),
        "age_65_plus": people - sum(round(people * s) for s in (0.15, 0.12, 0.33, 0.24)),
        "households": households,
        "single_person_households": round(households * (0.65 - 0.35 * w)),
        "household_size": round(1.6 + 0.8 * w, 1),
        "density": round(9000 - 5000 * w),
        "dwellings": round(households * 1.04),
        "woz": round(170 + 260 * w + 15 * later),
        "vacant_share": round(9 - 6 * w),
        "owner_share": round(15 + 55 * w),
        "rental_share": round(85 - 55 * w),
        "corporation_share": round(65 - 45 * w),
        "income_per_inhabitant": round(21.5 + 18 * w + 0.4 * later, 1),
        "income_per_recipient": round(28.5 + 20 * w, 1),
        "lowest_40_share": round(56 - 30 * w, 1),
        "highest_20_share": round(9 + 24 * w, 1),
        "standardised_household_income": round(24 + 21 * w, 1),
        "low_income_households": round(19.5 - 15 * w, 1),
        "social_minimum_households": round(17.5 - 13 * w, 1),
        "social_assistance": round(people * (0.065 - 0.055 * w)),
        "labour_participation": round(52 + 25 * w),
        "education_low": round(people * 0.7 * (0.45 - 0.35 * w)),
        "education_mid": round(people * 0.7 * 0.35),
        "education_high": round(people * 0.7 * (0.2 + 0.35 * w)),
        "distance_gp": round(0.3 + 1.1 * (1 - w), 1),
        "distance_supermarket": round(0.2 + 0.9 * (1 - w), 1),
        "distance_daycare": round(0.2 + 0.6 * (1 - w), 1),
        "distance_school": round(0.3 + 0.7 * (1 - w), 1),
        "burglary": round(1 + 5 * (1 - w)),
        "vandalism": round(3 + 11 * (1 - w)),
        "violence": round(2 + 9 * (1 - w)),
        "businesses": round(people * 0.08),
        "land_ha": round(people / 90),
        "address_density": round(6500 - 3000 * w),
        "urbanity": 1,
    }


NETHERLANDS = Region("NL00", "Nederland", "Land", 17_282_163, 0.35)


# -- CBS's kwb-YYYY.xlsx -----------------------------------------------------------------------

KWB_XLS_FIELDS = {
    "a_inw": "inhabitants", "a_man": "men", "a_vrouw": "women", "a_00_14": "age_00_14",
    "a_15_24": "age_15_24", "a_25_44": "age_25_44", "a_45_64": "age_45_64",
    "a_65_oo": "age_65_plus", "a_hh": "households", "a_1p_hh": "single_person_households",
    "g_hhgro": "household_size", "bev_dich": "density", "a_woning": "dwellings",
    "g_wozbag": "woz", "p_leegsw": "vacant_share", "p_koopw": "owner_share",
    "p_huurw": "rental_share", "p_wcorpw": "corporation_share", "a_opl_lg": "education_low",
    "a_opl_md": "education_mid", "a_opl_hg": "education_high",
    "p_arb_pp": "labour_participation", "g_ink_po": "income_per_recipient",
    "g_ink_pi": "income_per_inhabitant", "p_ink_li": "lowest_40_share",
    "p_ink_hi": "highest_20_share", "g_hh_sti": "standardised_household_income",
    "p_hh_li": "low_income_households", "p_hh_osm": "social_minimum_households",
    "a_soz_wb": "social_assistance", "a_bedv": "businesses", "g_afs_hp": "distance_gp",
    "g_afs_gs": "distance_supermarket", "g_afs_kv": "distance_daycare",
    "g_afs_sc": "distance_school", "a_lan_ha": "land_ha", "ste_mvs": "urbanity",
    "ste_oad": "address_density",
}  # fmt: skip
"""kwb column → field of :func:`figures`; the other columns stay '.' (not published)."""


def kwb_rows(gemeente: Gemeente, year: int, unpublished: Sequence[str] = ()) -> list[list[Any]]:
    """The rows of kwb-``year``.xlsx for ``gemeente``, under :data:`KWB_XLS_COLUMNS`; the
    ``unpublished`` columns are '.' in every row."""
    rows = []
    for region in gemeente.regions():
        values = figures(region, year)
        cells: list[Any] = [region.code, region.code[2:], region.name, gemeente.name,
                            region.kind, region.code, 1]  # fmt: skip
        for column in KWB_XLS_COLUMNS[7:]:
            name = KWB_XLS_FIELDS.get(column)
            unknown = name not in values or column in unpublished
            cells.append("." if unknown else values[name or ""])
        rows.append(cells)
    return rows


def kwb_xlsx(
    gemeente: Gemeente,
    year: int,
    unpublished: Sequence[str] = (),
    columns: Sequence[str] = KWB_XLS_COLUMNS,
    sheet: str | None = None,
) -> bytes:
    """``CBS-<name>-kwb-<year>.xlsx``: one sheet (``kwb-<year>`` unless named), the header,
    then the gemeente, each wijk and its buurten. ``columns`` may leave some out."""
    keep = [KWB_XLS_COLUMNS.index(c) for c in columns]
    rows = [[row[i] for i in keep] for row in kwb_rows(gemeente, year, unpublished)]
    return kwb_workbook(rows, sheet or f"kwb-{year}", columns)


def kwb_workbook(
    rows: Iterable[Sequence[object]],
    sheet: str,
    columns: Sequence[str] = KWB_XLS_COLUMNS,
    table: str | None = None,
) -> bytes:
    """CBS's kwb-xls layout: one sheet named ``sheet``, the short kwb column names as its header,
    then the rows, each cell as given (a number, a number stored as text, '.'); ``table``: the
    header and rows made an Excel table of that name, as some downloads have them."""
    return one_sheet_xlsx(sheet, columns, rows, table)


def one_sheet_xlsx(
    sheet: str, header: Sequence[str], rows: Iterable[Sequence[object]], table: str | None = None
) -> bytes:
    """A workbook of one sheet: the header, then the rows with each cell as given (None leaves
    a cell unwritten); ``table``: header and rows made an Excel table of that name."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table

    book = Workbook()
    worksheet = book.active
    assert worksheet is not None
    worksheet.title = sheet
    worksheet.append(list(header))
    for row in rows:
        worksheet.append(list(row))
    if table is not None:
        last = f"{get_column_letter(len(header))}{worksheet.max_row}"
        worksheet.add_table(Table(displayName=table, ref=f"A1:{last}"))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- a StatLine KWB download re-saved by R ------------------------------------------------------

R_HEAD = [
    "", "Wijken.en.buurten", "Regioaanduiding.Gemeentenaam..naam.",
    "Regioaanduiding.Soort.regio..omschrijving.", "Regioaanduiding.Codering..code.",
    "Regioaanduiding.Indelingswijziging.wijken.en.buurten..code.",
]  # fmt: skip
"""The first six columns of every KWB download R re-saved: a row-number column without a name,
then the region's name, gemeente, soort regio, code and boundary change."""
R_LABELS = {
    "inhabitants": "Bevolking.Aantal.inwoners..aantal.",
    "men": "Bevolking.Geslacht.Mannen..aantal.",
    "women": "Bevolking.Geslacht.Vrouwen..aantal.",
    "age_00_14": "Bevolking.Leeftijdsgroepen.0.tot.15.jaar..aantal.",
    "age_15_24": "Bevolking.Leeftijdsgroepen.15.tot.25.jaar..aantal.",
    "age_25_44": "Bevolking.Leeftijdsgroepen.25.tot.45.jaar..aantal.",
    "age_45_64": "Bevolking.Leeftijdsgroepen.45.tot.65.jaar..aantal.",
    "age_65_plus": "Bevolking.Leeftijdsgroepen.65.jaar.of.ouder..aantal.",
    "households": "Bevolking.Particuliere.huishoudens.Huishoudens.totaal..aantal.",
    "single_person_households":
        "Bevolking.Particuliere.huishoudens.Eenpersoonshuishoudens..aantal.",
    "household_size": "Bevolking.Particuliere.huishoudens.Gemiddelde.huishoudensgrootte..aantal.",
    "density": "Bevolking.Bevolkingsdichtheid..aantal.inwoners.per.km..",
    "dwellings": "Wonen.Woningvoorraad..aantal.",
    "woz": "Wonen.Gemiddelde.WOZ.waarde.van.woningen..x.1.000.euro.",
    "vacant_share": "Wonen.Woningen.naar.bewoning.Percentage.onbewoond....",
    "owner_share": "Wonen.Woningen.naar.eigendom.Koopwoningen....",
    "corporation_share": "Wonen.Woningen.naar.eigendom.Huurwoningen.In.bezit.woningcorporatie....",
    "education_low": "Opleidingsniveau.Opleidingsniveau.laag..aantal.",
    "education_mid": "Opleidingsniveau.Opleidingsniveau.middelbaar..aantal.",
    "education_high": "Opleidingsniveau.Opleidingsniveau.hoog..aantal.",
    "labour_participation": "Arbeid.Nettoarbeidsparticipatie....",
    "income_per_inhabitant":
        "Inkomen.Inkomen.van.personen.Gemiddeld.inkomen.per.inwoner...x.1.000.euro.",
    "lowest_40_share": "Inkomen.Inkomen.van.personen.40..personen.met.laagste.inkomen....",
    "highest_20_share": "Inkomen.Inkomen.van.personen.20..personen.met.hoogste.inkomen....",
    "standardised_household_income":
        "Inkomen.Inkomen.van.huishoudens.Gem..gestandaardiseerd.inkomen.van.huish..x.1.000.euro.",
    "low_income_households": "Inkomen.Inkomen.van.huishoudens.Huishoudens.met.een.laag.inkomen....",
    "social_minimum_households":
        "Inkomen.Inkomen.van.huishoudens.Huish..onder.of.rond.sociaal.minimum....",
    "social_assistance": "Sociale.zekerheid.Personen.per.soort.uitkering..Bijstand..aantal.",
    "businesses": "Bedrijfsvestigingen..SBI.2008.Bedrijfsvestigingen.totaal..aantal.",
    "distance_gp": "Nabijheid.voorzieningen.Afstand.tot.huisartsenpraktijk..km.",
    "distance_supermarket": "Nabijheid.voorzieningen.Afstand.tot.grote.supermarkt..km.",
    "distance_daycare": "Nabijheid.voorzieningen.Afstand.tot.kinderdagverblijf..km.",
    "distance_school": "Nabijheid.voorzieningen.Basisonderwijs.Afstand.tot.school..km.",
    "postcode": "Postcode.Meest.voorkomende.postcode..code.",
    "land_ha": "Oppervlakte.Oppervlakte.land..ha.",
    "urbanity": "Stedelijkheid.Mate.van.stedelijkheid..code.",
    "address_density": "Stedelijkheid.Omgevingsadressendichtheid..per.km..",
    "burglary": "Criminaliteit.Totaal.diefstal.uit.woning.schuur.e.d...per.1.000.inwoners.",
    "vandalism": "Criminaliteit.Vernieling..misdrijf.tegen.openbare.orde..per.1.000.inwoners.",
    "violence": "Criminaliteit.Gewelds..en.seksuele.misdrijven..per.1.000.inwoners.",
}  # fmt: skip
"""Field of :func:`figures` → its KWB column label as R's ``write.csv`` mangled it (every
non-word character a dot)."""


def r_columns(*fields: tuple[str, str]) -> list[tuple[str, str, str]]:
    """(label as R wrote it, field, kind) for each (field, kind): the columns a writer fills."""
    return [(R_LABELS[field], field, kind) for field, kind in fields]


R_COLUMNS_2017 = r_columns(
    ("inhabitants", "count"), ("men", "count"), ("women", "count"), ("age_00_14", "count"),
    ("age_15_24", "count"), ("age_25_44", "count"), ("age_45_64", "count"),
    ("age_65_plus", "count"), ("households", "count"), ("single_person_households", "count"),
    ("household_size", "figure"), ("density", "count"), ("dwellings", "count"),
    ("woz", "count"), ("vacant_share", "count"), ("owner_share", "count"),
    ("corporation_share", "count"), ("income_per_inhabitant", "figure"),
    ("lowest_40_share", "figure"), ("highest_20_share", "figure"),
    ("low_income_households", "figure"), ("social_minimum_households", "figure"),
    ("social_assistance", "count"), ("businesses", "count"), ("distance_gp", "figure"),
    ("distance_supermarket", "figure"), ("distance_daycare", "figure"),
    ("distance_school", "figure"), ("land_ha", "count"), ("urbanity", "count"),
    ("address_density", "count"), ("burglary", "count"), ("vandalism", "count"),
    ("violence", "count"),
)  # fmt: skip
"""(label as R wrote it, field, kind) of the KWB 2017 columns written here, in file order."""
_CRIME = ("burglary", "vandalism", "violence")
R_COLUMNS_2019 = [
    *R_COLUMNS_2017[:17],
    *r_columns(
        ("education_low", "count"), ("education_mid", "count"), ("education_high", "count"),
        ("labour_participation", "count"),
    ),
    *R_COLUMNS_2017[17:20],
    *r_columns(("standardised_household_income", "figure")),
    *[c for c in R_COLUMNS_2017[20:] if c[1] not in _CRIME],
]  # fmt: skip
"""KWB 2019 adds education, labour participation and standardised income; it has no crime."""

RRow = tuple[str, str, str, str, Sequence[str]]
"""One region of an R re-saved download: name, gemeente (Nederland for the country), soort
regio, code, and its figure cells as R wrote them."""


def r_resaved_csv(labels: Sequence[str], rows: Iterable[RRow]) -> bytes:
    """A KWB download as R's ``write.csv`` left it: commas, every header quoted, the row number
    quoted, names padded to 40 and codes to 10, the boundary change '.' for the country and the
    gemeente and '1' below, then each row's own ``cells``."""
    lines = [",".join(f'"{h}"' for h in [*R_HEAD, *labels])]
    for index, (name, owner, kind, code, cells) in enumerate(rows, start=1):
        change = "." if kind in ("Land", "Gemeente") else "1"
        lines.append(
            ",".join([f'"{index}"', f'"{name}"', f'"{owner:<40}"', f'"{kind:<10}"',
                      f'"{code:<10}"', f'"{change}"', *cells])
        )  # fmt: skip
    return ("\n".join(lines) + "\n").encode("utf-8")


def kwb_r_csv(gemeente: Gemeente, year: int) -> bytes:
    """``Kerncijfers_wijken_en_buurten_<year>.csv`` (2017 or 2019) as R's ``write.csv`` left
    the StatLine download: NL00 first, then the gemeente, each wijk and its buurten."""
    columns = R_COLUMNS_2017 if year == 2017 else R_COLUMNS_2019
    rows: list[RRow] = []
    for region in [NETHERLANDS, *gemeente.regions()]:
        values = figures(region, year)
        owner = "Nederland" if region.kind == "Land" else gemeente.name
        cells = [r_cell(values.get(name), kind, year) for _, name, kind in columns]
        rows.append((region.name, owner, region.kind, region.code, cells))
    return r_resaved_csv([label for label, _, _ in columns], rows)


def r_cell(number: float | None, kind: str, year: int) -> str:
    """Whole numbers bare, others as StatLine's padded text (2017: '.' unknown, a decimal
    point) or as R's quoted decimal-comma text (2019: NA unknown)."""
    if kind == "count":
        return "NA" if number is None else str(int(number))
    if year == 2017:
        return '"' + ("." if number is None else f"{number:g}").rjust(8) + '"'
    return "NA" if number is None else '"' + f"{number:g}".replace(".", ",") + '"'


# -- SES-WOA, Nabijheid, police crime, Leefbaarometer, RIVM ---------------------------------------


def ses_woa(region: Region) -> float:
    return round(1.6 * (region.wealth or 0) - 0.5, 3)


def statline_download_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """A CSV as StatLine's download (and exports made from it) writes one: UTF-8 with a BOM,
    semicolons, every header and cell quoted, each cell's text as given (its padding, '.' where
    CBS published nothing)."""
    lines = [";".join(f'"{cell}"' for cell in line) for line in [header, *rows]]
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


SES_WOA_HEADER = [
    "Perioden", "Wijken en buurten", "Regiocode (gemeente, wijk, buurt) (code)",
    "Particuliere huishoudens (Aantal)", "Opleidingsniveau/Laag/Waarde (%)",
    "Opleidingsniveau/Middelbaar/Waarde (%)", "Opleidingsniveau/Hoog/Waarde (%)",
    "SES-WOA/Totaalscore/Gemiddelde score (Getal)",
    "Spreiding/Spreiding totaal/Waarde (Getal)",
]  # fmt: skip
"""The columns of StatLine's SES-WOA download per wijk en buurt (85163NED)."""


def ses_woa_csv(gemeenten: Sequence[Gemeente], year: int = 2019) -> bytes:
    """SES-WOA per wijk en buurt (StatLine CSV): UTF-8 BOM, semicolons, every cell quoted,
    codes padded to 10, figures right-aligned with a decimal point."""
    rows = []
    for gemeente in gemeenten:
        for region in gemeente.regions():
            if not region.published:
                continue
            w = region.wealth or 0
            cells = [
                str(year), region.name, f"{region.code:<10}",
                f"{round(region.inhabitants * 0.55, -2):>8.0f}", f"{40 - 25 * w:8.1f}",
                f"{30.0:8.1f}", f"{30 + 25 * w:8.1f}", f"{ses_woa(region):8.3f}", f"{0.95:8.3f}",
            ]  # fmt: skip
            rows.append(cells)
    return statline_download_csv(SES_WOA_HEADER, rows)


def proximity_csv(gemeente: Gemeente) -> bytes:
    """``proximity_to_facilities_2020.csv``: CBS Nabijheid columns renamed to English by a user,
    UTF-8 BOM, semicolons, quoted, codes and names padded, figures right-aligned."""
    header = [
        "ID", "DistrictsAndNeighbourhoods", "MunicipalityName", "Encoding",
        "supermarkets_within_1km", "food_shops_within_1km", "cafes_within_1km",
        "cafeterias_within_1km", "restaurants_within_1km", "distance_to_primary_school",
        "distance_to_secondary_school", "DistanceToTrainStationAllTypes",
    ]  # fmt: skip
    rows = []
    for number, region in enumerate(gemeente.regions()):
        w = region.wealth
        if w is None:
            cells = ["."] * 8
        else:
            cells = [
                f"{v:8.1f}"
                for v in (
                    1 + 4 * w,
                    5 + 20 * w,
                    2 + 15 * w,
                    3 + 10 * w,
                    4 + 30 * w,
                    0.3 + 0.7 * (1 - w),
                    0.6 + w,
                    1 + 2 * w,
                )
            ]
        rows.append(proximity_row(921 + number, region.code, gemeente.name, cells))
    return statline_download_csv(header, rows)


def proximity_row(number: int, code: str, gemeente: str, cells: Sequence[str]) -> list[str]:
    """A row of the Nabijheid export keyed by OData names: its ID, the code padded to 10, the
    gemeente padded to 40, the code again, then the figures as given."""
    return [str(number), f"{code:<10}", f"{gemeente:<40}", f"{code:<10}", *cells]


NABIJHEID_COLUMNS = [
    ("Gezondheid en welzijn/Huisartsenpraktijk/Afstand tot huisartsenpraktijk (km)", 1.1),
    ("Gezondheid en welzijn/Huisartsenpraktijk/Aantal huisartsenpraktijken/Binnen 1 km (aantal)",
     None),
    ("Gezondheid en welzijn/Afstand tot apotheek (km)", 1.0),
    ("Detailhandel/Winkels dagelijkse boodschappen/Afstand tot grote supermarkt (km)", 0.9),
    ("Kinderopvang/Kinderdagverblijf/Afstand tot kinderdagverblijf (km)", 0.6),
    ("Onderwijs/Basisonderwijs/Afstand tot school (km)", 0.7),
    ("Groenvoorzieningen/Openbaar groen/Afstand tot openbaar groen totaal (km)", 0.4),
    ("Groenvoorzieningen/Openbaar groen/Afstand tot park of plantsoen (km)", 0.5),
    ("Verkeer en vervoer/Treinstations/Afstand tot treinstations totaal (km)", 2.0),
]  # fmt: skip
"""Real Nabijheid voorzieningen labels (a few of its 110) and how far each grows as a buurt
gets poorer; None: a count (two per km)."""


def nabijheid_csv(gemeente: Gemeente) -> bytes:
    """CBS ``Nabijheid voorzieningen; buurt`` as StatLine's CSV download: UTF-8 BOM,
    semicolons, labels with their topic path, codes padded, '.' where unknown, NL00 first."""
    rows = []
    for region in [NETHERLANDS, *gemeente.regions()]:
        owner = "Nederland" if region.kind == "Land" else gemeente.name
        change = "." if region.kind == "Land" else "1"
        cells = []
        for _, growth in NABIJHEID_COLUMNS:
            if region.wealth is None or region.kind == "Land":
                cells.append(".")
            elif growth is None:
                cells.append(f"{2 + 3 * region.wealth:8.1f}")
            else:
                cells.append(f"{0.2 + growth * (1 - region.wealth):8.1f}")
        rows.append(labels_row(region.name, owner, region.kind, region.code, change, cells))
    return statline_download_csv(labels_header(label for label, _ in NABIJHEID_COLUMNS), rows)


def labels_header(labels: Iterable[str]) -> list[str]:
    """The header of a StatLine download with label headers: the five region columns, then the
    topics' labels with their topic path."""
    return ["Wijken en buurten", "Regioaanduiding/Gemeentenaam (naam)",
            "Regioaanduiding/Soort regio (omschrijving)", "Regioaanduiding/Codering (code)",
            "Regioaanduiding/Indelingswijziging wijken en buurten (code)", *labels]  # fmt: skip


def labels_row(
    name: str, gemeente: str, kind: str, code: str, change: str, cells: Iterable[str]
) -> list[str]:
    """A region's row of such a download: its name, the gemeente padded to 40, soort regio to
    10, the code to 10, the boundary change, then each figure right-aligned in 8."""
    return [name, f"{gemeente:<40}", f"{kind:<10}", f"{code:<10}", change,
            *(cell.rjust(8) for cell in cells)]  # fmt: skip


def crime_csv(gemeenten: Sequence[Gemeente], year: int = 2023) -> bytes:
    """``PolRegCrime47018_<year>.csv``: the police's registered crime per buurt as cbsodataR
    writes it: a row-number column, codes and labels side by side, the date unquoted."""
    rows = []
    for gemeente in gemeenten:
        for region in gemeente.regions():
            if region.kind != "Buurt":
                continue
            crimes = round(region.inhabitants * (0.09 - 0.06 * (region.wealth or 0.5)))
            rows.append((region.code, region.name, str(crimes), gemeente.name, "Buurt"))
    return police_crime_csv(rows, year)


CRIME_HEADER = [
    "", "SoortMisdrijf", "SoortMisdrijf_label", "WijkenEnBuurten", "WijkenEnBuurten_label",
    "Perioden", "Perioden_Date", "Perioden_freq", "Perioden_label",
    "GeregistreerdeMisdrijven_1", "Gemeentenaam_2", "SoortRegio_3",
]  # fmt: skip


def police_crime_csv(rows: Iterable[tuple[str, str, str, str, str]], year: int = 2023) -> bytes:
    """The police's registered crime (47018NED) as cbsodataR writes it, one row per (code,
    name, count, gemeente, soort regio): commas, a row-number column, codes and labels side by
    side, all crime together, the date unquoted, the count bare (empty for R's null), the
    gemeente padded to 30 and the soort regio to 8."""
    lines = [",".join(f'"{h}"' for h in CRIME_HEADER)]
    for number, (code, name, count, gemeente, kind) in enumerate(rows, start=1):
        lines.append(
            f'"{number}","0.0.0 ","Totaal misdrijven","{code}","{name}","{year}JJ00",'
            f'{year}-01-01,"Y","{year}",{count},"{gemeente:<30}","{kind:<8}"'
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def leefbaarometer(region: Region, year: int) -> float:
    return round(3.9 + 0.35 * (region.wealth or 0) + 0.004 * (year - 2002), 6)


def leefbaarometer_csv(gemeente: Gemeente, years: Sequence[int] = (2002, 2020, 2022)) -> bytes:
    """``utrecht_GM0344_leefbaarometer3_buurten_2002-2024.csv``: R's ``write.csv`` without row
    names: one row per buurt and measured year, full float precision, NA for missing parts."""
    lines = ['"bu_code","bu_naam","jaar","lbm","afw","fys","onv","soc","vrz","won"']
    for region in gemeente.regions():
        if region.kind != "Buurt" or not region.published:
            continue
        for year in years:
            score = leefbaarometer(region, year)
            parts = (
                "NA,NA,NA,NA,NA"
                if year < 2012
                else ",".join(
                    f"{(region.wealth or 0) * k - k / 2:.6f}" for k in (0.1, 0.2, 0.15, 0.12, 0.08)
                )
            )
            lines.append(
                f'"{region.code}","{region.name}",{year},{score},{score - 3.9:.6f},{parts}'
            )
    return ("\n".join(lines) + "\n").encode("utf-8")


RIVM_FIGURES = [
    "ErvarenGezondheidGoedZeerGoed_4", "VoldoetAanBeweegrichtlijn_5", "WekelijkseSporters_6",
    "Ondergewicht_7", "NormaalGewicht_8", "Overgewicht_9", "ErnstigOvergewicht_10", "Roker_11",
    "VoldoetAanAlcoholRichtlijn_12", "Drinker_13", "ZwareDrinker_14", "OvermatigeDrinker_15",
    "EenOfMeerLangdurigeAandoeningen_16", "BeperktVanwegeGezondheid_17",
    "ErnstigBeperktVanwegeGezondheid_18", "LangdurigeZiekteEnBeperkt_19",
    "EenOfMeerLichamelijkeBeperkingen_20", "BeperkingInHoren_21", "BeperkingInZien_22",
    "BeperkingInBewegen_23", "MatigHoogRisicoOpAngstOfDepressie_24",
    "HoogRisicoOpAngstOfDepressie_25", "HeelVeelStressInAfgelopen4Weken_26",
    "MatigVeelRegieOverEigenLeven_27", "Eenzaam_28", "ErnstigZeerErnstigEenzaam_29",
    "EmotioneelEenzaam_30", "SociaalEenzaam_31", "Mantelzorger_32", "Vrijwilligerswerk_33",
    "LopenEnOfFietsenNaarSchoolOfWerk_34", "LopenNaarSchoolOfWerk_35",
    "FietsenNaarSchoolOfWerk_36", "ErnstigeGeluidhinderDoorBuren_37", "MoeiteMetRondkomen_38",
]  # fmt: skip
"""The figure columns of RIVM's Gezondheidsmonitor (StatLine 50090NED), in order."""
RIVM_HEADER = ["ID", "Leeftijd", "Marges", "WijkenEnBuurten", "Perioden", "Gemeentenaam_1",
               "SoortRegio_2", "Codering_3", *RIVM_FIGURES]  # fmt: skip
_GOOD = {"ErvarenGezondheidGoedZeerGoed_4", "MatigVeelRegieOverEigenLeven_27",
         "Mantelzorger_32", "Vrijwilligerswerk_33", "VoldoetAanBeweegrichtlijn_5"}  # fmt: skip


def rivm_xlsx(gemeenten: Sequence[Gemeente], year: int, age: int = 20300) -> bytes:
    """``RIVM_gezondheid<year>_18+.xlsx``: the UntypedDataSet export of 50090NED, one sheet,
    numeric ID and Leeftijd, every other cell padded text, the country as NL01."""
    regions = [(Region("NL01", "Nederland", "Land", 0, 0.35), "Nederland")]
    regions += [(r, g.name) for g in gemeenten for r in g.regions()]
    rows = []
    for number, (region, owner) in enumerate(regions):
        cells: list[object] = [
            number,
            age,
            "MW00000",
            f"{region.code:<10}",
            f"{year}JJ00",
            f"{owner:<40}",
            f"{region.kind:<10}",
            f"{region.code:<20}",
        ]
        for k, key in enumerate(RIVM_FIGURES):
            if region.wealth is None:
                cells.append("       .")
                continue
            w = region.wealth if key in _GOOD else 1 - region.wealth
            cells.append(f"{8 + k % 7 + 30 * w + (year - 2012) * 0.1:8.1f}")
        rows.append(cells)
    return rivm_workbook(rows)


def rivm_workbook(
    rows: Iterable[Sequence[object]],
    header: Sequence[str] = RIVM_HEADER,
    sheet_title: str = "50090NED_UntypedDataSet",
) -> bytes:
    """The UntypedDataSet export of 50090NED as a workbook: one sheet, the header, the rows as
    given (numbers or padded text; None leaves a cell unwritten)."""
    return one_sheet_xlsx(sheet_title, header, rows)


# -- StatLine metadata ---------------------------------------------------------------------------


def data_properties_json(leave_out: Sequence[str] = ()) -> bytes:
    """A ``DataProperties.json`` of KWB 2024 (85984NED) in the OData v3 layout — a GeoDetail
    with its MapYear, TopicGroups, Topics hanging under them by ParentID — made from the topics
    the project ships (``wijkkompas/sources/statline_labels.json``, derived from the real file),
    with made-up descriptions. Topics whose key base is in ``leave_out`` are left out."""
    shipped = json.loads(
        resources.files("wijkkompas.sources").joinpath("statline_labels.json").read_text("utf-8")
    )
    entries: list[dict[str, Any]] = [
        {"odata.type": "Cbs.OData.GeoDetail", "ID": 0, "Position": 0, "ParentID": None,
         "Type": "GeoDetail", "Key": "WijkenEnBuurten", "Title": "Wijken en buurten",
         "Description": "", "MapYear": shipped["map_year"]}
    ]  # fmt: skip
    groups: dict[tuple[str, ...], int] = {}
    for topic in shipped["topics"]:
        path = tuple(topic["path"])
        for depth in range(1, len(path) + 1):
            if path[:depth] not in groups:
                groups[path[:depth]] = len(entries)
                entries.append(
                    {"odata.type": "Cbs.OData.TopicGroup", "ID": len(entries), "Position": None,
                     "ParentID": groups.get(path[: depth - 1]), "Type": "TopicGroup", "Key": "",
                     "Title": path[depth - 1], "Description": "Made up."}
                )  # fmt: skip
        if topic["key"].rsplit("_", 1)[0] in leave_out:
            continue
        entries.append(
            {"odata.type": "Cbs.OData.Topic", "ID": len(entries), "Position": len(entries),
             "ParentID": groups.get(path), "Type": "Topic", "Key": topic["key"],
             "Title": topic["title"], "Description": "Made up.", "Datatype": "Double",
             "Unit": topic["unit"], "Decimals": 1, "Default": "Impossible",
             "PresentationType": "Absolute"}
        )  # fmt: skip
    return json.dumps(entries, ensure_ascii=False, indent=1).encode("utf-8")


def write(folder: Path, name: str, data: bytes) -> Path:
    """``data`` as ``folder/name`` (folders made), the way a download lands on disk."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


AMSTERDAM = Gemeente(
    "0363",
    "Amsterdam",
    (
        Buurt("Kop Zeedijk", 1040, 0.8, 0), Buurt("Oude Kerk", 2310, 0.55, 0),
        Buurt("Marktplein", 1620, 0.45, 0), Buurt("Havenkade", 1930, 0.9, 0),
        Buurt("Grachtengordel", 2650, 0.95, 0), Buurt("Jordaanhof", 1480, 0.6, 0),
        Buurt("Parkzicht", 3450, 0.3, 1), Buurt("Molenbuurt", 2780, 0.1, 1),
        Buurt("Spoorzone", 20, None, 1), Buurt("Dijkdorp", 890, 0.7, 1),
        Buurt("Polder", 160, 0.35, 1), Buurt("Vogelwijk", 2210, 0.2, 1),
        Buurt("Bloemenbuurt", 1760, 0.4, 1), Buurt("Sluiskwartier", 1390, 0.05, 1),
    ),
)  # fmt: skip
"""A made-up gemeente on Amsterdam's codes (GM0363, BU0363wwnn): fourteen buurten, one
(Spoorzone, BU03630102) too small to publish, one (Polder) under 200 inhabitants."""
UTRECHT = Gemeente(
    "0344",
    "Utrecht",
    (
        Buurt("Welgelegen", 1855, 0.7, 0), Buurt("Stationsbuurt", 1540, 0.35, 0),
        Buurt("Lange Laan", 1905, 0.6, 0), Buurt("Domplein", 1210, 0.85, 0),
        Buurt("Singelrand", 2045, 0.5, 0), Buurt("Zuilenkwartier", 2230, 0.25, 1),
        Buurt("Molenpark", 1870, 0.65, 1), Buurt("Bedrijvenpark", 40, None, 1),
        Buurt("Rivierzicht", 2460, 0.45, 1), Buurt("Oud Zuilen", 1320, 0.15, 1),
        Buurt("Vechtoever", 1690, 0.75, 1), Buurt("Kanaalbuurt", 2115, 0.1, 1),
    ),
    wijken=("West", "Noordwest"),
)  # fmt: skip
"""A made-up gemeente on Utrecht's codes (GM0344): twelve buurten, one (Bedrijvenpark) too
small to publish."""
