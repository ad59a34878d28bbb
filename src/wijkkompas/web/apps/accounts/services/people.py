"""Changes to people, roles and organisations, each in one transaction.

Log lines name people by pseudonym only: a log file is copied, shipped and kept far longer than
anyone thinks, and an erased person must not live on in it.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from wijkkompas.web.apps.accounts import roles
from wijkkompas.web.apps.accounts.models import Organisation, Person, RoleAssignment
from wijkkompas.web.common.services import model_update

log = logging.getLogger(__name__)


def person_of(user: Any) -> Person:
    """The personal data kept for ``user``'s account, made (empty) on first use: an account
    made without one (by Django's own commands, say) gets its pseudonym the first time it is
    needed."""
    person, _ = Person.objects.get_or_create(user=user)
    return person


def pseudonym_of(user: Any) -> str:
    """The pseudonymous id that history records for ``user`` (created on first use)."""
    if not getattr(user, "is_authenticated", False):
        return "anoniem"
    return person_of(user).pseudonym


@transaction.atomic
def create_person(
    *,
    username: str,
    password: str | None,
    name: str = "",
    email: str = "",
    is_demo: bool = False,
) -> Person:
    """A login account with its erasable personal data; the account itself holds none."""
    user = get_user_model().objects.create_user(username=username)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    person = Person.objects.create(user=user, name=name, email=email, is_demo=is_demo)
    log.info("account %s created", person.pseudonym)
    return person


@transaction.atomic
def grant_role(
    *, user: Any, role: str, organisation: Organisation | None = None, area_code: str = ""
) -> RoleAssignment:
    role = str(role)
    if role not in roles.ASSIGNABLE:
        raise ValueError(f"{role!r} cannot be assigned; choose one of {roles.ASSIGNABLE}.")
    if role == roles.PARTNER and organisation is None:
        raise ValueError("A partner acts for an organisation; give one.")
    assignment, _ = RoleAssignment.objects.get_or_create(
        user=user, role=role, organisation=organisation, area_code=area_code.upper()
    )
    if hasattr(user, "_wk_grants"):
        del user._wk_grants
    log.info("role %s granted to %s", assignment.role, pseudonym_of(user))
    return assignment


@transaction.atomic
def create_organisation(*, name: str, kind: str) -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(name=name.strip(), defaults={"kind": kind})
    return organisation


@transaction.atomic
def update_personal_data(*, person: Person, name: str, email: str) -> Person:
    data = {"name": name.strip(), "email": email.strip()}
    model_update(instance=person, fields=["name", "email"], data=data)
    log.info("personal data of %s changed", person.pseudonym)
    return person


@transaction.atomic
def erase_person(*, person: Person, actor: Any) -> Person:
    """Erase name, e-mail and login name (AVG art. 17); close the account; keep the pseudonym.

    Roles are withdrawn and two-factor devices deleted (their names may be personal). What the
    person did stays in the plan history under the same pseudonym, which now points at no one.
    """
    user = person.user
    person.name, person.email, person.erased_at = "", "", timezone.now()
    person.save(update_fields=["name", "email", "erased_at"])
    user.username = f"gewist-{person.pseudonym}"
    user.first_name = user.last_name = user.email = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    RoleAssignment.objects.filter(user=user).delete()
    TOTPDevice.objects.filter(user=user).delete()
    log.info("person %s erased on request, by %s", person.pseudonym, pseudonym_of(actor))
    return person
