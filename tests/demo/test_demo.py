"""Voorbeeldstad: a fictional town whose map tiles, whose numbers add up and tell its story."""

from __future__ import annotations

import hashlib
import math
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer

from wijkkompas.catalogue import Catalogue, catalogue_from_dict, load_catalogue
from wijkkompas.demo import DemoMunicipality, build_demo, build_demo_batch
from wijkkompas.demo.observations import TINY_PUBLISHED
from wijkkompas.demo.priors import prior_for
from wijkkompas.regions import parse_region_code
from wijkkompas.store import AnalyticStore
from wijkkompas.store.batch import ImportBatch

YEARS = list(range(2015, 2025))


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    """The indicators the demo plays a register for: all but survey and participation ones."""
    full = load_catalogue()
    return Catalogue(
        version=full.version,
        indicators=[i for i in full.indicators if not i.tags],
        price_indices=full.price_indices,
    )


@pytest.fixture(scope="module")
def demo() -> DemoMunicipality:
    return build_demo(seed=2024, catalogue=load_catalogue())


@pytest.fixture(scope="module")
def values(demo: DemoMunicipality) -> pd.DataFrame:
    """Observations as a (region, year) x indicator table."""
    obs = demo.batch.observations
    return obs.pivot(index=["region_code", "region_year"], columns="indicator_id", values="value")


def _buurten(demo: DemoMunicipality, year: int) -> list[str]:
    regions = demo.batch.regions
    return regions.query("level == 'buurt' and year == @year")["code"].tolist()


def _frame_digest(frame: pd.DataFrame) -> str:
    return hashlib.sha256(pd.util.hash_pandas_object(frame, index=True).to_numpy()).hexdigest()


def test_batch_is_valid_and_labelled_fictional(demo: DemoMunicipality) -> None:
    batch = demo.batch
    batch.validate()
    assert batch.source == "demo"
    assert "FICTIONAL" in batch.description
    assert batch.provenance["fictional"] is True
    assert "fictief" in batch.provenance["name"]
    gemeente = batch.regions.query("level == 'gemeente'")
    assert set(gemeente["code"]) == {"GM9999"}
    assert set(gemeente["name"]) == {"Voorbeeldstad (fictief)"}
    for row in batch.regions.itertuples():
        code = parse_region_code(row.code)
        assert code.level == row.level and code.gemeente_code == "GM9999"
        assert (row.wijk_code if isinstance(row.wijk_code, str) else None) == code.wijk_code


def test_sizes_per_boundary_year(demo: DemoMunicipality) -> None:
    regions = demo.batch.regions
    assert sorted(regions["year"].unique()) == YEARS
    for year in YEARS:
        this_year = regions[regions["year"] == year]
        wijken = set(this_year.query("level == 'wijk'")["code"])
        buurten = this_year.query("level == 'buurt'")
        assert 8 <= len(wijken) <= 12
        assert 60 <= len(buurten) <= 120
        assert set(buurten["wijk_code"]) == wijken  # every wijk has buurten, every buurt a wijk
    assert not regions.duplicated(["code", "year"]).any()


@pytest.mark.parametrize("year", [2015, 2024])
def test_buurten_tile_the_gemeente_and_nest_in_wijken(demo: DemoMunicipality, year: int) -> None:
    batch = demo.batch
    geo = batch.geometries[batch.geometries["region_year"] == year].set_index("region_code")
    regions = batch.regions[batch.regions["year"] == year]
    assert set(geo.index) == set(regions["code"])  # every region has a boundary
    shapes = {code: shapely.from_wkb(wkb) for code, wkb in geo["wkb"].items()}
    buurten = [shapes[c] for c in regions.query("level == 'buurt'")["code"]]
    gemeente = shapes["GM9999"]
    assert all(s.is_valid and s.geom_type == "Polygon" for s in buurten)
    union = shapely.union_all(buurten)
    assert abs(union.area - gemeente.area) / gemeente.area < 1e-6
    assert abs(sum(b.area for b in buurten) - gemeente.area) / gemeente.area < 1e-6
    tree = shapely.STRtree(buurten)
    left, right = tree.query(buurten, predicate="intersects")
    pairs = left < right
    overlap = shapely.area(shapely.intersection(
        np.take(buurten, left[pairs]), np.take(buurten, right[pairs])
    )).sum()  # fmt: skip
    assert overlap / gemeente.area < 1e-9
    for wijk in regions.query("level == 'wijk'")["code"]:
        members = regions.query("level == 'buurt' and wijk_code == @wijk")["code"]
        assert shapes[wijk].area == pytest.approx(sum(shapes[c].area for c in members), rel=1e-9)
    # WGS84, near 52.1 N 5.1 E
    centre = gemeente.centroid
    assert 4.9 < centre.x < 5.3 and 52.0 < centre.y < 52.2
    # the web copy is simplified as a coverage: still valid, neighbours still share borders
    web = [
        shapely.from_wkb(geo.loc[c, "wkb_web"]) for c in regions.query("level == 'buurt'")["code"]
    ]
    assert shapely.coverage_is_valid(np.asarray(web, dtype=object))
    assert sum(shapely.get_num_coordinates(web)) <= sum(shapely.get_num_coordinates(buurten))


