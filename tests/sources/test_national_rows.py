"""The country row of a wide CBS table (NL00 "Nederland", soort regio "Land") is kept as the
country's figures, parsed exactly like a region's row, and never becomes a region."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest
from file_layouts import WHOLE_COUNTRY_HEADER, whole_country_csv
from real_data import SHARED_DATA, real_path

from twin_cities import R_LABELS, RRow, r_resaved_csv
from wijkkompas.catalogue import Catalogue
from wijkkompas.sources.base import LoadOptions, SourceError
from wijkkompas.sources.cbs_kwb import LOADER as KWB
from wijkkompas.sources.importer import import_files
from wijkkompas.sources.statline import LOADER as STATLINE
from wijkkompas.store import AnalyticStore, ImportBatch
from wijkkompas.store.batch import NATIONAL_COLUMNS

AMSTERDAM = SHARED_DATA / "kwb" / "amsterdam"

KWB_CSV = (
    "gwb_code_10;regio;gm_naam;recs;ind_wbi;a_inw;g_ink_pi;p_koopw;a_gehuwd\n"
    "NL00;Nederland;Nederland;Land;.;17942942;32,1;57;8920768\n"
    "GM9990;Proefstad;Proefstad;Gemeente;1;2000;29,5;40;990\n"
    "WK999000;Wijk 00;Proefstad;Wijk;1;2000;29,5;40;990\n"
    "BU99900000;Oud Centrum;Proefstad;Buurt;1;1200;.;x;600\n"
    "BU99900001;Nieuwbouw;Proefstad;Buurt;2;800;31,0;;390\n"
)


def kwb(text: str, catalogue: Catalogue, name: str = "kwb-2023.csv") -> ImportBatch:
    return KWB.load(text.encode(), name, catalogue, LoadOptions())


def national_value(batch: ImportBatch, indicator: str) -> float:
    """The one national figure a batch holds for an indicator (fails if there are more)."""
    rows = batch.national[batch.national["indicator_id"] == indicator]
    assert len(rows) == 1, f"{indicator}: {len(rows)} national rows"
    return float(rows["value"].iloc[0])


# --- hand-built files (always run) ------------------------------------------------------------


def test_the_country_row_becomes_national_figures_not_a_region(catalogue: Catalogue) -> None:
    batch = kwb(KWB_CSV, catalogue)
    batch.validate()
    assert list(batch.national.columns) == NATIONAL_COLUMNS
    assert national_value(batch, "population") == 17942942
    assert national_value(batch, "income_per_inhabitant") == pytest.approx(32.1)
    assert national_value(batch, "owner_occupied_share") == 57
    assert "NL00" not in set(batch.regions["code"])
    assert "NL00" not in set(batch.observations["region_code"])
    assert "NL00" not in set(batch.unmatched["region_code"])
    assert "NL00" not in set(batch.boundary_changes["region_code"])


def test_national_figures_share_periods_release_and_columns_with_the_regions(
    catalogue: Catalogue,
) -> None:
    batch = kwb(KWB_CSV, catalogue)
    national = batch.national.set_index("indicator_id")
    regional = batch.observations[batch.observations["region_code"] == "GM9990"]
    regional = regional.set_index("indicator_id")
    assert sorted(national.index) == sorted(regional.index)
    for column in ("period", "source_column", "release"):
        assert national[column].to_dict() == regional[column].to_dict(), column
    income = catalogue.by_id("income_per_inhabitant")
    assert national.loc["income_per_inhabitant", "period"] == str(2023 - income.reference_lag_years)
    assert set(batch.national["table_year"]) == {2023}


def test_a_secret_national_cell_is_suppressed_not_zero(catalogue: Catalogue) -> None:
    batch = kwb(
        KWB_CSV.replace(
            "NL00;Nederland;Nederland;Land;.;17942942;32,1;",
            "NL00;Nederland;Nederland;Land;.;17942942;.;",
        ),
        catalogue,
    )
    national = batch.national
    income = national[national["indicator_id"] == "income_per_inhabitant"].iloc[0]
    assert math.isnan(income["value"]) and bool(income["suppressed"])


def test_the_provenance_counts_the_national_row_and_where_it_went(catalogue: Catalogue) -> None:
    batch = kwb(KWB_CSV, catalogue)
    skipped = batch.provenance["skipped_rows"]
    assert (skipped["national"], skipped["national_kept"]) == (1, 1)
    assert batch.provenance["n_national"] == len(batch.national) == 3


def test_only_nl00_is_the_country(catalogue: Catalogue) -> None:
    text = KWB_CSV.replace("NL00;Nederland", "NL01;Noord-Nederland")
    batch = kwb(text, catalogue)
    assert batch.national.empty
    assert batch.provenance["skipped_rows"]["national"] == 1
    assert batch.provenance["skipped_rows"]["national_kept"] == 0
    assert "NL01" not in set(batch.regions["code"])


def test_a_table_without_a_country_row_has_no_national_figures(catalogue: Catalogue) -> None:
    text = "\n".join(line for line in KWB_CSV.splitlines() if not line.startswith("NL00"))
    batch = kwb(text + "\n", catalogue)
    assert batch.national.empty and list(batch.national.columns) == NATIONAL_COLUMNS
    assert len(batch.observations) > 0


def test_two_country_rows_are_refused_like_a_duplicate_region(catalogue: Catalogue) -> None:
    first = KWB_CSV.splitlines()[1]
    with pytest.raises(SourceError, match=r"NL00.*more than once"):
        kwb(KWB_CSV + first + "\n", catalogue)


def test_a_statline_csv_keeps_its_country_row_too(catalogue: Catalogue) -> None:
    text = (
        '"Wijken en buurten";"Regioaanduiding/Soort regio (omschrijving)";'
        '"Regioaanduiding/Codering (code)";"Bevolking/Aantal inwoners (aantal)"\r\n'
        '"Nederland";"Land      ";"NL00      ";17942942\r\n'
        '"Proefstad";"Gemeente  ";"GM9990    ";2000\r\n'
    )
    batch = STATLINE.load(
        text.encode(), "Kerncijfers_wijken_en_buurten_2024.csv", catalogue, LoadOptions()
    )
    assert national_value(batch, "population") == 17942942
    assert batch.national["period"].tolist() == ["2024-01-01"]
    assert list(batch.regions["code"]) == ["GM9990"]


def test_the_country_lands_in_the_store_beside_the_regions(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    path = tmp_path / "kwb-2023.csv"
    path.write_text(KWB_CSV)
    store = AnalyticStore(tmp_path / "s.duckdb")
    [report] = import_files(store, [path], catalogue=catalogue)
    assert report.national_figures == 3
    import_files(store, [path], catalogue=catalogue)  # again: replaced, not doubled
    with store.reader() as r:
        national = r.national_observations()
    assert national["indicator_id"].tolist() == [
        "income_per_inhabitant",
        "owner_occupied_share",
        "population",
    ]
    assert set(national["source"]) == {"kwb"} and set(national["table_year"]) == {2023}


# --- synthetic twins of the real samples (always run) -------------------------------------------

R_FIELDS = ("inhabitants", "household_size", "owner_share", "income_per_inhabitant")
"""The columns of the Amsterdam KWB CSVs written here, after R's six region columns (a
selection of the 110-118; their labels as R's write.csv mangled them: ``twin_cities.R_LABELS``)."""
OWNER = R_LABELS["owner_share"]
INCOME = R_LABELS["income_per_inhabitant"]
KwbRow = tuple[str, str, str, int, float | None, int, float | None]
R_ROWS: dict[int, list[KwbRow]] = {
    # name, soort regio, code, inhabitants, household size, owner-occupied %, income
    2017: [
        ("Nederland", "Land", "NL00", 17000101, 2.2, 56, 29.5),
        ("Amsterdam", "Gemeente", "GM0363", 850010, 1.8, 30, 32.0),
        ("Burgwallen-Oude Zijde", "Wijk", "WK036300", 4300, 1.4, 19, None),
        ("Kop Zeedijk", "Buurt", "BU03630000", 1010, 1.3, 18, 28.4),
    ],
    2019: [
        ("Nederland", "Land", "NL00", 17200202, 2.1, 57, 31.6),
        ("Amsterdam", "Gemeente", "GM0363", 865020, 1.8, 30, 34.9),
        ("Burgwallen-Oude Zijde", "Wijk", "WK036300", 4295, 1.4, 19, None),
        ("Kop Zeedijk", "Buurt", "BU03630000", 1005, 1.3, 18, 29.7),
        ("Oude Kerk e.o.", "Buurt", "BU03630001", 750, None, 21, 30.2),
    ],
}
"""Made-up figures on real Amsterdam codes: the country row first, then gemeente, wijk, buurten."""


