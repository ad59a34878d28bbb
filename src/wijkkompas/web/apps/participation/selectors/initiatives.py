"""What the initiative pages read: the list with each initiative's number of supporters, one
initiative with its thread, and the plan goals an initiative can contribute to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from wijkkompas.regions import within
from wijkkompas.web.apps.participation.models import (
    Comment,
    Initiative,
    InitiativeEvent,
    Support,
)


def initiatives_within(area: str = "") -> list[Initiative]:
    """Every initiative, newest first, with its supporters counted (``n_supports``); only those
    within ``area`` (a buurt, wijk or gemeente code) when one is given."""
    rows = Initiative.objects.annotate(n_supports=Count("supports"))
    return [i for i in rows if not area or within(i.area_code, area)]


@dataclass(frozen=True)
class Thread:
    """What an initiative's page shows beside it."""

    supports: int
    supported: bool
    """The visitor supports it (a signed-in visitor only)."""
    comments: list[Comment]
    events: list[InitiativeEvent]
    """Its status changes and moderation, oldest first, each with the reason given."""


def thread(initiative: Initiative, user: Any) -> Thread:
    supported = (
        user.is_authenticated and Support.objects.filter(initiative=initiative, user=user).exists()
    )
    return Thread(
        supports=initiative.supports.count(),
        supported=supported,
        comments=comments(initiative),
        events=list(initiative.events.all()),
    )


def comments(initiative: Initiative) -> list[Comment]:
    """The reactions, oldest first; hidden and erased ones keep their place (the template says
    why they are not shown)."""
    return list(initiative.comments.all())


def goals_for(initiative: Initiative) -> list[int]:
    """Goals of the plans whose area covers the initiative: those it can contribute to."""
    from wijkkompas.web.apps.plans.models import Goal

    return [
        g.pk
        for g in Goal.objects.select_related("plan")
        if any(within(initiative.area_code, area) for area in g.plan.area_codes)
    ]
