"""The panel: regions × years × indicators as one dense array.

Whole-country scoring must stay under a second, which rules out pandas group-bys per region.
So the long table (one row per region, year and indicator) is turned once into a dense
``(years, regions, indicators)`` array with the hierarchy as integer index arrays; every later
step is vectorised numpy over that array. Missing is NaN, never zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wijkkompas.index.parallel import for_each_block

LEVEL_DEPTH = {"gemeente": 0, "wijk": 1, "buurt": 2, "custom": 3}
REGION_COLUMNS = ("region_code", "level", "gemeente_code", "wijk_code")


@dataclass
class Panel:
    """Regions × years × indicators, with the gemeente > wijk > buurt hierarchy.

    Attributes
    ----------
    regions
        One row per region, in array order: ``region_code``, ``level``, ``gemeente_code``,
        ``wijk_code``.
    years
        Sorted panel years.
    indicators
        Indicator ids along the last axis of ``values``.
    values
        ``(years, regions, indicators)`` float array; NaN is missing.
    population
        ``(years, regions)`` inhabitants, or None when unknown.
    periods
        ``(years, regions, indicators)`` reference period of each value as a year (income in
        the 2019 table: 2017), NaN where there is no value; None when the caller gave none
        (then a value's period is its panel year).
    sources
        ``(years, regions, indicators)`` index into ``source_names`` of the source each value
        came from (-1: none); None when unknown.
    """

    regions: pd.DataFrame
    years: np.ndarray
    indicators: tuple[str, ...]
    values: np.ndarray
    population: np.ndarray | None = None
    periods: np.ndarray | None = None
    sources: np.ndarray | None = None
    source_names: tuple[str, ...] = ()
    parent: np.ndarray = field(init=False)
    """Index of the nearest region above each region that is in the panel (-1: none)."""
    gemeente_index: np.ndarray = field(init=False)
    wijk_index: np.ndarray = field(init=False)
    depth: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.regions = self.regions.reset_index(drop=True)
        self.years = np.asarray(self.years, dtype=int)
        self.indicators = tuple(self.indicators)
        shape = (len(self.years), len(self.regions), len(self.indicators))
        if self.values.shape != shape:
            raise ValueError(f"values has shape {self.values.shape}, expected {shape}")
        for name in ("periods", "sources"):
            extra = getattr(self, name)
            if extra is not None and extra.shape != shape:
                raise ValueError(f"{name} has shape {extra.shape}, expected {shape}")
        position = pd.Series(np.arange(len(self.regions)), index=self.regions["region_code"])
        if position.index.has_duplicates:
            raise ValueError("a region code occurs more than once in the panel's regions")

        def lookup(codes: pd.Series) -> np.ndarray:
            return position.reindex(codes.to_numpy()).fillna(-1).to_numpy(dtype=int)

        self.gemeente_index = lookup(self.regions["gemeente_code"])
        self.wijk_index = lookup(self.regions["wijk_code"])
        self.depth = self.regions["level"].map(LEVEL_DEPTH).fillna(3).to_numpy(dtype=int)
        own = np.arange(len(self.regions))
        wijk = np.where((self.wijk_index >= 0) & (self.wijk_index != own), self.wijk_index, -1)
        gemeente = np.where(self.gemeente_index != own, self.gemeente_index, -1)
        self.parent = np.where(self.depth >= 2, np.where(wijk >= 0, wijk, gemeente), gemeente)
        self.parent[self.depth == 0] = -1

    @property
    def codes(self) -> np.ndarray:
        return self.regions["region_code"].to_numpy()

    @property
    def levels(self) -> np.ndarray:
        return self.regions["level"].to_numpy()

    def matrix(self, ids: Sequence[str]) -> np.ndarray:
        """A fresh ``(years, regions, len(ids))`` array; indicators not in the panel are NaN."""
        return _gather(self.values, self.indicators, ids, np.nan)

    def period_matrix(self, ids: Sequence[str]) -> np.ndarray:
        """Reference-period years of ``matrix(ids)``; the panel year where none were given."""
        if self.periods is None:
            values = _gather(self.values, self.indicators, ids, np.nan, view=True)
            out = np.empty(values.shape)
            Y = len(self.years)
            years = self.years.astype(float)

            def year(t: int) -> None:
                out[t] = years[t]
                np.copyto(out[t], np.nan, where=np.isnan(values[t]))

            for_each_block(Y, year, out.size)
            return out
        return _gather(self.periods, self.indicators, ids, np.nan)

    def source_matrix(self, ids: Sequence[str]) -> np.ndarray:
        """Source indices (into ``source_names``) of ``matrix(ids)``; -1 where unknown."""
        if self.sources is None:
            return np.full((len(self.years), len(self.regions), len(ids)), -1, dtype=np.int16)
        return _gather(self.sources, self.indicators, ids, -1)

    def with_values(
        self, indicators: Sequence[str], values: np.ndarray, periods: np.ndarray | None = None
    ) -> Panel:
        """The same regions and years with other indicator arrays (derived inputs)."""
        return Panel(
            self.regions,
            self.years,
            tuple(indicators),
            values,
            self.population,
            periods,
            None,
            self.source_names,
        )

    def select(
        self, regions: np.ndarray | None = None, years: Sequence[int] | None = None
    ) -> Panel:
        """A sub-panel (a boolean or index array of regions, and/or a list of years)."""
        r = np.arange(len(self.regions)) if regions is None else np.asarray(regions)
        if r.dtype == bool:
            r = np.flatnonzero(r)
        y = (
            np.arange(len(self.years))
            if years is None
            else np.flatnonzero(np.isin(self.years, list(years)))
        )
        pop = None if self.population is None else self.population[np.ix_(y, r)]
        cut = np.ix_(y, r, np.arange(len(self.indicators)))
        return Panel(
            self.regions.iloc[r],
            self.years[y],
            self.indicators,
            self.values[cut],
            pop,
            None if self.periods is None else self.periods[cut],
            None if self.sources is None else self.sources[cut],
            self.source_names,
        )

    def to_long(self) -> pd.DataFrame:
        """Back to the long format (rows with a value only)."""
        y, r, k = np.nonzero(~np.isnan(self.values))
        out = self.regions.iloc[r].reset_index(drop=True)
        out["year"] = self.years[y]
        out["indicator_id"] = np.asarray(self.indicators, dtype=object)[k]
        out["value"] = self.values[y, r, k]
        if self.periods is not None:
            out["period"] = self.periods[y, r, k]
        if self.sources is not None and self.source_names:
            names = np.asarray((*self.source_names, ""), dtype=object)
            out["source"] = names[self.sources[y, r, k]]
        if self.population is not None:
            out["population"] = self.population[y, r]
        return out

    @classmethod
    def from_long(cls, frame: pd.DataFrame) -> Panel:
        """Build from the long format: region columns, ``year``, ``indicator_id``, ``value``
        and optionally ``period``, ``source`` and ``population`` (else the ``population``
        indicator is used)."""
        missing = {"region_code", "year", "indicator_id", "value"} - set(frame.columns)
        if missing:
            raise ValueError(f"the panel lacks the column(s) {', '.join(sorted(missing))}")
        regions = _regions_frame(frame.drop_duplicates("region_code"))
        return _assemble(frame, regions)


def build_panel(observations: pd.DataFrame, regions: pd.DataFrame) -> Panel:
    """Join store observations to their regions and build the dense panel.

    Parameters
    ----------
    observations
        Long table with ``region_code``, ``year``, ``indicator_id``, ``value`` (NaN = missing)
        and optionally ``population``.
    regions
        One row per region with ``region_code`` and optionally ``level``, ``gemeente_code``,
        ``wijk_code`` (derived from the CBS code when absent). Regions without observations
        are kept, so a buurt with no data still appears (and gets no score).

    Returns
    -------
    Panel
    """
    known = set(regions["region_code"])
    stray = sorted(set(observations["region_code"].unique()) - known)
    if stray:
        raise ValueError(
            f"{len(stray)} observation region(s) are not in the regions table, e.g. {stray[:3]}"
        )
    return _assemble(observations, _regions_frame(regions.drop_duplicates("region_code")))


def _regions_frame(frame: pd.DataFrame) -> pd.DataFrame:
    codes = frame["region_code"].astype(str).str.strip().str.upper()
    out = pd.DataFrame({"region_code": codes.to_numpy()})
    prefix = codes.str[:2].map({"GM": "gemeente", "WK": "wijk", "BU": "buurt"})
    out["level"] = (
        frame["level"].to_numpy() if "level" in frame else prefix.fillna("custom").to_numpy()
    )
    derived = {"gemeente_code": "GM" + codes.str[2:6], "wijk_code": "WK" + codes.str[2:8]}
    for column, values in derived.items():
        given = frame[column].to_numpy() if column in frame else np.full(len(frame), None)
        out[column] = np.where(pd.isna(given), values.to_numpy(), given)
    out.loc[out["level"] == "gemeente", "wijk_code"] = None
    return out


def _assemble(frame: pd.DataFrame, regions: pd.DataFrame) -> Panel:
    codes = frame["region_code"].astype(str).str.strip().str.upper()
    r = pd.Index(regions["region_code"]).get_indexer(codes)
    years, y = np.unique(frame["year"].to_numpy(dtype=int), return_inverse=True)
    k, indicators = pd.factorize(frame["indicator_id"], sort=True)
    shape = (len(years), len(regions), len(indicators))
    flat = (y * shape[1] + r) * shape[2] + k
    if np.bincount(flat, minlength=int(np.prod(shape))).max(initial=0) > 1:
        raise ValueError("the panel has more than one value for a region, year and indicator")
    values = np.full(shape, np.nan)
    values.reshape(-1)[flat] = frame["value"].to_numpy(dtype=float)
    periods = None
    if "period" in frame:
        periods = np.full(shape, np.nan)
        periods.reshape(-1)[flat] = period_years(frame["period"])
    sources: np.ndarray | None = None
    source_names: tuple[str, ...] = ()
    if "source" in frame:
        codes_, uniques = pd.factorize(frame["source"].astype("object").fillna(""))
        sources = np.full(shape, -1, dtype=np.int16)
        sources.reshape(-1)[flat] = codes_.astype(np.int16)
        source_names = tuple(str(u) for u in uniques)
    population = None
    if "population" in frame and frame["population"].notna().any():
        population = np.full(shape[:2], np.nan)
        known = frame["population"].notna().to_numpy()
        population.reshape(-1)[(y * shape[1] + r)[known]] = frame["population"].to_numpy(
            dtype=float
        )[known]
    elif "population" in indicators:
        population = values[:, :, list(indicators).index("population")].copy()
    return Panel(
        regions, years, tuple(indicators), values, population, periods, sources, source_names
    )


def period_years(periods: pd.Series) -> np.ndarray:
    """The year of each period label ("2017", "2019-01-01", 2017.0), NaN when there is none."""
    if pd.api.types.is_numeric_dtype(periods):
        return periods.to_numpy(dtype=float)
    text = periods.astype("string").str.slice(0, 4)
    return pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)


def _gather(
    array: np.ndarray, have: Sequence[str], ids: Sequence[str], fill: float, view: bool = False
) -> np.ndarray:
    """A fresh ``(years, regions, len(ids))`` selection of ``array``'s indicator columns
    (a view of it, when ``view`` and the ids are a run of its columns); ``fill`` where an id is
    not among ``have``. The common case, every id present in a run of columns, is one copy of
    a slice; fancy indexing on the last axis of a whole-country panel costs several times
    more."""
    where = {ind: k for k, ind in enumerate(have)}
    pairs = [(j, where[i]) for j, i in enumerate(ids) if i in where]
    if len(pairs) == len(ids):
        src = np.array([k for _, k in pairs], dtype=int)
        if src.size and (np.diff(src) == 1).all():
            run = array[:, :, src[0] : src[-1] + 1]
            if view:
                return run
            out = np.empty(run.shape, dtype=array.dtype)
            for_each_block(len(out), lambda t: np.copyto(out[t], run[t]), out.size)
            return out
        return np.take(array, src, axis=2)
    out = np.full((*array.shape[:2], len(ids)), fill, dtype=array.dtype)
    if pairs:
        out[:, :, [j for j, _ in pairs]] = array[:, :, [k for _, k in pairs]]
    return out
