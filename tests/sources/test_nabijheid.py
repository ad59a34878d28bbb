"""Nabijheid voorzieningen: label, sideways and OData-key layouts, year rules, CBS symbols.

Real-format tests read ../shared/data (see its PROVENANCE.md) and skip when it is absent; the
pinned values were read by hand from those files. Small CSVs marked "hand-built" are made up to
pin one behaviour each.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from real_data import SHARED_DATA, shared_catalogue
from real_data import real_bytes as real

from twin_cities import labels_header, labels_row, proximity_row, statline_download_csv
from wijkkompas.catalogue import Catalogue
from wijkkompas.errors import WijkkompasError
from wijkkompas.sources import registry
from wijkkompas.sources.base import LoadOptions, SourceError
from wijkkompas.sources.nabijheid import LOADER
from wijkkompas.store import AnalyticStore, ImportBatch

SHARED = SHARED_DATA / "nabijheid"
UTRECHT = SHARED / "CBS-Utrecht_Nabijheid_voorzieningen__buurt_2023_14102024_164034.csv"
SIDEWAYS = (
    SHARED
    / "Nabijheid_voorzieningen__afstand_locatie__wijk__en_buurtcijfers_2021_17012023_183355.csv"
)
AMS_2020 = SHARED / "amsterdam" / "proximity_to_facilities_2020.csv"
AMS_2024 = SHARED / "amsterdam" / "proximity_to_facilities_2024.csv"
AUTHOR_MAPPING = {"distance_to_primary_school": "distance_school"}


def value(batch: ImportBatch, code: str, indicator: str) -> tuple[float, bool]:
    obs = batch.observations
    row = obs[(obs["region_code"] == code) & (obs["indicator_id"] == indicator)]
    assert len(row) == 1, f"{code} {indicator}: {len(row)} rows"
    return float(row["value"].iloc[0]), bool(row["suppressed"].iloc[0])


def assert_reads_the_labels_layout(
    batch: ImportBatch,
    *,
    levels: dict[str, int],
    names: dict[str, str],
    values: dict[tuple[str, str], float],
    missing: Sequence[tuple[str, str]],
    unmatched: int,
    buurt: str,
) -> None:
    """What a StatLine download with label headers (the Utrecht 2023 layout) must give: the
    ``levels`` counted, the year from the file name, ``values`` unsuppressed, ``missing`` ('.')
    as missing and suppressed, ``unmatched`` columns kept verbatim (the restaurant distance of
    ``buurt`` among them)."""
    assert len(batch.regions) == sum(levels.values())  # every row but NL00
    assert batch.regions["level"].value_counts().to_dict() == levels
    assert set(batch.regions["year"]) == {2023}
    # the year is the table year in the name, not the download date 14102024
    assert batch.provenance["year"] == 2023
    assert "file name" in batch.provenance["year_from"]
    assert len(batch.provenance["sha256"]) == 64
    assert_names(batch, names)
    assert_values(batch, values)
    # '.' is missing and marked suppressed, never 0
    assert_missing_and_suppressed(batch, missing)
    obs = batch.observations
    assert set(obs["period"]) == {"2023"}
    col = "Detailhandel/Winkels dagelijkse boodschappen/Afstand tot grote supermarkt (km)"
    assert set(obs.loc[obs["indicator_id"] == "distance_supermarket", "source_column"]) == {col}
    # everything else stays, verbatim: the file's columns - 5 region columns - 7 matched
    assert batch.unmatched["source_column"].nunique() == unmatched
    restaurant = batch.unmatched[
        (batch.unmatched["region_code"] == buurt)
        & (batch.unmatched["source_column"] == "Horeca/Restaurants/Afstand tot restaurant (km)")
    ]
    assert restaurant["value_text"].tolist() == ["0.3"]


def assert_reads_the_sideways_export(
    batch: ImportBatch,
    *,
    codes: list[str],
    names: dict[str, str],
    values: dict[tuple[str, str], float],
    no_station: str,
) -> None:
    """What the 2021 "tabel" export with regions as columns must give: ``codes``, ``names``,
    the year from the title row, ``values`` (decimal comma), the train station distance of
    ``no_station`` missing and suppressed, and the topic path as the source column."""
    assert batch.provenance["layout"] == "sideways"
    assert sorted(batch.regions["code"]) == codes
    assert_names(batch, names)
    # the title row says 2021; the file name's 17012023 is the download date
    assert batch.provenance["year"] == 2021 and "title" in batch.provenance["year_from"]
    assert_values(batch, values)
    assert_missing_and_suppressed(batch, [(no_station, "distance_train_station")])
    assert (
        batch.observations.loc[batch.observations["indicator_id"] == "distance_gp", "source_column"]
        .eq("Gezondheid en welzijn|Huisartsenpraktijk|Afstand tot huisartsenpraktijk")
        .all()
    )


def assert_reads_the_odata_key_exports(
    old: ImportBatch, new: ImportBatch, *, old_regions: int, new_regions: int
) -> None:
    """What the Amsterdam 2020 export (read with :data:`AUTHOR_MAPPING`) and the 2024 export
    (read without) must give."""
    assert old.provenance["layout"] == "keys"
    assert len(old.regions) == old_regions and set(old.regions["year"]) == {2020}
    assert old.regions.set_index("code").loc["GM0363", "name"] == "Amsterdam"
    assert value(old, "BU03630000", "distance_train_station") == (0.4, False)
    assert value(old, "BU03630000", "distance_school") == (0.4, False)
    assert value(old, "GM0363", "distance_train_station") == (2.5, False)
    assert math.isnan(value(old, "BU03630100", "distance_train_station")[0])
    assert "supermarkets_within_1km" in set(old.unmatched["source_column"])
    assert len(new.regions) == new_regions and set(new.regions["year"]) == {2024}
    assert value(new, "BU0363AA01", "distance_train_station") == (2.2, False)
    # without the mapping the author's renamed school column is kept, not guessed
    assert "distance_to_primary_school" in set(new.unmatched["source_column"])


def assert_batches_pass_the_store(batches: Sequence[ImportBatch], folder: Path) -> None:
    """Every batch goes into one store and comes back whole, its values unchanged."""
    store = AnalyticStore(folder / "w.duckdb")
    for batch in batches:
        store.import_batch(batch)
    with store.reader() as reader:
        stored = reader.observations()
    assert set(stored["source"]) == {"nabijheid"}
    for batch in batches:
        year = int(batch.regions["year"].iloc[0])
        mine = stored[stored["region_year"] == year]
        assert len(mine) == len(batch.observations)
        sent = batch.observations.dropna(subset=["value"]).iloc[0]
        back = mine[
            (mine["region_code"] == sent["region_code"])
            & (mine["indicator_id"] == sent["indicator_id"])
        ]
        assert back["value"].tolist() == [sent["value"]]


def assert_sniffed_as_nabijheid(name: str, data: bytes, *, by_content: bool) -> None:
    """The file is recognised by its name; ``by_content``: also under a neutral name."""
    assert LOADER.sniff(name, data[:65536])
    assert LOADER.sniff("export.csv", data[:65536]) or not by_content
    assert registry.detect(name, data[:65536]).key == "nabijheid"


def assert_fails_only_with_a_clear_error(data: bytes, name: str, catalogue: Catalogue) -> None:
    """The (damaged) file loads into a valid batch or fails with an error naming it."""
    try:
        batch = LOADER.load(data, name, catalogue, LoadOptions())
    except WijkkompasError as exc:
        assert name in str(exc)
    else:
        batch.validate()
        assert isinstance(batch.observations, pd.DataFrame)


def assert_names(batch: ImportBatch, names: dict[str, str]) -> None:
    regions = batch.regions.set_index("code")["name"]
    for code, name in names.items():
        assert regions[code] == name


def assert_values(batch: ImportBatch, values: dict[tuple[str, str], float]) -> None:
    for (code, indicator), number in values.items():
        assert value(batch, code, indicator) == (number, False)


def assert_missing_and_suppressed(batch: ImportBatch, cells: Sequence[tuple[str, str]]) -> None:
    for code, indicator in cells:
        number, suppressed = value(batch, code, indicator)
        assert math.isnan(number) and suppressed, (code, indicator)


@pytest.mark.realdata(twin="test_labels_layout_with_padding_dots_and_the_year_in_the_name")
def test_utrecht_2023_labels_layout(catalogue: Catalogue) -> None:
    batch = LOADER.load(real(UTRECHT), UTRECHT.name, catalogue, LoadOptions())
    assert_reads_the_labels_layout(
        batch,
        levels={"buurt": 111, "wijk": 10, "gemeente": 1},  # 123 rows minus NL00
        names={"BU03440111": "Welgelegen, Den Hommel", "WK034401": "Wijk 01 West"},
        values={
            ("BU03440111", "distance_supermarket"): 0.9,
            ("BU03441041", "distance_daycare"): 2.1,
            ("GM0344", "distance_supermarket"): 0.7,
        },
        # CBS did not publish the GP distance for 2023; the green-space distances are matched
        # too, though CBS published none for 2023
        missing=[
            ("BU03440111", "distance_gp"),
            ("BU03440911", "distance_daycare"),
            ("BU03440111", "distance_public_green"),
        ],
        unmatched=103,  # 115 columns - 5 region columns - 7 matched
        buurt="BU03440111",
    )


@pytest.mark.realdata(twin="test_a_sideways_export_is_transposed_and_takes_its_year_from_the_title")
def test_sideways_2021_export_is_transposed(catalogue: Catalogue) -> None:
    batch = LOADER.load(real(SIDEWAYS), SIDEWAYS.name, catalogue, LoadOptions())
    assert_reads_the_sideways_export(
        batch,
        codes=[
            "BU16800000",
            "BU16800009",
            "BU16800100",
            "BU16800109",
            "GM1680",
            "WK168000",
            "WK168001",
        ],
        names={"BU16800009": "Verspreide huizen Annen"},
        values={
            ("GM1680", "distance_gp"): 2.5,  # decimal comma
            ("BU16800109", "distance_gp"): 3.6,
            ("BU16800009", "distance_daycare"): 1.7,
        },
        no_station="BU16800000",
    )


@pytest.mark.realdata(twin="test_odata_key_exports_with_columns_renamed_by_their_author")
def test_amsterdam_odata_exports_with_renamed_columns(catalogue: Catalogue) -> None:
    old = LOADER.load(real(AMS_2020), AMS_2020.name, catalogue, LoadOptions(mapping=AUTHOR_MAPPING))
    new = LOADER.load(real(AMS_2024), AMS_2024.name, catalogue, LoadOptions())
    assert_reads_the_odata_key_exports(old, new, old_regions=579, new_regions=628)


@pytest.mark.realdata(twin="test_labels_and_sideways_batches_pass_the_store")
def test_real_batches_pass_the_store(catalogue: Catalogue, tmp_path: Path) -> None:
    batches = [LOADER.load(real(p), p.name, catalogue, LoadOptions()) for p in (UTRECHT, SIDEWAYS)]
    assert_batches_pass_the_store(batches, tmp_path)


@pytest.mark.realdata(twin="test_sniff_recognises_every_layout_and_not_table_metadata")
def test_sniff_recognises_all_real_layouts() -> None:
    for path in (UTRECHT, SIDEWAYS, AMS_2020, AMS_2024):
        assert_sniffed_as_nabijheid(
            path.name, real(path), by_content=path.parent.name != "amsterdam"
        )
    # KWB metadata mentions "Nabijheid voorzieningen" in its description: not a nabijheid file
    table_infos = SHARED.parent / "kwb" / "metadata" / "85984NED" / "TableInfos.json"
    assert not LOADER.sniff(table_infos.name, real(table_infos)[:65536])


HAND_BUILT = (
    '"Perioden";"Regioaanduiding/Codering (code)";"Wijken en buurten";'
    '"Onderwijs/Basisonderwijs/Afstand tot school (km)"\n'
    '"2022*";"GM0344    ";"Utrecht";"0,6"\n'
    '"2022*";"BU03440111";"Welgelegen, Den Hommel";""\n'
)
"""Hand-built: a StatLine export with a Perioden column and a provisional (starred) year."""


def test_period_column_wins_and_a_star_means_voorlopig(catalogue: Catalogue) -> None:
    batch = LOADER.load(HAND_BUILT.encode(), "nabijheid_2019.csv", catalogue, LoadOptions())
    assert batch.provenance["year"] == 2022  # content over the file name
    assert set(batch.observations["release"]) == {"voorlopig"}
    school, suppressed = value(batch, "BU03440111", "distance_school")
    assert math.isnan(school) and not suppressed  # empty: missing, not marked by CBS
    assert value(batch, "GM0344", "distance_school") == (0.6, False)


def test_unparseable_cells_are_missing_and_counted(catalogue: Catalogue) -> None:
    odd = HAND_BUILT.replace('"0,6"', '"inf"')
    batch = LOADER.load(odd.encode(), "n.csv", catalogue, LoadOptions())
    assert math.isnan(value(batch, "GM0344", "distance_school")[0])
    column = "Onderwijs/Basisonderwijs/Afstand tot school (km)"
    assert batch.provenance["unparseable_by_column"] == {column: 1}


def test_year_rules(catalogue: Catalogue) -> None:
    no_period = "\n".join(
        HAND_BUILT.replace('"Perioden";', "").replace('"2022*";', "").splitlines()
    )
    with pytest.raises(SourceError, match=r"export\.csv: cannot tell which year.*--year"):
        LOADER.load(no_period.encode(), "export.csv", catalogue, LoadOptions())
    batch = LOADER.load(no_period.encode(), "export.csv", catalogue, LoadOptions(year=2022))
    assert batch.provenance["year_from"] == "--year option"
    with pytest.raises(SourceError, match=r"says its year is 2022.*--year 2021"):
        LOADER.load(HAND_BUILT.encode(), "x.csv", catalogue, LoadOptions(year=2021))


def test_errors_name_the_file_and_line(catalogue: Catalogue) -> None:
    shifted = HAND_BUILT + '"2022*";"BU03440112";"Oog in Al";"0,5";"extra"\n'
    with pytest.raises(SourceError, match=r"^n\.csv, line 4: 5 fields"):
        LOADER.load(shifted.encode(), "n.csv", catalogue, LoadOptions())
    bad_code = HAND_BUILT.replace("BU03440111", "BU0344011")
    with pytest.raises(SourceError, match=r"^n\.csv, line 3: 'BU0344011' is not a CBS region code"):
        LOADER.load(bad_code.encode(), "n.csv", catalogue, LoadOptions())
    no_code = HAND_BUILT.replace("Regioaanduiding/Codering (code)", "Gebied")
    with pytest.raises(SourceError, match=r"n\.csv: no column with region codes.*--mapping"):
        LOADER.load(no_code.encode(), "n.csv", catalogue, LoadOptions())


def _mutations() -> st.SearchStrategy[tuple[str, int, int]]:
    return st.tuples(
        st.sampled_from(["flip", "truncate", "delete", "insert"]),
        st.integers(min_value=0, max_value=2**31),
        st.integers(min_value=0, max_value=255),
    )


def mutate(data: bytes, how: tuple[str, int, int]) -> bytes:
    kind, position, byte = how
    at = position % max(len(data), 1)
    if kind == "flip":
        return data[:at] + bytes([byte]) + data[at + 1 :]
    if kind == "truncate":
        return data[:at]
    if kind == "delete":
        return data[:at] + data[at + 1 + byte :]
    return data[:at] + bytes([byte, (byte * 7) % 256]) + data[at:]


@pytest.mark.realdata(twin="test_mutated_twin_files_fail_only_with_a_clear_error")
@settings(max_examples=25, deadline=None)
@given(how=_mutations(), which=st.sampled_from([UTRECHT, SIDEWAYS, AMS_2024]))
def test_mutated_real_files_fail_only_with_a_clear_error(
    how: tuple[str, int, int], which: Path
) -> None:
    assert_fails_only_with_a_clear_error(mutate(real(which), how), which.name, shared_catalogue())


# --- synthetic twins of the real files (always run) ---------------------------------------------

LABEL_TOPICS = [
    "Gezondheid en welzijn/Huisartsenpraktijk/Afstand tot huisartsenpraktijk (km)",
    "Gezondheid en welzijn/Huisartsenpraktijk/Aantal huisartsenpraktijken/Binnen 1 km (aantal)",
    "Detailhandel/Winkels dagelijkse boodschappen/Afstand tot grote supermarkt (km)",
    "Horeca/Restaurants/Afstand tot restaurant (km)",
    "Kinderopvang/Kinderdagverblijf/Afstand tot kinderdagverblijf (km)",
    "Onderwijs/Basisonderwijs/Afstand tot school (km)",
    "Groenvoorzieningen/Openbaar groen/Afstand tot openbaar groen totaal (km)",
    "Groenvoorzieningen/Openbaar groen/Afstand tot park of plantsoen (km)",
    "Verkeer en vervoer/Treinstations/Afstand tot treinstations totaal (km)",
    "Afstand tot brandweerkazerne (km)",
]
"""Ten of the Utrecht 2023 file's 110 topic labels: the seven the catalogue knows, three not."""
LABEL_ROWS = [
    # name, gemeente, soort regio, code, change, then one cell per topic ("." = not published)
    ("Nederland", "Nederland", "Land", "NL00", ".", [".", ".", "1.0", "0.8", "0.7", "0.7", ".", ".", "4.8", "2.1"]),
    ("Proefstad", "Proefstad", "Gemeente", "GM9990", "1", [".", ".", "0.7", "0.6", "0.5", "0.6", ".", ".", "1.4", "2.3"]),
    ("Wijk 01 Centrum", "Proefstad", "Wijk", "WK999001", "1", [".", ".", "0.6", "0.5", "0.4", "0.5", ".", ".", "1.4", "2.4"]),
    ("Molenkwartier, De Hoven", "Proefstad", "Buurt", "BU99900101", "1", [".", ".", "0.9", "0.3", "0.5", "0.4", ".", ".", "1.6", "2.2"]),
    ("Bedrijventerrein De Kade", "Proefstad", "Buurt", "BU99900102", "1", [".", ".", "2.4", "1.2", ".", "0.9", ".", ".", "2.0", "1.5"]),
]  # fmt: skip
LABELS_NAME = "CBS-Proefstad_Nabijheid_voorzieningen__buurt_2023_14102024_164034.csv"


