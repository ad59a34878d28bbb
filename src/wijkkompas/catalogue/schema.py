"""The indicator catalogue's schema.

The catalogue is the one place that says what an indicator *is*: its stable id, what it is
called in every source (kwb short names and StatLine keys across years), which way it points and
which tags (physical dimension, social-quality condition, cumulation domain) group it. Loaders,
the index engine and the web app all read it, so an indicator can be added or regrouped without
code changes. It is data, validated hard: an error here would silently corrupt every index run.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from functools import cached_property
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from wijkkompas.catalogue.score_groups import CONDITION_TAGS, DIMENSION_TAGS
from wijkkompas.errors import WijkkompasError

Unit = Literal[
    "percent", "count", "per_1000", "euro_x1000", "euro", "km", "number", "per_km2", "ha"
]
Direction = Literal["higher_is_better", "higher_is_worse", "context"]
Dimension = Literal["housing", "physical_environment", "amenities", "nuisance_safety"]
SocialQuality = Literal[
    "socio_economic_security", "social_inclusion", "social_cohesion", "social_empowerment"
]
Tag = Literal["survey", "participation"]
"""Where a figure comes from when it is not a register: residents' answers to the survey
(felt livability) or counts from the participation app. Tagged indicators are shown with their
condition or dimension but are not scored by default (see ``IndexSpec.from_catalogue``)."""
TAGS: tuple[str, ...] = ("survey", "participation")
CumulationDomain = Literal[
    "growing_up_education", "work_poverty_inclusion", "safety_undermining", "housing", "health"
]
Deflator = Literal["cpi", "house_prices"]
"""Which price index turns money of its own reference period into money of the base year: the
consumer price index for incomes, the price index of existing homes for WOZ values."""
Transform = Literal["log", "log1p"]
"""Applied before normalisation: ``log`` for incomes (a euro more matters less to the rich),
``log1p`` for distances and crime rates (0.3 versus 1 km matters more than 5 versus 6 km, and
both can be zero)."""
PROXY_WEIGHT = 0.25
"""Default nominal weight of a proxy, relative to 1 for a direct measure (see ``Indicator.proxy``)."""

DIMENSIONS: tuple[str, ...] = DIMENSION_TAGS
SOCIAL_QUALITY: tuple[str, ...] = CONDITION_TAGS
CUMULATION_DOMAINS: tuple[str, ...] = (
    "growing_up_education",
    "work_poverty_inclusion",
    "safety_undermining",
    "housing",
    "health",
)

RATE_FACTORS: dict[str, float] = {"percent": 100.0, "per_1000": 1000.0}
"""What numerator / denominator is multiplied by for a rate in this unit (1 otherwise)."""

_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
_STATLINE_SUFFIX = re.compile(r"_\d+$")

# Migration background is a governance decision, not a livability indicator: the Leefbaarometer
# 2.0 controversy showed that scoring places on who lives there stigmatises them. The catalogue
# refuses such indicators outright, under any of the names CBS has used for them.
_MIGRATION_KWB_EXACT = frozenset(
    {
        "a_nl_all", "a_eur_al", "a_neu_al", "a_w_all", "a_nw_all", "p_w_all", "p_nw_all",
        "a_marok", "a_antaru", "a_surina", "a_turk", "a_ov_nw",
    }
)  # fmt: skip
_MIGRATION_KWB_PREFIXES = ("a_geb_", "a_gbl_", "p_geb_", "p_gbl_")
_MIGRATION_WORDS = (
    "herkomst",
    "migratie",
    "migrati",
    "westers",
    "allochto",
    "autochto",
    "europaexclusiefnederland",
    "buiteneuropa",
    "marokk",
    "turkije",
    "surinam",
    "antillen",
)


def statline_base_name(key: str) -> str:
    """Strip the numeric suffix StatLine adds to a column key (it changes between tables)."""
    return _STATLINE_SUFFIX.sub("", key.strip())


def _is_migration_name(name: str) -> bool:
    lowered = name.strip().lower()
    if lowered in _MIGRATION_KWB_EXACT or lowered.startswith(_MIGRATION_KWB_PREFIXES):
        return True
    return any(word in lowered for word in _MIGRATION_WORDS)


class UnknownIndicator(WijkkompasError):
    """An indicator id that is not in the catalogue."""


class Indicator(BaseModel):
    """One indicator, with its names in every source and the tags that group it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    """Stable snake_case English id; never changes once published (index runs refer to it)."""
    name_nl: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    description_nl: str = Field(min_length=1)
    description_en: str = Field(min_length=1)
    unit: Unit
    direction: Direction
    """``context`` indicators are shown but never scored."""
    kwb: list[str] = Field(default_factory=list)
    """Short column names in the kwb download files, across years (``g_woz`` became
    ``g_wozbag``)."""
    statline: list[str] = Field(default_factory=list)
    """StatLine OData keys without their numeric suffix, across years."""
    statline_parent: str | None = None
    """Title of a parent topic group, for a base name that repeats within one table."""
    older_tables_only: list[str] = Field(default_factory=list)
    """Names from ``kwb``/``statline`` that only occur in tables before KWB 2023/2024: checked
    against the newest files by the tests, so they must be listed here to be exempt."""
    numerator: str | None = None
    denominator: str | None = None
    """For a rate: value = numerator / denominator × (100 for percent, 1000 for per_1000).
    Loaders use it to derive a rate a source does not publish; aggregation divides sums."""
    sum_of: list[str] = Field(default_factory=list)
    """For a count no source publishes directly: it is the sum of these indicators."""
    weight: str | None = None
    """The count a mean or share refers to (households for a share of households), so wijk and
    gemeente values are weighted means of their buurten."""
    dimension: Dimension | None = None
    social_quality: SocialQuality | None = None
    cumulation: list[CumulationDomain] = Field(default_factory=list)
    tags: list[Tag] = Field(default_factory=list)
    """``survey`` or ``participation`` for figures from residents rather than registers."""
    distribution_of: str | None = None
    """The mean this indicator shows the spread behind (the share of residents in the lowest
    40% of incomes behind the mean income): profiles show the two side by side, because a
    fine average can hide many households in poverty."""
    plausible_range: tuple[float, float]
    """National plausible bounds: loaders flag values outside, the demo draws within."""
    reference_lag_years: int = Field(ge=0, le=5)
    """How many years the reference period lags the table year (income 2, population 0)."""
    reference_date: str | None = Field(default=None, pattern=r"^\d{2}-\d{2}$")
    """``MM-DD`` when the figure is a stock at a date (population on 01-01), else a year."""
    reference: str = Field(min_length=1)
    proxy: str | None = None
    """Why this indicator stands in for something it does not measure directly (living alone
    for the risk of isolation). A proxy weighs ``PROXY_WEIGHT`` unless ``index_weight`` says
    otherwise, and never gives a group a score on its own."""
    proxy_nl: str | None = None
    """The same reason in Dutch, for the method page (the site is Dutch first)."""
    index_weight: float | None = Field(default=None, ge=0)
    """Nominal weight within its group (1 for a direct measure, ``PROXY_WEIGHT`` for a proxy)."""
    model_estimate: bool = False
    """A model-based small-area estimate (the RIVM health monitor), not a count: shown as
    *modelschatting*, never shrunk again, and kept out of difference-in-differences and goal
    progress, because a local intervention cannot show in a figure predicted from registers."""
    deflate: Deflator | None = None
    transform: Transform | None = None
    carry_years: int = Field(default=3, ge=0, le=6)
    """How many years an older figure may stand in for a missing one, with its own period shown:
    three for yearly registers; four for a survey held every four years."""
    residential_only: bool = False
    """A rate per resident of something counted where it happens (crime): where few people live
    among many workplaces and shops the rate says nothing about the residents, so it is withheld
    for buurten that are mainly non-residential (see ``index.exposure``)."""
    fallback_sum_of: list[str] = Field(default_factory=list)
    """Counts whose sum stands in when no source gives this count (inhabitants as the sum of the
    age groups, for a file without ``a_inw``); the stand-in is marked as derived."""

    @field_validator("id")
    @classmethod
    def _snake_case_id(cls, value: str) -> str:
        if not _ID_PATTERN.match(value):
            raise ValueError(
                f"'{value}' is not a valid id: use lower-case snake_case starting with a letter"
            )
        return value

    @field_validator("statline")
    @classmethod
    def _no_suffix(cls, value: list[str]) -> list[str]:
        for name in value:
            if statline_base_name(name) != name:
                raise ValueError(f"StatLine name '{name}' has a numeric suffix; give the base name")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        low, high = self.plausible_range
        if not low < high:
            raise ValueError(f"plausible_range [{low}, {high}] must have low < high")
        if (self.numerator is None) != (self.denominator is None):
            raise ValueError("numerator and denominator must be given together")
        if self.numerator is not None and self.unit not in ("percent", "per_1000", "number"):
            raise ValueError(f"a rate (numerator/denominator) cannot have unit '{self.unit}'")
        if (self.sum_of or self.fallback_sum_of) and self.unit != "count":
            raise ValueError("sum_of and fallback_sum_of are only meaningful for a count")
        if self.deflate is not None and self.unit not in ("euro", "euro_x1000"):
            raise ValueError(f"only money can be deflated, not a figure in '{self.unit}'")
        if self.proxy is not None and self.direction == "context":
            raise ValueError("a context indicator is not scored, so it cannot be a proxy")
        if self.proxy_nl is not None and self.proxy is None:
            raise ValueError("proxy_nl translates proxy; give proxy too")
        stray = sorted(set(self.older_tables_only) - set(self.kwb) - set(self.statline))
        if stray:
            raise ValueError(
                f"older_tables_only names {stray} are in neither the kwb nor the statline list"
            )
        for name in [self.id, self.name_nl, self.name_en, *self.kwb, *self.statline]:
            if _is_migration_name(name):
                raise ValueError(
                    f"'{name}' refers to migration background; wijkkompas does not score or "
                    "show places by the origin of their residents"
                )
        return self

    @property
    def scored(self) -> bool:
        return self.direction != "context"

    @property
    def felt(self) -> bool:
        """True for survey and participation indicators (from residents, not registers)."""
        return bool(self.tags)

    @property
    def rate_factor(self) -> float:
        return RATE_FACTORS.get(self.unit, 1.0)

    @property
    def nominal_weight(self) -> float:
        """Weight within its group: ``index_weight`` if given, else 1 (``PROXY_WEIGHT`` for a proxy)."""
        if self.index_weight is not None:
            return self.index_weight
        return PROXY_WEIGHT if self.proxy else 1.0

    def period_label(self, table_year: int) -> str:
        """The reference period of this indicator's figure in the table of ``table_year``."""
        year = table_year - self.reference_lag_years
        return f"{year}-{self.reference_date}" if self.reference_date else str(year)

    def source_column(self) -> str | None:
        """The newest kwb short name: what a kwb file calls this column today."""
        current = [name for name in self.kwb if name not in self.older_tables_only] or self.kwb
        return current[-1] if current else None


