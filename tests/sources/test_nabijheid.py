"""Nabijheid voorzieningen: label, sideways and OData-key layouts, year rules, CBS symbols.

Real-format tests read ../shared/data (see its PROVENANCE.md) and skip when it is absent; the
pinned values were read by hand from those files. Small CSVs marked "hand-built" are made up to
pin one behaviour each.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from real_data import SHARED_DATA, shared_catalogue
from real_data import real_bytes as real

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


@pytest.mark.realdata
def test_utrecht_2023_labels_layout(catalogue: Catalogue) -> None:
    batch = LOADER.load(real(UTRECHT), UTRECHT.name, catalogue, LoadOptions())
    assert len(batch.regions) == 122  # 123 rows minus NL00
    assert batch.regions["level"].value_counts().to_dict() == {
        "buurt": 111,
        "wijk": 10,
        "gemeente": 1,
    }
    assert set(batch.regions["year"]) == {2023}
    # the year is the table year in the name, not the download date 14102024
    assert batch.provenance["year"] == 2023
    assert "file name" in batch.provenance["year_from"]
    assert len(batch.provenance["sha256"]) == 64
    names = batch.regions.set_index("code")["name"]
    assert names["BU03440111"] == "Welgelegen, Den Hommel"
    assert names["WK034401"] == "Wijk 01 West"
    assert value(batch, "BU03440111", "distance_supermarket") == (0.9, False)
    assert value(batch, "BU03441041", "distance_daycare") == (2.1, False)
    assert value(batch, "GM0344", "distance_supermarket") == (0.7, False)
    # CBS did not publish the GP distance for 2023: '.', missing and marked suppressed, never 0
    gp, suppressed = value(batch, "BU03440111", "distance_gp")
    assert math.isnan(gp) and suppressed
    dc, suppressed = value(batch, "BU03440911", "distance_daycare")
    assert math.isnan(dc) and suppressed
    obs = batch.observations
    assert set(obs["period"]) == {"2023"}
    col = "Detailhandel/Winkels dagelijkse boodschappen/Afstand tot grote supermarkt (km)"
    assert set(obs.loc[obs["indicator_id"] == "distance_supermarket", "source_column"]) == {col}
    # the green-space distances are matched too, though CBS published none for 2023
    green, suppressed = value(batch, "BU03440111", "distance_public_green")
    assert math.isnan(green) and suppressed
    # everything else stays, verbatim: 115 columns - 5 region columns - 7 matched = 103
    assert batch.unmatched["source_column"].nunique() == 103
    restaurant = batch.unmatched[
        (batch.unmatched["region_code"] == "BU03440111")
        & (batch.unmatched["source_column"] == "Horeca/Restaurants/Afstand tot restaurant (km)")
    ]
    assert restaurant["value_text"].tolist() == ["0.3"]


@pytest.mark.realdata
def test_sideways_2021_export_is_transposed(catalogue: Catalogue) -> None:
    batch = LOADER.load(real(SIDEWAYS), SIDEWAYS.name, catalogue, LoadOptions())
    assert batch.provenance["layout"] == "sideways"
    assert sorted(batch.regions["code"]) == [
        "BU16800000", "BU16800009", "BU16800100", "BU16800109", "GM1680", "WK168000", "WK168001",
    ]  # fmt: skip
    names = batch.regions.set_index("code")["name"]
    assert names["BU16800009"] == "Verspreide huizen Annen"
    # the title row says 2021; the file name's 17012023 is the download date
    assert batch.provenance["year"] == 2021 and "title" in batch.provenance["year_from"]
    assert value(batch, "GM1680", "distance_gp") == (2.5, False)  # decimal comma
    assert value(batch, "BU16800109", "distance_gp") == (3.6, False)
    assert value(batch, "BU16800009", "distance_daycare") == (1.7, False)
    station, suppressed = value(batch, "BU16800000", "distance_train_station")
    assert math.isnan(station) and suppressed
    assert (
        batch.observations.loc[batch.observations["indicator_id"] == "distance_gp", "source_column"]
        .eq("Gezondheid en welzijn|Huisartsenpraktijk|Afstand tot huisartsenpraktijk")
        .all()
    )


@pytest.mark.realdata
def test_amsterdam_odata_exports_with_renamed_columns(catalogue: Catalogue) -> None:
    old = LOADER.load(real(AMS_2020), AMS_2020.name, catalogue, LoadOptions(mapping=AUTHOR_MAPPING))
    assert old.provenance["layout"] == "keys"
    assert len(old.regions) == 579 and set(old.regions["year"]) == {2020}
    assert old.regions.set_index("code").loc["GM0363", "name"] == "Amsterdam"
    assert value(old, "BU03630000", "distance_train_station") == (0.4, False)
    assert value(old, "BU03630000", "distance_school") == (0.4, False)
    assert value(old, "GM0363", "distance_train_station") == (2.5, False)
    assert math.isnan(value(old, "BU03630100", "distance_train_station")[0])
    assert "supermarkets_within_1km" in set(old.unmatched["source_column"])
    new = LOADER.load(real(AMS_2024), AMS_2024.name, catalogue, LoadOptions())
    assert len(new.regions) == 628 and set(new.regions["year"]) == {2024}
    assert value(new, "BU0363AA01", "distance_train_station") == (2.2, False)
    # without the mapping the author's renamed school column is kept, not guessed
    assert "distance_to_primary_school" in set(new.unmatched["source_column"])


@pytest.mark.realdata
def test_real_batches_pass_the_store(catalogue: Catalogue, tmp_path: Path) -> None:
    store = AnalyticStore(tmp_path / "w.duckdb")
    batches = [LOADER.load(real(p), p.name, catalogue, LoadOptions()) for p in (UTRECHT, SIDEWAYS)]
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


@pytest.mark.realdata
def test_sniff_recognises_all_real_layouts() -> None:
    for path in (UTRECHT, SIDEWAYS, AMS_2020, AMS_2024):
        data = real(path)
        assert LOADER.sniff(path.name, data[:65536])
        assert LOADER.sniff("export.csv", data[:65536]) or path.parent.name == "amsterdam"
        assert registry.detect(path.name, data[:65536]).key == "nabijheid"
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


@pytest.mark.realdata
@settings(max_examples=25, deadline=None)
@given(how=_mutations(), which=st.sampled_from([UTRECHT, SIDEWAYS, AMS_2024]))
def test_mutated_real_files_fail_only_with_a_clear_error(
    how: tuple[str, int, int], which: Path
) -> None:
    catalogue = shared_catalogue()
    data = mutate(real(which), how)
    try:
        batch = LOADER.load(data, which.name, catalogue, LoadOptions())
    except WijkkompasError as exc:
        assert which.name in str(exc)
    else:
        batch.validate()
        assert isinstance(batch.observations, pd.DataFrame)
