"""Two-factor login with a TOTP app: setting it up, confirming it, switching it off, and using
a code at login.

Checking a code is a write too: the device records the last code it accepted (and failures, for
its own throttling), so the same code cannot be used twice.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice


@transaction.atomic
def pending_device(user: Any) -> TOTPDevice:
    """The device being set up (not yet confirmed with a code), made on first use: its secret
    stays the same until it is confirmed, so a page reload does not invalidate the scan."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="wijkkompas", confirmed=False)
    return device


@transaction.atomic
def confirm_device(*, user: Any, device: TOTPDevice, token: str) -> bool:
    """Switch two-factor login on with ``device`` if ``token`` is its current code; the device
    replaces any confirmed before. False (nothing confirmed) for a wrong or expired code."""
    if not device.verify_token(token):
        return False
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


@transaction.atomic
def switch_off(user: Any) -> None:
    """Log in with the password alone again: every device of ``user`` goes."""
    TOTPDevice.objects.filter(user=user).delete()


def device_for_token(user: Any, token: str) -> TOTPDevice | None:
    """The confirmed device of ``user`` that accepts ``token`` (the second login step); None
    when none does."""
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):
            return device
    return None
