"""Difference-in-differences: did the plan area change more than similar areas without the plan?

A wijkaanpak area usually follows the city's trend: when unemployment falls everywhere it falls
in the plan area too, and a before/after comparison would credit the plan with it. Comparing the
change in the plan area with the change in comparison buurten of the same gemeente removes the
shared trend (Card & Krueger 1994; Angrist & Pischke 2009, ch. 5).

With a single treated area the usual regression standard errors are wrong (one cluster), so the
uncertainty comes from placebo estimates instead: every comparison buurt in turn is treated as if
it had had the plan, and the spread of those placebo effects is what chance alone produces
(Conley & Taber 2011; Abadie, Diamond & Hainmueller 2010). Comparison buurten are single buurten
while the plan area is several, so this spread is, if anything, too wide: the method errs towards
"the data cannot tell", which is the honest side to err on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

Verdict = Literal[
    "better",
    "worse",
    "higher",
    "lower",
    "cannot_tell",
    "too_few_years",
    "too_few_comparisons",
]

Z_95 = 1.959963984540054


@dataclass(frozen=True)
class DidResult:
    """The estimate, its uncertainty and what it was computed from."""

    verdict: Verdict
    estimate: float | None = None
    """Change in the plan area minus the mean change in the comparison buurten (indicator
    units; positive: the plan area rose more)."""
    standard_error: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = None
    """Share of placebo effects at least as large (two-sided, rank-based)."""
    treated_change: float | None = None
    comparison_change: float | None = None
    pre_years: tuple[int, ...] = ()
    post_years: tuple[int, ...] = ()
    comparison_units: tuple[str, ...] = ()
    pre_trend_warning: bool = False
    """Before the plan began the area already drifted away from the comparison group: the
    estimate may mix that drift with the plan's effect."""


def _wide(comparison: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Comparison units × years, keeping only units with a value in every year used."""
    if comparison.empty:
        return pd.DataFrame(columns=years, dtype=float)
    wide = comparison.pivot_table(index="unit", columns="year", values="value", aggfunc="mean")
    wide = wide.reindex(columns=years)
    return wide.dropna(how="any")


def difference_in_differences(
    treated: Mapping[int, float],
    comparison: pd.DataFrame,
    start_year: int,
    *,
    higher_is_better: bool | None = None,
    min_pre_years: int = 2,
    min_post_years: int = 1,
    min_comparison: int = 5,
    max_comparison: int | None = 20,
    z: float = Z_95,
    check_pre_trend: bool = True,
) -> DidResult:
    """Estimate the plan's effect on one measure, or say why the data cannot tell.

    Parameters
    ----------
    treated
        The plan area's value per year (missing years simply absent).
    comparison
        Long table with columns ``unit``, ``year``, ``value``: the candidate comparison areas
        (buurten of the same gemeente outside the plan area).
    start_year
        First year the plan could have had an effect; years before it are "before".
    higher_is_better
        Turns "higher"/"lower" into "better"/"worse"; None when the measure has no direction.
    max_comparison
        Keep only this many comparison units, those whose level before the plan was nearest the
        plan area's ("similar areas"); None keeps all.
    """
    years = sorted(y for y, v in treated.items() if v == v)
    pre = [y for y in years if y < start_year]
    post = [y for y in years if y >= start_year]
    if len(pre) < min_pre_years or len(post) < min_post_years:
        return DidResult("too_few_years", pre_years=tuple(pre), post_years=tuple(post))
    wide = _wide(comparison, pre + post)
    treated_pre = float(np.mean([treated[y] for y in pre]))
    if max_comparison is not None and len(wide) > max_comparison:
        distance = (wide[pre].mean(axis=1) - treated_pre).abs()
        wide = wide.loc[distance.sort_values(kind="stable").index[:max_comparison]]
    units = tuple(str(u) for u in wide.index)
    if len(units) < min_comparison:
        return DidResult(
            "too_few_comparisons",
            pre_years=tuple(pre),
            post_years=tuple(post),
            comparison_units=units,
        )
    treated_change = float(np.mean([treated[y] for y in post])) - treated_pre
    changes = (wide[post].mean(axis=1) - wide[pre].mean(axis=1)).to_numpy(dtype=float)
    estimate = treated_change - float(changes.mean())
    n = len(changes)
    # Placebo j: unit j against the other comparison units, as the plan area is against all.
    placebo = changes - (changes.sum() - changes) / (n - 1)
    se = float(np.std(placebo, ddof=1))
    low, high = estimate - z * se, estimate + z * se
    p_value = float((1 + np.sum(np.abs(placebo) >= abs(estimate))) / (n + 1))
    warning = False
    if check_pre_trend and len(pre) >= 4:
        half = pre[len(pre) // 2]
        fake = difference_in_differences(
            {y: treated[y] for y in pre},
            comparison[comparison["unit"].isin(units)],
            half,
            higher_is_better=higher_is_better,
            min_pre_years=min_pre_years,
            min_comparison=min_comparison,
            max_comparison=None,
            z=z,
            check_pre_trend=False,
        )
        warning = fake.ci_low is not None and fake.verdict not in ("cannot_tell",)
    if low <= 0 <= high:
        verdict: Verdict = "cannot_tell"
    elif higher_is_better is None:
        verdict = "higher" if estimate > 0 else "lower"
    else:
        verdict = "better" if (estimate > 0) == higher_is_better else "worse"
    return DidResult(
        verdict,
        estimate=estimate,
        standard_error=se,
        ci_low=low,
        ci_high=high,
        p_value=p_value,
        treated_change=treated_change,
        comparison_change=float(changes.mean()),
        pre_years=tuple(pre),
        post_years=tuple(post),
        comparison_units=units,
        pre_trend_warning=warning,
    )
