"""From stored figures to the engine's panel: one value per region, year and indicator, and the
rates no source publishes.

Two things happen here that scoring must not have to think about:

* **One value per region-year-indicator.** Several sources can give the same indicator for
  the same region and year (households in both the KWB and SES-WOA; distances in the KWB and
  in Nabijheid voorzieningen). A documented priority decides (``SourceRules``), a published
  figure always beats an empty one, and the winners are reported, so an import never makes
  scoring fail with "more than one value".
* **Derived indicators for real.** Every rate the catalogue defines by a numerator and a
  denominator is computed wherever both are present, from any source, unless a source
  publishes the rate itself; counts defined as sums are summed; and where no source gives the
  number of inhabitants, the sum of the age groups stands in (``fallback_sum_of``), so
  suppression and shrinkage are never silently off. Each derived value keeps the period of its
  numerator and is marked as derived.

Nothing here reads a file or the store: the service layer hands in the stored figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from wijkkompas.index.panel import Panel, build_panel, period_years

DERIVED = "afgeleid"
"""The source name of a value wijkkompas computed from other figures."""

RATE_FACTORS = {"percent": 100.0, "per_1000": 1000.0}
DENOMINATOR_REACH = 1
"""Years a denominator may be borrowed from when the numerator's year has none: crime of 2023
divided by the inhabitants of 1 January 2024, the nearest count at hand. Said in the log."""


@dataclass(frozen=True)
class SourceRules:
    """How figures from several sources become one value per region, year and indicator.

    Attributes
    ----------
    priority
        Source keys, most trusted first, for an indicator that several sources give for the
        same region and year. Sources not named rank after all named ones, alphabetically.
    period_keyed
        Sources whose file holds several measurement years on one boundary year (the RIVM
        health monitor: 2012, 2016 and 2020, all on the 2020 indeling). Their figures belong to
        the year of their period, not to the boundary year.
    """

    priority: tuple[str, ...] = ()
    period_keyed: frozenset[str] = frozenset()

    def rank(self, sources: pd.Series) -> np.ndarray:
        order = {s: i for i, s in enumerate(self.priority)}
        known = sources.map(order)
        return known.fillna(len(order)).to_numpy(dtype=float)


@dataclass
class Selection:
    """The chosen figures, and which source won where several gave one."""

    figures: pd.DataFrame
    """Long: ``region_code``, ``year``, ``indicator_id``, ``value``, ``period``, ``source``."""
    conflicts: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Per indicator and year: ``winner``, ``other`` source and how many figures overlapped."""
    converted: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Current codes and index years whose figures were moved from older codes with a
    crosswalk: ``region_code``, ``year``, ``converted_from`` (see ``wijkkompas.regions.crosswalk``)."""
    code_breaks: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Older codes whose figures no crosswalk could move, and why."""


def select_figures(observations: pd.DataFrame, rules: SourceRules) -> Selection:
    """One figure per region, index year and indicator (see module notes).

    ``observations`` is the store's long table: ``region_code``, ``region_year``,
    ``indicator_id``, ``period``, ``value``, ``source`` (extra columns are carried along).
    """
    frame = observations.copy()
    year = frame["region_year"].to_numpy(dtype=float)
    if rules.period_keyed:
        keyed = frame["source"].isin(rules.period_keyed).to_numpy()
        year = np.where(keyed, period_years(frame["period"]), year)
    frame["year"] = year
    frame = frame[~np.isnan(year)]
    frame["year"] = frame["year"].astype(int)
    frame["_empty"] = frame["value"].isna().to_numpy()
    frame["_rank"] = rules.rank(frame["source"])
    frame["_period"] = -period_years(frame["period"])  # the newest period first
    frame = frame.sort_values(
        ["region_code", "year", "indicator_id", "_empty", "_rank", "_period", "source"],
        kind="stable",
    )
    key = ["region_code", "year", "indicator_id"]
    duplicated = frame.duplicated(key, keep="first")
    conflicts = _conflicts(frame, duplicated, key)
    chosen = frame[~duplicated].drop(columns=["_empty", "_rank", "_period"])
    return Selection(chosen.reset_index(drop=True), conflicts)


def _conflicts(frame: pd.DataFrame, duplicated: pd.Series, key: list[str]) -> pd.DataFrame:
    """Where another source also had a value: which won, per indicator, year and source pair."""
    columns = ["indicator_id", "year", "winner", "other", "figures"]
    losers = frame[duplicated & ~frame["_empty"]]
    if losers.empty:
        return pd.DataFrame(columns=columns)
    winners = frame[~duplicated].set_index(key)["source"]
    pairs = losers[[*key, "source"]].rename(columns={"source": "other"})
    pairs["winner"] = winners.reindex(pd.MultiIndex.from_frame(pairs[key])).to_numpy()
    pairs = pairs[pairs["winner"] != pairs["other"]]
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    out = pairs.groupby(["indicator_id", "year", "winner", "other"]).size()
    return out.rename("figures").reset_index()[columns]