def r_kwb_export(year: int) -> bytes:
    """The Amsterdam KWB CSV as the author re-wrote it with R's ``write.csv``
    (``twin_cities.r_resaved_csv``). Counts are bare numbers; in 2017 the other figures are
    quoted, padded to 8, with a decimal point and '.' for unknown, in 2019 quoted only where
    they have decimals, with a decimal comma, and NA unknown."""
    rows: list[RRow] = []
    for name, kind, code, people, size, owner, income in R_ROWS[year]:
        figures: list[str] = [str(people)]
        for cell in (size, owner, income):
            if year < 2019:
                text = (
                    "." if cell is None else f"{cell:.1f}" if isinstance(cell, float) else str(cell)
                )
                figures.append(f'"{text:>8}"')
            elif cell is None:
                figures.append("NA")
            else:
                figures.append(
                    f'"{str(cell).replace(".", ",")}"' if isinstance(cell, float) else str(cell)
                )
        gemeente = "Nederland" if kind == "Land" else "Amsterdam"
        rows.append((name, gemeente, kind, code, figures))
    return r_resaved_csv([R_LABELS[field] for field in R_FIELDS], rows)


def r_kwb_file(tmp_path: Path, year: int) -> Path:
    path = tmp_path / f"Kerncijfers_wijken_en_buurten_{year}.csv"
    path.write_bytes(r_kwb_export(year))
    return path