def labels_export() -> bytes:
    """The twin of the Utrecht 2023 StatLine download: UTF-8 with BOM, every cell quoted, ';',
    label headers, names padded to 40 and codes to 10 characters, figures right-aligned in 8."""
    rows = [
        labels_row(name, gemeente, kind, code, change, cells)
        for name, gemeente, kind, code, change, cells in LABEL_ROWS
    ]
    return statline_download_csv(labels_header(LABEL_TOPICS), rows)


SIDEWAYS_REGIONS = [
    # name, gemeente (spaces dropped, as in the export), soort regio, code, change
    ("Nederland", "Nederland", "Land", "NL00", "."),
    ("Aa en Proef", "AaenProef", "Gemeente", "GM9990", "."),
    ("Wijk 00 Annendorp", "AaenProef", "Wijk", "WK999000", "1"),
    ("Annendorp", "AaenProef", "Buurt", "BU99900000", "1"),
    ("Verspreide huizen Annendorp", "AaenProef", "Buurt", "BU99900009", "1"),
]
SIDEWAYS_TOPICS = [
    ("Gezondheid en welzijn|Huisartsenpraktijk|Afstand tot huisartsenpraktijk", "km",
     ["1,0", "2,5", "0,9", "0,8", "3,6"]),
    ("Gezondheid en welzijn|Huisartsenpraktijk|Aantal huisartsenpraktijken|Binnen 1 km", "aantal",
     ["1,5", "0,4", "0,7", "0,8", "0,0"]),
    ("Kinderopvang|Kinderdagverblijf|Afstand tot kinderdagverblijf", "km",
     ["0,7", "1,2", "0,5", "0,5", "1,7"]),
    ("Verkeer en vervoer|Treinstations|Afstand tot treinstations totaal", "km",
     [".", ".", ".", ".", "."]),
]  # fmt: skip
SIDEWAYS_NAME = (
    "Nabijheid_voorzieningen__afstand_locatie__wijk__en_buurtcijfers_2021_17012023_183355.csv"
)


