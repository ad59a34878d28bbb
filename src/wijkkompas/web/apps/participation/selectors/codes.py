"""Which resident code is in play: the one a visitor signed in with, or the one typed on a paper
ballot. Only valid (not revoked) codes count; a typed code is found under the current code key
or a retired one still accepted (``services.codes.code_hashes``)."""

from __future__ import annotations

from typing import Any

from wijkkompas.web.apps.participation.models import ResidentCode
from wijkkompas.web.apps.participation.services.codes import code_hashes


def find(code: str) -> ResidentCode | None:
    """The valid (not revoked) code, whichever accepted key it was stored under."""
    return ResidentCode.objects.filter(
        code_hash__in=code_hashes(code), revoked_at__isnull=True
    ).first()


def code_of(user: Any) -> ResidentCode | None:
    """The code a resident signed in with, if the account is a resident's."""
    if not getattr(user, "is_authenticated", False):
        return None
    return ResidentCode.objects.filter(user=user, revoked_at__isnull=True).first()
