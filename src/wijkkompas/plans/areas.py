"""A plan's area: one or more CBS region codes, checked against the regions the monitor knows.

A plan names its area in the codes of one boundary year, but figures come in the boundaries of
their own year (a buurt split in 2020 has other codes before). Membership is therefore decided
per boundary year: a wijk code takes whatever buurten the wijk had that year, a gemeente code all
its buurten. That is also what "a custom area" means for the monitor: the sum of its buurten.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from wijkkompas.errors import InvalidRegionCode
from wijkkompas.regions import parse_region_code, within


@dataclass(frozen=True)
class PlanArea:
    """The codes a plan (or an intervention) covers, normalised and sorted."""

    codes: tuple[str, ...]

    @classmethod
    def of(cls, codes: Iterable[str]) -> PlanArea:
        return cls(tuple(sorted({c.strip().upper() for c in codes if c.strip()})))

    def covers(self, code: str) -> bool:
        """Whether a region lies inside this area by its code alone (CBS codes nest)."""
        return any(within(code, own) for own in self.codes)


@dataclass(frozen=True)
class AreaIndex:
    """The regions of every boundary year, as the analytic store has them."""

    regions: pd.DataFrame
    """Columns ``code``, ``name``, ``level``, ``year``, ``gemeente_code``, ``wijk_code``."""

    def known(self, code: str) -> bool:
        return bool((self.regions["code"] == code).any())

    def unknown(self, codes: Sequence[str]) -> list[str]:
        """The codes that are not CBS codes, or that the store has in no year."""
        missing = []
        for raw in codes:
            try:
                code = parse_region_code(raw).code
            except InvalidRegionCode:
                missing.append(raw)
                continue
            if not self.known(code):
                missing.append(raw)
        return missing

    def name(self, code: str) -> str:
        rows = self.regions[self.regions["code"] == code]
        return str(rows.sort_values("year")["name"].iloc[-1]) if len(rows) else code

    def gemeenten(self, codes: Sequence[str]) -> set[str]:
        rows = self.regions[self.regions["code"].isin(list(codes))]
        return {str(g) for g in rows["gemeente_code"]}

    def buurten(self, area: PlanArea, year: int | None = None) -> list[str]:
        """The buurten of ``area`` in boundary year ``year`` (every year when None)."""
        return sorted({code for code, _ in self.buurt_years(area, year)})

    def buurt_years(self, area: PlanArea, year: int | None = None) -> set[tuple[str, int]]:
        """(buurt code, boundary year) pairs inside ``area``."""
        frame = self.regions[self.regions["level"] == "buurt"]
        if year is not None:
            frame = frame[frame["year"] == year]
        codes = list(area.codes)
        inside = (
            frame["code"].isin(codes)
            | frame["wijk_code"].isin(codes)
            | frame["gemeente_code"].isin(codes)
        )
        chosen = frame[inside]
        return {(str(c), int(y)) for c, y in zip(chosen["code"], chosen["year"], strict=True)}

    def options(self, gemeente: str | None = None) -> list[tuple[str, str, str]]:
        """(code, name, level) of the newest boundary year, wijken before buurten: for forms."""
        frame = self.regions
        if gemeente:
            frame = frame[frame["gemeente_code"] == gemeente]
        if frame.empty:
            return []
        newest = frame[frame["year"] == frame["year"].max()]
        order = {"gemeente": 0, "wijk": 1, "buurt": 2}
        rows = sorted(
            newest.itertuples(index=False), key=lambda r: (order[str(r.level)], str(r.code))
        )
        return [(str(r.code), str(r.name), str(r.level)) for r in rows]
