"""The roles of the whole system, defined once.

Every module (plans, participation, budgeting, the monitor's data management) refers to these
roles through :mod:`.permissions`; none keeps its own list. A role is held *per organisation and
per area*, because a coordinator for one wijk is not one for the whole city and a corporation's
partner may only speak for that corporation.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

PUBLIC = "public"
"""Anyone, signed in or not; never assigned, it is what remains without a role."""
RESIDENT = "resident"
FRONTLINE_WORKER = "frontline_worker"
PARTNER = "partner"
COORDINATOR = "coordinator"
"""Also the organiser of initiatives, budgets and surveys."""
ANALYST = "analyst"
"""Imports data and runs the index."""
ADMIN = "admin"

ORDER: tuple[str, ...] = (
    PUBLIC,
    RESIDENT,
    FRONTLINE_WORKER,
    PARTNER,
    COORDINATOR,
    ANALYST,
    ADMIN,
)
"""From least to most; "strongest role" in the history means the last one held."""


class Role(models.TextChoices):
    PUBLIC = PUBLIC, _("Publiek")
    RESIDENT = RESIDENT, _("Bewoner")
    FRONTLINE_WORKER = FRONTLINE_WORKER, _("Professional in de wijk")
    PARTNER = PARTNER, _("Partner")
    COORDINATOR = COORDINATOR, _("Coördinator")
    ANALYST = ANALYST, _("Analist")
    ADMIN = ADMIN, _("Beheerder")


ASSIGNABLE: tuple[str, ...] = ORDER[1:]
SIGNED_IN_ROLES: frozenset[str] = frozenset(ASSIGNABLE)