def panel_from_figures(figures: pd.DataFrame, regions: pd.DataFrame, catalogue: Any) -> Panel:
    """The dense panel of the chosen figures with every derivable indicator added."""
    panel = build_panel(figures, regions)
    return derive(panel, catalogue)


def derive(panel: Panel, catalogue: Any, log: list[dict[str, Any]] | None = None) -> Panel:
    """Add fallback counts, sums and rates the panel lacks (see module notes); a new panel.

    Parameters
    ----------
    panel
        Values of the chosen figures (with ``periods`` and ``sources`` when known).
    catalogue
        Anything with ``indicators`` carrying ``numerator``, ``denominator``, ``sum_of``,
        ``fallback_sum_of`` and ``unit``.
    log
        When given, one entry per derivation that filled something (how many values, from
        what), for the run log.
    """
    log = log if log is not None else []
    indicators = list(catalogue.indicators)
    ids = list(panel.indicators)
    wanted = _derivable(indicators)
    new_ids = ids + [i.id for i in wanted if i.id not in ids]
    Y, R = len(panel.years), len(panel.regions)
    values = np.full((Y, R, len(new_ids)), np.nan)
    values[:, :, : len(ids)] = panel.values
    periods = np.full(values.shape, np.nan)
    periods[:, :, : len(ids)] = panel.period_matrix(ids)
    sources = np.full(values.shape, -1, dtype=np.int16)
    sources[:, :, : len(ids)] = panel.source_matrix(ids)
    names = list(panel.source_names)
    if DERIVED not in names:
        names.append(DERIVED)
    derived_code = names.index(DERIVED)
    col = {i: k for k, i in enumerate(new_ids)}
    state = _Arrays(values, periods, sources, derived_code, panel.years)
    for ind in wanted:
        if ind.sum_of:
            state.fill_sum(col[ind.id], [col.get(p) for p in ind.sum_of], ind.id, log)
        if ind.fallback_sum_of:
            state.fill_sum(col[ind.id], [col.get(p) for p in ind.fallback_sum_of], ind.id, log)
        if ind.numerator and ind.denominator:
            state.fill_rate(
                col[ind.id],
                col.get(ind.numerator),
                col.get(ind.denominator),
                RATE_FACTORS.get(ind.unit, 1.0),
                ind.id,
                log,
            )
    population = panel.population
    if "population" in col:
        population = values[:, :, col["population"]].copy()
    return Panel(
        panel.regions, panel.years, tuple(new_ids), values, population, periods, sources,
        tuple(names),
    )  # fmt: skip


def _derivable(indicators: Sequence[Any]) -> list[Any]:
    """Indicators with a derivation, parts before wholes (a rate's denominator may be a sum)."""
    by_id = {i.id: i for i in indicators}
    has_rule = {
        i.id for i in indicators if i.sum_of or i.fallback_sum_of or (i.numerator and i.denominator)
    }
    ordered: list[Any] = []
    seen: set[str] = set()

    def visit(ind_id: str, depth: int = 0) -> None:
        if ind_id in seen or ind_id not in has_rule or depth > len(indicators):
            return
        ind = by_id[ind_id]
        for part in (*ind.sum_of, *ind.fallback_sum_of, ind.numerator, ind.denominator):
            if part:
                visit(part, depth + 1)
        seen.add(ind_id)
        ordered.append(ind)

    for ind in indicators:
        visit(ind.id)
    return ordered