def sideways_export() -> bytes:
    """The twin of the 2021 StatLine "tabel" export turned sideways: a title row with the table
    year, regions as columns, one topic per row with its unit, decimal comma, a source footer."""
    rows: list[list[str]] = [
        ["Nabijheid voorzieningen; afstand locatie, wijk- en buurtcijfers 2021"],
        [""],
        ["", "", "Wijken en buurten"],
        ["Onderwerp", "", *(r[0] for r in SIDEWAYS_REGIONS)],
        ["Regioaanduiding|Gemeentenaam", "naam", *(r[1] for r in SIDEWAYS_REGIONS)],
        ["Regioaanduiding|Soort regio", "omschrijving", *(r[2] for r in SIDEWAYS_REGIONS)],
        ["Regioaanduiding|Codering", "code", *(r[3] for r in SIDEWAYS_REGIONS)],
        ["Regioaanduiding|Indelingswijziging wijken en buurten", "code",
         *(r[4] for r in SIDEWAYS_REGIONS)],
        *([topic, unit, *cells] for topic, unit, cells in SIDEWAYS_TOPICS),
        ["Bron: CBS"],
    ]  # fmt: skip
    text = "\n".join(";".join(f'"{cell}"' for cell in row) for row in rows)
    return ("\ufeff" + text + "\n").encode("utf-8")


