"""Explanations: every score as a sum of per-indicator contributions.

Users ask *why* a buurt scores as it does (COINr ``get_str_weak``; Justice40 #637; OSSF census
#29). Because each score is a weighted mean, the decomposition is exact rather than
approximate: for arithmetic aggregation ``total = Σ_i contribution_i``; for geometric
aggregation ``log(total) = Σ_i contribution_i`` (a log-additive decomposition: multiply the
factors ``exp(contribution_i)`` to get the total). The same holds per group. Between two years
the differences of contributions add up exactly to the change (of log-total, for geometric).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from wijkkompas.index.normalise import inverse_transform
from wijkkompas.index.result import IndexResult
from wijkkompas.index.spec import DOMAINS, GROUPS


@dataclass
class Explanation:
    """One region-year's scores and where they come from.

    Attributes
    ----------
    indicators
        One row per scored indicator: the published ``raw`` figure, its ``period``, whether it
        was ``carried`` forward from an earlier year or ``imputed`` from the parent area, the
        ``value`` used (in the indicator's unit, money in base-year prices), whether it is a
        ``model_estimate``, ``normalised`` (oriented, higher is better), ``coefficient`` (its
        weight in this total),
        ``contribution`` to the total, contributions to every group and domain, and with a
        comparison year ``value_then``, ``contribution_then`` and ``change``.
    additive
        ``"sum"`` (arithmetic: contributions sum to the total) or ``"log"`` (geometric: they
        sum to log(total)).
    residual
        Total minus the sum of contributions (in the additive scale): zero up to rounding.
    """

    region_code: str
    year: int
    compare_year: int | None
    scores: dict[str, float]
    indicators: pd.DataFrame
    additive: str
    residual: float
    strengths: list[str]
    weaknesses: list[str]
    reason: str | None

    def to_dict(self) -> dict[str, Any]:
        frame = self.indicators.reset_index()
        return {
            "region_code": self.region_code,
            "year": self.year,
            "compare_year": self.compare_year,
            "scores": {k: _clean(v) for k, v in self.scores.items()},
            "additive": self.additive,
            "residual": _clean(self.residual),
            "strengths": self.strengths,
            "weaknesses": self.weaknesses,
            "reason": self.reason,
            "indicators": [
                {k: _clean(v) for k, v in rec.items()} for rec in frame.to_dict(orient="records")
            ],
        }


def explain(
    result: IndexResult, code: str, year: int, compare_year: int | None = None, top: int = 3
) -> Explanation:
    """Decompose a region-year's scores into per-indicator contributions.

    Parameters
    ----------
    result
        From :func:`~wijkkompas.index.score`.
    code, year
        The region and year to explain.
    compare_year
        Optionally a second year: the change of every contribution is added, and those changes
        sum to the change of the total (of log-total for geometric aggregation).
    top
        How many strengths and weaknesses (highest and lowest normalised values) to list.

    Returns
    -------
    Explanation
    """
    state = result.state
    n = result.row(code, year)
    t, r = divmod(n, len(result.panel.codes))
    ids = list(result.spec.ids)
    contrib = state.contributions(np.array([n]))[0]
    used = [
        inverse_transform(v, i.transform)
        for v, i in zip(state.X[t, r], result.spec.indicators, strict=True)
    ]
    frame = pd.DataFrame(
        {
            "raw": result.panel.matrix(ids)[t, r],
            "period": state.periods[t, r],
            "carried": state.carried[t, r],
            "imputed": state.imputed[t, r],
            "model_estimate": result.spec.model_estimates,
            "value": np.asarray(used, dtype=float),
            "normalised": state.normalised(np.array([n]))[0],
            "coefficient": state.coefficients(np.array([n]))[0],
            "contribution": contrib,
        },
        index=pd.Index(ids, name="indicator_id"),
    )
    per_column = state.group_contributions(n)
    for j, name in enumerate((*GROUPS, *(f"domain_{d}" for d in DOMAINS))):
        frame[name] = per_column[:, j]
    if compare_year is not None:
        m = result.row(code, compare_year)
        then = state.contributions(np.array([m]))[0]
        then_t, then_r = divmod(m, len(result.panel.codes))
        frame["value_then"] = [
            inverse_transform(v, i.transform)
            for v, i in zip(state.X[then_t, then_r], result.spec.indicators, strict=True)
        ]
        frame["period_then"] = state.periods[then_t, then_r]
        frame["contribution_then"] = then
        frame["change"] = contrib - then
    row = result.scores.iloc[n]
    additive = "log" if state.aggregation == "geometric" else "sum"
    total = float(state.total[n])
    target = np.log(total) if additive == "log" else total
    residual = float(target - np.nansum(contrib)) if not np.isnan(total) else float("nan")
    ranked = frame["normalised"].dropna().sort_values()
    return Explanation(
        region_code=code,
        year=int(year),
        compare_year=compare_year,
        scores={name: float(row[name]) for name in (*GROUPS, "total")},
        indicators=frame,
        additive=additive,
        residual=residual,
        strengths=list(ranked.index[::-1][:top]),
        weaknesses=list(ranked.index[:top]),
        reason=None if pd.isna(row["reason"]) else str(row["reason"]),
    )


def _clean(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and np.isnan(value):
        return None
    return value
