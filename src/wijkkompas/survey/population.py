"""The KWB population structure per region, read from the analytic store, for weighting.

The web app weights survey answers without knowing the store's tables: it asks for the margins
of the regions it has answers for and hands them to :func:`wijkkompas.survey.estimates.estimate`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from wijkkompas.store.reader import StoreReader
from wijkkompas.survey.estimates import PopulationMargins

AGE_INDICATORS: dict[str, str] = {
    "15-24": "age_15_24",
    "25-44": "age_25_44",
    "45-64": "age_45_64",
    "65+": "age_65_plus",
}
"""Survey age group → catalogue indicator (KWB ``a_15_24`` … ``a_65_oo``)."""
SEX_INDICATORS: dict[str, str] = {"man": "men", "vrouw": "women"}
"""Survey sex → catalogue indicator (KWB ``a_man``, ``a_vrouw``)."""
POPULATION = "population"


def margins_from_store(
    reader: StoreReader, codes: Sequence[str], year: int
) -> dict[str, PopulationMargins]:
    """Age and sex margins of ``codes`` in boundary year ``year``.

    A region appears only when all four age bands are known (suppressed or missing bands make
    weighting impossible; its answers are then estimated unweighted). Sex counts are optional.
    """
    wanted = [*AGE_INDICATORS.values(), *SEX_INDICATORS.values()]
    frame = reader.observations(indicator_ids=wanted, region_codes=list(codes))
    frame = frame[(frame["region_year"] == year) & frame["value"].notna()]
    values: dict[tuple[str, str], float] = {}
    for row in frame.itertuples(index=False):
        values[(str(row.region_code), str(row.indicator_id))] = float(row.value)  # type: ignore[arg-type]
    out: dict[str, PopulationMargins] = {}
    for code in codes:
        age = {g: values.get((code, i), math.nan) for g, i in AGE_INDICATORS.items()}
        if not all(math.isfinite(v) for v in age.values()):
            continue
        sex = {s: values[(code, i)] for s, i in SEX_INDICATORS.items() if (code, i) in values}
        out[code] = PopulationMargins(age=age, sex=sex if len(sex) == len(SEX_INDICATORS) else {})
    return out


def population_from_store(reader: StoreReader, codes: Sequence[str], year: int) -> dict[str, float]:
    """Inhabitants of ``codes`` in boundary year ``year`` (for participants per 1,000)."""
    frame = reader.observations(indicator_ids=[POPULATION], region_codes=list(codes))
    frame = frame[(frame["region_year"] == year) & frame["value"].notna()]
    return {str(c): float(v) for c, v in zip(frame["region_code"], frame["value"], strict=True)}