def test_every_indicator_every_region_every_year(
    demo: DemoMunicipality, catalogue: Catalogue
) -> None:
    obs = demo.batch.observations
    assert not obs.duplicated(["region_code", "region_year", "indicator_id", "period"]).any()
    ids = {i.id for i in catalogue.indicators}
    per_region = obs.groupby(["region_code", "region_year"])["indicator_id"].agg(set)
    regions = demo.batch.regions.set_index(["code", "year"]).index
    assert set(per_region.index) == set(regions)
    assert all(found == ids for found in per_region)


def test_periods_releases_and_source_columns(demo: DemoMunicipality, catalogue: Catalogue) -> None:
    obs = demo.batch.observations.drop_duplicates(["region_year", "indicator_id"])
    for row in obs.itertuples():
        indicator = catalogue.by_id(row.indicator_id)
        assert row.period == indicator.period_label(row.region_year)
        source = row.source_column if isinstance(row.source_column, str) else None
        assert source == indicator.source_column()
        assert row.release == ("voorlopig" if row.region_year == 2024 else "definitief")
    income = catalogue.by_id("income_per_inhabitant")
    assert income.period_label(2024) == "2022" and income.source_column() == "g_ink_pi"


def test_same_seed_gives_the_same_bytes(demo: DemoMunicipality) -> None:
    again = build_demo_batch(seed=2024)
    for name in ("regions", "observations", "unmatched", "boundary_changes", "national"):
        assert _frame_digest(getattr(again, name)) == _frame_digest(getattr(demo.batch, name))
    assert again.geometries["wkb"].tolist() == demo.batch.geometries["wkb"].tolist()
    assert again.geometries["wkb_web"].tolist() == demo.batch.geometries["wkb_web"].tolist()


def test_suppressed_is_missing_never_zero(demo: DemoMunicipality, catalogue: Catalogue) -> None:
    obs = demo.batch.observations
    assert (obs["suppressed"] == obs["value"].isna()).all()
    tiny = demo.narrative.tiny
    assert len(tiny) >= 2
    for year in YEARS:
        rows = obs[(obs["region_year"] == year) & obs["region_code"].isin(tiny)]
        population = rows.query("indicator_id == 'population'")["value"]
        assert ((population > 0) & (population < 50)).all()
        hidden = rows[~rows["indicator_id"].isin(TINY_PUBLISHED)]
        assert hidden["suppressed"].all() and hidden["value"].isna().all()
    others = obs[~obs["region_code"].isin(tiny)]
    assert not others["suppressed"].any()


def test_rates_equal_their_numerator_over_denominator(
    values: pd.DataFrame, catalogue: Catalogue
) -> None:
    buurten = values[values.index.get_level_values(0).str.startswith("BU")]
    for rate in catalogue.indicators:
        if not (rate.numerator and rate.denominator):
            continue
        published = buurten[rate.id].notna()
        expected = (
            buurten.loc[published, rate.numerator]
            / buurten.loc[published, rate.denominator]
            * rate.rate_factor
        )
        tolerance = 0.5 * 10 ** -prior_for(rate).decimals + 1e-9
        assert (buurten.loc[published, rate.id] - expected).abs().max() <= tolerance, rate.id
    for total in (i for i in catalogue.indicators if i.sum_of):
        parts = values[list(total.sum_of)].sum(axis=1, min_count=1)
        assert (values[total.id].fillna(-1) == parts.fillna(-1)).all()


