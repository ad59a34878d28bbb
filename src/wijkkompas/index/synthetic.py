"""A seeded synthetic panel in the real shape, for benchmarks and tests (fictional numbers).

Real data cannot be in CI (house rule 6) and whole-country timings need whole-country shape:
~342 gemeenten, ~3,400 wijken, ~14,000 buurten, a hundred indicators, a dozen years. Values
follow a smooth spatial field plus gemeente, wijk and buurt effects and a drift over years, so
hotspots, trends and cumulation have something to find; wijk and gemeente values are the
population-weighted means of their buurten, as CBS's are. Buurt squares on a grid stand in for
boundaries. Nothing here describes a real place.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from wijkkompas.index.panel import Panel
from wijkkompas.index.spec import DOMAINS, GROUPS, IndexSpec, IndicatorSpec

UNITS = ("percent", "per_1000", "euro_x1000", "km", "number")


def synthetic_spec(n_indicators: int = 100, seed: int = 0) -> IndexSpec:
    """``n_indicators`` scored indicators spread over the groups and domains."""
    rng = np.random.default_rng(seed)
    specs = []
    for k in range(n_indicators):
        unit = UNITS[k % len(UNITS)]
        specs.append(
            IndicatorSpec(
                id=f"ind_{k:03d}",
                sign=1.0 if rng.random() < 0.4 else -1.0,
                groups=(GROUPS[k % len(GROUPS)],),
                domains=(DOMAINS[k % len(DOMAINS)],) if k % 3 else (),
                unit=unit,
                # Means and shares refer to a count, as the catalogue's ``weight`` does.
                size="households"
                if unit == "percent"
                else None
                if unit == "number"
                else "population",
            )
        )
    return IndexSpec(tuple(specs), catalogue_hash="synthetic", catalogue_version="synthetic")


def synthetic_panel(
    spec: IndexSpec,
    n_gemeenten: int = 342,
    wijken_per_gemeente: int = 10,
    years: tuple[int, ...] = tuple(range(2013, 2025)),
    missing: float = 0.05,
    seed: int = 0,
) -> tuple[Panel, pd.Series]:
    """A panel for ``spec`` and the buurt squares as WKB (a Series indexed by buurt code)."""
    rng = np.random.default_rng(seed)
    regions, side = _regions(rng, n_gemeenten, wijken_per_gemeente)
    buurt = (regions["level"] == "buurt").to_numpy()
    nb, R, Y, K = int(buurt.sum()), len(regions), len(years), len(spec.ids)
    xy = regions.loc[buurt, ["x", "y"]].to_numpy()
    field = _smooth_field(rng, xy, side, K)
    gm = pd.factorize(regions.loc[buurt, "gemeente_code"])[0]
    wk = pd.factorize(regions.loc[buurt, "wijk_code"])[0]
    latent = (
        field
        + 0.5 * rng.normal(size=(gm.max() + 1, K))[gm]
        + 0.5 * rng.normal(size=(wk.max() + 1, K))[wk]
        + 0.7 * rng.normal(size=(nb, K))
    )
    drift = rng.normal(scale=0.03, size=(nb, K))
    pop = np.exp(rng.normal(7.0, 0.9, size=nb)).round()
    small = rng.random(nb) < 0.02
    pop[small] = rng.integers(5, 49, size=int(small.sum()))
    values = np.full((Y, R, K), np.nan)
    population = np.full((Y, R), np.nan)
    for t in range(Y):
        z = latent + drift * t + 0.15 * rng.normal(size=(nb, K))
        values[t][buurt] = _to_units(z, spec)
        population[t][buurt] = np.maximum(pop * (1 + 0.01 * t) + rng.normal(0, 5, nb), 0).round()
    _roll_up(values, population, regions, buurt)
    holes = rng.random((Y, nb, K)) < missing
    block = values[:, buurt]
    block[holes] = np.nan
    values[:, buurt] = block
    extra = np.stack([population, (population / 2.2).round()], axis=2)
    panel = Panel(
        regions[["region_code", "level", "gemeente_code", "wijk_code"]],
        np.array(years),
        (*spec.ids, "population", "households"),
        np.concatenate([values, extra], axis=2),
        population,
    )
    boxes = shapely.box(xy[:, 0], xy[:, 1], xy[:, 0] + 1, xy[:, 1] + 1)
    wkb = pd.Series(shapely.to_wkb(boxes), index=regions.loc[buurt, "region_code"].to_numpy())
    return panel, wkb


def _regions(rng: np.random.Generator, n_gm: int, n_wk: int) -> tuple[pd.DataFrame, int]:
    counts = rng.integers(3, 7, size=(n_gm, n_wk))
    side = int(np.ceil(np.sqrt(counts.sum())))
    rows: list[tuple[str, str, str, str | None, float, float]] = []
    cell = 0
    for g in range(n_gm):
        gm = f"GM{g + 1:04d}"
        rows.append((gm, "gemeente", gm, None, np.nan, np.nan))
        for w in range(n_wk):
            wk = f"WK{g + 1:04d}{w:02d}"
            rows.append((wk, "wijk", gm, wk, np.nan, np.nan))
            for b in range(counts[g, w]):
                # Snake through the grid so a gemeente's buurten lie together.
                y, x = divmod(cell, side)
                x = x if y % 2 == 0 else side - 1 - x
                rows.append((f"BU{g + 1:04d}{w:02d}{b:02d}", "buurt", gm, wk, float(x), float(y)))
                cell += 1
    frame = pd.DataFrame(
        rows, columns=["region_code", "level", "gemeente_code", "wijk_code", "x", "y"]
    )
    return frame, side


def _smooth_field(rng: np.random.Generator, xy: np.ndarray, side: int, K: int) -> np.ndarray:
    """A few random waves per indicator: neighbours resemble each other."""
    out = np.zeros((xy.shape[0], K))
    for _ in range(3):
        freq = rng.uniform(1, 4, size=(2, K)) * 2 * np.pi / side
        phase = rng.uniform(0, 2 * np.pi, size=K)
        out += np.sin(xy @ freq + phase)
    return out / np.sqrt(1.5)


def _to_units(z: np.ndarray, spec: IndexSpec) -> np.ndarray:
    out = np.empty_like(z)
    for k, ind in enumerate(spec.indicators):
        if ind.unit == "percent":
            out[:, k] = 100 / (1 + np.exp(-(z[:, k] * 0.6 - 1.5)))
        elif ind.unit == "per_1000":
            out[:, k] = np.exp(2.5 + 0.5 * z[:, k])
        elif ind.unit == "euro_x1000":
            out[:, k] = np.exp(3.4 + 0.2 * z[:, k])
        elif ind.unit == "km":
            out[:, k] = np.exp(0.2 + 0.6 * z[:, k])
        else:
            out[:, k] = 1000 + 250 * z[:, k]
    return out


def _roll_up(
    values: np.ndarray, population: np.ndarray, regions: pd.DataFrame, buurt: np.ndarray
) -> None:
    """Wijk and gemeente values as population-weighted means of their buurten."""
    codes = pd.Index(regions["region_code"])
    for column in ("wijk_code", "gemeente_code"):
        parent = codes.get_indexer(regions.loc[buurt, column])
        for t in range(values.shape[0]):
            w = population[t][buurt]
            sums = np.zeros((len(regions), values.shape[2]))
            np.add.at(sums, parent, values[t][buurt] * w[:, None])
            weight = np.bincount(parent, weights=w, minlength=len(regions))
            target = np.unique(parent)
            values[t][target] = sums[target] / weight[target, None]
            population[t][target] = weight[target]
