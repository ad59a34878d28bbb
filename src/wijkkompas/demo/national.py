"""FICTIONAL figures for the whole country ("Nederland", NL00) beside Voorbeeldstad.

A real KWB table has a row for the country, and the profile page compares a buurt with it, so
the demo has one too. None of these are CBS figures: each is the level the demo's prior gives an
average buurt in that year (:mod:`wijkkompas.demo.priors`), moved by the same trend and growth
the buurten follow, so Voorbeeldstad sits around "the country" the way a real town does.

Left out, rather than invented twice over:

- counts (population, households, numbers of crimes, …): a prior describes one buurt, and
  scaling it up to a country total would pretend to a national figure the demo does not have;
- indicators without a written-down prior (densities, and anything a user added to their
  catalogue): their prior comes from the plausible range of a buurt and says nothing about
  the country.
"""

from __future__ import annotations

import pandas as pd

from wijkkompas.catalogue import Catalogue, Indicator
from wijkkompas.demo.priors import PRIORS
from wijkkompas.demo.town import YEARS, release_of
from wijkkompas.store.batch import NATIONAL_COLUMNS


def national_figures(catalogue: Catalogue) -> pd.DataFrame:
    """The country's figures for every demo table year, in the shape of ``ImportBatch.national``.

    Periods and releases follow the town's observations (income lags, the newest table is
    voorlopig), so each national figure lines up with the buurt figures it is compared with.
    """
    records = [
        (
            indicator.id,
            indicator.period_label(year),
            national_level(indicator, year - YEARS[0]),
            False,
            indicator.source_column(),
            release_of(year),
            year,
        )
        for year in YEARS
        for indicator in catalogue.indicators
        if has_national_level(indicator)
    ]
    frame = pd.DataFrame.from_records(records, columns=NATIONAL_COLUMNS)
    return frame.astype({"value": "float64", "suppressed": "bool", "table_year": "int64"})


def has_national_level(indicator: Indicator) -> bool:
    """Whether the demo gives the country a figure for this indicator (see the module docstring)."""
    return indicator.unit != "count" and indicator.id in PRIORS


def national_level(indicator: Indicator, years_since: int) -> float:
    """The prior's level for an average buurt ``years_since`` years after the first table year,
    kept within the indicator's plausible range and rounded as the buurt figures are."""
    prior = PRIORS[indicator.id]
    value = (prior.mean + prior.trend * years_since) * (1.0 + prior.growth) ** years_since
    low, high = indicator.plausible_range
    return round(min(max(value, low), high), prior.decimals)
