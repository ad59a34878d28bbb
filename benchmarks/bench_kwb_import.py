"""Whole-country kwb import: our loader + store against pandas/openpyxl reading the same file.

A user importing ``kwb-2024.xlsx`` for the whole country (≈18,000 regions × 121 columns) should
wait seconds, not minutes; the budget is 5 s end to end (parse, convert, write the DuckDB store).
The file is generated here in the real kwb layout (the real column names of the CBS download,
synthetic but plausible values, consistent GM/WK/BU codes, ``.`` for suppressed cells), because
the real whole-country file is not in the repository. The baseline is the obvious alternative,
``pandas.read_excel(engine="openpyxl")`` on the same file in the same run; it only reads, so the
ratio understates our advantage.

Run: ``.venv/bin/python benchmarks/bench_kwb_import.py [--rows N]``; exits 1 over budget.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

BUDGET_SECONDS = 5.0

KWB_COLUMNS = [
    "gwb_code_10",
    "gwb_code_8",
    "regio",
    "gm_naam",
    "recs",
    "gwb_code",
    "ind_wbi",
    "a_inw",
    "a_man",
    "a_vrouw",
    "a_00_14",
    "a_15_24",
    "a_25_44",
    "a_45_64",
    "a_65_oo",
    "a_ongeh",
    "a_gehuwd",
    "a_gesch",
    "a_verwed",
    "a_nl_all",
    "a_eur_al",
    "a_neu_al",
    "a_geb_nl",
    "a_geb_eu",
    "a_geb_ne",
    "a_gbl_eu",
    "a_gbl_ne",
    "a_geb",
    "p_geb",
    "a_ste",
    "p_ste",
    "a_hh",
    "a_1p_hh",
    "a_hh_z_k",
    "a_hh_m_k",
    "g_hhgro",
    "bev_dich",
    "a_woning",
    "g_wozbag",
    "p_1gezw",
    "p_mgezw",
    "p_bewndw",
    "p_leegsw",
    "p_koopw",
    "p_huurw",
    "p_wcorpw",
    "p_ov_hw",
    "p_e_o_w",
    "p_bjj2k",
    "p_bjo2k",
    "g_ele",
    "g_ele_ap",
    "g_ele_tw",
    "g_ele_hw",
    "g_ele_2w",
    "g_ele_vw",
    "g_ele_hu",
    "g_ele_ko",
    "g_gas",
    "g_gas_ap",
    "g_gas_tw",
    "g_gas_hw",
    "g_gas_2w",
    "g_gas_vw",
    "g_gas_hu",
    "g_gas_ko",
    "p_stadsv",
    "a_opl_lg",
    "a_opl_md",
    "a_opl_hg",
    "p_arb_pp",
    "p_arb_wn",
    "p_arb_zs",
    "a_inkont",
    "g_ink_po",
    "g_ink_pi",
    "p_ink_li",
    "p_ink_hi",
    "g_hh_sti",
    "p_hh_li",
    "p_hh_hi",
    "p_hh_lkk",
    "p_hh_osm",
    "p_hh_110",
    "p_hh_120",
    "m_hh_ver",
    "a_soz_wb",
    "a_soz_ao",
    "a_soz_ww",
    "a_soz_ow",
    "a_jz_tn",
    "p_jz_tn",
    "a_wmo_t",
    "p_wmo_t",
    "a_bedv",
    "a_bed_a",
    "a_bed_bf",
    "a_bed_gi",
    "a_bed_hj",
    "a_bed_kl",
    "a_bed_mn",
    "a_bed_oq",
    "a_bed_ru",
    "a_pau",
    "a_bst_b",
    "a_bst_nb",
    "g_pau_hh",
    "g_pau_km",
    "a_m2w",
    "g_afs_hp",
    "g_afs_gs",
    "g_afs_kv",
    "g_afs_sc",
    "g_3km_sc",
    "a_opp_ha",
    "a_lan_ha",
    "a_wat_ha",
    "pst_mvp",
    "pst_dekp",
    "ste_mvs",
    "ste_oad",
]
"""The 121 columns of the CBS kwb-2023/kwb-2024 download, in file order (names only)."""
ID_COLUMNS = 7


def _regions(n_rows: int, rng: random.Random) -> list[tuple[str, str, str, str, str]]:
    """(code, code_8, name, gemeente name, recs) for NL00 + gemeenten, wijken, buurten."""
    rows = [("NL00", "00", "Nederland", "Nederland", "Land")]
    gemeente = 0
    while len(rows) < n_rows:
        gemeente += 1
        gm = f"{gemeente:04d}"
        gm_name = f"Gemeente {gemeente}"
        rows.append((f"GM{gm}", gm, gm_name, gm_name, "Gemeente"))
        for wijk in range(rng.randint(6, 14)):
            wk = f"{gm}{wijk:02d}"
            rows.append((f"WK{wk}", wk, f"Wijk {wijk:02d}", gm_name, "Wijk"))
            for buurt in range(rng.randint(2, 7)):
                bu = f"{wk}{buurt:02d}"
                rows.append((f"BU{bu}", bu, f"Buurt {bu}", gm_name, "Buurt"))
    return rows[:n_rows]


def _value(column: str, rng: random.Random) -> float | str:
    if rng.random() < 0.12:
        return "."
    if column.startswith("p_"):
        return float(rng.randint(0, 100))
    if column.startswith(("g_", "m_")):
        return round(rng.uniform(0.5, 60.0), 1)
    if column.startswith("pst_"):
        return float(rng.randint(1000, 9999))
    return float(rng.randint(0, 5000))


def write_kwb_xlsx(
    path: Path, n_rows: int = 18_300, seed: int = 2024, regions_seed: int | None = None
) -> None:
    """A kwb-YYYY.xlsx in the CBS layout: one sheet, a header row of short names, text in the
    shared-strings table as Excel writes it. Written as raw SpreadsheetML, because openpyxl
    takes half a minute for two million cells and the benchmark should not.

    ``regions_seed`` fixes the region codes apart from the values, so several years of files
    describe the same buurten (a panel), as real consecutive kwb files mostly do."""
    rng = random.Random(seed)
    regions = _regions(n_rows, random.Random(seed if regions_seed is None else regions_seed))
    strings: dict[str, int] = {}

    def cell(ref: str, value: float | str) -> str:
        if isinstance(value, str):
            index = strings.setdefault(value, len(strings))
            return f'<c r="{ref}" t="s"><v>{index}</v></c>'
        return f'<c r="{ref}"><v>{value!r}</v></c>'

    letters = [_column_letters(i) for i in range(len(KWB_COLUMNS))]
    data_columns = KWB_COLUMNS[ID_COLUMNS:]
    lines = []
    rows: list[list[float | str]] = [list(KWB_COLUMNS)]
    for code, code_8, name, gm_name, recs in regions:
        values = [_value(c, rng) for c in data_columns]
        rows.append([code, code_8, name, gm_name, recs, code, 1.0, *values])
    for number, row in enumerate(rows, start=1):
        cells = "".join(cell(f"{letters[i]}{number}", v) for i, v in enumerate(row))
        lines.append(f'<row r="{number}">{cells}</row>')
    shared = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK.format(sheet=escape(path.stem)))
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr(
            "xl/sharedStrings.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{NS}" '
            f'count="{len(strings)}" uniqueCount="{len(strings)}">{shared}</sst>',
        )
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{NS}">'
            f"<sheetData>{''.join(lines)}</sheetData></worksheet>",
        )


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<workbook xmlns="{NS}" xmlns:r="{REL}"><sheets>'
    '<sheet name="{{sheet}}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)


def time_ours(path: Path, store_path: Path) -> tuple[float, float, int]:
    """Seconds to parse the file into a batch, seconds to write it to a new store, observations."""
    from wijkkompas.catalogue import load_catalogue
    from wijkkompas.sources.base import LoadOptions
    from wijkkompas.sources.cbs_kwb import LOADER
    from wijkkompas.store import AnalyticStore

    catalogue = load_catalogue()
    started = time.perf_counter()
    batch = LOADER.load(path.read_bytes(), path.name, catalogue, LoadOptions())
    parsed = time.perf_counter()
    AnalyticStore(store_path).import_batch(batch)
    return parsed - started, time.perf_counter() - parsed, len(batch.observations)


def time_pandas_openpyxl(path: Path) -> float:
    import pandas as pd

    started = time.perf_counter()
    pd.read_excel(path, engine="openpyxl")
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=18_300, help="regions in the file")
    parser.add_argument("--skip-baseline", action="store_true", help="time only our import")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "kwb-2024.xlsx"
        clock = time.perf_counter()
        write_kwb_xlsx(path, args.rows)
        print(
            f"generated {path.name}: {args.rows} rows × {len(KWB_COLUMNS)} columns, "
            f"{path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - clock:.1f} s"
        )
        parse, write, n_obs = time_ours(path, Path(tmp) / "store.duckdb")
        ours = parse + write
        print(
            f"wijkkompas kwb import + store: {ours:.2f} s (loader {parse:.2f} s, "
            f"store {write:.2f} s; {n_obs} observations)"
        )
        if not args.skip_baseline:
            baseline = time_pandas_openpyxl(path)
            print(f"pandas.read_excel(openpyxl), read only: {baseline:.2f} s")
            print(f"ratio baseline / ours: {baseline / ours:.1f}×")
    if ours > BUDGET_SECONDS:
        print(f"OVER BUDGET: {ours:.2f} s > {BUDGET_SECONDS:.0f} s", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
