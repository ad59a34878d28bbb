"""Wijk and gemeente figures as aggregates of the published buurt figures.

CBS computes higher levels from microdata, so its wijk totals include the few residents of
suppressed buurten. The demo aggregates what it publishes instead, so every wijk figure can be
traced back to buurt figures on the page: counts add up, rates are ratios of summed counts, and
means and shares are weighted by the count they refer to (land area for densities).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from wijkkompas.catalogue import Catalogue
from wijkkompas.demo.priors import prior_for

AREA = -1
"""Weight column marker: weight by land area."""


@dataclass(frozen=True)
class _Rule:
    kind: str  # "sum", "ratio", "mean" or "parts"
    column: int
    decimals: int
    numerator: int = 0
    denominator: int = 0
    weight: int | None = None
    parts: tuple[int, ...] = ()


class Aggregator:
    """Aggregation rules read once from the catalogue, applied to many regions quickly."""

    def __init__(self, catalogue: Catalogue) -> None:
        """Values come as arrays whose columns are the catalogue's indicators, in order."""
        self.ids = [i.id for i in catalogue.indicators]
        index = {name: k for k, name in enumerate(self.ids)}
        self.rules: list[_Rule] = []
        for indicator in catalogue.indicators:
            column = index[indicator.id]
            decimals = prior_for(indicator).decimals if indicator.unit != "count" else 0
            if indicator.sum_of:
                parts = tuple(index[c] for c in indicator.sum_of)
                self.rules.append(_Rule("parts", column, 0, parts=parts))
            elif indicator.unit in ("count", "ha"):
                self.rules.append(_Rule("sum", column, 0))
            elif indicator.numerator and indicator.denominator:
                self.rules.append(
                    _Rule(
                        "ratio",
                        column,
                        decimals,
                        numerator=index[indicator.numerator],
                        denominator=index[indicator.denominator],
                    )
                )
            else:
                weight: int | None
                if indicator.unit == "per_km2" and indicator.weight is None:
                    weight = AREA
                else:
                    weight = index.get(indicator.weight or "population")
                self.rules.append(_Rule("mean", column, decimals, weight=weight))
        self.factors = {i.id: i.rate_factor for i in catalogue.indicators}

    def __call__(self, values: np.ndarray, area_km2: np.ndarray) -> dict[str, float]:
        """One region's figures from its buurten' rows (NaN = suppressed)."""
        result: dict[str, float] = {}
        for indicator_id, rule in zip(self.ids, self.rules, strict=True):
            column = values[:, rule.column]
            published = ~np.isnan(column)
            if rule.kind == "parts" or not published.any():
                result[indicator_id] = math.nan
                continue
            if rule.kind == "sum":
                value = float(column[published].sum())
            elif rule.kind == "ratio":
                numerator = float(values[published, rule.numerator].sum())
                denominator = float(values[published, rule.denominator].sum())
                value = numerator / denominator * self.factors[indicator_id]
            else:
                if rule.weight is None:
                    weights = np.ones(int(published.sum()))
                elif rule.weight == AREA:
                    weights = area_km2[published]
                else:
                    weights = np.nan_to_num(values[published, rule.weight])
                total = float(weights.sum())
                value = (
                    float((column[published] * weights).sum() / total)
                    if total > 0
                    else float(column[published].mean())
                )
            result[indicator_id] = round(value, rule.decimals)
        for indicator_id, rule in zip(self.ids, self.rules, strict=True):
            if rule.kind == "parts":  # a sum of parts is the sum of the summed parts
                result[indicator_id] = float(sum(result[self.ids[p]] for p in rule.parts))
        return result
