"""The one table of what the index scores: the total, four physical dimensions and the four
conditions of social quality.

Every other list of score groups is derived from this one: the engine's group order, the
columns of `wijkkompas index`, the API's score names, the map download's columns, the goal
tags of the plans and the labels on pages, reports and the command line.

Two spellings, on purpose and nowhere else: ``key`` is the score's name in every contract that
publishes scores (the `index` CSV columns, the API, saved runs); ``tag`` is how the catalogue
tags an indicator and how a plan's goal stores its measure. They differ for two groups
(``safety``/``nuisance_safety``, ``socioeconomic_security``/``socio_economic_security``); both
are kept because files and databases out there hold them (see ``docs/glossary.md``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["total", "dimension", "condition"]


@dataclass(frozen=True)
class ScoreGroup:
    key: str
    """The score's name in outputs: `index` CSV column, API score name, saved runs."""
    tag: str
    """The catalogue's tag of its indicators, and a plan goal's measure."""
    kind: Kind
    """``total``, a physical ``dimension`` or a social-quality ``condition``."""
    label_nl: str
    label_en: str


TOTAL = ScoreGroup("total", "total", "total", "Leefbaarheid (totaal)", "Liveability (total)")

SCORE_GROUPS: tuple[ScoreGroup, ...] = (
    ScoreGroup("housing", "housing", "dimension", "Woningvoorraad", "Housing stock"),
    ScoreGroup(
        "physical_environment",
        "physical_environment",
        "dimension",
        "Fysieke omgeving",
        "Physical environment",
    ),
    ScoreGroup("amenities", "amenities", "dimension", "Voorzieningen", "Amenities"),
    ScoreGroup(
        "safety", "nuisance_safety", "dimension", "Overlast en veiligheid", "Nuisance and safety"
    ),
    ScoreGroup(
        "socioeconomic_security",
        "socio_economic_security",
        "condition",
        "Sociaal-economische zekerheid",
        "Socio-economic security",
    ),
    ScoreGroup(
        "social_inclusion", "social_inclusion", "condition", "Sociale inclusie", "Social inclusion"
    ),
    ScoreGroup(
        "social_cohesion", "social_cohesion", "condition", "Sociale samenhang", "Social cohesion"
    ),
    ScoreGroup(
        "social_empowerment",
        "social_empowerment",
        "condition",
        "Sociale empowerment",
        "Social empowerment",
    ),
)
"""The groups in the engine's order: the four physical dimensions, then the four conditions."""

GROUP_KEYS: tuple[str, ...] = tuple(g.key for g in SCORE_GROUPS)
SCORE_KEYS: tuple[str, ...] = (TOTAL.key, *GROUP_KEYS)
"""Every published score name: the total, then the groups."""
DIMENSION_TAGS: tuple[str, ...] = tuple(g.tag for g in SCORE_GROUPS if g.kind == "dimension")
CONDITION_TAGS: tuple[str, ...] = tuple(g.tag for g in SCORE_GROUPS if g.kind == "condition")
KEY_OF_TAG: dict[str, str] = {g.tag: g.key for g in SCORE_GROUPS}
"""Catalogue tag (what a goal stores) → score name (a column of a saved run)."""
BY_KEY: dict[str, ScoreGroup] = {g.key: g for g in (TOTAL, *SCORE_GROUPS)}
BY_TAG: dict[str, ScoreGroup] = {g.tag: g for g in SCORE_GROUPS}