def _aggregate(indicator: Any, rows: dict[str, np.ndarray], area: np.ndarray) -> float:
    values = rows[indicator.id]
    published = ~np.isnan(values)
    if indicator.unit in ("count", "ha"):  # sizes add up
        return float(values[published].sum())
    if indicator.numerator:
        numerator = rows[indicator.numerator][published].sum()
        return float(
            numerator / rows[indicator.denominator][published].sum() * indicator.rate_factor
        )
    if indicator.unit == "per_km2" and indicator.weight is None:
        weights = area[published]
    else:
        weights = rows[indicator.weight or "population"][published]
    return float((values[published] * weights).sum() / weights.sum())


def test_wijk_and_gemeente_are_aggregates_of_their_buurten(
    demo: DemoMunicipality, values: pd.DataFrame, catalogue: Catalogue
) -> None:
    regions = demo.batch.regions
    to_rd = Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)
    geometries = demo.batch.geometries.set_index(["region_code", "region_year"])["wkb"]
    for year in (2015, 2024):
        this_year = regions[regions["year"] == year]
        buurten = this_year.query("level == 'buurt'")
        codes = buurten["code"].tolist()
        shapes = shapely.from_wkb([geometries[(c, year)] for c in codes])
        in_rd = shapely.transform(shapes, lambda xy: np.column_stack(to_rd.transform(*xy.T)))
        area = pd.Series(shapely.area(in_rd) / 1e6, index=codes)
        table = values.xs(year, level="region_year")
        groups = {"GM9999": codes} | {w: list(g["code"]) for w, g in buurten.groupby("wijk_code")}
        for region, members in groups.items():
            block = table.loc[members].to_numpy(dtype=float)
            rows = {column: block[:, k] for k, column in enumerate(table.columns)}
            member_area = area[members].to_numpy()
            published = table.loc[region].to_dict()
            for indicator in catalogue.indicators:
                expected = _aggregate(indicator, rows, member_area)
                decimals = 0 if indicator.unit == "count" else prior_for(indicator).decimals
                got = published[indicator.id]
                assert got == pytest.approx(expected, abs=0.5 * 10**-decimals + 1e-6), (
                    region,
                    year,
                    indicator.id,
                )


def _relative(values: pd.DataFrame, code: str, year: int, indicator: str) -> float:
    return float(values.loc[(code, year), indicator] / values.loc[("GM9999", year), indicator])


def test_sliders_slide_and_climbers_climb(demo: DemoMunicipality, values: pd.DataFrame) -> None:
    narrative = demo.narrative
    assert len(narrative.sliding) >= 2 and len(narrative.climbing) >= 2
    for code in narrative.sliding:
        assert (
            values.loc[(code, 2024), "low_income_households"]
            > values.loc[(code, 2015), "low_income_households"] + 2
        )
        income = [_relative(values, code, y, "income_per_inhabitant") for y in YEARS]
        assert income[-1] < income[0] - 0.1
        assert np.polyfit(YEARS, income, 1)[0] < 0
    for code in narrative.climbing:
        assert (
            values.loc[(code, 2024), "low_income_households"]
            < values.loc[(code, 2015), "low_income_households"] - 2
        )
        income = [_relative(values, code, y, "income_per_inhabitant") for y in YEARS]
        assert income[-1] > income[0] + 0.1
        assert np.polyfit(YEARS, income, 1)[0] > 0


PROBLEMS = [
    "low_income_households",
    "social_assistance_per_1000",
    "youth_care_share",
    "low_education_share",
    "burglary_per_1000",
    "violence_per_1000",
]


def test_problems_cumulate_in_the_focus_wijk(demo: DemoMunicipality, values: pd.DataFrame) -> None:
    narrative = demo.narrative
    assert len(narrative.cumulating) >= 3
    for year in (2015, 2024):
        buurten = values.loc[[(c, year) for c in _buurten(demo, year)]].droplevel(1)
        for code in narrative.cumulating:
            assert code.startswith(narrative.focus_wijk.replace("WK", "BU"))
            worst_quarter = [(buurten[p] < buurten.loc[code, p]).mean() >= 0.75 for p in PROBLEMS]
            assert sum(worst_quarter) >= 5, (code, year)
            assert buurten.loc[code, "income_per_inhabitant"] < buurten[
                "income_per_inhabitant"
            ].quantile(0.25)


