"""Limits on failed attempts, counted in the app database so that they hold across processes.

Logging in is limited per account and per client; entering a resident code per client and per
client and code prefix (``participation.services.codes``). Each limit allows a number of failures
per fixed window of a quarter of an hour; after that, attempts under the same key are refused
unseen until the window ends.

An attempt is counted *before* it is evaluated, by one conditional ``UPDATE … SET count =
count + 1 WHERE count < allowed`` per limit, all in one transaction: the check and the count are
the same statement, so requests that arrive together (several workers, many threads) cannot all
read "four failures so far" and all be evaluated. An attempt that succeeds gives its counts back
(:meth:`Attempt.succeeded`), so only failures stay counted. This works the same on SQLite (every
transaction takes the write lock first) and PostgreSQL (the row lock; a waiting ``UPDATE``
re-reads the row before it decides).

Keys are keyed hashes of what they count (:func:`keyed`): the table holds no user name, no
address and no part of a code.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wijkkompas.web.apps.accounts.models import FailureCount

WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class Limit:
    """How many failures one key may have per window."""

    scope: str
    allowed: int
    window: timedelta = WINDOW


LOGIN_PER_ACCOUNT = Limit("login-account", 10)
"""Failed logins for one user name, from anywhere: stops guessing one account's password."""
LOGIN_PER_CLIENT = Limit("login-client", 30)
"""Failed logins from one client, for any user names: stops trying one password on many."""


def keyed(*parts: str) -> str:
    """A keyed hash of ``parts``: the same parts give the same key, and the key reveals nothing.

    Keyed with the site's secret key: rotating it only starts every count afresh.
    """
    secret = ("wijkkompas-throttle:" + settings.SECRET_KEY).encode()
    return hmac.new(secret, "\0".join(parts).encode(), hashlib.sha256).hexdigest()


def client_of(request: Any) -> str:
    """The client as counted: its address, and for IPv6 its /64 network.

    One home or phone gets a whole IPv6 /64, so counting single IPv6 addresses would give a
    guesser 2**64 fresh starts. ``REMOTE_ADDR`` is already the client's own address behind a
    trusted proxy (``web.middleware.TrustedProxyMiddleware``).
    """
    address = request.META.get("REMOTE_ADDR") or "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _window_start(now: datetime, window: timedelta) -> datetime:
    seconds = int(window.total_seconds())
    return datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=now.tzinfo)


@dataclass(frozen=True)
class Attempt:
    """One attempt, counted under its limits in advance, or refused because one was reached."""

    allowed: bool
    counted: tuple[tuple[str, str, datetime], ...] = ()

    def succeeded(self) -> None:
        """It was not a failure after all: give back what was counted for it."""
        for scope, key, start in self.counted:
            FailureCount.objects.filter(
                scope=scope, key=key, window_start=start, count__gt=0
            ).update(count=F("count") - 1)


class _LimitReached(Exception):
    pass


def attempt(checks: Iterable[tuple[Limit, str]], now: datetime | None = None) -> Attempt:
    """Count one attempt under every ``(limit, key)`` at once, or under none if one is reached.

    Call it before evaluating the attempt; call :meth:`Attempt.succeeded` when it succeeds.
    Give the checks in the same order everywhere (the broadest limit first), so that parallel
    transactions lock rows in one order and never wait for each other in a circle.
    """
    now = now or timezone.now()
    checks = list(checks)
    counted = []
    try:
        with transaction.atomic():
            for limit, key in checks:
                start = _window_start(now, limit.window)
                FailureCount.objects.bulk_create(
                    [FailureCount(scope=limit.scope, key=key, window_start=start)],
                    ignore_conflicts=True,
                )
                took = FailureCount.objects.filter(
                    scope=limit.scope, key=key, window_start=start, count__lt=limit.allowed
                ).update(count=F("count") + 1)
                if not took:
                    raise _LimitReached
                counted.append((limit.scope, key, start))
            for limit, _key in checks:
                FailureCount.objects.filter(
                    scope=limit.scope, window_start__lt=now - 2 * limit.window
                ).delete()
    except _LimitReached:
        return Attempt(allowed=False)
    return Attempt(allowed=True, counted=tuple(counted))


def login_attempt(request: Any, username: str) -> Attempt:
    """A password about to be checked for ``username``, known or not: both count the same."""
    return attempt(
        [
            (LOGIN_PER_ACCOUNT, keyed("account", username.strip().casefold())),
            (LOGIN_PER_CLIENT, keyed("client", client_of(request))),
        ]
    )