def odata_export(year: int) -> bytes:
    """The twin of proximity_to_facilities_YYYY.csv: English OData keys, renamed by the author in
    part, suffixed (``_1``, ``_3``, ``_90``) in the newer table, padded values, '.' unknown."""
    suffix = {"name": "_1", "code": "_3", "station": "_90"} if year >= 2024 else {}
    header = [
        "ID", "DistrictsAndNeighbourhoods", "MunicipalityName" + suffix.get("name", ""),
        "Encoding" + suffix.get("code", ""), "supermarkets_within_1km", "restaurants_within_1km",
        "distance_to_primary_school", "distance_to_secondary_school",
        "DistanceToTrainStationAllTypes" + suffix.get("station", ""),
    ]  # fmt: skip
    old = [
        ("GM0363", ["5.6", "52.8", "0.5", "0.9", "2.5"]),
        ("WK036300", ["11.7", "331.3", "0.5", "1.3", "0.7"]),
        ("BU03630000", ["10.6", "295.7", "0.4", "1.1", "0.4"]),
        ("BU03630100", [".", ".", ".", ".", "."]),
    ]
    new = [
        ("GM0363", ["3.8", "34.4", "0.6", "1.1", "2.9"]),
        ("WK0363AA", ["3.9", "59.1", "0.6", "0.7", "1.7"]),
        ("BU0363AA01", ["4.2", "61.0", "0.5", "0.8", "2.2"]),
    ]
    rows = [
        proximity_row(number, code, "Amsterdam", [c.rjust(8) for c in cells])
        for number, (code, cells) in enumerate(old if year < 2024 else new, start=921)
    ]
    return statline_download_csv(header, rows)


