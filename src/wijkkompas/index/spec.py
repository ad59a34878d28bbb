"""The part of the catalogue the engine needs, as plain arrays.

The engine reads a catalogue object, never the TOML file, and only through this spec: the
scored indicators, which way each points, and the two taggings that group them (physical
dimension or social-quality condition; cumulation domains). Anything with the same attributes as
``wijkkompas.catalogue.Catalogue`` works, so a user can regroup indicators without code changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from wijkkompas.catalogue.score_groups import BY_KEY, GROUP_KEYS, KEY_OF_TAG

GROUPS: tuple[str, ...] = GROUP_KEYS
"""Output score names: four physical dimensions, then the four social-quality conditions."""

GROUP_NAMES: dict[str, tuple[str, str]] = {k: (g.label_nl, g.label_en) for k, g in BY_KEY.items()}
"""(Dutch, English) name of the total and each group. The site translates the Dutch through its
catalogues (same English); the CLI, without Django, reads both."""

PHYSICAL: tuple[str, ...] = GROUPS[:4]
SOCIAL_QUALITY: tuple[str, ...] = GROUPS[4:]

DOMAINS: tuple[str, ...] = (
    "growing_up_education",
    "work_poverty_inclusion",
    "safety_undermining",
    "housing",
    "health",
)
"""Cumulation domains (a second, independent tagging)."""

_CATALOGUE_TO_GROUP = KEY_OF_TAG
RATE_FACTORS = {"percent": 100.0, "per_1000": 1000.0}


@dataclass(frozen=True)
class IndicatorSpec:
    """One scored indicator as the engine sees it."""

    id: str
    sign: float
    """+1 when higher is better, -1 when higher is worse."""
    groups: tuple[str, ...]
    domains: tuple[str, ...]
    unit: str
    numerator: str | None = None
    denominator: str | None = None
    size: str | None = None
    """The count a rate or share refers to (its denominator, else the catalogue ``weight``):
    sampling variance for small areas, and the weight of custom-area roll-ups."""
    weight: float = 1.0
    """Nominal weight within its groups: the catalogue's (1, a quarter for a proxy), or an
    expert weight given in the options."""
    transform: str | None = None
    """``log`` or ``log1p`` before normalisation (see ``catalogue.schema.Transform``)."""
    proxy: bool = False
    """A proxy never gives a group a score on its own."""
    model_estimate: bool = False
    """A model-based small-area estimate: never shrunk, left out of trends."""
    carry_years: int = 3
    """How many years an older own figure may stand in for a missing one."""
    deflator: tuple[tuple[int, float], ...] = ()
    """(year, factor to base-year money) pairs; empty when the indicator is not money."""
    date_period: bool = False
    """The period is a date (1 January) rather than a year: money of that date is deflated with
    the mean of the two yearly price levels around it."""
    residential_only: bool = False
    """A rate per resident of something that happens where people work and shop (crime): it is
    withheld for buurten that are mainly non-residential."""

    @property
    def rate_factor(self) -> float | None:
        """100 or 1000 for rates; None for anything that is not a rate."""
        return RATE_FACTORS.get(self.unit)


@dataclass(frozen=True)
class IndexSpec:
    """The scored indicators of a catalogue, in a fixed order, plus the catalogue's identity."""

    indicators: tuple[IndicatorSpec, ...]
    catalogue_hash: str = ""
    catalogue_version: str = ""

    @classmethod
    def from_catalogue(
        cls,
        catalogue: Any,
        expert_weights: Mapping[str, float] | Iterable[tuple[str, float]] = (),
        *,
        include_tags: Iterable[str] = (),
    ) -> IndexSpec:
        """Derive the spec from a catalogue object.

        Parameters
        ----------
        catalogue
            A ``wijkkompas.catalogue.Catalogue`` (or anything with ``indicators``, ``version``
            and ``sha256``). ``context`` indicators are skipped: they are shown, never scored.
        expert_weights
            Per-indicator weights for ``weighting="expert"``; they override an ``index_weight``
            attribute on catalogue indicators, which overrides the default of 1.
        include_tags
            Tagged indicators (``survey``, ``participation``: felt livability, measured for a
            few areas only) are left out unless their tag is named here. The default index is
            measured livability; felt livability is set beside it, not mixed in, and indicators
            that only some buurten have would otherwise lower every other buurt's coverage.
        """
        overrides = dict(expert_weights)
        included = set(include_tags)
        prices = getattr(catalogue, "price_indices", {}) or {}
        specs = []
        for ind in catalogue.indicators:
            if ind.direction == "context":
                continue
            if not set(getattr(ind, "tags", ())) <= included:
                continue
            groups = tuple(
                _CATALOGUE_TO_GROUP[tag]
                for tag in (ind.dimension, ind.social_quality)
                if tag is not None
            )
            specs.append(
                IndicatorSpec(
                    id=ind.id,
                    sign=1.0 if ind.direction == "higher_is_better" else -1.0,
                    groups=groups,
                    domains=tuple(ind.cumulation),
                    unit=ind.unit,
                    numerator=ind.numerator,
                    denominator=ind.denominator,
                    size=ind.denominator or getattr(ind, "weight", None),
                    weight=float(overrides.get(ind.id, _nominal_weight(ind))),
                    transform=getattr(ind, "transform", None),
                    proxy=getattr(ind, "proxy", None) is not None,
                    model_estimate=bool(getattr(ind, "model_estimate", False)),
                    carry_years=int(getattr(ind, "carry_years", 3)),
                    deflator=_deflator(prices, getattr(ind, "deflate", None)),
                    date_period=getattr(ind, "reference_date", None) is not None,
                    residential_only=bool(getattr(ind, "residential_only", False)),
                )
            )
        return cls(
            tuple(specs),
            catalogue_hash=str(
                getattr(catalogue, "scoring_sha256", getattr(catalogue, "sha256", ""))
            ),
            catalogue_version=str(getattr(catalogue, "version", "")),
        )

    @cached_property
    def proxies(self) -> np.ndarray:
        return np.array([i.proxy for i in self.indicators], dtype=bool)

    @cached_property
    def model_estimates(self) -> np.ndarray:
        return np.array([i.model_estimate for i in self.indicators], dtype=bool)

    @cached_property
    def nominal(self) -> np.ndarray:
        return np.array([i.weight for i in self.indicators], dtype=float)

    @cached_property
    def ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.indicators)

    @cached_property
    def signs(self) -> np.ndarray:
        return np.array([i.sign for i in self.indicators], dtype=float)

    @cached_property
    def group_membership(self) -> np.ndarray:
        """(indicators × GROUPS) boolean matrix."""
        return np.array([[g in i.groups for g in GROUPS] for i in self.indicators], dtype=bool)

    @cached_property
    def domain_membership(self) -> np.ndarray:
        """(indicators × DOMAINS) boolean matrix."""
        return np.array([[d in i.domains for d in DOMAINS] for i in self.indicators], dtype=bool)

    def position(self, indicator_id: str) -> int:
        return self.ids.index(indicator_id)


def _nominal_weight(ind: Any) -> float:
    weight = getattr(ind, "nominal_weight", None)
    return 1.0 if weight is None else float(weight)


def _deflator(prices: Mapping[str, Any], name: str | None) -> tuple[tuple[int, float], ...]:
    """The price index an indicator is deflated with, as (year, factor to base-year money)."""
    if name is None or name not in prices:
        return ()
    index = prices[name]
    return tuple((int(y), 100.0 / float(v)) for y, v in sorted(index.values.items()))


def as_spec(catalogue: Any, expert_weights: Iterable[tuple[str, float]] = ()) -> IndexSpec:
    """Accept either a catalogue or an already derived spec."""
    if isinstance(catalogue, IndexSpec):
        return catalogue
    return IndexSpec.from_catalogue(catalogue, expert_weights)
