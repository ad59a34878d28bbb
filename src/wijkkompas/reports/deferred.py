"""The few Django functions the reports call, each importing Django when it runs, not before.

The reports compute a profile, a council's pages, charts and maps; Django only puts words in the
active language and marks finished markup as safe. So ``import wijkkompas.reports.<module>``
imports no Django (``tests/reports/test_imports.py``): a command or a test that only builds
numbers or SVG starts without it, and nothing asks for settings before they are needed. What
these return is exactly what Django returns (the active language's text, a ``SafeString``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import date
    from decimal import Decimal

    from django.utils.safestring import SafeString


def gettext(message: str) -> str:
    """``message`` in the active language (Django's ``gettext``); ``_`` in the modules here, so
    ``makemessages`` finds the strings."""
    from django.utils.translation import gettext as django_gettext

    return django_gettext(message)


def get_language() -> str | None:
    """The active language's code (Django's ``get_language``)."""
    from django.utils.translation import get_language as django_get_language

    return django_get_language()


def number_format(
    value: Decimal | float | str, decimal_pos: int | None = None, use_l10n: bool | None = None
) -> str:
    """A number written as the active language writes it (Django's ``number_format``)."""
    from django.utils.formats import number_format as django_number_format

    return django_number_format(value, decimal_pos=decimal_pos, use_l10n=use_l10n)


def date_format(value: date, format: str) -> str:
    """A date written in the active language (Django's ``date_format``)."""
    from django.utils.formats import date_format as django_date_format

    return django_date_format(value, format)


def mark_safe(markup: str) -> SafeString:
    """Markup made here, to be put into a page as it is (Django's ``mark_safe``)."""
    from django.utils.safestring import mark_safe as django_mark_safe

    return django_mark_safe(markup)
