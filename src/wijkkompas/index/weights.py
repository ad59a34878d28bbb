"""Weights: nominal weights per group, and what they turn out to mean.

The catalogue's nominal weights are the default: 1 for every direct measure within its group
(Wijkprofiel's "geen weging": honest when nobody can defend a different choice) and a quarter
for a proxy. ``equal`` gives proxies full weight too (an alternative for the uncertainty
analysis); ``expert`` weights come from options;
``pca`` uses the squared loadings of each group's first principal component on the reference
year, scaled to sum to one (Nicoletti et al. 2000; OECD/JRC 2008 §6.1). Groups enter the total
with equal weight unless ``group_weights`` say otherwise.

Nominal weights are not importance (Paruolo, Saisana & Saltelli 2013): an indicator's influence
also depends on its spread and its correlation with the rest. So the fit reports *effective*
weights — each indicator's share of the total's variance in the reference year,
``Cov(c_i v_i, T) / Var(T)`` — next to the nominal ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from wijkkompas.index.spec import GROUPS, IndexSpec

MIN_PCA_ROWS = 10


@dataclass
class Weights:
    """Within-group indicator weights, group weights for the total, and domain weights."""

    indicator: np.ndarray
    """(indicators × groups); a column's weights are renormalised over present values."""
    group: np.ndarray
    """(groups,) weight of each group in the total."""
    domain: np.ndarray
    """(indicators × domains) weights of the cumulation-domain scores."""
    method: str = "equal"
    effective: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def total_coefficients(self) -> np.ndarray:
        """Each indicator's share of the total when every indicator is present (sums to 1)."""
        col = self.indicator.sum(axis=0)
        used = self.group * (col > 0)
        if used.sum() == 0:
            return np.zeros(self.indicator.shape[0])
        within = np.divide(self.indicator, col, out=np.zeros_like(self.indicator), where=col > 0)
        return within @ (used / used.sum())


def nominal_weights(spec: IndexSpec, method: str, group_weights: dict[str, float]) -> Weights:
    """Nominal, equal or expert weights straight from the spec (PCA refines them at fit time)."""
    if method in ("nominal", "expert", "pca"):
        base = spec.nominal.copy()
    else:
        base = np.ones(len(spec.indicators))
    indicator = spec.group_membership * base[:, None]
    domain = spec.domain_membership * base[:, None]
    unknown = sorted(set(group_weights) - set(GROUPS))
    if unknown:
        raise ValueError(f"group_weights names unknown group(s) {unknown}; use {GROUPS}")
    group = np.array([float(group_weights.get(g, 1.0)) for g in GROUPS])
    return Weights(indicator, group, domain, method)


def pca_weights(V: np.ndarray, membership: np.ndarray, log: list[dict[str, Any]]) -> np.ndarray:
    """Squared first-component loadings within each column of ``membership``.

    ``V`` is (reference rows × indicators), normalised. Groups with too few complete rows or a
    single indicator keep equal weights; that fallback is logged.
    """
    out = membership.astype(float)
    for g in range(membership.shape[1]):
        cols = np.flatnonzero(membership[:, g])
        if cols.size < 2:
            continue
        block = V[:, cols]
        block = block[~np.isnan(block).any(axis=1)]
        if block.shape[0] < max(MIN_PCA_ROWS, 2 * cols.size):
            log.append(
                {
                    "step": "pca_weights",
                    "group": int(g),
                    "fallback": "equal",
                    "reason": f"{block.shape[0]} complete rows",
                }
            )
            continue
        corr = np.corrcoef(block, rowvar=False)
        corr = np.nan_to_num(corr, nan=0.0)
        values, vectors = np.linalg.eigh(corr)
        loadings = vectors[:, -1] * np.sqrt(max(values[-1], 0.0))
        squared = loadings**2
        if squared.sum() > 0:
            out[cols, g] = squared / squared.sum()
    return out


def effective_weights(contributions: np.ndarray) -> np.ndarray:
    """Share of the total's variance carried by each indicator.

    ``contributions`` is (rows × indicators) of per-indicator contributions that sum to each
    row's total, NaN where an indicator is not in the row's basket (then it contributes 0) and
    all-NaN for a row without a total. The shares sum to one.
    """
    ok = ~np.isnan(contributions).all(axis=1)
    c = np.nan_to_num(contributions[ok])
    if c.shape[0] < 3:
        return np.full(contributions.shape[1], np.nan)
    total = c.sum(axis=1)
    var = total.var()
    if var == 0:
        return np.full(contributions.shape[1], np.nan)
    centred = c - c.mean(axis=0)
    return (centred * (total - total.mean())[:, None]).mean(axis=0) / var
