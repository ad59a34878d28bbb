"""Checking the index against independent measures, and looking at its extremes.

Three checks a municipal analyst (and the index's own authors) should run on real data:

* **The Leefbaarometer 3.0** (BZK): Spearman ρ between our total and each dimension and the
  Leefbaarometer's, per level and year, with a bootstrap 95 % interval. The Leefbaarometer is
  measured every two years; each of our years is paired with the newest Leefbaarometer year at
  or before it (our 2023 with its 2022), and the pairing is said. The two share nothing by
  construction (the Leefbaarometer is a regression on resident judgements and house prices), so
  agreement is evidence of validity; our dimensions map onto its own as housing–won,
  physical environment–fys, amenities–vrz, safety–onv and social cohesion–soc.
* **SES-WOA** (CBS): ρ between socio-economic security and the SES-WOA score of the same
  year. This is a *construction* check, not an independent one: SES-WOA is built from the
  same income, wealth, education and labour registers, and it is never an input of the index
  (catalogue 2026.1), so the check can fail.
* **The extremes**: the ten highest and lowest regions per score, with inhabitants and the
  flags a reader needs before believing them (fewer than 200 inhabitants; mainly
  non-residential).

The interval is a percentile bootstrap over regions (1,000 resamples, fixed seed): it says how
much ρ would move with another draw of buurten like these, not whether the index is right.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from wijkkompas.errors import WijkkompasError
from wijkkompas.monitor import IndexRun
from wijkkompas.store import AnalyticStore

LEEFBAAROMETER_PAIRS: tuple[tuple[str, str], ...] = (
    ("total", "lbm_score"),
    ("housing", "lbm_housing"),
    ("physical_environment", "lbm_physical_environment"),
    ("amenities", "lbm_amenities"),
    ("safety", "lbm_nuisance_insecurity"),
    ("social_cohesion", "lbm_social_cohesion"),
)
"""(our score, the Leefbaarometer indicator it is compared with)."""
SES_WOA_PAIRS: tuple[tuple[str, str], ...] = (("socioeconomic_security", "ses_woa_score"),)
BOOTSTRAP_DRAWS = 1000
MIN_PAIRS = 10


@dataclass(frozen=True)
class Agreement:
    """Spearman ρ between one of our scores and an external measure, in one level and year."""

    level: str
    score: str
    measure: str
    our_year: int
    their_year: int
    n: int
    rho: float
    low: float
    high: float
    note: str = ""


def spearman_interval(
    x: np.ndarray, y: np.ndarray, draws: int = BOOTSTRAP_DRAWS, seed: int = 0
) -> tuple[float, float, float]:
    """Spearman ρ and its 95 % percentile-bootstrap interval (resampling the pairs)."""
    rx, ry = rankdata(x), rankdata(y)
    rho = float(np.corrcoef(rx, ry)[0, 1])
    rng = np.random.default_rng(seed)
    n = len(x)
    picks = rng.integers(0, n, size=(draws, n))
    values = np.empty(draws)
    for d, pick in enumerate(picks):
        a, b = rankdata(x[pick]), rankdata(y[pick])
        sa, sb = a.std(), b.std()
        values[d] = np.nan if sa == 0 or sb == 0 else float(np.corrcoef(a, b)[0, 1])
    low, high = np.nanpercentile(values, [2.5, 97.5])
    return rho, float(low), float(high)


def agreements(
    run: IndexRun,
    store: AnalyticStore,
    pairs: tuple[tuple[str, str], ...],
    *,
    same_year_only: bool = False,
) -> list[Agreement]:
    """ρ per level, year and pair of ``run``'s scores with the store's external figures."""
    measures = sorted({m for _, m in pairs})
    with store.reader() as reader:
        theirs = reader.observations(indicator_ids=measures)
    theirs = theirs.dropna(subset=["value"])
    ours = run.table
    out: list[Agreement] = []
    for score, measure in pairs:
        found = theirs[theirs["indicator_id"] == measure]
        for level in sorted(set(found["level"]) & set(ours["level"])):
            their_years = sorted(
                int(y) for y in found.loc[found["level"] == level, "region_year"].unique()
            )
            ours_level = ours[ours["level"] == level]
            for our_year in sorted(int(y) for y in ours_level["year"].unique()):
                earlier = [y for y in their_years if y <= our_year]
                if not earlier or (same_year_only and earlier[-1] != our_year):
                    continue
                their_year = earlier[-1]
                part = found[(found["level"] == level) & (found["region_year"] == their_year)]
                pairs_frame = ours_level[ours_level["year"] == our_year].merge(
                    part[["region_code", "value"]], left_on="code", right_on="region_code"
                )
                pairs_frame = pairs_frame.dropna(subset=[score, "value"])
                if len(pairs_frame) < MIN_PAIRS:
                    continue
                rho, low, high = spearman_interval(
                    pairs_frame[score].to_numpy(dtype=float),
                    pairs_frame["value"].to_numpy(dtype=float),
                )
                note = "" if their_year == our_year else f"our {our_year} with their {their_year}"
                out.append(
                    Agreement(
                        level, score, measure, our_year, their_year, len(pairs_frame), rho,
                        low, high, note,
                    )
                )  # fmt: skip
    return out


def agreement_with_leefbaarometer(run: IndexRun, store: AnalyticStore) -> list[Agreement]:
    """See the module notes; a clear error when nothing can be paired."""
    found = agreements(run, store, LEEFBAAROMETER_PAIRS)
    if not found:
        raise WijkkompasError(
            f"No region has both a score and a Leefbaarometer score (at least {MIN_PAIRS} are "
            "needed per level and year). Import the Leefbaarometer buurt scores "
            "('Leefbaarometer-scores buurten 2002-2024.csv') for the same buurten, and figures "
            "of the same or a later year."
        )
    return found


def agreement_with_ses_woa(run: IndexRun, store: AnalyticStore) -> list[Agreement]:
    """See the module notes; a clear error when nothing can be paired."""
    found = agreements(run, store, SES_WOA_PAIRS, same_year_only=True)
    if not found:
        raise WijkkompasError(
            "No region has both a socio-economic security score and a SES-WOA score of the same "
            f"year (at least {MIN_PAIRS} are needed). Import CBS 85163NED 'SES-WOA scores per "
            "wijk en buurt' for a year the store has figures for."
        )
    return found


EXTREME_COLUMNS = [
    "rank_side",
    "position",
    "code",
    "name",
    "population",
    "score",
    "groups_scored",
    "flags",
]


def extremes(run: IndexRun, score: str = "total", n: int = 10) -> pd.DataFrame:
    """The ``n`` highest and lowest regions per level and year on ``score``, with flags."""
    table = run.table.dropna(subset=[score])
    parts = []
    for level, year in sorted(set(zip(table["level"], table["year"].astype(int), strict=True))):
        group = table[(table["level"] == level) & (table["year"] == year)]
        ordered = group.sort_values(score, ascending=False)
        for side, rows in (("highest", ordered.head(n)), ("lowest", ordered.tail(n)[::-1])):
            frame = pd.DataFrame(
                {
                    "level": level,
                    "year": year,
                    "rank_side": side,
                    "position": range(1, len(rows) + 1),
                    "code": rows["code"].to_numpy(),
                    "name": rows["name"].to_numpy(),
                    "population": rows["population"].to_numpy(),
                    "score": rows[score].to_numpy(dtype=float),
                    "groups_scored": rows["groups_scored"].to_numpy(),
                    "flags": [_flags(r) for r in rows.itertuples()],
                }
            )
            parts.append(frame)
    columns = ["level", "year", *EXTREME_COLUMNS]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def _flags(row: object) -> str:
    """What a reader must know before believing an extreme: few people, few homes."""
    flags = []
    if bool(getattr(row, "small_population", False)):
        flags.append("fewer than 200 inhabitants")
    if bool(getattr(row, "non_residential", False)):
        flags.append("mainly non-residential")
    return "; ".join(flags)
