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

Each ρ is given twice: over every region with both scores, and over the *residential* ones
only (at least 200 inhabitants and not mainly non-residential, by the rule of
``index.exposure``). Both indices describe where people live; where a buurt is mainly offices,
a park or a polder, ours withholds its per-resident rates and says it should not be compared,
so the second figure is the like-for-like one. The subset is fixed by that rule, written before
these checks were run on it, not chosen to raise ρ.

The interval is a percentile bootstrap over regions (1,000 resamples, fixed seed): it says how
much ρ would move with another draw of buurten like these, not whether the index is right.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from wijkkompas.errors import WijkkompasError
from wijkkompas.index.exposure import FLAGS, MIN_RESIDENTS
from wijkkompas.services.scoring import IndexRun
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
    regions: str = "all"
    """``all`` regions with both scores, or only the ``residential`` ones (see module)."""


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
                note = "" if their_year == our_year else f"our {our_year} with their {their_year}"
                for regions, frame in (
                    ("all", pairs_frame),
                    ("residential", _residential(pairs_frame)),
                ):
                    if len(frame) < MIN_PAIRS:
                        continue
                    rho, low, high = spearman_interval(
                        frame[score].to_numpy(dtype=float), frame["value"].to_numpy(dtype=float)
                    )
                    out.append(
                        Agreement(
                            level, score, measure, our_year, their_year, len(frame), rho, low,
                            high, note, regions,
                        )
                    )  # fmt: skip
    return out


def _residential(pairs: pd.DataFrame) -> pd.DataFrame:
    """The pairs of regions with at least 200 inhabitants that are not mainly non-residential."""
    population = pd.to_numeric(pairs["population"], errors="coerce")
    busy = (
        pairs["non_residential"].fillna(False).astype(bool) if "non_residential" in pairs else False
    )
    return pairs[(population >= MIN_RESIDENTS) & ~busy]


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


FLAG_WORDS = {
    "small_population": f"fewer than {MIN_RESIDENTS} inhabitants",
    "non_residential": "mainly non-residential",
    "rural": "rural surroundings",
}
"""How each flag of ``index.exposure.FLAGS`` is said in the extremes (the record's English)."""


def _flags(row: object) -> str:
    """What a reader must know before believing an extreme: few people, few homes."""
    return "; ".join(FLAG_WORDS[flag] for flag in FLAGS if bool(getattr(row, flag, False)))


SOURCE_LABELS: dict[str, str] = {
    "kwb": "KWB",
    "statline": "KWB",
    "kwb-series": "KWB-reeks",
    "boundaries": "Wijk- en buurtkaart",
    "nabijheid": "Nabijheid",
    "crime": "Politie",
    "ses-woa": "SES-WOA",
    "rivm": "RIVM",
    "leefbaarometer": "Leefbaarometer",
    "survey": "Enquête",
    "demo": "Demo",
}
"""How a source is named in a coverage cell: short, with the period the figures refer to."""


@dataclass(frozen=True)
class Coverage:
    """Which sources feed one score of one gemeente-year, and for how many buurten."""

    gemeente: str
    year: int
    group: str
    sources: tuple[str, ...]
    """``label period`` of each source whose own figures feed the score (empty: none)."""
    files: tuple[str, ...]
    share: float
    """Share of buurten with at least 200 inhabitants that have this score."""
    buurten: int


def coverage(run: IndexRun, store: AnalyticStore, year: int) -> list[Coverage]:
    """Per score group (and the total) of ``run``'s gemeente in ``year``: the sources and files
    whose own figures feed it in residential buurten (at least 200 inhabitants, not mainly
    non-residential: their per-resident rates are withheld by design), and the share of those
    buurten that have the score."""
    from wijkkompas.index.spec import GROUPS

    result = run.result
    panel, spec, state = result.panel, result.spec, result.state
    years = list(panel.years)
    if year not in years:
        raise WijkkompasError(f"{run.scope} has no year {year} (it has {years}).")
    t = years.index(year)
    R = len(panel.regions)
    scores = result.scores.iloc[t * R : (t + 1) * R]
    buurt = (
        (panel.levels == "buurt")
        & (scores["population"].to_numpy() >= MIN_RESIDENTS)
        & ~scores["non_residential"].to_numpy(dtype=bool)
    )
    rows = np.flatnonzero(buurt)
    lookup = _figure_files(store, run)
    out = []
    membership = spec.group_membership
    own = state.present[t * R : (t + 1) * R] & state.observed[t].reshape(R, -1)
    periods = state.periods[t]
    gemeente = str(panel.regions["gemeente_code"].iloc[0]) if R else ""
    for g, name in enumerate((*GROUPS, "total")):
        column = scores[name].to_numpy(dtype=float)
        cols = np.flatnonzero(membership[:, g]) if g < len(GROUPS) else np.arange(len(spec.ids))
        has = rows[~np.isnan(column[rows])]
        labels: set[str] = set()
        files: set[str] = set()
        for r in has:
            for k in cols:
                if not own[r, k]:
                    continue
                code, period = str(panel.codes[r]), int(periods[r, k])
                for label, file in _origins(lookup, code, spec.ids[k], period, run):
                    labels.add(label)
                    files.add(file)
        share = float(len(has) / len(rows)) if len(rows) else float("nan")
        out.append(
            Coverage(
                gemeente, year, name, tuple(sorted(labels)), tuple(sorted(files)), share, len(rows)
            )
        )
    return out


def _origins(
    lookup: dict[tuple[str, str, int], tuple[str, str]],
    code: str,
    indicator: str,
    period: int,
    run: IndexRun,
) -> list[tuple[str, str]]:
    """(label with period, file) of a figure; for one wijkkompas derived, of what it was derived
    from (a crime rate: the police count and the KWB inhabitants, within a year)."""
    from wijkkompas.index.inputs import parts_of

    found = lookup.get((code, indicator, period))
    if found is not None:
        return [(f"{found[0]} {period}", found[1])]
    out = []
    for part in parts_of(indicator, run.catalogue)[1:]:
        for year in (period, period + 1, period - 1):
            hit = lookup.get((code, part, year))
            if hit is not None:
                out.append((f"{hit[0]} {year}", hit[1]))
                break
    return out


def _figure_files(
    store: AnalyticStore, run: IndexRun
) -> dict[tuple[str, str, int], tuple[str, str]]:
    """(region, indicator, period year) → (source label, file) of the figure the run used."""
    import json

    if run.selection is None:
        return {}
    figures = run.selection.figures
    with store.reader() as reader:
        imports = reader.imports()
    files = {
        int(str(import_id)): str(json.loads(str(provenance)).get("file", source))
        for import_id, provenance, source in zip(
            imports["import_id"], imports["provenance"], imports["source"], strict=True
        )
    }
    periods = pd.to_numeric(figures["period"].astype(str).str[:4], errors="coerce")
    ok = periods.notna() & figures["value"].notna()
    frame = figures[ok]
    import_ids = frame["import_id"] if "import_id" in frame else pd.Series(-1, index=frame.index)
    return {
        (str(code), str(ind), int(period)): (
            SOURCE_LABELS.get(str(source), str(source)),
            files.get(int(imp), str(source)),
        )
        for code, ind, period, source, imp in zip(
            frame["region_code"], frame["indicator_id"], periods[ok], frame["source"],
            import_ids, strict=True,
        )
    }  # fmt: skip
