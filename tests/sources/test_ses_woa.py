"""SES-WOA scores: the content's period wins over dates in the file name; CBS symbols; shapes.

Real-format tests read ../shared/data (see its PROVENANCE.md) and skip when it is absent; the
pinned values were read by hand from that file. CSVs marked "hand-built" are made up; the
synthetic download (``DOWNLOAD``) is made up in the real file's layout, so its twins always run.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from real_data import SHARED_DATA, shared_catalogue
from real_data import real_bytes as real

from twin_cities import SES_WOA_HEADER, statline_download_csv
from wijkkompas.catalogue import Catalogue
from wijkkompas.errors import WijkkompasError
from wijkkompas.sources import registry
from wijkkompas.sources.base import LoadOptions, SourceError
from wijkkompas.sources.ses_woa import LOADER
from wijkkompas.store import AnalyticStore, ImportBatch

SHARED = SHARED_DATA / "ses_woa"
REAL = SHARED / "SES_WOA_scores_per_wijk_en_buurt_25042023_160857.csv"
SCORE = "SES-WOA/Totaalscore/Gemiddelde score (Getal)"


def value(batch: ImportBatch, code: str, indicator: str) -> tuple[float, bool]:
    obs = batch.observations
    row = obs[(obs["region_code"] == code) & (obs["indicator_id"] == indicator)]
    assert len(row) == 1
    return float(row["value"].iloc[0]), bool(row["suppressed"].iloc[0])


def assert_reads_the_download(
    batch: ImportBatch,
    folder: Path,
    *,
    levels: dict[str, int],
    buurt: tuple[str, str],
    gemeente: tuple[str, float, float, float],
    scores: dict[str, float],
    no_households: str,
) -> None:
    """A StatLine SES-WOA download of 2019 (85163NED): ``levels``, a buurt's (code, name), the
    gemeente's (code, score, spread, households), buurt ``scores``; the buurt without
    households has households 0 and a '.' score, suppressed; the education columns are kept
    unmatched, and the batch passes the store."""
    assert len(batch.regions) == sum(levels.values())
    assert batch.regions["level"].value_counts().to_dict() == levels
    assert set(batch.regions["year"]) == {2019}
    assert set(batch.observations["period"]) == {"2019"}
    assert batch.provenance["table_id"] == "85163NED"
    assert batch.regions.set_index("code").loc[buurt[0], "name"] == buurt[1]
    code, score, spread, households = gemeente
    assert value(batch, code, "ses_woa_score") == (score, False)
    assert value(batch, code, "ses_woa_spread") == (spread, False)
    assert value(batch, code, "households") == (households, False)
    for region, number in scores.items():
        assert value(batch, region, "ses_woa_score") == (number, False)
    # no households, score '.': suppressed, not zero
    missing, suppressed = value(batch, no_households, "ses_woa_score")
    assert math.isnan(missing) and suppressed
    assert value(batch, no_households, "households") == (0.0, False)
    assert set(batch.unmatched["source_column"]) == {
        "Opleidingsniveau/Laag/Waarde (%)",
        "Opleidingsniveau/Middelbaar/Waarde (%)",
        "Opleidingsniveau/Hoog/Waarde (%)",
    }
    obs = batch.observations
    assert set(obs.loc[obs["indicator_id"] == "ses_woa_score", "source_column"]) == {SCORE}
    AnalyticStore(folder / "w.duckdb").import_batch(batch)


def assert_perioden_wins_over_the_name(data: bytes, name: str, catalogue: Catalogue) -> None:
    """The content's Perioden (2019) gives the year, not the dates in ``name`` or another
    name's year; a --year that contradicts it is refused."""
    batch = LOADER.load(data, name, catalogue, LoadOptions())
    assert batch.provenance["year"] == 2019
    assert "Perioden" in batch.provenance["year_from"]
    # even a file name with a real-looking year does not override the content
    renamed = LOADER.load(data, "ses_woa_2023.csv", catalogue, LoadOptions())
    assert set(renamed.regions["year"]) == {2019}
    with pytest.raises(SourceError, match=r"ses\.csv: the file says its year is 2019.*--year 2023"):
        LOADER.load(data, "ses.csv", catalogue, LoadOptions(year=2023))


def assert_recognised_by_its_header(name: str, data: bytes) -> None:
    head = data[:65536]
    assert LOADER.sniff(name, head)
    assert LOADER.sniff("download.csv", head)
    assert registry.detect("download.csv", head).key == "ses-woa"


