"""How each indicator of the default catalogue behaves in Voorbeeldstad.

Rough orders of magnitude of Dutch towns (levels, spreads, national trends 2015-2024), written
down so the demo looks plausible to someone who knows the KWB. Anything a user adds to their own
catalogue gets a prior derived from its plausible range and direction instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from wijkkompas.catalogue import Indicator


@dataclass(frozen=True)
class Prior:
    mean: float
    """Level in the first table year for an average buurt."""
    sd: float
    """Spread between buurten, in the indicator's unit."""
    loading: float
    """How strongly it follows the buurt's latent disadvantage (+: higher when worse off)."""
    central: float = 0.0
    """Shift, in sd, for a buurt in the very centre (outer buurten get minus this)."""
    trend: float = 0.0
    """Additive change per year."""
    growth: float = 0.0
    """Relative change per year (money, prices, crime)."""
    decimals: int = 1
    domain: str = "general"
    """Which latent domain drives it (a cumulation domain or ``general``)."""


WORK = "work_poverty_inclusion"
GROWING = "growing_up_education"
SAFETY = "safety_undermining"
HOUSING = "housing"
HEALTH = "health"

PRIORS: dict[str, Prior] = {
    "income_per_inhabitant": Prior(28.5, 4.5, -1.0, growth=0.025, domain=WORK),
    "low_income_households": Prior(9.0, 3.5, 1.0, central=0.3, trend=-0.1, domain=WORK),
    "social_minimum_households": Prior(7.5, 3.0, 1.0, central=0.3, trend=-0.05, domain=WORK),
    "income_lowest_40_share": Prior(40.0, 9.0, 1.0, central=0.3, domain=WORK),
    "income_highest_20_share": Prior(20.0, 7.0, -1.0, central=-0.2, domain=WORK),
    "labour_participation": Prior(66.0, 4.5, -1.0, trend=0.35, domain=WORK),
    "social_assistance_per_1000": Prior(28.0, 13.0, 1.0, central=0.2, trend=-0.5, domain=WORK),
    "low_education_share": Prior(28.0, 8.0, 1.0, central=-0.2, trend=-0.5, domain=GROWING),
    "youth_care_share": Prior(10.0, 3.0, 1.0, trend=0.15, domain=GROWING),
    "wmo_per_1000": Prior(70.0, 17.0, 0.8, trend=1.5, domain=HEALTH),
    "single_person_household_share": Prior(37.0, 8.0, 0.4, central=1.0),
    "woz_value": Prior(240.0, 50.0, -1.0, central=0.3, growth=0.06, decimals=0, domain=HOUSING),
    "vacant_dwellings": Prior(4.0, 1.4, 0.6, central=0.3, domain=HOUSING),
    "dwellings_built_since_2000": Prior(
        16.0, 13.0, -0.3, central=-0.6, trend=0.6, decimals=0, domain=HOUSING
    ),
    "owner_occupied_share": Prior(55.0, 15.0, -1.0, central=-0.6, decimals=0, domain=HOUSING),
    "corporation_rental_share": Prior(28.0, 12.0, 1.0, central=0.2, decimals=0, domain=HOUSING),
    "gas_use": Prior(1250.0, 200.0, 0.4, central=-0.5, growth=-0.02, decimals=0, domain=HOUSING),
    "distance_gp": Prior(0.9, 0.3, 0.05, central=1.5),
    "distance_supermarket": Prior(0.8, 0.3, 0.05, central=1.5),
    "distance_daycare": Prior(0.6, 0.2, 0.05, central=1.5),
    "distance_school": Prior(0.6, 0.2, 0.05, central=1.5),
    "burglary_per_1000": Prior(3.2, 1.3, 0.8, central=0.3, growth=-0.05, domain=SAFETY),
    "vandalism_per_1000": Prior(8.0, 3.0, 0.8, central=1.0, growth=-0.03, domain=SAFETY),
    "violence_per_1000": Prior(5.0, 2.0, 0.9, central=0.8, growth=-0.02, domain=SAFETY),
    # Police registrations (counts are per 1000 inhabitants here; see COUNT_PER_1000).
    "registered_crime_per_1000": Prior(55.0, 20.0, 0.8, central=1.5, growth=-0.02, domain=SAFETY),
    "residential_burglary_count": Prior(3.0, 1.2, 0.8, central=0.3, growth=-0.05, domain=SAFETY),
    "violent_crime_count": Prior(5.0, 2.0, 0.9, central=0.8, growth=-0.02, domain=SAFETY),
    "vandalism_count": Prior(7.5, 3.0, 0.8, central=1.0, growth=-0.03, domain=SAFETY),
    "distance_train_station": Prior(3.0, 1.2, 0.05, central=1.5),
    "ses_woa_score": Prior(0.0, 0.3, -1.0, central=-0.1, trend=0.01, decimals=2, domain=WORK),
    "ses_woa_spread": Prior(0.85, 0.08, 0.2, central=0.5, decimals=2, domain=WORK),
    # Leefbaarometer 3.0 dimension contributions; the total follows from them (observations.py).
    "lbm_housing": Prior(0.0, 0.06, -0.6, central=-0.3, decimals=3, domain=HOUSING),
    "lbm_physical_environment": Prior(0.0, 0.05, -0.2, central=-0.6, decimals=3),
    "lbm_amenities": Prior(0.0, 0.04, 0.0, central=0.8, decimals=3),
    "lbm_social_cohesion": Prior(0.0, 0.05, -0.6, decimals=3, domain=WORK),
    "lbm_nuisance_insecurity": Prior(0.0, 0.06, -0.7, central=-0.4, decimals=3, domain=SAFETY),
    "lbm_deviation": Prior(0.0, 0.15, -1.0, decimals=3),
    "lbm_score": Prior(4.1, 0.15, -1.0, decimals=3),
    # Standardised household income (x 1000 euro), and what the PDOK/KWB count of businesses
    # does in a town: about one establishment for every ten inhabitants, more in the centre.
    "household_income_standardised": Prior(30.0, 6.0, -1.0, growth=0.025, domain=WORK),
    "establishments": Prior(150.0, 60.0, 0.0, central=1.0, decimals=0),
    # Land (ha) and the address density around (per km²): a compact town, denser in the centre,
    # so that its housing fills its land (the non-residential rule of index.exposure).
    "land_area": Prior(25.0, 6.0, 0.0, central=-1.0, decimals=0),
    "address_density": Prior(3000.0, 700.0, 0.0, central=1.5, decimals=0),
    # Green within reach (km): short in most of town, longer in the dense centre.
    "distance_public_green": Prior(0.3, 0.12, 0.1, central=0.6, decimals=2),
    "distance_park": Prior(0.6, 0.25, 0.1, central=0.8, decimals=2),
    # The RIVM health monitor's national levels of 2020 (NL01, 18+), with a spread between
    # buurten of the order the real estimates have.
    "difficulty_making_ends_meet_share": Prior(14.0, 5.0, 1.0, domain=WORK),
    "loneliness_share": Prior(47.0, 5.0, 0.6, central=0.5),
    "social_loneliness_share": Prior(30.0, 4.0, 0.5, central=0.4),
    "severe_loneliness_share": Prior(11.0, 3.0, 0.8),
    "volunteering_share": Prior(25.0, 5.0, -0.7),
    "informal_carer_share": Prior(13.6, 2.0, -0.3),
    "control_over_life_share": Prior(90.0, 3.0, -0.8),
    "noise_nuisance_neighbours_share": Prior(7.0, 2.5, 0.7, central=0.6, domain=SAFETY),
    "good_health_share": Prior(78.0, 5.0, -0.8, domain=HEALTH),
    "anxiety_depression_risk_share": Prior(6.7, 2.0, 0.8, domain=HEALTH),
    "loneliness_share_65plus": Prior(50.0, 6.0, 0.6),
    "difficulty_making_ends_meet_share_65plus": Prior(10.0, 4.0, 1.0, domain=WORK),
}

