"""Voorbeeldstad's regions over the years: codes, names, polygons and who plays which role.

The story is decided here, before any number is drawn, so the numbers can be made to tell it and
the tests and pages can point at it through :class:`DemoNarrative`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon

from wijkkompas.demo import names
from wijkkompas.demo.geography import (
    Geography,
    Shape,
    build_geography,
    radial_of,
    split_in_two,
)
from wijkkompas.store.batch import Release

GEMEENTE_CODE = "GM9999"
YEARS: tuple[int, ...] = tuple(range(2015, 2025))
SPLIT_YEAR = 2020
CHANGE_BOUNDARY = 3
"""KWB indelingswijziging: 1 unchanged, 2 new code only, 3 new boundary (possibly new code)."""


def release_of(year: int) -> Release:
    """The newest table is voorlopig, as the newest KWB is when it appears; older ones are
    definitief. One rule for the town's and the country's figures, so they match."""
    return "voorlopig" if year == YEARS[-1] else "definitief"


@dataclass(frozen=True)
class DemoNarrative:
    """Which buurten tell which part of the story (all codes are buurt codes)."""

    gemeente_code: str
    years: tuple[int, ...]
    focus_wijk: str
    """The wijk where problems cumulate."""
    cumulating: tuple[str, ...]
    """Problems pile up across domains (income, youth care, crime, education) and persist."""
    sliding: tuple[str, ...]
    """Clearly worse every year."""
    climbing: tuple[str, ...]
    """Clearly better every year."""
    hidden_poverty: str
    """Average income at or above the gemeente's, yet many households with a low income."""
    tiny: tuple[str, ...]
    """Fewer than 50 inhabitants: most figures are suppressed (NaN, suppressed=True)."""
    split_year: int
    split_from: str
    """Exists up to the year before ``split_year``, then never again."""
    split_into: tuple[str, str]
    """Exist from ``split_year`` (change code 3 in that year)."""


