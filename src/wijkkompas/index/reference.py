"""The reference: the fixed yardstick every score is measured against.

Means, spreads, percentiles and winsorisation bounds per year, the reference year, the fitted
weights, small-area variances and the scale of the total (for the fixed class cut-points) — all
computed once by :func:`wijkkompas.index.fit.fit_reference` and stored as a versioned JSON
artefact with the catalogue hash. Scoring reads only this artefact, so a region's score does not
depend on which other regions are scored, and history does not move with each release
(the ccvi-data #24 complaint; COINr's global normalisation; CBS SES-WOA's fixed coefficients).
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
FORMAT_VERSION = 1
PROBS = np.linspace(0.0, 1.0, 101)


class ReferenceMismatch(WijkkompasError):
    """A reference that does not fit the catalogue or the options it is used with."""


@dataclass
class Reference:
    """A fitted reference (see module notes). Arrays are (years × indicators) unless noted."""

    catalogue_hash: str
    catalogue_version: str
    indicators: tuple[str, ...]
    method: dict[str, Any]
    scope: str
    reference_year: int
    reference_level: str | None
    years: np.ndarray
    mean: np.ndarray
    sd: np.ndarray
    min: np.ndarray
    max: np.ndarray
    n: np.ndarray
    quantiles: np.ndarray
    """(years × indicators × len(PROBS)) percentiles of each indicator."""
    lower: np.ndarray
    upper: np.ndarray
    fixed_rows: np.ndarray
    """(indicators,) row of ``years`` used by the fixed ``reference`` normalisation."""
    tau2: np.ndarray
    imputation_var: np.ndarray
    weights: Weights
    score_stats: dict[str, dict[str, Any]]
    """Per score column (total, groups, domains): reference-year mean, sd and percentiles."""
    cuts: np.ndarray
    log: list[dict[str, Any]] = field(default_factory=list)
    created_with: str = ""

    @property
    def label(self) -> str:
        where = "national" if self.scope == "national" else "set scored"
        return f"{where} reference {self.reference_year} ({self.method['normalisation']})"

    def weights_table(self) -> pd.DataFrame:
        """Nominal weights per group, each indicator's share of the total (``total_weight``)
        and its effective weight (share of the total's variance in the reference year)."""
        table = pd.DataFrame(self.weights.indicator, index=list(self.indicators), columns=GROUPS)
        table["total_weight"] = self.weights.total_coefficients()
        table["effective_weight"] = self.weights.effective
        table.index.name = "indicator_id"
        return table

    def params(self) -> dict[str, Any]:
        """The per-year tables normalisation reads."""
        return {
            "mean": self.mean,
            "sd": self.sd,
            "min": self.min,
            "max": self.max,
            "quantiles": self.quantiles,
            "probs": PROBS,
        }

    def year_rows(self, years: np.ndarray) -> tuple[np.ndarray, list[dict[str, Any]]]:
        """Reference row per panel year: the same year, else the nearest (earlier on a tie)."""
        rows = np.empty(len(years), dtype=int)
        log = []
        for t, year in enumerate(years):
            dist = np.abs(self.years - year) * 2 + (self.years > year)
            rows[t] = int(np.argmin(dist))
            if self.years[rows[t]] != year:
                log.append(
                    {
                        "step": "year_fallback",
                        "year": int(year),
                        "reference_year_used": int(self.years[rows[t]]),
                    }
                )
        return rows, log

    def score_scale(self, column: str) -> tuple[float, float]:
        stats = self.score_stats.get(column, {})
        return float(stats.get("mean", np.nan)), float(stats.get("sd", np.nan))

    def score_quantile(self, column: str, share: float) -> float:
        grid = np.asarray(self.score_stats.get(column, {}).get("quantiles", []), dtype=float)
        if grid.size == 0 or np.isnan(grid).all():
            return float("nan")
        return float(np.interp(share, PROBS, grid))

    def check(self, catalogue_hash: str, ids: tuple[str, ...], method: dict[str, Any]) -> None:
        """Refuse to score with a reference fitted on another catalogue or method."""
        if catalogue_hash and self.catalogue_hash and catalogue_hash != self.catalogue_hash:
            raise ReferenceMismatch(
                f"This reference was fitted on catalogue {self.catalogue_version} "
                f"(hash {self.catalogue_hash[:12]}), not on the catalogue given "
                f"(hash {catalogue_hash[:12]}). Fit a new reference for this catalogue."
            )
        if tuple(ids) != tuple(self.indicators):
            raise ReferenceMismatch(
                "The catalogue's scored indicators differ from the reference's; fit a new reference."
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
            "created_with": self.created_with,
            "catalogue_hash": self.catalogue_hash,
            "catalogue_version": self.catalogue_version,
            "indicators": list(self.indicators),
            "method": self.method,
            "scope": self.scope,
            "reference_year": self.reference_year,
            "reference_level": self.reference_level,
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
            "log": _plain(self.log),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"), allow_nan=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reference:
        if data.get("format") != FORMAT:
            raise ReferenceMismatch("This is not a wijkkompas index reference.")
        if data.get("format_version") != FORMAT_VERSION:
            raise ReferenceMismatch(
                f"Reference format version {data.get('format_version')} is not supported "
                f"(this wijkkompas reads version {FORMAT_VERSION}); fit a new reference."
            )
        arrays = {k: _dec(data[k]) for k in _ARRAYS}
        arrays["years"] = arrays["years"].astype(int)
        arrays["fixed_rows"] = arrays["fixed_rows"].astype(int)
        arrays["lower"] = np.nan_to_num(arrays["lower"], nan=-np.inf)
        arrays["upper"] = np.nan_to_num(arrays["upper"], nan=np.inf)
        w = data["weights"]
        weights = Weights(
            _dec(w["indicator"]),
            _dec(w["group"]),
            _dec(w["domain"]),
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
            catalogue_hash=data["catalogue_hash"],
            catalogue_version=data["catalogue_version"],
            indicators=tuple(data["indicators"]),
            method=data["method"],
            scope=data["scope"],
            reference_year=int(data["reference_year"]),
            reference_level=data["reference_level"],
            weights=weights,
            score_stats=stats,
            cuts=_dec(data["cuts"]),
            log=data.get("log", []),
            created_with=data.get("created_with", ""),
            **arrays,
        )

    @classmethod
    def from_json(cls, text: str) -> Reference:
        return cls.from_dict(json.loads(text))


_ARRAYS = (
    "years",
    "mean",
    "sd",
    "min",
    "max",
    "n",
    "quantiles",
    "lower",
    "upper",
    "fixed_rows",
    "tau2",
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
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not np.isfinite(v):
        return None
    return v


def _flt(v: Any) -> float:
    return float("nan") if v is None else float(v)
