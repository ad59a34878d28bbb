"""Every choice the engine makes, as one explicit, serialisable object.

Methodological choices (how indicators are normalised, weighted and aggregated) are *fitted
into* a :class:`~wijkkompas.index.reference.Reference`, so scores do not move when someone
changes a default: a reference refuses options that differ from its own. Policy choices
(suppression, the total's rule, cumulation and trend rules) apply at scoring time. Nothing here
is a module-level switch: a run is reproducible from its options and its reference alone.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Literal

Imputation = Literal["none", "parent"]
Normalisation = Literal["reference", "zscore", "minmax", "rank"]
Weighting = Literal["nominal", "equal", "expert", "pca"]
Aggregation = Literal["arithmetic", "geometric"]
Shrinkage = Literal["none", "empirical_bayes"]

IMPUTATIONS: tuple[Imputation, ...] = ("none", "parent")
NORMALISATIONS: tuple[Normalisation, ...] = ("reference", "zscore", "minmax", "rank")
WEIGHTINGS: tuple[Weighting, ...] = ("nominal", "equal", "expert", "pca")
AGGREGATIONS: tuple[Aggregation, ...] = ("arithmetic", "geometric")
SHRINKAGES: tuple[Shrinkage, ...] = ("none", "empirical_bayes")

METHOD_FIELDS: tuple[str, ...] = (
    "normalisation",
    "weighting",
    "aggregation",
    "shrinkage",
    "clip",
    "expert_weights",
    "group_weights",
)
"""Options a Reference is fitted with; scoring with different values would mix two scales."""

RETIRED_FIELDS: frozenset[str] = frozenset(
    {
        "outliers", "winsor_max_points", "skew_threshold", "kurt_threshold", "reference_scope",
        "reference_level", "min_coverage", "indicator_noise_sd", "carry_max_years",
    }
)  # fmt: skip
"""Options of earlier versions (a yardstick refitted per run): read from old manifests, ignored."""

DEFAULT_MEAN_SHARE_PAIRS: tuple[tuple[str, str], ...] = (
    ("household_income_standardised", "low_income_households"),
    ("household_income_standardised", "social_minimum_households"),
)


@dataclass(frozen=True)
class EngineOptions:
    """The choices of one index run.

    Parameters
    ----------
    imputation
        ``parent`` (default) fills a figure still missing after carrying the region's own
        figures forward with its wijk's, else its gemeente's; ``none`` leaves it missing.
        Imputed figures fill in but never make a score (see ``aggregate``).
    normalisation
        ``reference`` (default): distance from the Dutch average in spreads between buurten;
        ``zscore``, ``minmax``, ``rank``: against the reference's fit data (see ``normalise``).
    weighting
        ``nominal`` (default): the catalogue's weights (1, a quarter for a proxy); ``equal``
        (proxies weigh 1 too); ``expert`` (``expert_weights``) or ``pca`` (squared
        first-component loadings per group, fitted into the reference).
    aggregation
        ``arithmetic`` (fully compensatory) or ``geometric`` (limits compensation).
    shrinkage
        ``empirical_bayes`` shrinks small-area rates toward the parent area; ``none`` only
        flags their reliability.
    clip
        Normalised values are clipped to ±``clip`` spreads (fitted into the reference).
    reference_year
        For fitting: the year whose national figures centre the yardstick (default: the
        newest year that has national figures).
    min_groups
        The total is the mean of the groups with a score when at least this many of them have
        one (four of the seven or eight groups the catalogue fills); the basket is stored.
    suppression_threshold
        Region-years with fewer inhabitants, or with no known number of inhabitants, get no
        scores (a reason is given instead); 0 switches suppression off (tests only).
    cumulation_worst_share, cumulation_min_domains, cumulation_min_years
        A domain counts as "in the worst fifth" at or below this quantile of the reference's
        fit data; a region is ``structureel_onder_druk`` when at least ``min_domains`` domains
        have been so for at least ``min_years`` consecutive years.
    trend_min_gap, trend_z, trend_min_groups
        Default trend baseline: the latest scored year at least ``trend_min_gap`` years earlier.
        A change is a trend beyond ``trend_z`` standard errors of the like-for-like change,
        which needs at least ``trend_min_groups`` groups in its common basket.
    mean_share_pairs
        (mean indicator, share indicator) pairs for the "what averages hide" flag; pairs whose
        indicators are absent are skipped.
    seed
        Seed of every random step (uncertainty, hotspot permutations).
    """

    imputation: Imputation = "parent"
    normalisation: Normalisation = "reference"
    weighting: Weighting = "nominal"
    aggregation: Aggregation = "arithmetic"
    shrinkage: Shrinkage = "empirical_bayes"
    clip: float = 3.0
    reference_year: int | None = None
    min_groups: int = 4
    suppression_threshold: float = 50.0
    cumulation_worst_share: float = 0.2
    cumulation_min_domains: int = 3
    cumulation_min_years: int = 3
    trend_min_gap: int = 2
    trend_z: float = 1.96
    trend_min_groups: int = 3
    expert_weights: tuple[tuple[str, float], ...] = ()
    group_weights: tuple[tuple[str, float], ...] = ()
    mean_share_pairs: tuple[tuple[str, str], ...] = DEFAULT_MEAN_SHARE_PAIRS
    seed: int = 0

    def __post_init__(self) -> None:
        choices = {
            "imputation": IMPUTATIONS,
            "normalisation": NORMALISATIONS,
            "weighting": WEIGHTINGS,
            "aggregation": AGGREGATIONS,
            "shrinkage": SHRINKAGES,
        }
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise ValueError(
                    f"{name}={getattr(self, name)!r} is not one of {', '.join(allowed)}"
                )
        if not 0.0 <= self.cumulation_worst_share <= 1.0:
            raise ValueError("cumulation_worst_share must lie between 0 and 1")
        if not self.clip > 0:
            raise ValueError("clip must be positive")
        for name in (
            "min_groups",
            "cumulation_min_domains",
            "cumulation_min_years",
            "trend_min_gap",
        ):
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
        data = {k: v for k, v in data.items() if k not in RETIRED_FIELDS}
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
