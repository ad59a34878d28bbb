"""Buurt figures for Voorbeeldstad, year by year, driven by a few latent quantities per buurt.

Every buurt has a latent disadvantage (its level, its trend, and a deviation per domain), a
position between centre and edge, and a population. Each indicator follows those through its
:class:`~wijkkompas.demo.priors.Prior`, so indicators correlate the way they do in real towns
without being copies of each other. Counts come first and rates are computed from the rounded
counts, so a published rate always equals its published numerator over its denominator.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wijkkompas.catalogue import Catalogue, Indicator
from wijkkompas.demo.priors import COUNTS_PER_1000, LBM_BASELINE, LBM_DIMENSIONS, prior_for
from wijkkompas.demo.town import SPLIT_YEAR, YEARS, Buurt, Town

TINY_PUBLISHED = ("population", "households", "dwellings", "population_density")
"""CBS keeps most figures of a buurt with fewer than 50 inhabitants secret; these it shows."""
ROUND_TO = {"social_assistance_recipients": 10}
"""CBS rounds benefit counts to tens and most other counts to fives."""
DOMAINS: tuple[str, ...] = (
    "general",
    "growing_up_education",
    "work_poverty_inclusion",
    "safety_undermining",
    "housing",
    "health",
)
SHARE_OF_15_TO_75 = 0.72
AGE_BANDS = ("age_00_14", "age_15_24", "age_25_44", "age_45_64", "age_65_plus")
SEXES = ("men", "women")
DEMOGRAPHY = frozenset(AGE_BANDS + SEXES)
"""Structure counts derived from the population without drawing (so adding them to the
catalogue left every other demo figure as it was)."""
SHARE_OF_MEN = 0.494


@dataclass
class Latent:
    level: float
    trend: float
    domain: dict[str, float]
    idio: dict[str, float] = field(default_factory=dict)
    pop0: float = 1500.0
    pop_growth: float = 0.006
    household_size: float = 2.1
    cars_per_inhabitant: float = 0.42
    boom: float = 0.0
    """Extra yearly growth from the split year on (the new estate the split was made for)."""


@dataclass
class BuurtFigures:
    """Values per year (index: buurt code, columns: indicator ids) and which are suppressed."""

    values: dict[int, pd.DataFrame]
    suppressed: dict[int, pd.DataFrame]


def _centrality(buurt: Buurt) -> float:
    """+1 in the very centre, -1 at the edge."""
    return 1.0 - 2.0 * min(buurt.radial, 1.0)


def _latents(rng: np.random.Generator, town: Town, catalogue: Catalogue) -> dict[str, Latent]:
    latents: dict[str, Latent] = {}
    for buurt in town.buurten:
        if buurt.role == "cumulating":
            level, trend, spread = rng.normal(2.4, 0.15), 0.0, 0.1
        elif buurt.role == "sliding":
            level, trend, spread = rng.normal(-0.3, 0.2), 0.2, 0.15
        elif buurt.role == "climbing":
            level, trend, spread = rng.normal(1.3, 0.2), -0.2, 0.15
        else:
            level = float(np.clip(0.6 * town.wijk_effect[buurt.wijk_code] + rng.normal(0, 0.55),
                                  -1.8, 1.4))  # fmt: skip
            trend, spread = rng.normal(0.0, 0.015), 0.45
        latent = Latent(
            level=float(level),
            trend=float(trend),
            domain={d: float(rng.normal(0, spread)) for d in DOMAINS},
            idio={
                i.id: float(rng.normal(0, 0.3))
                for i in catalogue.indicators
                if i.id not in DEMOGRAPHY
            },
        )
        density = 6_500 * (1.0 - 0.7 * min(buurt.radial, 1.0)) * rng.lognormal(0, 0.25)
        latent.pop0 = float(np.clip(buurt.area_km2 * density, 400, 9_000))
        latent.pop_growth = float(rng.normal(0.006, 0.005)) + (0.02 if trend < 0 else 0.0)
        latent.household_size = float(2.3 - 0.35 * _centrality(buurt) + rng.normal(0, 0.1))
        latent.cars_per_inhabitant = float(0.45 - 0.1 * _centrality(buurt) + rng.normal(0, 0.03))
        if buurt.role == "tiny":
            latent.pop0, latent.pop_growth = float(rng.integers(3, 10) * 5), 0.0
        latents[buurt.code] = latent
    halves = [b for b in town.buurten if b.parent is not None]
    for k, buurt in enumerate(halves):  # the halves of a split buurt inherit its character
        if buurt.parent is not None:
            parent = next(b for b in town.buurten if b.code == buurt.parent)
            inherited = latents[buurt.parent]
            share = buurt.polygon.area / parent.polygon.area
            latents[buurt.code] = Latent(
                level=inherited.level + float(rng.normal(0, 0.2)),
                trend=inherited.trend,
                domain=dict(inherited.domain),
                idio=dict(inherited.idio),
                pop0=inherited.pop0 * share,
                pop_growth=inherited.pop_growth,
                boom=0.04 * k,
                household_size=inherited.household_size,
                cars_per_inhabitant=inherited.cars_per_inhabitant,
            )
    return latents


def _round_to(value: float, step: int) -> float:
    return float(max(step, step * round(value / step))) if value > 0 else 0.0


def _raw_value(
    indicator: Indicator, buurt: Buurt, latent: Latent, z: dict[str, float], years_since: int
) -> float:
    p = prior_for(indicator)
    scale = (1.0 + p.growth) ** years_since
    shift = p.loading * z[p.domain if p.domain in z else "general"]
    shift += p.central * _centrality(buurt) + latent.idio.get(indicator.id, 0.0)
    value = (p.mean + p.trend * years_since) * scale + p.sd * scale * shift
    low, high = indicator.plausible_range
    if indicator.unit == "km":
        low = max(low, 0.1)
    return min(max(float(value), low), high)


def _year(
    rng: np.random.Generator,
    town: Town,
    catalogue: Catalogue,
    latents: dict[str, Latent],
    year: int,
) -> pd.DataFrame:
    s = year - YEARS[0]
    buurten = town.buurten_in(year)
    rows: dict[str, dict[str, float]] = {}
    for buurt in buurten:
        latent = latents[buurt.code]
        noise = rng.normal(0, 0.12, size=len(DOMAINS))
        z = {
            d: latent.level + latent.trend * s + latent.domain[d] + float(n)
            for d, n in zip(DOMAINS, noise, strict=True)
        }
        row = {i.id: _raw_value(i, buurt, latent, z, s) for i in catalogue.indicators}
        growth = (1 + latent.pop_growth) ** s * (1 + latent.boom) ** max(0, year - SPLIT_YEAR)
        population = _round_to(latent.pop0 * growth, 5)
        households = _round_to(population / max(latent.household_size - 0.005 * s, 1.2), 5)
        vacancy = row.get("vacant_dwellings", 4.0)
        row |= {
            "population": population,
            "households": households,
            "dwellings": _round_to(households / (1 - vacancy / 100.0), 5),
            "population_density": round(population / buurt.area_km2),
            "cars_per_km2": round(population * latent.cars_per_inhabitant / buurt.area_km2),
        }
        row |= _demography(population, _centrality(buurt), latent.household_size, s)
        rows[buurt.code] = _counts_and_rates(catalogue, row, z["general"], buurt)
    return pd.DataFrame.from_dict(rows, orient="index")


def _counts_and_rates(
    catalogue: Catalogue, row: dict[str, float], z: float, buurt: Buurt
) -> dict[str, float]:
    """Derive counts from the drawn rates, then the published rates from the rounded counts."""
    structural = set(TINY_PUBLISHED) | {"cars_per_km2"} | DEMOGRAPHY
    rates = [i for i in catalogue.indicators if i.numerator and i.denominator]
    for rate in rates:
        assert rate.numerator is not None and rate.denominator is not None
        numerator, denominator = catalogue.by_id(rate.numerator), catalogue.by_id(rate.denominator)
        step = ROUND_TO.get(numerator.id, 10 if denominator.sum_of else 5)
        if denominator.sum_of and numerator.id in denominator.sum_of:
            # Shares of a total of parts (education levels): split the total into its parts.
            total = _round_to(row["population"] * SHARE_OF_15_TO_75, step)
            part = _round_to(total * row[rate.id] / rate.rate_factor, step)
            others = [c for c in denominator.sum_of if c != numerator.id]
            row[numerator.id] = part
            rest = total - part
            for k, other in enumerate(others):
                if k == len(others) - 1:
                    row[other] = max(rest, 0.0)
                else:
                    fraction = float(np.clip(0.45 - 0.15 * z + 0.1 * _centrality(buurt), 0.1, 0.9))
                    row[other] = _round_to(rest * fraction, step)
                    rest -= row[other]
            structural.update(denominator.sum_of)
        elif numerator.id not in structural:
            row[numerator.id] = _round_to(
                row[denominator.id] * row[rate.id] / rate.rate_factor, step
            )
            structural.add(numerator.id)
    for indicator in catalogue.indicators:
        if indicator.sum_of:
            row[indicator.id] = float(sum(row[c] for c in indicator.sum_of))
        elif indicator.unit == "count" and indicator.id not in structural:
            # A count on its own: drawn as a rate per 1000 inhabitants, then counted.
            per_1000 = row[indicator.id] if indicator.id in COUNTS_PER_1000 else 50 + 15 * z
            row[indicator.id] = _round_to(row["population"] * max(per_1000, 1.0) / 1000, 5)
    for rate in rates:
        denominator_value = row[rate.denominator or ""]
        row[rate.id] = (
            row[rate.numerator or ""] / denominator_value * rate.rate_factor
            if denominator_value > 0
            else math.nan
        )
    for indicator in catalogue.indicators:
        decimals = prior_for(indicator).decimals if indicator.unit != "count" else 0
        row[indicator.id] = round(row[indicator.id], decimals)
    if all(d in row for d in LBM_DIMENSIONS) and {"lbm_deviation", "lbm_score"} <= row.keys():
        # The Leefbaarometer total is the baseline plus the sum of its dimension contributions.
        row["lbm_deviation"] = round(sum(row[d] for d in LBM_DIMENSIONS), 3)
        row["lbm_score"] = round(LBM_BASELINE + row["lbm_deviation"], 3)
    return row


def _demography(
    population: float, centrality: float, household_size: float, years_since: int
) -> dict[str, float]:
    """Age bands and sexes that add up to the population: a centre has more people aged 25-44
    and fewer children, big households mean children, and the town slowly grows older."""
    children = 0.16 - 0.04 * centrality + 0.10 * (household_size - 2.1)
    shares = [
        children,
        0.12 + 0.03 * centrality,
        0.27 + 0.07 * centrality - 0.002 * years_since,
        0.26 - 0.03 * centrality,
    ]
    counts = [_round_to(population * max(share, 0.02), 5) for share in shares]
    counts.append(max(population - sum(counts), 0.0))  # 65+: the rest, so the bands add up
    men = _round_to(population * SHARE_OF_MEN, 5)
    return dict(zip(AGE_BANDS, counts, strict=True)) | {"men": men, "women": population - men}


def _tell_the_story(town: Town, catalogue: Catalogue, frame: pd.DataFrame) -> None:
    """Make the hidden-poverty buurt look well-off on average while many households are poor."""
    ids = {i.id for i in catalogue.indicators}
    code = town.narrative.hidden_poverty
    others = frame.drop(index=[code, *town.narrative.tiny], errors="ignore")
    if "income_per_inhabitant" in ids:
        weights = others["population"].to_numpy(dtype=float)
        incomes = others["income_per_inhabitant"].to_numpy(dtype=float)
        mean = float((incomes * weights).sum() / weights.sum())
        own = float(frame["income_per_inhabitant"].to_dict()[code])
        frame.loc[code, "income_per_inhabitant"] = round(max(own, 1.08 * mean), 1)
    for share in ("low_income_households", "social_minimum_households", "ses_woa_spread"):
        if share in ids:
            high = float(np.quantile(others[share].to_numpy(dtype=float), 0.9))
            value = max(float(frame[share].to_dict()[code]), 1.2 * high)
            frame.loc[code, share] = round(value, prior_for(catalogue.by_id(share)).decimals)


def buurt_figures(
    rng: np.random.Generator, town: Town, catalogue: Catalogue
) -> BuurtFigures:  # fmt: skip
    latents = _latents(rng, town, catalogue)
    ids = [i.id for i in catalogue.indicators]
    values: dict[int, pd.DataFrame] = {}
    suppressed: dict[int, pd.DataFrame] = {}
    for year in YEARS:
        frame = _year(rng, town, catalogue, latents, year)
        _tell_the_story(town, catalogue, frame)
        frame = frame.reindex(columns=ids).astype(float)
        hidden = pd.DataFrame(False, index=frame.index, columns=ids)
        tiny = [c for c in town.narrative.tiny if c in frame.index]
        secret = [i for i in ids if i not in TINY_PUBLISHED]
        hidden.loc[tiny, secret] = True
        hidden |= frame.isna()  # a figure that cannot be computed is missing, and says so
        frame = frame.mask(hidden)
        values[year], suppressed[year] = frame, hidden
    return BuurtFigures(values, suppressed)
