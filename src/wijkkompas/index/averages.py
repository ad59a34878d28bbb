"""What averages hide: a mean that looks fine next to a share that does not.

An average income at or above the reference median says little when the share of low-income
households is among the worst fifth: the mean is carried by the better-off while a large group
struggles (the theme of the Wijkprofiel's separate sub-scores and of CBS's published
*spreiding*). For each (mean indicator, share indicator) pair the engine flags region-years
where the mean is at least the reference median and the share is in the worst
``worst_share`` of the reference's fit data — both judged in each indicator's good direction,
on the engine's scale, on observed values only (an imputed value cannot reveal a local
contrast).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wijkkompas.index.normalise import inverse_transform, inverse_transform_all
from wijkkompas.index.reference import Reference
from wijkkompas.index.spec import IndexSpec


def averages_hide(
    X: np.ndarray,
    observed: np.ndarray,
    spec: IndexSpec,
    reference: Reference,
    pairs: tuple[tuple[str, str], ...],
    worst_share: float,
) -> tuple[np.ndarray, list[tuple[str, str, np.ndarray, float, float]]]:
    """(years × regions) any-pair flag, and per pair: (mean id, share id, flags, median, bound).

    Pairs with an indicator outside the spec are skipped.
    """
    any_flag = np.zeros(X.shape[:2], dtype=bool)
    found = []
    for mean_id, share_id in pairs:
        if mean_id not in spec.ids or share_id not in spec.ids:
            continue
        m, s = spec.position(mean_id), spec.position(share_id)
        median = _quantile(reference, m, 0.5)
        sm, ss = spec.signs[m], spec.signs[s]
        bound = _quantile(reference, s, worst_share if ss > 0 else 1.0 - worst_share)
        with np.errstate(invalid="ignore"):
            mean_ok = sm * X[:, :, m] >= sm * median
            share_bad = ss * X[:, :, s] <= ss * bound
        flag = mean_ok & share_bad & observed[:, :, m] & observed[:, :, s]
        any_flag |= flag
        found.append((mean_id, share_id, flag, median, bound))
    return any_flag, found


def _quantile(reference: Reference, k: int, p: float) -> float:
    return reference.indicator_quantile(k, p)


def averages_frame(
    found: list[tuple[str, str, np.ndarray, float, float]],
    X: np.ndarray,
    spec: IndexSpec,
    codes: np.ndarray,
    years: np.ndarray,
) -> pd.DataFrame:
    """Flagged region-years only, one row per pair, with the values and thresholds in each
    indicator's unit (money in base-year prices)."""
    parts = []
    for mean_id, share_id, flag, median, bound in found:
        t, r = np.nonzero(flag)
        m_tf = spec.indicators[spec.position(mean_id)].transform
        s_tf = spec.indicators[spec.position(share_id)].transform
        parts.append(
            pd.DataFrame(
                {
                    "region_code": codes[r],
                    "year": years[t],
                    "mean_indicator": mean_id,
                    "mean_value": inverse_transform_all(X[t, r, spec.position(mean_id)], m_tf),
                    "mean_reference_median": inverse_transform(median, m_tf),
                    "share_indicator": share_id,
                    "share_value": inverse_transform_all(X[t, r, spec.position(share_id)], s_tf),
                    "share_worst_bound": inverse_transform(bound, s_tf),
                }
            )
        )
    columns = [
        "region_code",
        "year",
        "mean_indicator",
        "mean_value",
        "mean_reference_median",
        "share_indicator",
        "share_value",
        "share_worst_bound",
    ]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