@dataclass
class Buurt:
    """A buurt over its lifetime. The two halves of the split buurt inherit its character."""

    code: str
    name: str
    wijk_code: str
    polygon: Shape
    radial: float
    first_year: int = YEARS[0]
    last_year: int = YEARS[-1]
    parent: str | None = None
    role: str = "ordinary"

    def exists_in(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year

    @property
    def area_km2(self) -> float:
        return float(self.polygon.area) / 1e6


@dataclass
class Town:
    seed: int
    geography: Geography
    wijken: dict[str, str]
    """wijk code -> name, in code order."""
    buurten: list[Buurt]
    narrative: DemoNarrative
    wijk_effect: dict[str, float] = field(default_factory=dict)

    def buurten_in(self, year: int) -> list[Buurt]:
        return [b for b in self.buurten if b.exists_in(year)]

    def buurt(self, code: str) -> Buurt:
        return next(b for b in self.buurten if b.code == code)


def _pick_roles(
    rng: np.random.Generator, geography: Geography
) -> tuple[int, dict[str, list[int]]]:  # fmt: skip
    """Choose disjoint sets of cells for each role; returns the focus wijk and the roles."""
    members = {
        w: sorted(
            (i for i, wi in enumerate(geography.wijk_of) if wi == w),
            key=lambda i: geography.cells[i].radial,
        )
        for w in range(geography.n_wijken)
    }
    # Problems cumulate in an inner-ring wijk (not the centre): post-war housing, typically.
    candidates = [w for w in range(1, geography.n_wijken) if len(members[w]) >= 6]
    focus = candidates[0] if candidates else max(members, key=lambda w: len(members[w]))
    taken: set[int] = set()

    def nearest_group(w: int, size: int) -> list[int]:
        pool = [i for i in members[w] if i not in taken]
        start = pool[int(rng.integers(len(pool)))]
        c = geography.cells[start].polygon.centroid
        pool.sort(key=lambda i: geography.cells[i].polygon.centroid.distance(c))
        group = sorted(pool[:size])
        taken.update(group)
        return group

    roles: dict[str, list[int]] = {"cumulating": nearest_group(focus, 4)}
    others = [w for w in range(1, geography.n_wijken) if w != focus and len(members[w]) >= 5]
    order = [others[int(i)] for i in rng.permutation(len(others))]
    roles["sliding"] = nearest_group(order[0], 3)
    roles["climbing"] = nearest_group(order[1], 3)
    # Tiny buurten: the outermost cells (business parks, countryside) of three other wijken.
    tiny: list[int] = []
    for w in sorted(range(geography.n_wijken), key=lambda w: -len(members[w])):
        if w in (focus, 0) or len(tiny) == 3:
            continue
        outer = [i for i in reversed(members[w]) if i not in taken]
        if len(outer) >= 4:
            tiny.append(outer[0])
            taken.add(outer[0])
    roles["tiny"] = sorted(tiny)
    # A bimodal centre buurt: students and starters next to well-off owners.
    centre = [i for i in members[0] if i not in taken]
    roles["hidden_poverty"] = [centre[int(rng.integers(len(centre)))]]
    taken.update(roles["hidden_poverty"])
    # The split buurt: a large outer buurt where a new estate gets its own code.
    rest = [i for i in range(len(geography.cells)) if i not in taken]
    roles["split"] = [max(rest, key=lambda i: geography.cells[i].polygon.area)]
    return focus, roles


def _node_neighbours(buurten: list[Buurt], halves: list[Buurt]) -> None:
    """Give the split buurt and its neighbours a vertex where the cut meets their border.

    A coverage needs neighbours to share vertices, not only lines; without this the new cut
    would end in the middle of a neighbour's edge and coverage operations refuse the map.
    """
    if not halves:
        return
    parent = next(b for b in buurten if b.code == halves[0].parent)
    old = {tuple(xy) for xy in shapely.get_coordinates(parent.polygon)}
    new = [xy for h in halves for xy in shapely.get_coordinates(h.polygon) if tuple(xy) not in old]
    cut_ends = shapely.MultiPoint(new)
    for buurt in buurten:
        if buurt in halves:
            continue
        if buurt is parent or buurt.polygon.distance(parent.polygon) < 0.05:
            snapped = shapely.snap(buurt.polygon, cut_ends, 0.05)
            if isinstance(snapped, Polygon | MultiPolygon):
                buurt.polygon = snapped


def build_town(rng: np.random.Generator, seed: int) -> Town:
    n_buurten = int(rng.integers(80, 101))
    n_wijken = int(rng.integers(9, 12))
    geography = build_geography(rng, n_buurten, n_wijken)
    focus, roles = _pick_roles(rng, geography)
    role_of = {i: role for role, cells in roles.items() for i in cells}
    wijk_codes = [f"{GEMEENTE_CODE.replace('GM', 'WK')}{w:02d}" for w in range(geography.n_wijken)]
    wijken = dict(zip(wijk_codes, names.wijk_names(geography.n_wijken), strict=True))
    buurt_names = names.buurt_names(rng, len(geography.cells))

    buurten: list[Buurt] = []
    split_parts: list[Buurt] = []
    for w, wijk_code in enumerate(wijk_codes):
        cells = sorted(
            (c for c in geography.cells if geography.wijk_of[c.index] == w), key=lambda c: c.radial
        )
        for m, cell in enumerate(cells):
            role = role_of.get(cell.index, "ordinary")
            name = buurt_names[cell.index]
            if role == "tiny":
                name = names.tiny_name(len([b for b in buurten if b.role == "tiny"]), name)
            code = f"BU{GEMEENTE_CODE[2:]}{w:02d}{m:02d}"
            buurt = Buurt(code, name, wijk_code, cell.polygon, cell.radial, role=role)
            buurten.append(buurt)
            if role == "split":
                buurt.last_year = SPLIT_YEAR - 1
                halves = split_in_two(cell.polygon)
                dx = halves[1].centroid.x - halves[0].centroid.x
                dy = halves[1].centroid.y - halves[0].centroid.y
                labels = ("Zuid", "Noord") if abs(dy) > abs(dx) else ("West", "Oost")
                if (dy if abs(dy) > abs(dx) else dx) < 0:
                    labels = (labels[1], labels[0])
                for k, (half, label) in enumerate(zip(halves, labels, strict=True)):
                    split_parts.append(
                        Buurt(
                            f"BU{GEMEENTE_CODE[2:]}{w:02d}{len(cells) + k:02d}",
                            f"{name} {label}",
                            wijk_code,
                            half,
                            radial_of(half),
                            first_year=SPLIT_YEAR,
                            parent=code,
                            role="split_part",
                        )
                    )
    buurten.extend(split_parts)
    _node_neighbours(buurten, split_parts)

    def codes(role: str) -> tuple[str, ...]:
        return tuple(b.code for b in buurten if b.role == role)

    narrative = DemoNarrative(
        gemeente_code=GEMEENTE_CODE,
        years=YEARS,
        focus_wijk=wijk_codes[focus],
        cumulating=codes("cumulating"),
        sliding=codes("sliding"),
        climbing=codes("climbing"),
        hidden_poverty=codes("hidden_poverty")[0],
        tiny=codes("tiny"),
        split_year=SPLIT_YEAR,
        split_from=codes("split")[0],
        split_into=(split_parts[0].code, split_parts[1].code),
    )
    effects = {code: float(rng.normal(0.0, 0.45)) for code in wijk_codes}
    effects[wijk_codes[focus]] = 1.0
    effects[wijk_codes[0]] = -0.2
    for role, shift in (("sliding", 0.0), ("climbing", 0.5)):
        wijk = next(b.wijk_code for b in buurten if b.role == role)
        effects[wijk] = shift
    return Town(seed, geography, wijken, buurten, narrative, effects)
