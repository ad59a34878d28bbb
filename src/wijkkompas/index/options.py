"""Every choice the engine makes, as one explicit, serialisable object.

Methodological choices (how indicators are treated, normalised, weighted and aggregated) are
*fitted into* a :class:`~wijkkompas.index.reference.Reference`, so scores of past years do not
move when someone changes a default. Policy choices (coverage, suppression, cumulation and trend
rules) apply at scoring time. Nothing here is a module-level switch: a run is reproducible from
its options alone.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Literal

Imputation = Literal["none", "parent", "previous_year"]
Outliers = Literal["none", "winsorise"]
Normalisation = Literal["zscore", "minmax", "rank", "reference"]
Weighting = Literal["equal", "expert", "pca"]
Aggregation = Literal["arithmetic", "geometric"]
Shrinkage = Literal["none", "empirical_bayes"]
Scope = Literal["national", "set_scored"]

IMPUTATIONS: tuple[Imputation, ...] = ("none", "parent", "previous_year")
OUTLIERS: tuple[Outliers, ...] = ("none", "winsorise")
NORMALISATIONS: tuple[Normalisation, ...] = ("zscore", "minmax", "rank", "reference")
WEIGHTINGS: tuple[Weighting, ...] = ("equal", "expert", "pca")
AGGREGATIONS: tuple[Aggregation, ...] = ("arithmetic", "geometric")
SHRINKAGES: tuple[Shrinkage, ...] = ("none", "empirical_bayes")
SCOPES: tuple[Scope, ...] = ("national", "set_scored")

METHOD_FIELDS: tuple[str, ...] = (
    "outliers",
    "normalisation",
    "weighting",
    "aggregation",
    "shrinkage",
    "reference_level",
    "winsor_max_points",
    "skew_threshold",
    "kurt_threshold",
    "expert_weights",
    "group_weights",
)
"""Options a Reference is fitted with; scoring with different values would mix two scales."""

DEFAULT_MEAN_SHARE_PAIRS: tuple[tuple[str, str], ...] = (
    ("income_per_inhabitant", "low_income_households"),
    ("income_per_inhabitant", "social_minimum_households"),
)


@dataclass(frozen=True)
class EngineOptions:
    """The choices of one index run.

    Parameters
    ----------
    imputation
        ``parent`` (default) fills a missing buurt value with its wijk's value, else its
        gemeente's; ``previous_year`` carries the region's own last value forward (at most
        ``carry_max_years``); ``none`` leaves it missing.
    outliers
        ``winsorise`` applies the COINr rule (|skew| ≥ 2 and kurtosis ≥ 3.5 → winsorise up to
        ``winsor_max_points`` points, logged); bounds are fitted once, into the reference.
    normalisation
        ``reference`` (default): z-score against a fixed reference year, so change over time is
        absolute. ``zscore``, ``minmax`` and ``rank`` are relative to each year's own reference
        distribution.
    weighting
        ``equal`` within each group (default), ``expert`` (``expert_weights``, else a catalogue
        ``index_weight``, else 1) or ``pca`` (squared first-component loadings per group).
    aggregation
        ``arithmetic`` (fully compensatory) or ``geometric`` (limits compensation).
    shrinkage
        ``empirical_bayes`` shrinks small-area rates toward the parent area; ``none`` only
        flags their reliability.
    reference_year
        The fixed year of the ``reference`` normalisation; default: the earliest year with
        enough data (see ``fit_reference``).
    reference_level
        The level whose regions form the reference distribution (``buurt``); all levels when
        the panel has none at this level.
    reference_scope
        A label for the reference: ``national`` when it was fitted on the whole country,
        ``set_scored`` when on the set being scored. The engine cannot know; the caller says.
    min_coverage
        Share of the catalogue weight that must be *observed* (not imputed) for a score.
    suppression_threshold
        Regions with fewer inhabitants get no scores (a reason is given instead).
    cumulation_worst_share, cumulation_min_domains, cumulation_min_years
        A domain counts as "in the worst 20%" below this reference quantile; a region is
        ``structureel_onder_druk`` when at least ``min_domains`` domains have been so for at
        least ``min_years`` consecutive years.
    trend_min_gap, trend_z, indicator_noise_sd
        Default trend baseline: the earliest year at least ``trend_min_gap`` years earlier.
        A change is a trend beyond ``trend_z`` standard errors; every observed value carries
        at least ``indicator_noise_sd`` reference standard deviations of noise.
    mean_share_pairs
        (mean indicator, share indicator) pairs for the "what averages hide" flag; pairs whose
        indicators are absent are skipped.
    seed
        Seed of every random step (uncertainty, hotspot permutations).
    """

    imputation: Imputation = "parent"
    outliers: Outliers = "winsorise"
    normalisation: Normalisation = "reference"
    weighting: Weighting = "equal"
    aggregation: Aggregation = "arithmetic"
    shrinkage: Shrinkage = "empirical_bayes"
    reference_year: int | None = None
    reference_level: str | None = "buurt"
    reference_scope: Scope = "set_scored"
    min_coverage: float = 0.5
    suppression_threshold: float = 50.0
    cumulation_worst_share: float = 0.2
    cumulation_min_domains: int = 3
    cumulation_min_years: int = 3
    trend_min_gap: int = 4
    trend_z: float = 1.96
    indicator_noise_sd: float = 0.05
    carry_max_years: int = 3
    winsor_max_points: int = 5
    skew_threshold: float = 2.0
    kurt_threshold: float = 3.5
    expert_weights: tuple[tuple[str, float], ...] = ()
    group_weights: tuple[tuple[str, float], ...] = ()
    mean_share_pairs: tuple[tuple[str, str], ...] = DEFAULT_MEAN_SHARE_PAIRS
    seed: int = 0

    def __post_init__(self) -> None:
        choices = {
            "imputation": IMPUTATIONS,
            "outliers": OUTLIERS,
            "normalisation": NORMALISATIONS,
            "weighting": WEIGHTINGS,
            "aggregation": AGGREGATIONS,
            "shrinkage": SHRINKAGES,
            "reference_scope": SCOPES,
        }
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise ValueError(
                    f"{name}={getattr(self, name)!r} is not one of {', '.join(allowed)}"
                )
        for name in ("min_coverage", "cumulation_worst_share"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must lie between 0 and 1")
        for name in ("cumulation_min_domains", "cumulation_min_years", "trend_min_gap"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if any(w < 0 for _, w in (*self.expert_weights, *self.group_weights)):
            raise ValueError("weights must be non-negative")
        # Tuples, not dicts or lists: options must stay hashable and comparable.
        object.__setattr__(self, "expert_weights", _pairs(self.expert_weights))
        object.__setattr__(self, "group_weights", _pairs(self.group_weights))
        object.__setattr__(self, "mean_share_pairs", _pairs(self.mean_share_pairs))

    def method(self) -> dict[str, Any]:
        """The fields a Reference is fitted with (see ``METHOD_FIELDS``)."""
        data = self.to_dict()
        return {name: data[name] for name in METHOD_FIELDS}

    def replace(self, **changes: Any) -> EngineOptions:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (pairs become lists) for run manifests."""
        return {
            k: [list(p) for p in v] if isinstance(v, tuple) else v for k, v in asdict(self).items()
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EngineOptions:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown engine options: {', '.join(unknown)}")
        values: dict[str, Any] = {
            k: _pairs(v) if isinstance(v, list) else v for k, v in data.items()
        }
        return cls(**values)


def _pairs(value: Any) -> tuple[tuple[Any, Any], ...]:
    if isinstance(value, dict):
        value = sorted(value.items())
    return tuple((p[0], p[1]) for p in value)
