"""Where felt and measured livability part ways (the Wijkprofiel "paradox").

Rotterdam saw registered safety improve while residents felt less safe. Both are true, and the
gap is a signal worth a conversation in the buurt, not an error in either figure. The two scales
differ (a 1–10 mark against an index score), so each is standardised across the regions that
have both (z-scores), and the gap is the difference of the two: how many standard deviations
more positive residents are than the figures. Ranks are given as well, since they are easier to
explain. Regions come out ordered by the size of the gap, the largest first.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

GAP_THRESHOLD = 0.5
"""Gaps smaller than half a standard deviation are read as agreement."""
MIN_REGIONS = 3
"""Standardising fewer regions than this says nothing."""

Direction = Literal["felt_better", "felt_worse", "agree"]

_REASONS_NL: dict[Direction, str] = {
    "felt_better": (
        "Bewoners zijn positiever over hun buurt dan de cijfers laten zien. Vraag wat zij "
        "waarderen, en kijk of de cijfers iets missen."
    ),
    "felt_worse": (
        "Bewoners zijn minder positief over hun buurt dan de cijfers laten zien. Vraag wat hen "
        "zorgen baart: daar zit vaak iets wat de cijfers niet meten."
    ),
    "agree": "Wat bewoners vinden en wat de cijfers laten zien, komt ongeveer overeen.",
}
_REASONS_EN: dict[Direction, str] = {
    "felt_better": (
        "Residents are more positive about their neighbourhood than the figures show. Ask what "
        "they value, and whether the figures miss something."
    ),
    "felt_worse": (
        "Residents are less positive about their neighbourhood than the figures show. Ask what "
        "worries them: it is often something the figures do not measure."
    ),
    "agree": "What residents feel and what the figures show roughly agree.",
}


@dataclass(frozen=True)
class Divergence:
    """Felt against measured livability for one region."""

    region_code: str
    felt: float
    measured: float
    felt_z: float
    measured_z: float
    gap: float
    """``felt_z - measured_z``: positive when residents are more positive than the figures."""
    felt_rank: int
    """1 = the most positive region by the survey."""
    measured_rank: int
    """1 = the best region by the figures."""
    direction: Direction
    reason_nl: str
    """Plain language (B1) for residents and professionals."""
    reason_en: str


def felt_vs_measured(
    felt: Mapping[str, float],
    measured: Mapping[str, float],
    *,
    threshold: float = GAP_THRESHOLD,
) -> list[Divergence]:
    """Compare a felt score (the survey's buurt mark) with a measured one (the index total).

    Parameters
    ----------
    felt, measured
        Region code → value, higher is better in both. Regions missing (or NaN) in either are
        left out; both are standardised over the regions they share.
    threshold
        Gaps of at most this many standard deviations count as agreement.

    Returns
    -------
    list[Divergence]
        Ordered by the absolute gap, largest first (ties by region code); empty when fewer
        than three regions have both values.
    """
    codes = sorted(
        c for c in set(felt) & set(measured) if _finite(felt[c]) and _finite(measured[c])
    )
    if len(codes) < MIN_REGIONS:
        return []
    f = np.array([float(felt[c]) for c in codes])
    m = np.array([float(measured[c]) for c in codes])
    fz, mz = _z(f), _z(m)
    from scipy import stats  # late: importing scipy costs every `wijkkompas import` 1.5 s

    f_rank = stats.rankdata(-f, method="min").astype(int)
    m_rank = stats.rankdata(-m, method="min").astype(int)
    out = []
    for k, code in enumerate(codes):
        gap = float(fz[k] - mz[k])
        direction: Direction = (
            "agree" if abs(gap) <= threshold else "felt_better" if gap > 0 else "felt_worse"
        )
        out.append(
            Divergence(
                region_code=code,
                felt=float(f[k]),
                measured=float(m[k]),
                felt_z=float(fz[k]),
                measured_z=float(mz[k]),
                gap=gap,
                felt_rank=int(f_rank[k]),
                measured_rank=int(m_rank[k]),
                direction=direction,
                reason_nl=_REASONS_NL[direction],
                reason_en=_REASONS_EN[direction],
            )
        )
    out.sort(key=lambda d: (-abs(round(d.gap, 12)), d.region_code))
    return out


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(float(value))


def _z(values: np.ndarray) -> np.ndarray:
    sd = float(values.std(ddof=1))
    if not sd > 0:
        return np.zeros_like(values)
    return (values - values.mean()) / sd