TWIN_FILES = {
    LABELS_NAME: labels_export,
    SIDEWAYS_NAME: sideways_export,
    "proximity_to_facilities_2020.csv": lambda: odata_export(2020),
    "proximity_to_facilities_2024.csv": lambda: odata_export(2024),
}


def test_labels_layout_with_padding_dots_and_the_year_in_the_name(catalogue: Catalogue) -> None:
    """The twin of the Utrecht 2023 download."""
    batch = LOADER.load(labels_export(), LABELS_NAME, catalogue, LoadOptions())
    assert_reads_the_labels_layout(
        batch,
        levels={"buurt": 2, "wijk": 1, "gemeente": 1},  # 5 rows minus NL00
        names={"BU99900101": "Molenkwartier, De Hoven", "WK999001": "Wijk 01 Centrum"},
        values={
            ("BU99900101", "distance_supermarket"): 0.9,
            ("BU99900102", "distance_supermarket"): 2.4,
            ("GM9990", "distance_supermarket"): 0.7,
        },
        missing=[
            ("BU99900101", "distance_gp"),
            ("BU99900102", "distance_daycare"),
            ("BU99900101", "distance_public_green"),
        ],
        unmatched=3,  # 15 columns - 5 region columns - 7 matched
        buurt="BU99900101",
    )
    assert set(batch.observations["indicator_id"]) == {
        "distance_gp", "distance_supermarket", "distance_daycare", "distance_school",
        "distance_public_green", "distance_park", "distance_train_station",
    }  # fmt: skip