class PriceIndex(BaseModel):
    """A yearly price index (annual averages), to express money of different years in the money
    of one base year. Small tables with their source, so anyone can check them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name_nl: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    table: str = Field(min_length=1)
    base_year: int
    source: str = Field(min_length=1)
    values: dict[int, float]

    @model_validator(mode="after")
    def _base_is_100(self) -> Self:
        base = self.values.get(self.base_year)
        if base is None or abs(base - 100.0) > 1e-9:
            raise ValueError(f"the base year {self.base_year} must be in the table, at 100")
        if any(v <= 0 for v in self.values.values()):
            raise ValueError("price index values must be positive")
        return self

    def factor(self, year: float) -> float:
        """Multiply money of ``year`` by this to get money of the base year (NaN when unknown).

        A half year (2022.5) is the mean of its two neighbours: the WOZ value date of 1 January
        lies between two yearly averages.
        """
        if year != year:  # NaN
            return float("nan")
        low, high = int(year // 1), int(-(-year // 1))
        if low not in self.values or high not in self.values:
            return float("nan")
        level = (self.values[low] + self.values[high]) / 2.0
        return 100.0 / level


_SCORING_FIELDS = (
    "id", "unit", "direction", "dimension", "social_quality", "cumulation", "tags", "numerator",
    "denominator", "sum_of", "fallback_sum_of", "weight", "model_estimate", "deflate",
    "transform", "carry_years", "reference_lag_years", "residential_only",
)  # fmt: skip
"""What a score depends on; names, descriptions and sources may change without a new reference."""


class Catalogue(BaseModel):
    """A versioned set of indicators; index runs record its ``sha256``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str = Field(min_length=1)
    indicators: list[Indicator]
    price_indices: dict[Deflator, PriceIndex] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _references(self) -> Self:
        seen: set[str] = set()
        for indicator in self.indicators:
            if indicator.id in seen:
                raise ValueError(f"indicator id '{indicator.id}' occurs more than once")
            seen.add(indicator.id)
        counts = {i.id for i in self.indicators if i.unit == "count"}
        for indicator in self.indicators:
            refs: dict[str, list[str | None]] = {
                "numerator": [indicator.numerator],
                "denominator": [indicator.denominator],
                "weight": [indicator.weight],
                "sum_of": list(indicator.sum_of),
                "fallback_sum_of": list(indicator.fallback_sum_of),
                "distribution_of": [indicator.distribution_of],
            }
            for field_name, targets in refs.items():
                for target in targets:
                    if target is None:
                        continue
                    if target not in seen:
                        raise ValueError(
                            f"indicator '{indicator.id}', field {field_name}: refers to "
                            f"'{target}', which is not an indicator in this catalogue"
                        )
                    if (
                        field_name in ("weight", "sum_of", "fallback_sum_of")
                        and target not in counts
                    ):
                        raise ValueError(
                            f"indicator '{indicator.id}', field {field_name}: '{target}' "
                            "must be a count"
                        )
        for indicator in self.indicators:
            if indicator.deflate and indicator.deflate not in self.price_indices:
                raise ValueError(
                    f"indicator '{indicator.id}' is deflated with '{indicator.deflate}', but the "
                    "catalogue has no [price_indices] table of that name"
                )
        self._check_unique_names(lambda i: i.kwb, "kwb")
        self._check_unique_names(
            lambda i: [f"{n}|{i.statline_parent or ''}" for n in i.statline], "statline"
        )
        return self

    def _check_unique_names(self, names: Callable[[Indicator], list[str]], label: str) -> None:
        owner: dict[str, str] = {}
        for indicator in self.indicators:
            for name in names(indicator):
                key = name.lower()
                if key in owner:
                    raise ValueError(
                        f"{label} name '{name.split('|')[0]}' is claimed by both "
                        f"'{owner[key]}' and '{indicator.id}'"
                    )
                owner[key] = indicator.id

    @cached_property
    def _by_id(self) -> dict[str, Indicator]:
        return {i.id: i for i in self.indicators}

    @cached_property
    def _by_kwb(self) -> dict[str, Indicator]:
        return {name.lower(): i for i in self.indicators for name in i.kwb}

    def by_id(self, indicator_id: str) -> Indicator:
        try:
            return self._by_id[indicator_id]
        except KeyError:
            raise UnknownIndicator(
                f"There is no indicator '{indicator_id}' in catalogue {self.version}. "
                "Run `wijkkompas catalogue` (or read default.toml) for the list of ids."
            ) from None

    def by_kwb_name(self, name: str) -> Indicator | None:
        """The indicator a kwb column feeds, or None: the loader then keeps it as unmatched."""
        return self._by_kwb.get(name.strip().lower())

    def by_statline_base(
        self, base: str, parent: str | Iterable[str] | None = None
    ) -> Indicator | None:
        """The indicator a StatLine column feeds, matched on its base name.

        ``base`` may carry its numeric suffix. ``parent`` is the title (or the titles of all
        ancestors) of the column's topic group; it decides between indicators sharing a base name.
        """
        name = statline_base_name(base).lower()
        parents = (
            set()
            if parent is None
            else {parent.lower()}
            if isinstance(parent, str)
            else {p.lower() for p in parent}
        )
        candidates = [i for i in self.indicators if name in (n.lower() for n in i.statline)]
        if parents:
            # A parent given rules out indicators tied to another parent topic.
            candidates = [
                i
                for i in candidates
                if i.statline_parent is None or i.statline_parent.lower() in parents
            ]
        if len(candidates) > 1:
            raise WijkkompasError(
                f"StatLine column '{base}' matches several indicators "
                f"({', '.join(i.id for i in candidates)}); give its parent topic to decide."
            )
        return candidates[0] if candidates else None

    def scored(self) -> list[Indicator]:
        return [i for i in self.indicators if i.scored]

    @property
    def scoring_sha256(self) -> str:
        """Hash of what scores depend on (see ``_SCORING_FIELDS``): a reference fitted on one
        catalogue fits every catalogue with the same scoring content, whatever its texts."""
        content = {
            "indicators": [
                {
                    **{f: getattr(i, f) for f in _SCORING_FIELDS},
                    "nominal_weight": i.nominal_weight,
                    "proxy": i.proxy is not None,
                }
                for i in self.indicators
            ],
            "price_indices": {k: v.model_dump(mode="json") for k, v in self.price_indices.items()},
        }
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    @property
    def sha256(self) -> str:
        """Hash of the canonical content: two catalogues with the same meaning hash alike,
        whatever the TOML's formatting or comments."""
        content = self.model_dump(mode="json")
        for indicator in content["indicators"]:
            if not indicator["tags"]:  # added later: untagged catalogues keep their old hash
                del indicator["tags"]
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
