"""Buurten where few people live among workplaces, shops, parks or fields.

Crime is registered where it happens, inhabitants where they live. Where a buurt is mainly a
business park, an office district, a shopping centre, a sports park or a city park, a rate *per
resident* measures the activity of everyone who comes there, not the safety of the few who live
there: Amsterdam's business parks of 50–95 inhabitants came out 4 to 5 spreads "less safe" than
anywhere else. The KWB counts business establishments, not workplaces or visitors, so no better
exposure is at hand; instead such buurten are recognised by a documented rule, their
per-resident rates of activities (``Indicator.residential_only``) are withheld with the reason
shown, and they carry a flag wherever they appear in a top or bottom ten.

A buurt is *mainly non-residential* in a year when any of these holds:

* it has fewer than ``MIN_RESIDENTS`` inhabitants;
* it has at least ``ESTABLISHMENTS_PER_RESIDENT`` business establishments per inhabitant (one
  for every two residents; a Dutch buurt has about one for every ten);
* its surroundings are urban (an address density, CBS ``ste_oad``, of at least
  ``URBAN_ADDRESS_DENSITY`` per km², CBS's bound of *matig stedelijk*) and it holds fewer than
  ``HOUSED_SHARE`` (half) of the dwellings its land would hold at that density: dwellings per
  km² of land below half the address density around its addresses. More than half its ground
  is then something other than housing — offices, a park, sports fields, a hospital, a polder.
  Outside urban surroundings low density is how people live (villages, farms), so the test is
  not made there. It is made for buurten only: a whole city holds less housing on its land than
  its streets do.

A buurt in *rural surroundings* (address density below ``RURAL_ADDRESS_DENSITY`` per km², CBS's
*niet stedelijk*) is flagged too, without withholding anything: a polder with a few hundred
residents among a city's buurten is compared with neighbourhoods unlike it.

Every number is written here, not fitted, so everyone can check it. Land use changes slowly: a
year without these figures (an early KWB release leaves establishments and dwellings empty)
uses the newest of the ``CARRY_YEARS`` years before it. A figure still unknown (the
whole-country KWB extract has no dwellings, land or address density) makes nothing
non-residential or rural on that count.
"""

from __future__ import annotations

import numpy as np

MIN_RESIDENTS = 200
"""Below this many inhabitants a buurt's figures are flagged as resting on few people."""
ESTABLISHMENTS_PER_RESIDENT = 0.5
URBAN_ADDRESS_DENSITY = 1000.0
"""Addresses per km² around the buurt's addresses from which CBS calls an area (moderately)
urban."""
HOUSED_SHARE = 0.5
RURAL_ADDRESS_DENSITY = 500.0
"""Below this many addresses per km² CBS calls an area not urban."""
HECTARES_PER_KM2 = 100.0
CARRY_YEARS = 3
LAND_USE_IDS = {
    "establishments": "establishments",
    "dwellings": "dwellings",
    "land_area_ha": "land_area",
    "address_density": "address_density",
}
"""Argument of :func:`non_residential` → the catalogue indicator it reads."""
FLAGS = ("small_population", "non_residential", "rural")
"""The columns of a run's table that say what to mind before comparing a region."""


def non_residential(
    population: np.ndarray | None,
    establishments: np.ndarray | None,
    dwellings: np.ndarray | None = None,
    land_area_ha: np.ndarray | None = None,
    address_density: np.ndarray | None = None,
    buurt: np.ndarray | bool = True,
) -> np.ndarray | bool:
    """(years, regions) mask of region-years that are mainly non-residential (see module).

    ``buurt`` marks the regions (columns) that are buurten: the test of housing on the land is
    made for them only (a whole city holds less housing than its busiest streets' density).
    Unknown figures make nothing non-residential on their count.
    """
    if population is None:
        return False
    with np.errstate(invalid="ignore", divide="ignore"):
        few = population < MIN_RESIDENTS
        busy = (
            np.zeros(population.shape, dtype=bool)
            if establishments is None
            else establishments >= ESTABLISHMENTS_PER_RESIDENT * population
        )
    return few | busy | (little_housing(dwellings, land_area_ha, address_density) & buurt)


def little_housing(
    dwellings: np.ndarray | None,
    land_area_ha: np.ndarray | None,
    address_density: np.ndarray | None,
) -> np.ndarray | bool:
    """Region-years in urban surroundings with under half the dwellings their land would hold at
    the surroundings' address density (see module); False where a figure is unknown."""
    if dwellings is None or land_area_ha is None or address_density is None:
        return False
    with np.errstate(invalid="ignore", divide="ignore"):
        per_km2 = dwellings * HECTARES_PER_KM2 / land_area_ha
        urban = address_density >= URBAN_ADDRESS_DENSITY
        return urban & (land_area_ha > 0) & (per_km2 < HOUSED_SHARE * address_density)


def rural(address_density: np.ndarray | None, buurt: np.ndarray | bool = True) -> np.ndarray | bool:
    """Buurt-years in rural surroundings (see module): shown with a flag, nothing withheld."""
    if address_density is None:
        return False
    with np.errstate(invalid="ignore"):
        return (address_density < RURAL_ADDRESS_DENSITY) & buurt


def small_population(population: np.ndarray | None) -> np.ndarray | bool:
    """Region-years with fewer than ``MIN_RESIDENTS`` inhabitants (their figures rest on few
    people: shown with a flag wherever they appear in a top or bottom ten)."""
    if population is None:
        return False
    with np.errstate(invalid="ignore"):
        return population < MIN_RESIDENTS
