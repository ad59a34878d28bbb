"""The list a council asks for: buurten under pressure, sliding, hiding problems, gaps growing.

Inequality uses the pure functions of :mod:`wijkkompas.index` on the buurt totals per year.
Totals are on a z-like scale with negative values, while Gini and S80/S20 need positive ones;
the totals are therefore shifted by one fixed amount for all years (the lowest total ever seen
minus a quarter standard deviation). The level of the Gini then depends on the shift, but its
direction over the years — do gaps grow? — does not, and that is what the page reports. The
spread between the 80th and 20th percentile needs no shift and is shown beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from wijkkompas.index import gini, s80_s20


@dataclass(frozen=True)
class InequalityYear:
    year: int
    count: int
    gini: float
    s80_s20: float
    p80_p20: float


@dataclass(frozen=True)
class Judged:
    """For how many regions a signal could be judged at all: an empty list of buurten under
    pressure means "none" only for buurten with enough figures, and "unknown" for the rest."""

    judged: int = 0
    total: int = 0

    @property
    def unknown(self) -> int:
        return self.total - self.judged


@dataclass(frozen=True)
class Signals:
    year: int | None
    under_pressure: pd.DataFrame
    sliding: pd.DataFrame
    averages_hide: pd.DataFrame
    inequality: list[InequalityYear]
    pressure_judged: Judged = Judged()
    sliding_judged: Judged = Judged()
    hiding_judged: Judged = Judged()

    @property
    def gaps_grow(self) -> bool | None:
        """Whether the spread (P80−P20) is larger in the last year than in the first."""
        if len(self.inequality) < 2:
            return None
        return self.inequality[-1].p80_p20 > self.inequality[0].p80_p20


def inequality_by_year(buurten: pd.DataFrame) -> list[InequalityYear]:
    totals = buurten.dropna(subset=["total"])
    if totals.empty:
        return []
    shift = float(totals["total"].min()) - 0.25 * float(totals["total"].std() or 1.0)
    out = []
    for year, rows in totals.groupby("year"):
        values = rows["total"].to_numpy(dtype=float)
        shifted = values - shift
        p80, p20 = np.percentile(values, [80, 20])
        out.append(
            InequalityYear(
                year=int(str(year)),
                count=len(values),
                gini=gini(shifted),
                s80_s20=s80_s20(shifted),
                p80_p20=float(p80 - p20),
            )
        )
    return out


def signals(scores: pd.DataFrame | None, gemeente_code: str) -> Signals:
    """Signals of one gemeente in the newest year of the newest saved run."""
    empty = pd.DataFrame(columns=["code", "name", "level", "total", "class", "trend"])
    if scores is None:
        return Signals(None, empty, empty, empty, [])
    mine = scores[scores["code"].str[2:6] == gemeente_code[2:6]]
    buurten = mine[mine["level"] == "buurt"]
    if buurten.empty:
        return Signals(None, empty, empty, empty, [])
    year = int(buurten["year"].max())
    latest = buurten[buurten["year"] == year].sort_values("total")
    latest_wijken = mine[(mine["level"] == "wijk") & (mine["year"] == year)].sort_values("total")
    known_domains = pd.to_numeric(
        latest.get("cumulation_known", pd.Series(np.nan, index=latest.index)), errors="coerce"
    )
    pressure_decided = _decided(
        latest, "structureel_onder_druk", known_domains >= MIN_KNOWN_DOMAINS
    )
    hiding_decided = _decided(latest_wijken, "averages_hide", latest_wijken["total"].notna())
    return Signals(
        year=year,
        under_pressure=latest[latest["structureel_onder_druk"].fillna(False).astype(bool)],
        sliding=latest[latest["trend"] == "sliding"].sort_values("change"),
        averages_hide=latest_wijken[latest_wijken["averages_hide"].fillna(False).astype(bool)],
        inequality=inequality_by_year(buurten),
        pressure_judged=Judged(int(pressure_decided.sum()), len(latest)),
        sliding_judged=Judged(int(latest["trend"].notna().sum()), len(latest)),
        hiding_judged=Judged(int(hiding_decided.sum()), len(latest_wijken)),
    )


MIN_KNOWN_DOMAINS = 3
"""Fewer domains with figures and a buurt cannot be structurally under pressure by the rule
(three domains among the worst fifth): whether it is, is unknown."""


def _decided(rows: pd.DataFrame, flag: str, fallback: pd.Series) -> pd.Series:
    """Rows whose ``flag`` is a verdict: flagged, or "no" with the data to say so (the engine's
    ``<flag>_known``). Runs saved before that column existed fall back to ``fallback``."""
    raised = rows[flag].fillna(False).astype(bool)
    known = rows.get(f"{flag}_known")
    if known is None:
        return raised | fallback.fillna(False).astype(bool)
    filled = known.where(known.notna(), fallback)
    return raised | filled.fillna(False).astype(bool)