def test_average_income_hides_poverty_in_one_buurt(
    demo: DemoMunicipality, values: pd.DataFrame
) -> None:
    code = demo.narrative.hidden_poverty
    for year in YEARS:
        buurten = values.loc[[(c, year) for c in _buurten(demo, year)]]
        assert _relative(values, code, year, "income_per_inhabitant") >= 1.0
        assert values.loc[(code, year), "low_income_households"] >= buurten[
            "low_income_households"
        ].quantile(0.9)


def test_a_buurt_is_split_in_two(demo: DemoMunicipality) -> None:
    narrative, batch = demo.narrative, demo.batch
    old, new = narrative.split_from, set(narrative.split_into)
    years_of = batch.regions.groupby("code")["year"].agg(set)
    assert years_of[old] == set(range(2015, narrative.split_year))
    for code in new:
        assert years_of[code] == set(range(narrative.split_year, 2025))
    assert old not in set(batch.observations.query("region_year >= 2020")["region_code"])
    changes = batch.boundary_changes.set_index(["region_code", "region_year"])["change_code"]
    changed = changes[changes != 1]
    assert set(changed.index) == {(code, narrative.split_year) for code in new}
    geo = batch.geometries.set_index(["region_code", "region_year"])["wkb"]
    halves = [shapely.from_wkb(geo[(c, 2020)]) for c in sorted(new)]
    before = shapely.from_wkb(geo[(old, 2019)])
    assert sum(h.area for h in halves) == pytest.approx(before.area, rel=1e-6)
    population = batch.observations.query("indicator_id == 'population'").set_index(
        ["region_code", "region_year"]
    )["value"]
    assert sum(population[(c, 2020)] for c in new) == pytest.approx(
        population[(old, 2019)], rel=0.2
    )


def test_columns_the_catalogue_does_not_know_are_kept(demo: DemoMunicipality) -> None:
    unmatched = demo.batch.unmatched
    assert set(unmatched["source_column"]) == {"ste_mvs", "pst_mvp"}
    assert (unmatched["value_text"].str.len() > 0).all()
    tiny = unmatched[unmatched["region_code"].isin(demo.narrative.tiny)]
    assert set(tiny.query("source_column == 'ste_mvs'")["value_text"]) == {"5"}


def test_age_bands_and_sexes_add_up_to_the_population(demo: DemoMunicipality) -> None:
    obs = demo.batch.observations
    wide = obs.pivot_table(
        index=["region_code", "region_year"], columns="indicator_id", values="value"
    ).dropna(subset=["age_15_24", "men"])
    wide = wide[wide.index.get_level_values("region_code").str.startswith("BU")]
    assert len(wide) > 100
    bands = ["age_00_14", "age_15_24", "age_25_44", "age_45_64", "age_65_plus"]
    assert (wide[bands] > 0).all().all()
    assert (wide[bands].sum(axis=1) == wide["population"]).all()
    assert (wide["men"] + wide["women"] == wide["population"]).all()
    share_65 = wide["age_65_plus"] / wide["population"]
    assert share_65.between(0.05, 0.4).all()


def test_survey_and_participation_figures_are_not_invented(demo: DemoMunicipality) -> None:
    ids = set(demo.batch.observations["indicator_id"])
    assert not {i for i in ids if i.startswith(("survey_", "participation_"))}


