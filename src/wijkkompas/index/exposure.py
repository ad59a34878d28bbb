"""Buurten where few people live among many workplaces and shops.

Crime is registered where it happens, inhabitants where they live. Where a buurt is mainly a
business park, an office district or a shopping centre, a rate *per resident* measures the
activity of everyone who comes there, not the safety of the few who live there: Amsterdam's
business parks of 50–95 inhabitants came out 4 to 5 spreads "less safe" than anywhere else.
The KWB counts business establishments, not workplaces or visitors, so no better exposure is
at hand; instead such buurten are recognised by a documented rule and their per-resident rates
of activities (``Indicator.residential_only``) are withheld, with the reason shown.

A buurt is *mainly non-residential* in a year when it has fewer than
``MIN_RESIDENTS`` inhabitants, or at least ``ESTABLISHMENTS_PER_RESIDENT`` business
establishments per inhabitant (one for every two residents; a Dutch buurt has about one for
every ten). Both numbers are written here, not fitted, so everyone can check them.
"""

from __future__ import annotations

import numpy as np

MIN_RESIDENTS = 200
"""Below this many inhabitants a buurt's figures are flagged as resting on few people."""
ESTABLISHMENTS_PER_RESIDENT = 0.5


def non_residential(
    population: np.ndarray | None, establishments: np.ndarray | None
) -> np.ndarray | bool:
    """(years, regions) mask of region-years that are mainly non-residential (see module).

    Unknown population or establishments make nothing non-residential on that count.
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
    return few | busy


def small_population(population: np.ndarray | None) -> np.ndarray | bool:
    """Region-years with fewer than ``MIN_RESIDENTS`` inhabitants (their figures rest on few
    people: shown with a flag wherever they appear in a top or bottom ten)."""
    if population is None:
        return False
    with np.errstate(invalid="ignore"):
        return population < MIN_RESIDENTS
