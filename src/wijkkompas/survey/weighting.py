"""Raking (iterative proportional fitting) of respondent weights to population margins.

A survey in a buurt reaches whoever answers: often more older women than the buurt has. Raking
gives every respondent a weight so the weighted sample matches the buurt's known structure on
each margin (age band, sex, and at wijk or gemeente level the share of each buurt), without
needing the joint table (age × sex) that the KWB does not publish per buurt.

Respondents who did not give their age (or sex) are left out of that margin only: the age step
rescales the respondents with a known age so that *they* match the age structure, and leaves
the others as they are. Their weight therefore comes from the margins they did give. This keeps
everyone in the estimate instead of dropping incomplete backgrounds, at the cost of assuming the
people who skip a background question resemble those who answer it.

A margin category without any respondent (no one aged 15-24 answered) cannot be matched: it is
dropped and the remaining categories share its population proportionally ("collapsing"). The
shares are used, not the counts, so margins with different totals (the KWB's sex counts include
children, the age bands from 15 on do not) still agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Margin:
    """One margin to rake to: each respondent's category (-1: unknown) and the target counts."""

    codes: np.ndarray
    """Integer category per respondent, -1 when the respondent did not say."""
    targets: np.ndarray
    """Population per category (persons, or any positive numbers proportional to them)."""


def rake(
    margins: Sequence[Margin], n: int, *, max_iter: int = 500, tolerance: float = 1e-10
) -> np.ndarray:
    """Weights (mean 1 over all ``n`` respondents) that reproduce every margin's shares.

    Parameters
    ----------
    margins
        The margins; empty margins (no known category, no population) are skipped.
    n
        Number of respondents.
    max_iter, tolerance
        Stop when no category's adjustment factor differs from 1 by more than ``tolerance``.
    """
    weights = np.ones(n, dtype=float)
    usable: list[tuple[np.ndarray, np.ndarray]] = []
    for margin in margins:
        codes = np.asarray(margin.codes, dtype=int)
        targets = np.nan_to_num(np.asarray(margin.targets, dtype=float)).clip(min=0.0)
        known = codes >= 0
        if not known.any() or targets.sum() <= 0:
            continue
        present = np.bincount(codes[known], minlength=len(targets)) > 0
        shares = np.where(present, targets, 0.0)
        if shares.sum() <= 0:
            continue
        usable.append((codes, shares / shares.sum()))
    for _ in range(max_iter):
        largest = 0.0
        for codes, shares in usable:
            known = codes >= 0
            totals = np.bincount(codes[known], weights=weights[known], minlength=len(shares))
            wanted = shares * weights[known].sum()
            factor = np.divide(wanted, totals, out=np.ones_like(wanted), where=totals > 0)
            weights[known] *= factor[codes[known]]
            largest = max(largest, float(np.abs(factor[totals > 0] - 1.0).max(initial=0.0)))
        if largest < tolerance:
            break
    return weights / weights.mean() if n else weights


def kish_effective_n(weights: np.ndarray) -> float:
    """Kish's effective sample size (Σw)² / Σw²: how many unweighted respondents the weighted
    sample is worth. Equal weights give n; unequal weights give less."""
    weights = np.asarray(weights, dtype=float)
    squares = float((weights**2).sum())
    return float(weights.sum() ** 2 / squares) if squares > 0 else 0.0