def test_another_seed_and_an_extended_catalogue_give_another_plausible_town(
    demo: DemoMunicipality,
) -> None:
    raw = tomllib.loads(
        resources.files("wijkkompas.catalogue").joinpath("default.toml").read_text("utf-8")
    )
    common = {"description_nl": "x", "description_en": "x", "reference": "test"}
    raw["indicators"] += [
        {"id": "playgrounds", "name_nl": "Speeltuinen", "name_en": "Playgrounds",
         "unit": "count", "direction": "context", "plausible_range": [0, 20],
         "reference_lag_years": 0, **common},
        {"id": "playgrounds_per_1000", "name_nl": "Speeltuinen per 1000",
         "name_en": "Playgrounds per 1000", "unit": "per_1000", "direction": "higher_is_better",
         "numerator": "playgrounds", "denominator": "population", "plausible_range": [0, 10],
         "reference_lag_years": 0, **common},
        {"id": "trust_score", "name_nl": "Vertrouwen", "name_en": "Trust", "unit": "number",
         "direction": "higher_is_better", "social_quality": "social_cohesion",
         "plausible_range": [1, 10], "reference_lag_years": 1, "weight": "population", **common},
    ]  # fmt: skip
    catalogue = catalogue_from_dict(raw)
    batch: ImportBatch = build_demo_batch(seed=3, catalogue=catalogue)
    obs = batch.observations
    trust = obs.query("indicator_id == 'trust_score' and not suppressed")["value"]
    assert len(trust) > 0 and trust.between(1, 10).all()
    assert set(obs.query("indicator_id == 'trust_score'")["period"]) == {str(y - 1) for y in YEARS}
    assert not math.isnan(obs.query("indicator_id == 'playgrounds_per_1000'")["value"].max())
    # another seed is another town, not the same one with other numbers
    assert batch.geometries["wkb"].tolist() != demo.batch.geometries["wkb"].tolist()
    shared = obs.merge(
        demo.batch.observations, on=["region_code", "region_year", "indicator_id"], how="inner"
    )
    assert (shared["value_x"] != shared["value_y"]).mean() > 0.5


def test_the_country_has_fictional_figures_for_every_table_year(
    demo: DemoMunicipality, catalogue: Catalogue
) -> None:
    national = demo.batch.national
    assert "Nederland (NL00) too" in demo.batch.provenance["note"]
    assert not national.duplicated(["indicator_id", "period", "table_year"]).any()
    assert set(national["table_year"]) == set(YEARS)
    per_year = national.groupby("table_year")["indicator_id"].agg(set)
    assert len(set(map(frozenset, per_year))) == 1  # the same indicators every year
    ids = per_year.iloc[0]
    assert {"income_per_inhabitant", "low_income_households", "woz_value", "distance_gp"} <= ids
    # no country totals are made up from a buurt's prior
    assert not {i for i in ids if catalogue.by_id(i).unit == "count"}
    assert not {i for i in ids if i.startswith(("survey_", "participation_"))}
    assert not national["suppressed"].any() and national["value"].notna().all()
    for row in national.itertuples():
        low, high = catalogue.by_id(row.indicator_id).plausible_range
        assert low <= row.value <= high, row


def test_national_figures_line_up_with_the_towns_figures(demo: DemoMunicipality) -> None:
    national = demo.batch.national
    gemeente = demo.batch.observations.query("region_code == 'GM9999'")
    keys = ["indicator_id", "table_year", "period", "source_column", "release"]
    joined = national.merge(
        gemeente.rename(columns={"region_year": "table_year"}),
        on=keys,
        how="left",
        indicator=True,
    )
    assert (joined["_merge"] == "both").all(), joined.loc[joined["_merge"] != "both", keys]


def test_national_figures_follow_the_priors_trend(demo: DemoMunicipality) -> None:
    national = demo.batch.national.set_index(["indicator_id", "table_year"])["value"]
    first, last = YEARS[0], YEARS[-1]
    prior = prior_for(load_catalogue().by_id("income_per_inhabitant"))
    assert national[("income_per_inhabitant", first)] == prior.mean
    assert national[("income_per_inhabitant", last)] > national[("income_per_inhabitant", first)]
    # the town lies around the country: its buurten are on both sides of the national income
    buurten = demo.batch.observations.query(
        "indicator_id == 'income_per_inhabitant' and region_year == @last "
        "and region_code.str.startswith('BU') and not suppressed"
    )["value"]
    assert buurten.min() < national[("income_per_inhabitant", last)] < buurten.max()


def test_the_demo_store_can_compare_a_buurt_with_the_country(demo_store: Path) -> None:
    with AnalyticStore(demo_store).reader() as r:
        national = r.national_observations(["income_per_inhabitant"])
    assert national["table_year"].tolist() == YEARS
    assert set(national["source"]) == {"demo"}
    assert national.set_index("table_year").loc[YEARS[-1], "release"] == "voorlopig"
