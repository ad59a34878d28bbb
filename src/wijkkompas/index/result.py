"""What a scoring run returns: tables for people, arrays for explanations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import ndtr

from wijkkompas.index.options import EngineOptions
from wijkkompas.index.panel import Panel
from wijkkompas.index.reference import Reference
from wijkkompas.index.spec import GROUPS, IndexSpec


@dataclass
class ScoringState:
    """The arrays behind the tables, kept so any score can be explained without recomputing.

    Rows are region-years in ``(year, region)`` order: row = year_index × regions + region_index.
    """

    X: np.ndarray
    """(years, regions, K) values used: shrunk, imputed, winsorised."""
    observed: np.ndarray
    imputed: np.ndarray
    V: np.ndarray
    """(N, K) normalised values, 0 where absent (see ``present``)."""
    present: np.ndarray
    terms: np.ndarray
    """(N, K) aggregated terms: V, or log-levels for geometric aggregation; 0 where absent."""
    beta: np.ndarray
    """(N, groups) share of each group in the total divided by the group's present weight."""
    weights: np.ndarray
    """(K, groups + domains) nominal weights."""
    denominator: np.ndarray
    column_present: np.ndarray
    total: np.ndarray
    total_var: np.ndarray
    aggregation: str
    periods: np.ndarray
    """(years, regions, K) reference-period year of each own or carried figure."""
    carried: np.ndarray
    """(years, regions, K) own figures carried forward from an earlier year."""
    term_var: np.ndarray
    """(N, K) variance of each aggregated term (0 where absent)."""

    def coefficients(self, rows: slice | np.ndarray) -> np.ndarray:
        """Each indicator's coefficient in the total (0 when absent); a row sums to 1."""
        groups = self.weights[:, : self.beta.shape[1]]
        return self.present[rows] * (self.beta[rows] @ groups.T)

    def contributions(self, rows: slice | np.ndarray) -> np.ndarray:
        """Per-indicator contributions to the total (log-total for geometric) of some rows;
        each row sums exactly to its total; NaN where the total is NaN."""
        c = self.coefficients(rows) * self.terms[rows]
        c[np.isnan(self.total[rows])] = np.nan
        return c

    def normalised(self, rows: slice | np.ndarray) -> np.ndarray:
        return np.where(self.present[rows], self.V[rows], np.nan)

    def group_contributions(self, row: int) -> np.ndarray:
        """(K, groups + domains) contributions of each indicator to each column's mean."""
        with np.errstate(divide="ignore", invalid="ignore"):
            c = self.weights * self.terms[row][:, None] / self.denominator[row]
        c[~self.present[row]] = 0.0
        c[:, ~self.column_present[row]] = np.nan
        return c


@dataclass
class IndexResult:
    """Scores per region-year plus cumulation, "what averages hide" and the run log.

    Attributes
    ----------
    scores
        One row per region-year: the four physical dimensions, the four social-quality
        conditions, ``total``, ``coverage``, imputed shares, ``total_se``, ``class`` (1–9, 9 =
        best, fixed cut-points), ``decile`` (10 = best) and ``rank`` (1 = best) within year and
        level, ``reference_percentile``, reliability, cumulation summaries, ``averages_hide``,
        the default trend (``trend_from``, ``change``, ``change_se``, ``trend``) and, for
        suppressed or uncovered region-years, a ``reason``.
    cumulation
        Per region-year and domain: the domain score, whether it is in the worst share and for
        how many consecutive years.
    averages
        Flagged "what averages hide" cases, one row per region-year and indicator pair.
    log
        Everything the run did that a reader should know (winsorised indicators, fallbacks).
    """

    scores: pd.DataFrame
    cumulation: pd.DataFrame
    averages: pd.DataFrame
    log: list[dict[str, Any]]
    reference: Reference
    options: EngineOptions
    spec: IndexSpec
    panel: Panel
    state: ScoringState = field(repr=False)

    def manifest(self) -> dict[str, Any]:
        """What a stored run must record to be reproduced: options, the reference's identity
        (name, catalogue hash, reference year) and the run log."""
        ref = self.reference
        return {
            "options": self.options.to_dict(),
            "reference": {
                "name": ref.name,
                "label": ref.label,
                "catalogue_hash": ref.catalogue_hash,
                "catalogue_version": ref.catalogue_version,
                "reference_year": ref.reference_year,
                "created_at": ref.created_at,
                "created_with": ref.created_with,
            },
            "years": [int(y) for y in self.panel.years],
            "regions": len(self.panel.regions),
            "log": self.log,
        }

    def row(self, code: str, year: int) -> int:
        """Row number of a region-year in the state arrays (and in ``scores``)."""
        codes = self.panel.codes
        r = np.flatnonzero(codes == code)
        t = np.flatnonzero(self.panel.years == year)
        if r.size == 0:
            raise KeyError(f"region {code} is not in this result")
        if t.size == 0:
            raise KeyError(f"year {year} is not in this result")
        return int(t[0]) * len(codes) + int(r[0])

    def scaled(self, column: str = "total") -> np.ndarray:
        """A score on a fixed, positive 0–100 reference scale: 100·Φ((s − mean) / sd) with the
        mean and sd of the score on the reference's fit data. Inequality measures and Gi* need
        positive values."""
        mean, sd = self.reference.score_scale(column)
        return 100.0 * ndtr((self.scores[column].to_numpy(dtype=float) - mean) / sd)

    def indicator_frame(self, year: int | None = None) -> pd.DataFrame:
        """Long table of every indicator per region(-year): raw, used and normalised value,
        imputed flag and contribution to the total."""
        Y, R, K = self.state.X.shape
        years = range(Y) if year is None else [int(np.flatnonzero(self.panel.years == year)[0])]
        parts = []
        raw = self.panel.matrix(self.spec.ids)
        for t in years:
            rows = slice(t * R, (t + 1) * R)
            parts.append(
                pd.DataFrame(
                    {
                        "region_code": np.repeat(self.panel.codes, K),
                        "year": int(self.panel.years[t]),
                        "indicator_id": np.tile(np.asarray(self.spec.ids, dtype=object), R),
                        "raw": raw[t].ravel(),
                        "value": self.state.X[t].ravel(),
                        "imputed": self.state.imputed[t].ravel(),
                        "carried": self.state.carried[t].ravel(),
                        "period": self.state.periods[t].ravel(),
                        "normalised": self.state.normalised(rows).ravel(),
                        "contribution": self.state.contributions(rows).ravel(),
                    }
                )
            )
        return pd.concat(parts, ignore_index=True)

    def group_columns(self) -> tuple[str, ...]:
        return GROUPS