DOWNLOAD_NAME = "SES_WOA_scores_per_wijk_en_buurt_25042023_160857.csv"
"""The name StatLine gives a download: a date and time of downloading, not of the figures."""
DOWNLOAD = statline_download_csv(
    SES_WOA_HEADER,
    [
        ("2019", "Proefstad", "GM9999    ", "   61200", "    24.1", "    38.0", "    37.9",
         "  -0.042", "   0.987"),
        ("2019", "Oosterpark", "WK999901  ", "    4100", "    18.3", "    35.2", "    46.5",
         "   0.018", "   0.903"),
        ("2019", "Oude Haven", "BU99990101", "     900", "    12.6", "    31.0", "    56.4",
         "   0.061", "   0.842"),
        ("2019", "Molenwijk", "BU99990102", "    3200", "    20.7", "    36.4", "    42.9",
         "  -0.130", "   0.911"),
        ("2019", "Bedrijventerrein Noord", "BU99990103", "       0", "       .", "       .",
         "       .", "       .", "       ."),
    ],
).decode("utf-8")  # fmt: skip
"""Made up in the layout of StatLine's "CSV met statistische symbolen" download of 85163NED:
UTF-8 with BOM, semicolons, every cell quoted, codes and figures padded with spaces, '.' where
a buurt without households has no score."""