def test_a_sideways_export_is_transposed_and_takes_its_year_from_the_title(
    catalogue: Catalogue,
) -> None:
    """The twin of the 2021 export with regions as columns."""
    batch = LOADER.load(sideways_export(), SIDEWAYS_NAME, catalogue, LoadOptions())
    assert_reads_the_sideways_export(
        batch,
        codes=["BU99900000", "BU99900009", "GM9990", "WK999000"],
        names={"BU99900009": "Verspreide huizen Annendorp", "GM9990": "Aa en Proef"},
        values={
            ("GM9990", "distance_gp"): 2.5,  # decimal comma
            ("BU99900009", "distance_gp"): 3.6,
            ("BU99900009", "distance_daycare"): 1.7,
        },
        no_station="BU99900000",
    )


def test_odata_key_exports_with_columns_renamed_by_their_author(catalogue: Catalogue) -> None:
    """The twin of the Amsterdam 2020 and 2024 exports."""
    old = LOADER.load(
        odata_export(2020), "proximity_to_facilities_2020.csv", catalogue,
        LoadOptions(mapping=AUTHOR_MAPPING),
    )  # fmt: skip
    new = LOADER.load(
        odata_export(2024), "proximity_to_facilities_2024.csv", catalogue, LoadOptions()
    )
    assert_reads_the_odata_key_exports(old, new, old_regions=4, new_regions=3)