def test_an_r_rewritten_kwb_csv_keeps_the_figures_of_the_netherlands(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    """The twin of the Amsterdam 2019 file: the NL00 row becomes national figures."""
    path = r_kwb_file(tmp_path, 2019)
    batch = STATLINE.load(path.read_bytes(), path.name, catalogue, LoadOptions())
    batch.validate()
    national = batch.national.set_index("indicator_id")
    assert national.loc["population", "value"] == 17200202
    assert national.loc["population", "period"] == "2019-01-01"
    assert national.loc["owner_occupied_share", "source_column"] == OWNER
    assert national.loc["owner_occupied_share", "value"] == nl00_cell(path, OWNER) == 57
    assert national.loc["income_per_inhabitant", "value"] == pytest.approx(nl00_cell(path, INCOME))
    assert national.loc["income_per_inhabitant", "value"] == pytest.approx(31.6)  # "31,6"
    assert national.loc["income_per_inhabitant", "period"] == "2017"  # income lags two years
    assert set(batch.national["table_year"]) == {2019}
    assert len(batch.regions) == 4  # 5 rows minus NL00
    assert "NL00" not in set(batch.regions["code"])
    assert batch.provenance["skipped_rows"]["national_kept"] == 1


def test_two_r_rewritten_table_years_give_the_country_two_table_years_in_the_store(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    """The twin of Amsterdam 2017 and 2019 imported in one go."""
    paths = [r_kwb_file(tmp_path, year) for year in (2017, 2019)]
    store = AnalyticStore(tmp_path / "s.duckdb")
    import_files(store, paths, catalogue=catalogue)
    with store.reader() as r:
        population = r.national_observations(["population"])
        income = r.national_observations(["income_per_inhabitant"])
    assert population[["period", "value", "table_year"]].values.tolist() == [
        ["2017-01-01", 17000101.0, 2017],
        ["2019-01-01", 17200202.0, 2019],
    ]
    assert income["value"].tolist() == pytest.approx([29.5, 31.6])  # "    29.5" and "31,6"


def test_a_whole_country_statline_download_keeps_its_country_row(catalogue: Catalogue) -> None:
    """The twin of the whole-country KWB 2024 download (UTF-8 with BOM, ';', CRLF, padding)."""
    rows = [
        ("Nederland", "Nederland", "Land", "NL00", ".", [17900303, 8900101, 9000202]),
        ("Proefstad", "Proefstad", "Gemeente", "GM9990", "1", [25845, 12867, 12978]),
        ("Wijk 00 Annendorp", "Proefstad", "Wijk", "WK999000", "1", [3590, 1750, 1845]),
        ("Annendorp", "Proefstad", "Buurt", "BU99900000", "1", [3590, 1750, 1845]),
    ]
    data = whole_country_csv(rows, WHOLE_COUNTRY_HEADER[:8])
    name = "Kerncijfers_wijken_en_buurten_2024_geslachten.csv"
    batch = STATLINE.load(data, name, catalogue, LoadOptions())
    assert national_value(batch, "population") == 17900303
    assert national_value(batch, "men") + national_value(batch, "women") == 17900303
    assert sorted(batch.regions["code"]) == ["BU99900000", "GM9990", "WK999000"]


# --- real CBS samples ---------------------------------------------------------------------------


def nl00_cell(path: Path, column: str) -> float:
    """The NL00 row's cell of ``column``, read straight from the file (decimal comma)."""
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Regioaanduiding.Codering..code."].strip() == "NL00":
                return float(row[column].strip().replace(",", "."))
    raise AssertionError(f"{path.name} has no NL00 row")


@pytest.mark.realdata(twin="test_an_r_rewritten_kwb_csv_keeps_the_figures_of_the_netherlands")
def test_amsterdam_2019_keeps_the_figures_of_the_netherlands(catalogue: Catalogue) -> None:
    path = real_path(AMSTERDAM / "Kerncijfers_wijken_en_buurten_2019.csv")
    batch = STATLINE.load(path.read_bytes(), path.name, catalogue, LoadOptions())
    batch.validate()
    national = batch.national.set_index("indicator_id")
    assert national.loc["population", "value"] == 17282163
    assert national.loc["population", "period"] == "2019-01-01"
    owner = "Wonen.Woningen.naar.eigendom.Koopwoningen...."
    assert national.loc["owner_occupied_share", "source_column"] == owner
    assert national.loc["owner_occupied_share", "value"] == nl00_cell(path, owner)
    income = "Inkomen.Inkomen.van.personen.Gemiddeld.inkomen.per.inwoner...x.1.000.euro."
    assert national.loc["income_per_inhabitant", "value"] == pytest.approx(nl00_cell(path, income))
    assert national.loc["income_per_inhabitant", "period"] == "2017"  # income lags two years
    assert set(batch.national["table_year"]) == {2019}
    assert len(batch.regions) == 579  # 580 rows minus NL00
    assert batch.provenance["skipped_rows"]["national_kept"] == 1


@pytest.mark.realdata(
    twin="test_two_r_rewritten_table_years_give_the_country_two_table_years_in_the_store"
)
def test_amsterdam_2017_and_2019_give_the_country_two_table_years_in_the_store(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    paths = [
        real_path(AMSTERDAM / f"Kerncijfers_wijken_en_buurten_{year}.csv") for year in (2017, 2019)
    ]
    store = AnalyticStore(tmp_path / "s.duckdb")
    import_files(store, paths, catalogue=catalogue)
    with store.reader() as r:
        population = r.national_observations(["population"])
    assert population[["period", "value", "table_year"]].values.tolist() == [
        ["2017-01-01", 17081507.0, 2017],
        ["2019-01-01", 17282163.0, 2019],
    ]


@pytest.mark.realdata(twin="test_a_whole_country_statline_download_keeps_its_country_row")
def test_the_whole_country_table_2024_keeps_its_country_row(catalogue: Catalogue) -> None:
    path = real_path(
        SHARED_DATA / "kwb/nederland/Kerncijfers_wijken_en_buurten_2024_geslachten.csv"
    )
    batch = STATLINE.load(path.read_bytes(), path.name, catalogue, LoadOptions())
    assert national_value(batch, "population") == 17942942
    assert national_value(batch, "men") + national_value(batch, "women") == 17942942