def test_the_download_reads_scores_spread_and_households_and_a_dot_is_suppressed(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    assert_reads_the_download(
        LOADER.load(DOWNLOAD.encode(), DOWNLOAD_NAME, catalogue, LoadOptions()),
        tmp_path,
        levels={"buurt": 3, "wijk": 1, "gemeente": 1},
        buurt=("BU99990101", "Oude Haven"),
        gemeente=("GM9999", -0.042, 0.987, 61200.0),
        scores={"BU99990101": 0.061, "BU99990102": -0.13},
        no_households="BU99990103",
    )


def test_perioden_in_the_download_wins_over_the_dates_in_its_name(catalogue: Catalogue) -> None:
    assert_perioden_wins_over_the_name(DOWNLOAD.encode(), DOWNLOAD_NAME, catalogue)


def test_the_download_is_recognised_by_its_header_whatever_its_name() -> None:
    assert_recognised_by_its_header(DOWNLOAD_NAME, DOWNLOAD.encode())


@pytest.mark.realdata(
    twin="test_the_download_reads_scores_spread_and_households_and_a_dot_is_suppressed"
)
def test_real_amsterdam_2019(catalogue: Catalogue, tmp_path: Path) -> None:
    assert_reads_the_download(
        LOADER.load(real(REAL), REAL.name, catalogue, LoadOptions()),
        tmp_path,
        levels={"buurt": 479, "wijk": 99, "gemeente": 1},
        buurt=("BU03630000", "Kop Zeedijk"),
        gemeente=("GM0363", -0.1, 1.01, 457400.0),
        scores={"BU03630000": 0.045, "BU03630001": -0.11},
        no_households="BU03639801",  # Landelijk gebied Driemond
    )


@pytest.mark.realdata(twin="test_perioden_in_the_download_wins_over_the_dates_in_its_name")
def test_perioden_wins_over_the_date_in_the_file_name(catalogue: Catalogue) -> None:
    # 25042023 in the name is the download date; the content says 2019
    assert_perioden_wins_over_the_name(real(REAL), REAL.name, catalogue)


@pytest.mark.realdata(twin="test_the_download_is_recognised_by_its_header_whatever_its_name")
def test_sniff_and_detect() -> None:
    assert_recognised_by_its_header(REAL.name, real(REAL))


HAND_BUILT = (
    '"Perioden";"Wijken en buurten";"Regiocode (gemeente, wijk, buurt) (code)";'
    f'"Particuliere huishoudens (Aantal)";"{SCORE}";"Financiële welvaart/Gemiddelde score (Getal)"\n'
    '"2018";"Utrecht";"GM0344    ";"  170000";"   0.110";"   0.200"\n'
    '"2019*";"Utrecht";"GM0344    ";"  171000";"   0.120";"   0.210"\n'
    '"2019*";"Welgelegen, Den Hommel";"BU03440111";"     900";"       x";"   0.300"\n'
)
"""Hand-built: two periods of one release (the newest provisional), and a sub-score."""


def test_several_periods_share_the_newest_boundary_year(catalogue: Catalogue) -> None:
    batch = LOADER.load(HAND_BUILT.encode(), "ses.csv", catalogue, LoadOptions())
    assert set(batch.regions["year"]) == {2019}
    assert batch.provenance["periods"] == ["2018", "2019"]
    gm = batch.observations[
        (batch.observations["region_code"] == "GM0344")
        & (batch.observations["indicator_id"] == "ses_woa_score")
    ].set_index("period")
    assert gm.loc["2018", "value"] == 0.11 and gm.loc["2018", "release"] == "definitief"
    assert gm.loc["2019", "value"] == 0.12 and gm.loc["2019", "release"] == "voorlopig"
    score, suppressed = value(batch, "BU03440111", "ses_woa_score")
    assert math.isnan(score) and suppressed  # 'x' is CBS's secrecy symbol
    # only the total score is an indicator; sub-scores are kept verbatim
    assert "Financiële welvaart/Gemiddelde score (Getal)" in set(batch.unmatched["source_column"])


def test_errors_name_file_line_and_remedy(catalogue: Catalogue) -> None:
    twice = HAND_BUILT + '"2019*";"Utrecht";"GM0344    ";"1";"0.1";"0.2"\n'
    with pytest.raises(SourceError, match=r"^ses\.csv, line 5: region GM0344 occurs twice"):
        LOADER.load(twice.encode(), "ses.csv", catalogue, LoadOptions())
    month = HAND_BUILT.replace('"2018"', '"2018MM03"')
    with pytest.raises(SourceError, match=r"^ses\.csv, line 2: '2018MM03'.*not a year"):
        LOADER.load(month.encode(), "ses.csv", catalogue, LoadOptions())
    no_code = HAND_BUILT.replace("Regiocode (gemeente, wijk, buurt) (code)", "Regio")
    with pytest.raises(SourceError, match=r"^ses\.csv: no column with region codes.*--mapping"):
        LOADER.load(no_code.encode(), "ses.csv", catalogue, LoadOptions())
    with pytest.raises(SourceError, match=r"^ses\.csv: release 'final'"):
        LOADER.load(HAND_BUILT.encode(), "ses.csv", catalogue, LoadOptions(release="final"))


def test_mapping_names_renamed_columns(catalogue: Catalogue) -> None:
    renamed = HAND_BUILT.replace(SCORE, "ses_score").replace(
        "Regiocode (gemeente, wijk, buurt) (code)", "gebied"
    )
    mapping = {"ses_score": "ses_woa_score", "gebied": "code"}
    batch = LOADER.load(renamed.encode(), "ses.csv", catalogue, LoadOptions(mapping=mapping))
    assert value(batch, "BU03440111", "households") == (900.0, False)
    assert "ses_woa_score" in set(batch.observations["indicator_id"])
    with pytest.raises(SourceError, match=r"'ses_score' to 'ses_total'.*neither"):
        LOADER.load(
            renamed.encode(), "ses.csv", catalogue, LoadOptions(mapping={"ses_score": "ses_total"})
        )


MUTATIONS = {
    "kind": st.sampled_from(["flip", "truncate", "delete", "insert"]),
    "position": st.integers(min_value=0, max_value=2**31),
    "byte": st.integers(min_value=0, max_value=255),
}


def _load_mutated(data: bytes, name: str, kind: str, position: int, byte: int) -> None:
    """Load ``data`` damaged one way: it either loads into a valid batch or fails with an
    error that names the file."""
    at = position % len(data)
    data = {
        "flip": data[:at] + bytes([byte]) + data[at + 1 :],
        "truncate": data[:at],
        "delete": data[:at] + data[at + 1 + byte :],
        "insert": data[:at] + bytes([byte, 34]) + data[at:],
    }[kind]
    try:
        batch = LOADER.load(data, name, shared_catalogue(), LoadOptions())
    except WijkkompasError as exc:
        assert name in str(exc)
    else:
        batch.validate()


@pytest.mark.realdata(twin="test_a_mutated_download_fails_only_with_a_clear_error")
@settings(max_examples=25, deadline=None)
@given(**MUTATIONS)
def test_mutated_real_file_fails_only_with_a_clear_error(
    kind: str, position: int, byte: int
) -> None:
    _load_mutated(real(REAL), REAL.name, kind, position, byte)


@settings(max_examples=25, deadline=None)
@given(**MUTATIONS)
def test_a_mutated_download_fails_only_with_a_clear_error(
    kind: str, position: int, byte: int
) -> None:
    _load_mutated(DOWNLOAD.encode(), DOWNLOAD_NAME, kind, position, byte)
