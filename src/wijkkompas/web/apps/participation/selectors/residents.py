"""What a resident reads about themselves and their neighbourhood: the front door of the
participation pages, and everything the site keeps that they made (AVG art. 15)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wijkkompas.web.apps.participation.models import Initiative, NeighbourhoodBudget, Survey

RECENT_INITIATIVES = 6
"""How many of the newest initiatives the front door shows."""


@dataclass(frozen=True)
class FrontPage:
    budgets: list[NeighbourhoodBudget]
    """Every budget past its preparation (a draft is the organiser's, not yet the public's)."""
    initiatives: list[Initiative]
    """The newest initiatives that are not hidden."""
    surveys: list[Survey]
    """The surveys open for answers."""

    @property
    def is_demo(self) -> bool:
        """Something shown is fictional demo material (the page says so)."""
        shown: list[NeighbourhoodBudget | Initiative | Survey] = [
            *self.budgets,
            *self.initiatives,
            *self.surveys,
        ]
        return any(x.is_demo for x in shown)


def front_page() -> FrontPage:
    return FrontPage(
        budgets=list(NeighbourhoodBudget.objects.exclude(phase=NeighbourhoodBudget.Phase.DRAFT)),
        initiatives=list(
            Initiative.objects.filter(hidden_reason="").order_by("-created_at", "-pk")[
                :RECENT_INITIATIVES
            ]
        ),
        surveys=list(Survey.objects.filter(is_open=True)),
    )


@dataclass(frozen=True)
class ResidentData:
    """What the resident made here: their initiatives in full, their reactions and supports
    counted (those are shown where they were given)."""

    initiatives: list[Initiative]
    comments: int
    supports: int


def resident_data(user: Any) -> ResidentData:
    return ResidentData(
        initiatives=list(user.initiatives.all()),
        comments=user.comments.count(),
        supports=user.supports.count(),
    )
