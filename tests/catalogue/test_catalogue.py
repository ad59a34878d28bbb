"""The indicator catalogue: refuses bad content, and its names match the real CBS files."""

from __future__ import annotations

import copy
import json
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from twin_cities import KWB_XLS_COLUMNS, UTRECHT, data_properties_json, kwb_xlsx, write
from wijkkompas.catalogue import (
    CUMULATION_DOMAINS,
    DIMENSIONS,
    SOCIAL_QUALITY,
    Catalogue,
    UnknownIndicator,
    catalogue_from_dict,
    load_catalogue,
    statline_base_name,
)
from wijkkompas.errors import WijkkompasError

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
KWB_2023 = DATA / "kwb" / "utrecht" / "CBS-Utrecht-kwb-2023.xlsx"
DATA_PROPERTIES = DATA / "kwb" / "metadata" / "85984NED" / "DataProperties.json"


def _default_raw() -> dict[str, Any]:
    text = resources.files("wijkkompas.catalogue").joinpath("default.toml").read_text("utf-8")
    return tomllib.loads(text)


def _minimal(**overrides: Any) -> dict[str, Any]:
    indicator = {
        "id": "population",
        "name_nl": "Aantal inwoners",
        "name_en": "Population",
        "description_nl": "Inwoners.",
        "description_en": "Residents.",
        "unit": "count",
        "direction": "context",
        "kwb": ["a_inw"],
        "statline": ["AantalInwoners"],
        "plausible_range": [0, 40000],
        "reference_lag_years": 0,
        "reference": "CBS",
    }
    indicator.update(overrides)
    return indicator


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def test_default_catalogue_loads_with_a_sensible_size(catalogue: Catalogue) -> None:
    assert len(catalogue.indicators) >= 25
    assert catalogue.version
    assert 0 < len(catalogue.scored()) < len(catalogue.indicators)
    assert all(i.direction != "context" for i in catalogue.scored())


def test_every_dimension_condition_and_domain_is_covered_by_scored_indicators(
    catalogue: Catalogue,
) -> None:
    scored = catalogue.scored()
    assert {i.dimension for i in scored} >= set(DIMENSIONS)
    assert {i.social_quality for i in scored} >= set(SOCIAL_QUALITY)
    assert {d for i in scored for d in i.cumulation} >= set(CUMULATION_DOMAINS)


def test_lookups_by_id_kwb_name_and_statline_key(catalogue: Catalogue) -> None:
    assert catalogue.by_id("income_per_inhabitant").kwb == ["g_ink_pi"]
    with pytest.raises(UnknownIndicator, match="no indicator 'nope'"):
        catalogue.by_id("nope")
    assert catalogue.by_kwb_name(" G_INK_PI ") is catalogue.by_id("income_per_inhabitant")
    assert catalogue.by_kwb_name("g_woz") is catalogue.by_id("woz_value")  # older name
    assert catalogue.by_kwb_name("a_nl_all") is None  # kept as unmatched by loaders
    income = catalogue.by_statline_base("GemiddeldInkomenPerInwoner_83")
    assert income is catalogue.by_id("income_per_inhabitant")
    assert catalogue.by_statline_base("GemiddeldInkomenPerInwoner_66") is income
    assert catalogue.by_statline_base("Appartement_54") is None
    assert statline_base_name("k_0Tot15Jaar_8") == "k_0Tot15Jaar"


def test_statline_parent_decides_between_repeated_base_names() -> None:
    raw = {
        "version": "t",
        "indicators": [
            _minimal(),
            _minimal(
                id="electricity_apartment", kwb=[], statline=["Appartement"], unit="number",
                statline_parent="Gemiddelde elektriciteitslevering",
            ),
            _minimal(
                id="gas_apartment", kwb=[], statline=["Appartement"], unit="number",
                statline_parent="Gemiddeld aardgasverbruik",
            ),
        ],
    }  # fmt: skip
    catalogue = catalogue_from_dict(raw)
    gas = catalogue.by_statline_base(
        "Appartement_62", parent=["Naar woningtype", "Gemiddeld aardgasverbruik"]
    )
    assert gas is not None and gas.id == "gas_apartment"
    with pytest.raises(WijkkompasError, match="several indicators"):
        catalogue.by_statline_base("Appartement_54")


