"""Participation feeds social empowerment: initiatives and participants per buurt.

The participation app records who did what where under an opaque pseudonym (never a name or a
resident code). Here those events become three indicators per buurt, and per wijk and gemeente:
the number of initiatives handed in, the number of distinct people who took part in any way, and
those people per 1,000 inhabitants when the population is known. A person active in two buurten
of one wijk counts once for the wijk.

Suppression follows the people, not the initiatives: when fewer than ``min_count`` distinct
people took part in an area, all three figures are hidden, because even a count of initiatives
then points at a handful of neighbours. Complementary suppression applies as for the survey.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from wijkkompas.regions import parse_region_code
from wijkkompas.survey.questionnaire import InvalidAnswers
from wijkkompas.survey.result import (
    MIN_RESPONDENTS,
    SurveyEstimate,
    ancestors,
    complementary_suppression,
    suppress_small,
)

EventKind = Literal["initiative", "support", "comment", "ballot", "survey"]
EVENT_KINDS: tuple[str, ...] = get_args(EventKind)
INITIATIVES = "participation_initiatives"
PARTICIPANTS = "participation_participants"
PER_1000 = "participation_per_1000"
PERIOD = re.compile(r"^(19|20)\d{2}$")


@dataclass(frozen=True)
class ParticipationEvent:
    """Someone did something in an area: handed in an initiative, supported one, voted..."""

    area_code: str
    """The buurt (or wijk) the activity is about."""
    kind: EventKind
    participant: str
    """An opaque pseudonym, the same for one person within the period."""


def participation_estimates(
    events: Sequence[ParticipationEvent],
    period: str,
    *,
    min_count: int = MIN_RESPONDENTS,
    population: Mapping[str, float] | None = None,
) -> list[SurveyEstimate]:
    """Initiatives, distinct participants and participants per 1,000 inhabitants per area.

    Parameters
    ----------
    events
        Everything that happened in the period.
    period
        The reference period, a year such as ``"2025"``.
    min_count
        Areas with fewer distinct participants have all three figures suppressed (never below
        10).
    population
        Region code → inhabitants, for the rate; regions without it get no rate.
    """
    if min_count < MIN_RESPONDENTS:
        raise InvalidAnswers(
            f"min_count={min_count} is below the floor of {MIN_RESPONDENTS}: counts of so few "
            "people are never published."
        )
    if not PERIOD.match(str(period)):
        raise InvalidAnswers(f"Period '{period}' is not a year such as 2025.")
    initiatives: dict[str, int] = defaultdict(int)
    people: dict[str, set[str]] = defaultdict(set)
    for k, event in enumerate(events, start=1):
        if event.kind not in EVENT_KINDS:
            raise InvalidAnswers(
                f"Event {k}: kind '{event.kind}' is not one of {', '.join(EVENT_KINDS)}."
            )
        if not str(event.participant).strip():
            raise InvalidAnswers(f"Event {k}: the participant pseudonym is empty.")
        if parse_region_code(event.area_code).level == "gemeente":
            raise InvalidAnswers(f"Event {k}: give a buurt or wijk code, not a gemeente code.")
        for code in ancestors(event.area_code):
            people[code].add(event.participant)
            if event.kind == "initiative":
                initiatives[code] += 1
    results: list[SurveyEstimate] = []
    for code in sorted(people):
        n = len(people[code])
        figures = [(INITIATIVES, float(initiatives[code])), (PARTICIPANTS, float(n))]
        inhabitants = (population or {}).get(code)
        if inhabitants is not None and inhabitants > 0:
            figures.append((PER_1000, n / inhabitants * 1000.0))
        for indicator_id, value in figures:
            estimate = SurveyEstimate(code, indicator_id, str(period), value, None, n, None, False)
            results.append(suppress_small(estimate, min_count))
    results.sort(key=lambda e: (e.region_code, e.indicator_id))
    return complementary_suppression(results)
