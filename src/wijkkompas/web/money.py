"""Money in one format everywhere people read it (issue 16 found three on one site).

Dutch: ``€ 26.022.000`` and ``€ 12.500,50``; English: ``€ 26,022,000`` and ``€ 12,500.50``.
Whole euros without decimals, cents only where there are any. Templates use the ``euro``
filter (a built-in of every template, see ``settings.TEMPLATES``), Python code ``euro()``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django import template
from django.utils.translation import get_language

register = template.Library()
DUTCH_MARKS = str.maketrans(",.", ".,")


def euro(value: int | float | Decimal | Fraction | None) -> str:
    """``value`` euros for the reader's language; an en dash when there is no amount."""
    if value is None or value == "":
        return "–"
    if isinstance(value, Fraction):
        amount = Decimal(value.numerator) / Decimal(value.denominator)
    else:
        amount = Decimal(str(value))
    cents = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{cents:,.0f}" if cents == cents.to_integral_value() else f"{cents:,.2f}"
    if not (get_language() or "nl").startswith("en"):
        text = text.translate(DUTCH_MARKS)
    return f"€ {text}"


register.filter("euro", euro)