@dataclass
class _Arrays:
    values: np.ndarray
    periods: np.ndarray
    sources: np.ndarray
    derived: int
    years: np.ndarray

    def fill_sum(
        self, k: int, parts: Iterable[int | None], ind_id: str, log: list[dict[str, Any]]
    ) -> None:
        given = list(parts)
        if not given or any(c is None for c in given):
            return
        cols = [int(c) for c in given if c is not None]
        block = self.values[:, :, cols]
        total = block.sum(axis=2)  # NaN when any part is missing: never a partial sum
        gap = np.isnan(self.values[:, :, k]) & ~np.isnan(total)
        if not gap.any():
            return
        self.values[:, :, k][gap] = total[gap]
        parts_periods = self.periods[:, :, cols]
        known = ~np.isnan(parts_periods).all(axis=2)
        latest = np.full(total.shape, np.nan)
        latest[known] = np.nanmax(parts_periods[known], axis=1)
        self.periods[:, :, k][gap] = latest[gap]
        self.sources[:, :, k][gap] = self.derived
        log.append({"step": "derived", "indicator": ind_id, "filled": int(gap.sum())})

    def fill_rate(
        self,
        k: int,
        num: int | None,
        den: int | None,
        factor: float,
        ind_id: str,
        log: list[dict[str, Any]],
    ) -> None:
        if num is None or den is None:
            return
        numerator = self.values[:, :, num]
        denominator, borrowed = self._denominator(den)
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = numerator / denominator * factor
        rate[~(denominator > 0)] = np.nan
        gap = np.isnan(self.values[:, :, k]) & ~np.isnan(rate)
        if not gap.any():
            return
        self.values[:, :, k][gap] = rate[gap]
        self.periods[:, :, k][gap] = self.periods[:, :, num][gap]
        self.sources[:, :, k][gap] = self.derived
        entry: dict[str, Any] = {"step": "derived", "indicator": ind_id, "filled": int(gap.sum())}
        if (borrowed & gap).any():
            entry["denominator_from_nearest_year"] = int((borrowed & gap).sum())
        log.append(entry)

    def _denominator(self, den: int) -> tuple[np.ndarray, np.ndarray]:
        """The denominator of each year, borrowed from the nearest year (later first) within
        ``DENOMINATOR_REACH`` where the year itself has none."""
        own = self.values[:, :, den]
        out = own.copy()
        borrowed = np.zeros(own.shape, dtype=bool)
        for step in range(1, DENOMINATOR_REACH + 1):
            for direction in (1, -1):
                for t in range(len(self.years)):
                    s = np.flatnonzero(self.years == self.years[t] + direction * step)
                    if not s.size:
                        continue
                    take = np.isnan(out[t]) & ~np.isnan(own[s[0]])
                    out[t][take] = own[s[0]][take]
                    borrowed[t] |= take
        return out, borrowed


def derive_figures(figures: dict[str, float], catalogue: Any) -> dict[str, float]:
    """The same derivations for one place's figures (the country's NL00 row): sums, fallback
    sums and rates the source did not publish, so a national rate exists for every rate."""
    out = dict(figures)
    for ind in _derivable(list(catalogue.indicators)):
        if ind.id in out and not np.isnan(out[ind.id]):
            continue
        parts = list(ind.sum_of) or list(ind.fallback_sum_of)
        if parts and all(p in out and not np.isnan(out[p]) for p in parts):
            out[ind.id] = float(sum(out[p] for p in parts))
        if ind.numerator and ind.denominator:
            num, den = out.get(ind.numerator, np.nan), out.get(ind.denominator, np.nan)
            if den and den > 0 and not np.isnan(num):
                out[ind.id] = float(num / den * RATE_FACTORS.get(ind.unit, 1.0))
    return out


def parts_of(indicator_id: str, catalogue: Any) -> list[str]:
    """Every figure a derived indicator may be computed from (recursively), itself first."""
    by_id = {i.id: i for i in catalogue.indicators}
    out: list[str] = []

    def visit(ind_id: str) -> None:
        if ind_id in out:
            return
        out.append(ind_id)
        ind = by_id.get(ind_id)
        if ind is None:
            return
        for part in (*ind.sum_of, *ind.fallback_sum_of, ind.numerator, ind.denominator):
            if part:
                visit(part)

    visit(indicator_id)
    return out


def derive_columns(wide: pd.DataFrame, catalogue: Any) -> pd.DataFrame:
    """The same derivations on a wide table (a column per indicator id), where missing."""
    out = wide.copy()
    for ind in _derivable(list(catalogue.indicators)):
        if not set([*ind.sum_of, *ind.fallback_sum_of]) <= set(out.columns) and not (
            ind.numerator in out.columns and ind.denominator in out.columns
        ):
            continue
        current = out[ind.id] if ind.id in out else pd.Series(np.nan, index=out.index)
        for parts in (list(ind.sum_of), list(ind.fallback_sum_of)):
            if parts and set(parts) <= set(out.columns):
                total = out[parts].sum(axis=1, min_count=len(parts))
                total[out[parts].isna().any(axis=1)] = np.nan
                current = current.fillna(total)
        if ind.numerator in out.columns and ind.denominator in out.columns:
            den = out[ind.denominator].where(out[ind.denominator] > 0)
            current = current.fillna(out[ind.numerator] / den * RATE_FACTORS.get(ind.unit, 1.0))
        out[ind.id] = current
    return out
