"""Hotspots: where good or poor livability clusters in space.

Local Moran's I (Anselin 1995) finds clusters and outliers and labels their quadrant — HH (a good
area among good ones), LL (poor among poor), HL and LH — because a significant local I can be
either (musa_5080 #2). Getis–Ord Gi* (Getis & Ord 1992; Ord & Getis 1995) marks hot (high
values nearby) and cold spots. Both use conditional permutation pseudo p-values (esda) and, since
thousands of local tests are run at once, the Benjamini–Hochberg (1995) false discovery rate
(esda ``fdr``) decides significance. Values are the fixed 0–100 reference scale of the score (Gi*
needs positive values). Regions without a score or without neighbours get no test.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

if TYPE_CHECKING:
    import libpysal

    from wijkkompas.index.result import IndexResult

QUADRANTS = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}


def contiguity(
    geometries: Mapping[str, bytes] | pd.Series,
    codes: np.ndarray,
    method: str = "queen",
    tolerance: float = 0.0,
) -> libpysal.weights.W:
    """Contiguity weights for ``codes`` from WKB boundaries.

    ``queen`` uses libpysal's shared-vertex rule; ``fuzzy`` joins polygons whose boundaries
    come within ``tolerance`` map units (for boundaries that were simplified independently).
    """
    import libpysal

    wkb = pd.Series(geometries) if not isinstance(geometries, pd.Series) else geometries
    geoms = shapely.from_wkb(wkb.reindex(codes).to_numpy())
    if pd.isna(geoms).any():
        raise ValueError("every region passed to hotspots needs a boundary")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # islands are reported per region instead
        if method == "queen":
            return libpysal.weights.Queen.from_iterable(list(geoms), ids=list(codes))
        if method != "fuzzy":
            raise ValueError(f"unknown contiguity method {method!r}; use queen or fuzzy")
        tree = shapely.STRtree(geoms)
        grown = shapely.buffer(geoms, tolerance) if tolerance > 0 else geoms
        i, j = tree.query(grown, predicate="intersects")
        keep = i != j
        neighbours: dict[str, list[str]] = {c: [] for c in codes}
        for a, b in zip(codes[i[keep]], codes[j[keep]], strict=True):
            neighbours[a].append(b)
        return libpysal.weights.W(neighbours, ids=list(codes))


def hotspots(
    result: IndexResult,
    geometries: Mapping[str, bytes] | pd.Series,
    year: int,
    column: str = "total",
    level: str = "buurt",
    permutations: int = 999,
    alpha: float = 0.05,
    seed: int | None = None,
    method: str = "queen",
    tolerance: float = 0.0,
) -> pd.DataFrame:
    """Local Moran's I and Gi* of a score in one year, FDR-corrected.

    Parameters
    ----------
    result
        From :func:`~wijkkompas.index.score`.
    geometries
        WKB boundary per region code (a mapping or Series); only the tested regions need one.
    year, column, level
        Which scores to test.
    permutations, alpha, seed
        Conditional permutations, the FDR level, and the seed (default: ``options.seed``).
    method, tolerance
        Contiguity: ``queen`` or ``fuzzy`` (see :func:`contiguity`).

    Returns
    -------
    pandas.DataFrame
        Per region: ``value``, ``neighbours``, ``lisa_i``, ``lisa_p``, ``lisa_quadrant``,
        ``lisa_significant``, ``lisa_cluster`` and ``gi_z``, ``gi_p``, ``gi_significant``,
        ``gi_cluster`` (``hot``/``cold``). HH and hot mean good livability clusters here.
    """
    import esda
    import libpysal

    seed = result.options.seed if seed is None else seed
    scores = result.scores
    pick = (scores["year"] == year) & (scores["level"] == level)
    values = result.scaled(column)[pick.to_numpy()]
    codes = scores.loc[pick, "region_code"].to_numpy()
    ok = ~np.isnan(values)
    values, codes = values[ok], codes[ok]
    w = contiguity(geometries, codes, method, tolerance)
    card = np.array([w.cardinalities[c] for c in codes])
    out = pd.DataFrame({"region_code": codes, "value": values, "neighbours": card})
    tested = card > 0
    if tested.sum() < 3:
        raise ValueError("fewer than three regions with neighbours: nothing to test")
    sub = w if tested.all() else _subset(w, codes[tested])
    y = values[tested]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # Moran_Local row-standardises the weights it is given, so Gi* gets its own binary copy
        # (self-weight 1: the star in Gi*).
        binary = libpysal.weights.W(sub.neighbors, id_order=sub.id_order)
        lisa = esda.Moran_Local(y, sub, permutations=permutations, seed=seed, n_jobs=1)
        gi = esda.G_Local(
            y, binary, transform="B", star=True, permutations=permutations, seed=seed, n_jobs=1
        )
    lisa_sig = lisa.p_sim <= esda.fdr(lisa.p_sim, alpha)
    gi_sig = gi.p_sim <= esda.fdr(gi.p_sim, alpha)
    quadrant = np.vectorize(QUADRANTS.get)(lisa.q)
    _put(out, tested, "lisa_i", lisa.Is)
    _put(out, tested, "lisa_p", lisa.p_sim)
    _put(out, tested, "lisa_quadrant", quadrant)
    _put(out, tested, "lisa_significant", lisa_sig)
    _put(out, tested, "lisa_cluster", np.where(lisa_sig, quadrant, "not significant"))
    _put(out, tested, "gi_z", gi.Zs)
    _put(out, tested, "gi_p", gi.p_sim)
    _put(out, tested, "gi_significant", gi_sig)
    _put(
        out,
        tested,
        "gi_cluster",
        np.where(gi_sig, np.where(gi.Zs > 0, "hot", "cold"), "not significant"),
    )
    return out


def _subset(w: libpysal.weights.W, keep: np.ndarray) -> libpysal.weights.W:
    import libpysal

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return libpysal.weights.w_subset(w, list(keep))


def _put(frame: pd.DataFrame, mask: np.ndarray, name: str, values: np.ndarray) -> None:
    column = np.full(len(frame), None, dtype=object)
    column[mask] = values
    frame[name] = pd.Series(column).infer_objects().to_numpy()
