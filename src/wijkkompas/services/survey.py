"""Survey and participation figures weighted with the store's population structure.

The survey domain estimates from answers and margins it is given; this module reads the KWB age
and sex structure (or the number of inhabitants) of the regions answered for from the analytic
store and hands it over. The web app and `wijkkompas survey` both come here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from wijkkompas.errors import WijkkompasError
from wijkkompas.store import AnalyticStore
from wijkkompas.store.reader import StoreReader
from wijkkompas.survey.estimates import PopulationMargins, estimate
from wijkkompas.survey.participation import participation_estimates
from wijkkompas.survey.responses import read_events, read_responses
from wijkkompas.survey.result import SurveyEstimate, ancestors

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
T = TypeVar("T")


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


@dataclass(frozen=True)
class Estimated:
    """Figures made from one file of answers or events, and what they rest on."""

    estimates: list[SurveyEstimate]
    records: int
    """Responses or events read."""
    regions: int
    """Regions answered for (each buurt with its wijk and gemeente)."""
    weighted: int
    """Regions with a population structure (margins or inhabitants) from the store."""
    region_year: int | None
    """The boundary year the figures are on (None: the store has no regions)."""


def boundary_year(reader: StoreReader, period: str, year: int | None) -> int | None:
    """The store's boundary year for a survey held in ``period``: ``year`` when given (it must
    be there), else the newest at or before the period, else the newest."""
    years = reader.years()
    if year is not None:
        if year not in years:
            raise WijkkompasError(
                f"The store has no regions for boundary year {year}; it has: "
                f"{', '.join(map(str, years)) or 'none'}."
            )
        return year
    wanted = int(period)
    earlier = [y for y in years if y <= wanted]
    return max(earlier) if earlier else (max(years) if years else None)


def estimate_survey(
    store: AnalyticStore,
    text: str,
    name: str,
    period: str,
    *,
    year: int | None = None,
    min_respondents: int = 10,
) -> Estimated:
    """Survey indicators from a responses CSV, weighted to the KWB age and sex structure."""
    parsed = read_responses(text, name)
    codes = sorted({c for r in parsed for c in ancestors(r.area_code)})
    margins, region_year = _from_store(store, codes, period, year, margins_from_store)
    estimates = estimate(parsed, margins, period, min_respondents=min_respondents)
    return Estimated(list(estimates), len(parsed), len(codes), len(margins), region_year)


def estimate_participation(
    store: AnalyticStore,
    text: str,
    name: str,
    period: str,
    *,
    year: int | None = None,
    min_count: int = 10,
) -> Estimated:
    """Initiatives and participants per region from an events CSV (per 1,000 inhabitants
    where the store knows them)."""
    parsed = read_events(text, name)
    codes = sorted({c for e in parsed for c in ancestors(e.area_code)})
    population, region_year = _from_store(store, codes, period, year, population_from_store)
    estimates = participation_estimates(parsed, period, min_count=min_count, population=population)
    return Estimated(list(estimates), len(parsed), len(codes), len(population), region_year)


def _from_store(
    store: AnalyticStore,
    codes: Sequence[str],
    period: str,
    year: int | None,
    read: Callable[[StoreReader, Sequence[str], int], dict[str, T]],
) -> tuple[dict[str, T], int | None]:
    """What ``read`` finds in the store for ``codes`` on the boundary year of the survey, and that
    year; nothing (and ``year``) when there is no store yet: figures are then unweighted."""
    if not store.exists():
        return {}, year
    with store.reader() as reader:
        region_year = boundary_year(reader, period, year)
        if region_year is None:
            return {}, None
        return read(reader, codes, region_year), region_year
