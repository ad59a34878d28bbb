"""Resident codes: made for letters, stored as keyed hashes, redeemed for a resident session.

A code is 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown in groups
of four: ``K7QM-3XWD-P9TA``. 32**12 ≈ 1.2e18 possible codes against a few thousand valid ones
and a limit on wrong entries per quarter hour (:func:`entry_attempt`): guessing one is hopeless.
Finding a typed code and the code a resident signed in with are reads (``selectors.codes``).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from wijkkompas.web.apps.accounts import roles, throttle
from wijkkompas.web.apps.accounts.models import Person, RoleAssignment
from wijkkompas.web.apps.accounts.services import pseudonym_of
from wijkkompas.web.apps.accounts.throttle import Attempt, Limit, client_of, keyed
from wijkkompas.web.apps.participation.models import ResidentCode

log = logging.getLogger(__name__)

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
PREFIX_LENGTH = 4
"""The first group of a code as printed (``K7QM``-…): the unit of 'guessing around one code'."""
CODE_PER_PREFIX = Limit("code-prefix", 5)
"""Wrong codes per quarter hour from one client that begin with the same four characters."""
CODE_PER_CLIENT = Limit("code-client", 50)
"""Wrong codes per quarter hour from one client in all; past it, every code from there waits."""


def normalise(code: str) -> str:
    """What a person typed, as the code: case, spaces and dashes do not matter."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _hash(key: str, code: str) -> str:
    secret = ("wijkkompas-resident-code:" + key).encode()
    return hmac.new(secret, normalise(code).encode(), hashlib.sha256).hexdigest()


def code_hash(code: str) -> str:
    """How ``code`` is stored: keyed with the code key (``WIJKKOMPAS_CODE_KEY``).

    Not with the secret key that signs sessions: that one must be easy to rotate (after a leak,
    say), and rotating it must not silently invalidate every letter already on doormats.
    """
    return _hash(settings.WIJKKOMPAS_CODE_KEYS[0], code)


def code_hashes(code: str) -> list[str]:
    """``code`` under the current code key and under each retired one still accepted."""
    return [_hash(key, code) for key in settings.WIJKKOMPAS_CODE_KEYS]


def pretty(code: str) -> str:
    plain = normalise(code)
    return "-".join(plain[i : i + 4] for i in range(0, len(plain), 4))


def new_code() -> str:
    return pretty("".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH)))


@transaction.atomic
def generate_codes(*, area_code: str, count: int, batch: str, is_demo: bool = False) -> list[str]:
    """``count`` new codes for ``area_code``; the plain codes are returned once and never stored.

    The organiser prints them on letters (one per eligible resident); afterwards only their
    hashes exist, so a lost list cannot be recovered — only revoked and replaced.
    """
    if not 1 <= count <= 50_000:
        raise ValueError("Make between 1 and 50,000 codes at a time.")
    codes = [new_code() for _ in range(count)]
    ResidentCode.objects.bulk_create(
        ResidentCode(
            code_hash=code_hash(code), area_code=area_code.upper(), batch=batch, is_demo=is_demo
        )
        for code in codes
    )
    log.info("%d resident codes made for %s (%s)", count, area_code, batch)
    return codes


@transaction.atomic
def add_known_code(*, code: str, area_code: str, batch: str, is_demo: bool = False) -> ResidentCode:
    """Register a code made elsewhere (imported from a mailing house); idempotent."""
    found = ResidentCode.objects.filter(code_hash__in=code_hashes(code)).first()
    if found is not None:
        return found
    return ResidentCode.objects.create(
        code_hash=code_hash(code), area_code=area_code.upper(), batch=batch, is_demo=is_demo
    )


def entry_attempt(request: Any, code: str) -> Attempt:
    """A typed code about to be looked up, counted per client and per client and code prefix.

    Behind one address (a community centre, a library, a proxy without
    ``WIJKKOMPAS_TRUSTED_PROXIES``) many residents enter codes. Wrong codes hold up only codes
    that begin the same (:data:`CODE_PER_PREFIX`, someone trying variants of one code) until
    the client as a whole reaches :data:`CODE_PER_CLIENT` (someone trying many codes). A valid
    code is counted like any other and then given back (``Attempt.succeeded``).
    """
    client = client_of(request)
    prefix = normalise(code)[:PREFIX_LENGTH]
    return throttle.attempt(
        [
            (CODE_PER_CLIENT, keyed("code-client", client)),
            (CODE_PER_PREFIX, keyed("code-prefix", client, prefix)),
        ]
    )


@dataclass(frozen=True)
class Redeemed:
    code: ResidentCode
    user: Any
    first_time: bool


class DemoCodeRefused(Exception):
    """A public demo code was entered where demo codes open nothing (production)."""


def redeem(code: str, *, demo_allowed: bool = True) -> Redeemed | None:
    """The resident account behind ``code`` (made on first use), or None for an unknown code.

    With ``demo_allowed`` false a demo code (printed in the README) raises
    :class:`DemoCodeRefused` before any account is made.
    """
    plain = normalise(code)
    if len(plain) < 6:
        return None
    with transaction.atomic():
        found = (
            ResidentCode.objects.select_for_update()
            .filter(code_hash__in=code_hashes(plain), revoked_at__isnull=True)
            .first()
        )
        if found is None:
            return None
        if found.is_demo and not demo_allowed:
            raise DemoCodeRefused
        if found.code_hash != code_hash(plain):
            # Made under a retired key: from now on under the current one, so that the old key
            # can be dropped once the letters it made are used or void.
            found.code_hash = code_hash(plain)
            found.save(update_fields=["code_hash"])
        if found.user_id is not None and found.user.is_active:
            return Redeemed(found, found.user, first_time=False)
        user = get_user_model().objects.create_user(username=f"bewoner-{secrets.token_hex(6)}")
        user.set_unusable_password()
        user.save()
        Person.objects.create(user=user, is_demo=found.is_demo)
        RoleAssignment.objects.create(user=user, role=roles.RESIDENT, area_code=found.area_code)
        found.user = user
        found.save(update_fields=["user"])
    log.info("resident code used by %s", pseudonym_of(user))
    return Redeemed(found, user, first_time=True)


@transaction.atomic
def revoke(code: ResidentCode) -> None:
    """A lost or misused code stops working; what it already did stays (ballots are anonymous)."""
    code.revoked_at = timezone.now()
    code.save(update_fields=["revoked_at"])
    if code.user_id is not None:
        RoleAssignment.objects.filter(user_id=code.user_id, role=roles.RESIDENT).delete()