def test_labels_and_sideways_batches_pass_the_store(catalogue: Catalogue, tmp_path: Path) -> None:
    batches = [
        LOADER.load(labels_export(), LABELS_NAME, catalogue, LoadOptions()),
        LOADER.load(sideways_export(), SIDEWAYS_NAME, catalogue, LoadOptions()),
    ]
    assert_batches_pass_the_store(batches, tmp_path)


def test_sniff_recognises_every_layout_and_not_table_metadata() -> None:
    for name, build in TWIN_FILES.items():
        assert_sniffed_as_nabijheid(name, build(), by_content=not name.startswith("proximity"))
    # KWB metadata (TableInfos.json, a pretty-printed list) mentions "Nabijheid voorzieningen"
    table_infos = [
        {
            "ID": 0,
            "Title": "Kerncijfers wijken en buurten 2024",
            "Identifier": "85984NED",
            "Period": "2024",
            "Description": "Zie ook de tabel Nabijheid voorzieningen; afstand locatie, wijk- "
            "en buurtcijfers. Afstand tot huisartsenpraktijk, afstand tot school, afstand tot "
            "grote supermarkt, afstand tot kinderdagverblijf, afstand tot treinstations.",
        }
    ]
    assert not LOADER.sniff("TableInfos.json", json.dumps(table_infos, indent=2).encode())


@settings(max_examples=25, deadline=None)
@given(
    how=_mutations(),
    which=st.sampled_from([LABELS_NAME, SIDEWAYS_NAME, "proximity_to_facilities_2024.csv"]),
)
def test_mutated_twin_files_fail_only_with_a_clear_error(
    how: tuple[str, int, int], which: str
) -> None:
    assert_fails_only_with_a_clear_error(
        mutate(TWIN_FILES[which](), how), which, shared_catalogue()
    )
