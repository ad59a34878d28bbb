"""People and their roles, as the account pages show them: one's own roles, and everyone (for
an administrator, by pseudonym: the list is where a person's data is erased on request)."""

from __future__ import annotations

from typing import Any

from wijkkompas.web.apps.accounts.models import Person, RoleAssignment


def role_assignments(user: Any) -> list[RoleAssignment]:
    """The roles ``user`` holds, each with its organisation or area."""
    return list(user.role_assignments.select_related("organisation"))


def people() -> list[Person]:
    """Every person by pseudonym, with their account and roles."""
    return list(
        Person.objects.select_related("user")
        .prefetch_related("user__role_assignments__organisation")
        .order_by("pseudonym")
    )
