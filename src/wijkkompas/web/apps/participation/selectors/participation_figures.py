"""Participation as figures: initiatives and participants per buurt and wijk in a year.

Taking part is itself a sign of social empowerment. Counts come from what residents did here
(initiatives, supports, comments, votes, survey answers with a code or through the open link)
in one year, counted per distinct participant — pseudonyms that are made here and never leave:
the published figures are counts, suppressed below ten people. Votes and survey answers count
through the code's "has voted" mark, never through the ballot. Publishing them to the monitor is
``services.participation_figures.publish_to_monitor``.
"""

from __future__ import annotations

import hashlib

from django.conf import settings

from wijkkompas.services.survey import population_from_store
from wijkkompas.survey.participation import ParticipationEvent, participation_estimates
from wijkkompas.survey.result import SurveyEstimate, ancestors
from wijkkompas.web.apps.participation.models import (
    Comment,
    Initiative,
    ResidentCode,
    Support,
    SurveyMark,
    SurveyResponse,
    VoteMark,
)
from wijkkompas.web.apps.participation.selectors import monitor_store
from wijkkompas.web.apps.participation.selectors.areas import area_names
from wijkkompas.web.common.store import site_store

SOURCE = "participatie"
"""The source name the figures are filed under in the monitor's store."""


def _who(kind: str, key: object) -> str:
    """An opaque participant id, the same for one account or code, unreadable outside."""
    raw = f"{settings.SECRET_KEY}:{kind}:{key}".encode()
    return hashlib.sha256(raw).hexdigest()[:16]


def events(year: int) -> list[ParticipationEvent]:
    """What residents did in ``year``, each tied to the buurt or wijk it was about."""
    out: list[ParticipationEvent] = []
    user_code = {
        c.user_id: c.id for c in ResidentCode.objects.filter(user__isnull=False).only("user_id")
    }

    def participant(user_id: int | None) -> str:
        # A resident is one participant whether they commented or voted: key on their code.
        return _who("code", user_code[user_id]) if user_id in user_code else _who("user", user_id)

    for i in Initiative.objects.filter(created_at__year=year, author__isnull=False):
        out.append(ParticipationEvent(i.area_code, "initiative", participant(i.author_id)))
    for s in Support.objects.filter(initiative__created_at__year=year).select_related("initiative"):
        out.append(ParticipationEvent(s.initiative.area_code, "support", participant(s.user_id)))
    for c in Comment.objects.filter(created_at__year=year, author__isnull=False).select_related(
        "initiative"
    ):
        out.append(ParticipationEvent(c.initiative.area_code, "comment", participant(c.author_id)))
    for m in VoteMark.objects.filter(budget__year=year).select_related("code"):
        out.append(ParticipationEvent(m.code.area_code, "ballot", _who("code", m.code_id)))
    for m in SurveyMark.objects.filter(survey__year=year).select_related("code"):
        out.append(ParticipationEvent(m.code.area_code, "survey", _who("code", m.code_id)))
    # Answers through the open link carry no code: each is one person, in the buurt they
    # chose (someone who also took part with a code is then counted twice: the answers are
    # anonymous, by design).
    for r in SurveyResponse.objects.filter(survey__year=year, via_open_link=True).only(
        "id", "area_code"
    ):
        out.append(ParticipationEvent(r.area_code, "survey", _who("response", r.id)))
    return [e for e in out if e.area_code[:2] in ("BU", "WK")]


def figures(year: int) -> tuple[list[SurveyEstimate], int]:
    """The suppressed counts per area and the boundary year they are filed under."""
    happened = events(year)
    codes = sorted({c for e in happened for c in ancestors(e.area_code)})
    if not codes:
        return [], year
    boundary = monitor_store.boundary_year(codes[0], year)
    population: dict[str, float] = {}
    store = site_store()
    if store.exists():
        with store.reader() as reader:
            population = population_from_store(reader, codes, boundary)
    return participation_estimates(happened, str(year), population=population), boundary


def figures_csv(year: int) -> str:
    """The year's figures as the documented results file the monitor imports."""
    estimates, boundary = figures(year)
    return monitor_store.results_csv(estimates, source=SOURCE, region_year=boundary)


def figure_rows(year: int) -> list[dict[str, object]]:
    """The figures as the page lists them: one row per area, by code, each indicator's value
    (None where suppressed) under its id, and whether the area's figures are suppressed."""
    estimates, _boundary = figures(year)
    names = area_names()
    by_area: dict[str, dict[str, object]] = {}
    for e in estimates:
        row = by_area.setdefault(
            e.region_code, {"code": e.region_code, "name": names.get(e.region_code, e.region_code)}
        )
        row[e.indicator_id] = None if e.suppressed else e.value
        row["suppressed"] = e.suppressed
    return sorted(by_area.values(), key=lambda r: str(r["code"]))