def test_periods_follow_the_reference_lag(catalogue: Catalogue) -> None:
    assert catalogue.by_id("population").period_label(2024) == "2024-01-01"
    assert catalogue.by_id("income_per_inhabitant").period_label(2024) == "2022"


def test_rates_refer_to_counts_and_shares_to_their_weights(catalogue: Catalogue) -> None:
    for indicator in catalogue.indicators:
        if indicator.numerator:
            assert indicator.unit in ("percent", "per_1000")
            assert catalogue.by_id(indicator.numerator).unit == "count"
            assert catalogue.by_id(indicator.denominator or "").unit == "count"
        elif indicator.unit in ("percent", "per_1000", "km", "euro_x1000", "number"):
            assert indicator.weight, f"{indicator.id} needs a weight for roll-ups"


def test_hash_ignores_formatting_but_not_content(catalogue: Catalogue) -> None:
    raw = _default_raw()
    assert catalogue_from_dict(copy.deepcopy(raw)).sha256 == catalogue.sha256
    raw["indicators"][0]["name_en"] = "Inhabitants"
    assert catalogue_from_dict(raw).sha256 != catalogue.sha256
    assert len(catalogue.sha256) == 64


@pytest.mark.parametrize(
    ("indicators", "message"),
    [
        ([_minimal(), _minimal(kwb=["a_inw2"], statline=[])], "'population' occurs more than"),
        ([_minimal(id="Population")], "indicator 'Population', field id"),
        ([_minimal(id="2b")], "not a valid id"),
        (
            [_minimal(), _minimal(id="rate", kwb=[], statline=[], unit="per_1000",
                                  numerator="crimes", denominator="population")],
            "indicator 'rate', field numerator: refers to 'crimes'",
        ),
        ([_minimal(id="rate", numerator="population")], "together"),
        ([_minimal(id="born_abroad", kwb=["a_geb_ne"], statline=[])], "migration background"),
        ([_minimal(id="x", kwb=["a_nl_all"], statline=[])], "migration background"),
        ([_minimal(id="x", kwb=[], statline=["BuitenEuropa"])], "migration background"),
        ([_minimal(id="herkomst_nl", kwb=[], statline=[])], "migration background"),
        ([_minimal(unit="furlong")], "indicator 'population', field unit"),
        ([_minimal(plausible_range=[5, 1])], "low < high"),
        ([_minimal(statline=["AantalInwoners_5"])], "numeric suffix"),
        ([_minimal(older_tables_only=["a_woz"])], "older_tables_only"),
        ([_minimal(colour="red")], "field colour"),
        ([_minimal(), _minimal(id="pop2")], "claimed by both"),
    ],
)  # fmt: skip
def test_schema_refuses_bad_catalogues(indicators: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(WijkkompasError, match=message):
        catalogue_from_dict({"version": "t", "indicators": indicators})


def test_births_are_not_mistaken_for_migration_background() -> None:
    # ``a_geb`` (births) shares its first letters with ``a_geb_nl`` (born in the Netherlands,
    # a migration-background count): only the latter is refused.
    catalogue = catalogue_from_dict(
        {"version": "t", "indicators": [_minimal(id="births", kwb=["a_geb"])]}
    )
    assert catalogue.by_id("births").kwb == ["a_geb"]
    with pytest.raises(WijkkompasError, match="migration background"):
        catalogue_from_dict(
            {"version": "t", "indicators": [_minimal(id="born_here", kwb=["a_geb_nl"])]}
        )


def test_malformed_toml_gives_a_clear_message(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('version = "1"\n[[indicators]\nid = "x"\n', encoding="utf-8")
    with pytest.raises(WijkkompasError, match=r"broken\.toml is not valid TOML"):
        load_catalogue(broken)
    with pytest.raises(WijkkompasError, match="Cannot read"):
        load_catalogue(tmp_path / "missing.toml")
    incomplete = tmp_path / "incomplete.toml"
    incomplete.write_text('version = "1"\n[[indicators]]\nid = "x"\n', encoding="utf-8")
    with pytest.raises(WijkkompasError, match="indicator 'x', field name_nl: Field required"):
        load_catalogue(incomplete)


def test_a_user_catalogue_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(Path(str(resources.files("wijkkompas.catalogue") / "default.toml")).read_text())
    assert load_catalogue(path).sha256 == load_catalogue().sha256


def _current_names(catalogue: Catalogue, field: str) -> list[tuple[str, str]]:
    return [
        (indicator.id, name)
        for indicator in catalogue.indicators
        for name in getattr(indicator, field)
        if name not in indicator.older_tables_only
    ]


def kwb_names_not_in(path: Path, catalogue: Catalogue) -> tuple[list[tuple[str, str]], list[str]]:
    """(catalogue kwb names missing from the header of the workbook at ``path``, older names
    that are there after all)."""
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True)
    header = next(workbook.worksheets[0].iter_rows(max_row=1, values_only=True))
    workbook.close()
    columns = {str(c).strip().lower() for c in header if c is not None}
    missing = [(i, n) for i, n in _current_names(catalogue, "kwb") if n.lower() not in columns]
    # and nothing is wrongly marked as old: older names really are absent today
    old = [n for i in catalogue.indicators for n in i.older_tables_only if n.lower() in columns]
    return missing, old


@pytest.mark.realdata(twin="test_kwb_names_exist_in_a_file_with_the_2023_header")
def test_kwb_names_exist_in_the_real_2023_file(catalogue: Catalogue) -> None:
    if not KWB_2023.is_file():
        pytest.skip(f"real KWB sample not available at {KWB_2023}")
    missing, old = kwb_names_not_in(KWB_2023, catalogue)
    assert not missing, f"kwb names not in {KWB_2023.name}: {missing}"
    assert not old


def test_kwb_names_exist_in_a_file_with_the_2023_header(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    """A made-up gemeente in CBS's kwb-2023.xlsx layout (its 121-name header, made-up rows):
    every current kwb name of the catalogue is a column, no older name is; a header without
    g_ink_pi is caught."""
    path = write(tmp_path, "CBS-Utrecht-kwb-2023.xlsx", kwb_xlsx(UTRECHT, 2023))
    assert kwb_names_not_in(path, catalogue) == ([], [])
    without = [c for c in KWB_XLS_COLUMNS if c != "g_ink_pi"]
    short = write(tmp_path, "short.xlsx", kwb_xlsx(UTRECHT, 2023, columns=without))
    assert kwb_names_not_in(short, catalogue) == ([("income_per_inhabitant", "g_ink_pi")], [])


def statline_names_not_in(
    path: Path, catalogue: Catalogue
) -> tuple[list[tuple[str, str]], list[str]]:
    """(catalogue StatLine names without a key in the DataProperties.json at ``path``, older
    names that have one after all)."""
    properties = json.loads(path.read_text(encoding="utf-8"))
    bases = {statline_base_name(p["Key"]).lower() for p in properties if p.get("Key")}
    missing = [(i, n) for i, n in _current_names(catalogue, "statline") if n.lower() not in bases]
    old = [n for i in catalogue.indicators for n in i.older_tables_only if n.lower() in bases]
    return missing, old


@pytest.mark.realdata(twin="test_statline_names_exist_in_a_data_properties_file_of_85984NED")
def test_statline_names_exist_in_85984NED(catalogue: Catalogue) -> None:
    if not DATA_PROPERTIES.is_file():
        pytest.skip(f"StatLine metadata of 85984NED not available at {DATA_PROPERTIES}")
    missing, old = statline_names_not_in(DATA_PROPERTIES, catalogue)
    assert not missing, f"StatLine names not in 85984NED: {missing}"
    assert not old


def test_statline_names_exist_in_a_data_properties_file_of_85984NED(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    """A DataProperties.json in the OData v3 layout, written from the topics of 85984NED the
    project ships (statline_labels.json) with made-up descriptions: every current StatLine
    name of the catalogue has a key, no older name has; a file without AantalInwoners is
    caught."""
    from wijkkompas.sources.statline_labels import topics_from_data_properties

    path = write(tmp_path, "DataProperties.json", data_properties_json())
    topics, map_year = topics_from_data_properties(path.read_bytes(), path.name)
    assert map_year == 2024 and len(topics) == 128
    assert statline_names_not_in(path, catalogue) == ([], [])
    short = write(tmp_path, "short.json", data_properties_json(leave_out=["AantalInwoners"]))
    assert statline_names_not_in(short, catalogue) == ([("population", "AantalInwoners")], [])
