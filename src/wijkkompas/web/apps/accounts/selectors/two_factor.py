"""Whether an account logs in with a second step: a confirmed TOTP device. A device still
being set up does not count."""

from __future__ import annotations

from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice


def confirmed_device(user: Any) -> TOTPDevice | None:
    """The device that makes login ask for a code after the password; None without one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_two_factor(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
