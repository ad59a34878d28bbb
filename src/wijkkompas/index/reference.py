"""The reference: the fixed yardstick every score is measured against.

A region-year's scores depend only on its own figures (plus its parent's where imputation or
shrinkage uses them, and its own earlier figures carried forward) and on a *named, versioned*
reference — never on which other regions happen to be in the store (ADR 0010). The reference
holds, per indicator and on the scale the engine works on (deflated money, after the
catalogue's transform):

* ``centre`` and ``spread``: 0 is the Dutch average (the national figure where one is known),
  1 is the spread between buurten. A normalised value is ``sign · (x − centre) / spread``,
  clipped to ±``clip`` spreads, so one extreme figure cannot carry a score and raising a
  figure in its good direction never lowers it;
* the pooled distribution of the fit data (mean, sd, min, max, percentiles) for the
  alternative normalisations the uncertainty analysis tries;
* the between-area variance of each rate per level and year (for small-area shrinkage) and
  the year-on-year noise of each indicator measured in stable regions (for trends);
* the weights, and the scale of every score on the fit data: class cut-points, the threshold
  of the worst fifth per cumulation domain, percentiles.

It is fitted once, on purpose (``wijkkompas reference fit``, or the default shipped with the
catalogue), and stored as JSON with the catalogue's scoring hash.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from wijkkompas.errors import WijkkompasError
from wijkkompas.index.spec import GROUPS
from wijkkompas.index.weights import Weights

FORMAT = "wijkkompas-index-reference"
FORMAT_VERSION = 2
PROBS = np.linspace(0.0, 1.0, 101)
LEVELS = ("buurt", "wijk")
"""Levels with a parent to shrink toward: buurt (toward its wijk) and wijk (its gemeente)."""


class ReferenceMismatch(WijkkompasError):
    """A reference that does not fit the catalogue or the options it is used with."""


@dataclass
class Reference:
    """A fitted reference (see module notes). Arrays are per indicator unless noted."""

    name: str
    catalogue_hash: str
    catalogue_version: str
    indicators: tuple[str, ...]
    method: dict[str, Any]
    fitted_on: dict[str, Any]
    """What the fit saw: regions, years, sources, and per indicator how many figures."""
    centre: np.ndarray
    spread: np.ndarray
    centre_from: list[str]
    """Per indicator where the centre comes from (a national figure, or the fit data's mean)."""
    mean: np.ndarray
    sd: np.ndarray
    min: np.ndarray
    max: np.ndarray
    n: np.ndarray
    quantiles: np.ndarray
    """(indicators × len(PROBS)) percentiles of the fit data, on the engine's scale."""
    tau2: np.ndarray
    """(levels × tau_years × indicators) between-area variance of each rate around its parent."""
    tau_years: np.ndarray
    noise_sd: np.ndarray
    """Year-on-year noise of each indicator in stable regions, on the engine's scale."""
    noise_from: list[str]
    imputation_var: np.ndarray
    weights: Weights
    score_stats: dict[str, dict[str, Any]]
    """Per score column (total, groups, domains) on the fit data: mean, sd, n, percentiles."""
    cuts: np.ndarray
    clip: float = 3.0
    centre_se: np.ndarray = field(default_factory=lambda: np.array([]))
    """Per indicator the standard error of the centre under a bootstrap of the gemeenten the
    fit saw (0 for a published national figure; empty in references fitted before it existed)."""
    spread_log_se: np.ndarray = field(default_factory=lambda: np.array([]))
    """Per indicator the standard error of ``log(spread)`` under the same bootstrap: how much the
    yardstick itself would move had other gemeenten been in the fit (``index.uncertainty``)."""
    reference_year: int = 0
    """The year whose national figures centre the yardstick (money in base-year prices)."""
    log: list[dict[str, Any]] = field(default_factory=list)
    created_with: str = ""
    created_at: str = ""
    scope: str = "fixed"

    @property
    def label(self) -> str:
        return f"reference {self.name} (catalogue {self.catalogue_version})"

    @property
    def reference_level(self) -> str:
        return "buurt"

    def weights_table(self) -> pd.DataFrame:
        """Nominal weights per group, each indicator's share of the total (``total_weight``)
        and its effective weight (share of the total's variance on the fit data)."""
        table = pd.DataFrame(self.weights.indicator, index=list(self.indicators), columns=GROUPS)
        table["total_weight"] = self.weights.total_coefficients()
        table["effective_weight"] = self.weights.effective
        table.index.name = "indicator_id"
        return table

    def params(self) -> dict[str, Any]:
        """What normalisation reads."""
        return {
            "centre": self.centre,
            "spread": self.spread,
            "mean": self.mean,
            "sd": self.sd,
            "min": self.min,
            "max": self.max,
            "quantiles": self.quantiles,
            "probs": PROBS,
            "clip": self.clip,
        }

    def tau2_for(self, years: np.ndarray) -> np.ndarray:
        """(years × levels × indicators) between-area variances: each panel year takes the
        fitted year nearest to it (the earlier on a tie)."""
        if self.tau_years.size == 0:
            return np.full((len(years), len(LEVELS), len(self.indicators)), np.nan)
        out = np.empty((len(years), len(LEVELS), len(self.indicators)))
        for t, year in enumerate(years):
            dist = np.abs(self.tau_years - year) * 2 + (self.tau_years > year)
            out[t] = self.tau2[:, int(np.argmin(dist)), :]
        return out

    def score_scale(self, column: str) -> tuple[float, float]:
        stats = self.score_stats.get(column, {})
        return float(stats.get("mean", np.nan)), float(stats.get("sd", np.nan))

    def score_quantile(self, column: str, share: float) -> float:
        grid = np.asarray(self.score_stats.get(column, {}).get("quantiles", []), dtype=float)
        if grid.size == 0 or np.isnan(grid).all():
            return float("nan")
        return float(np.interp(share, PROBS, grid))

    def indicator_quantile(self, k: int, share: float) -> float:
        grid = self.quantiles[k]
        return float(np.interp(share, PROBS, grid)) if not np.isnan(grid).all() else float("nan")

    def check(self, catalogue_hash: str, ids: tuple[str, ...], method: dict[str, Any]) -> None:
        """Refuse to score with a reference fitted on another catalogue or method."""
        if catalogue_hash and self.catalogue_hash and catalogue_hash != self.catalogue_hash:
            raise ReferenceMismatch(
                f"The reference '{self.name}' was fitted on catalogue {self.catalogue_version} "
                f"(scoring hash {self.catalogue_hash[:12]}), not on the catalogue given (hash "
                f"{catalogue_hash[:12]}): its indicators, directions or weights differ. Fit a "
                "reference for this catalogue with `wijkkompas reference fit`."
            )
        if tuple(ids) != tuple(self.indicators):
            raise ReferenceMismatch(
                f"The catalogue's scored indicators differ from those of reference "
                f"'{self.name}'; fit a new reference with `wijkkompas reference fit`."
            )
        differ = {k: (self.method.get(k), v) for k, v in method.items() if self.method.get(k) != v}
        if differ:
            detail = "; ".join(f"{k}: reference {a!r}, asked {b!r}" for k, (a, b) in differ.items())
            raise ReferenceMismatch(
                f"The options differ from those the reference was fitted with ({detail}). "
                "Fit a new reference with these options, or score with the reference's options."
            )

    def to_dict(self) -> dict[str, Any]:
        arrays = {k: _enc(getattr(self, k)) for k in _ARRAYS}
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "name": self.name,
            "created_with": self.created_with,
            "created_at": self.created_at,
            "catalogue_hash": self.catalogue_hash,
            "catalogue_version": self.catalogue_version,
            "indicators": list(self.indicators),
            "method": _plain(self.method),
            "fitted_on": _plain(self.fitted_on),
            "reference_year": self.reference_year,
            "clip": self.clip,
            "centre_from": list(self.centre_from),
            "noise_from": list(self.noise_from),
            "probs": _enc(PROBS),
            **arrays,
            "weights": {
                "method": self.weights.method,
                "indicator": _enc(self.weights.indicator),
                "group": _enc(self.weights.group),
                "domain": _enc(self.weights.domain),
                "effective": _enc(self.weights.effective),
            },
            "score_stats": {
                col: {
                    k: _enc(np.asarray(v)) if k == "quantiles" else _plain(v) for k, v in s.items()
                }
                for col, s in self.score_stats.items()
            },
            "cuts": _enc(self.cuts),
            "centre_se": _enc(self.centre_se),
            "spread_log_se": _enc(self.spread_log_se),
            "log": _plain(self.log),
        }

    def to_json(self, indent: int | None = None) -> str:
        separators = (",", ":") if indent is None else (",", ": ")
        return json.dumps(self.to_dict(), separators=separators, allow_nan=False, indent=indent)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reference:
        if data.get("format") != FORMAT:
            raise ReferenceMismatch("This is not a wijkkompas index reference.")
        if data.get("format_version") != FORMAT_VERSION:
            raise ReferenceMismatch(
                f"Reference format version {data.get('format_version')} is not supported (this "
                f"wijkkompas reads version {FORMAT_VERSION}): it comes from a version that "
                "refitted its yardstick on every run. Fit a reference with "
                "`wijkkompas reference fit`, or use the one shipped with the catalogue."
            )
        arrays = {k: _dec(data[k]) for k in _ARRAYS}
        arrays["tau_years"] = arrays["tau_years"].astype(int)
        K = len(data["indicators"])
        arrays["tau2"] = arrays["tau2"].reshape(len(LEVELS), -1, K)
        arrays["quantiles"] = arrays["quantiles"].reshape(K, -1)
        w = data["weights"]
        weights = Weights(
            _dec(w["indicator"]).reshape(K, -1),
            _dec(w["group"]),
            _dec(w["domain"]).reshape(K, -1),
            w["method"],
            _dec(w["effective"]),
        )
        stats = {
            col: {
                k: _dec(v) if k == "quantiles" else v if k == "n" else _flt(v) for k, v in s.items()
            }
            for col, s in data["score_stats"].items()
        }
        return cls(
            name=data["name"],
            catalogue_hash=data["catalogue_hash"],
            catalogue_version=data["catalogue_version"],
            indicators=tuple(data["indicators"]),
            method=data["method"],
            fitted_on=data.get("fitted_on", {}),
            centre_from=list(data["centre_from"]),
            noise_from=list(data["noise_from"]),
            weights=weights,
            score_stats=stats,
            cuts=_dec(data["cuts"]),
            clip=float(data["clip"]),
            reference_year=int(data["reference_year"]),
            log=data.get("log", []),
            created_with=data.get("created_with", ""),
            created_at=data.get("created_at", ""),
            centre=arrays["centre"],
            spread=arrays["spread"],
            mean=arrays["mean"],
            sd=arrays["sd"],
            min=arrays["min"],
            max=arrays["max"],
            n=arrays["n"],
            quantiles=arrays["quantiles"],
            tau2=arrays["tau2"],
            tau_years=arrays["tau_years"],
            noise_sd=arrays["noise_sd"],
            imputation_var=arrays["imputation_var"],
            centre_se=_dec(data.get("centre_se")),
            spread_log_se=_dec(data.get("spread_log_se")),
        )

    @classmethod
    def from_json(cls, text: str) -> Reference:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ReferenceMismatch(f"The reference is not valid JSON ({exc.msg}).") from None
        return cls.from_dict(data)


_ARRAYS = (
    "centre",
    "spread",
    "mean",
    "sd",
    "min",
    "max",
    "n",
    "quantiles",
    "tau2",
    "tau_years",
    "noise_sd",
    "imputation_var",
)


def _enc(a: np.ndarray) -> Any:
    """Nested lists with NaN and ±inf as null (JSON has neither)."""
    a = np.asarray(a, dtype=float)
    obj = a.astype(object)
    obj[~np.isfinite(a)] = None
    return obj.tolist()


def _dec(v: Any) -> np.ndarray:
    return np.array(v, dtype=float) if v is not None else np.array([])


def _plain(v: Any) -> Any:
    """JSON-ready copy: numpy scalars to Python, NaN and ±inf to null, recursively."""
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    if isinstance(v, np.ndarray):
        return _plain(v.tolist())
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not np.isfinite(v):
        return None
    return v


def _flt(v: Any) -> float:
    return float("nan") if v is None else float(v)
