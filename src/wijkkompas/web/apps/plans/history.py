"""Writing the plan's history: who (pseudonymous), in which capacity, what changed."""

from __future__ import annotations

from typing import Any

from django.db import models

from wijkkompas.web.apps.accounts.models import Organisation
from wijkkompas.web.apps.accounts.permissions import RULES, grants, strongest_role
from wijkkompas.web.apps.accounts.roles import PARTNER
from wijkkompas.web.apps.accounts.services import pseudonym_of
from wijkkompas.web.apps.plans.models import HistoryEntry, Plan
from wijkkompas.web.common.services import jsonable


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    return {name: jsonable(getattr(obj, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose value changed."""
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def created(values: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [None, jsonable(v)] for k, v in values.items() if v not in (None, "", [])}


def deleted(values: dict[str, Any]) -> dict[str, list[Any]]:
    """What a removed record held, as ``{field: [old, None]}``: the history keeps it."""
    return {k: [jsonable(v), None] for k, v in values.items() if v not in (None, "", [])}


def actor_fields(user: Any, action: str) -> dict[str, str]:
    """The pseudonym, the role that allowed the action and, for a partner, its organisation."""
    role = strongest_role(user, RULES[action].roles or None)
    organisation = ""
    if role == PARTNER:
        ids = [g.organisation_id for g in grants(user) if g.role == PARTNER]
        names = Organisation.objects.filter(pk__in=ids).values_list("name", flat=True)
        organisation = ", ".join(sorted(names))
    return {"actor": pseudonym_of(user), "actor_role": role, "actor_organisation": organisation}


def record(
    *,
    plan: Plan,
    user: Any,
    action: str,
    obj: models.Model,
    changes: dict[str, list[Any]],
) -> HistoryEntry:
    """Write one history entry, in the caller's transaction: the record of the change for every
    page, export and process (ADR 0012)."""
    return HistoryEntry.objects.create(
        plan=plan,
        action=action,
        object_type=type(obj).__name__.lower(),
        object_id=obj.pk,
        changes=changes,
        **actor_fields(user, action),
    )
