"""Cumulation (stapeling): several domains in the worst fifth, year after year.

The Leefbaarometer analyses call areas where livability is "structureel onder druk" the focus
of the Nationaal Programma Leefbaarheid en Veiligheid; the Welsh IMD 2025 adds a persistence
("deep-rooted") category. Both ideas in one rule: a cumulation domain is *in the worst share*
when its score is at or below the reference quantile ``cumulation_worst_share`` (fixed in the
reference, so the threshold does not move as regions improve); a region is
``structureel_onder_druk`` when at least ``cumulation_min_domains`` domains have each been in
the worst share for at least ``cumulation_min_years`` consecutive panel years. A year without a
score breaks the run: persistence is never assumed across a gap.

"Not under pressure" is a verdict too, and it needs data: it is only *decided* when even every
domain without a score, were it persistently in the worst share, could not reach
``cumulation_min_domains``. Otherwise the answer is "unknown", never "no".
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
    decided: np.ndarray
    """Whether ``structural`` is a verdict (True, or False that no missing domain could undo)."""


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
    structural = persistent >= min_domains
    possible = _possibly_persistent(scores, worst, thresholds, panel_years, min_years)
    decided = structural | (possible < min_domains)
    return Cumulation(worst, runs, count, known, persistent, structural, decided)


def _possibly_persistent(
    scores: np.ndarray,
    worst: np.ndarray,
    thresholds: np.ndarray,
    panel_years: np.ndarray,
    min_years: int,
) -> np.ndarray:
    """(years, regions) domains that *could* be persistently worst if every unknown were worst:
    a missing score, a year missing from the panel and the years before it all count as
    possibly worst. Fewer than the minimum is a verdict; more is "unknown"."""
    enabled = ~np.isnan(thresholds)
    maybe = (worst | np.isnan(scores))[:, :, enabled]
    before_panel = np.iinfo(np.int32).max // 2
    runs = np.zeros(maybe.shape, dtype=np.int64)
    for t in range(maybe.shape[0]):
        if t == 0:
            runs[t] = np.where(maybe[t], before_panel, 0)
        else:
            gap = int(panel_years[t] - panel_years[t - 1])
            runs[t] = np.where(maybe[t], runs[t - 1] + gap, 0)
    possible: np.ndarray = (runs >= min_years).sum(axis=2)
    return possible