COUNTS_PER_1000 = frozenset(
    {"residential_burglary_count", "violent_crime_count", "vandalism_count"}
)
"""Counts whose prior is a rate per 1000 inhabitants (count = population x rate / 1000)."""
LBM_BASELINE = 4.1
"""The Leefbaarometer 3.0 national reference the deviation is measured from (about 4.1)."""
LBM_DIMENSIONS = (
    "lbm_housing",
    "lbm_physical_environment",
    "lbm_amenities",
    "lbm_social_cohesion",
    "lbm_nuisance_insecurity",
)

_LOADING = {"higher_is_worse": 0.8, "higher_is_better": -0.8, "context": 0.0}
_DECIMALS = {"count": 0, "per_km2": 0, "euro": 0}


def prior_for(indicator: Indicator) -> Prior:
    """The written-down prior, or one derived from the catalogue for an unknown indicator."""
    if indicator.id in PRIORS:
        return PRIORS[indicator.id]
    low, high = indicator.plausible_range
    span = high - low
    return Prior(
        mean=low + 0.3 * span,
        sd=0.08 * span,
        loading=_LOADING[indicator.direction],
        decimals=_DECIMALS.get(indicator.unit, 1),
        domain=indicator.cumulation[0] if indicator.cumulation else "general",
    )
