"""Cumulation (stapeling): several domains in the worst fifth, year after year.

The Leefbaarometer analyses call areas where livability is "structureel onder druk" the focus
of the Nationaal Programma Leefbaarheid en Veiligheid; the Welsh IMD 2025 adds a persistence
("deep-rooted") category. Both ideas in one rule: a cumulation domain is *in the worst share*
when its score is at or below the reference quantile ``cumulation_worst_share`` (fixed in the
reference, so the threshold does not move as regions improve); a region is
``structureel_onder_druk`` when at least ``cumulation_min_domains`` domains have each been in
the worst share for at least ``cumulation_min_years`` consecutive panel years. A year without a
score breaks the run: persistence is never assumed across a gap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Cumulation:
    """(years, regions, domains) flags and run lengths, and the per-region-year summaries."""

    worst: np.ndarray
    years: np.ndarray
    count: np.ndarray
    known: np.ndarray
    """Domains with a score: a count of 0 out of 0 known is "unknown", not "no problem"."""
    persistent: np.ndarray
    structural: np.ndarray


def cumulate(
    scores: np.ndarray,
    thresholds: np.ndarray,
    panel_years: np.ndarray,
    min_domains: int,
    min_years: int,
) -> Cumulation:
    """Flag domains in the worst share and count consecutive years.

    Parameters
    ----------
    scores
        (years, regions, domains) domain scores; NaN where there is no score.
    thresholds
        (domains,) the reference quantile at the worst share; NaN disables a domain.
    panel_years
        Calendar years of the first axis; a gap of more than one year breaks a run.
    """
    with np.errstate(invalid="ignore"):
        worst = scores <= thresholds[None, None, :]
    runs = np.zeros(worst.shape, dtype=np.int32)
    for t in range(worst.shape[0]):
        previous = runs[t - 1] if t and panel_years[t] - panel_years[t - 1] == 1 else 0
        runs[t] = np.where(worst[t], previous + 1, 0)
    count = worst.sum(axis=2)
    known = (~np.isnan(scores)).sum(axis=2)
    persistent = (runs >= min_years).sum(axis=2)
    return Cumulation(worst, runs, count, known, persistent, persistent >= min_domains)
