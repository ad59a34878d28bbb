"""Exact numbers as Pabulib writes them.

Costs and budgets are decimals (Kraków's budget is ``1546168.66``); reading them as floats would
make budget-fit checks off by a rounding error, so they become :class:`~fractions.Fraction`.
"""

from __future__ import annotations

import re
from fractions import Fraction

_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?")
_RATIO = re.compile(r"[+-]?\d+/\d+")
_MAX_LENGTH = 200  # longer "numbers" are junk, and huge exponents would cost seconds


def parse_number(text: str, *, decimal_comma: bool = False) -> Fraction | None:
    """The exact value of a decimal (or ``p/q``) string, or None when it is not a number.

    ``decimal_comma`` accepts ``1,5`` for 1.5, as pabutools does for costs and budgets.
    """
    text = text.strip()
    if decimal_comma and text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    if len(text) > _MAX_LENGTH:
        return None
    if _DECIMAL.fullmatch(text):
        return Fraction(text)
    if _RATIO.fullmatch(text):
        numerator, denominator = text.split("/")
        if int(denominator) == 0:
            return None
        return Fraction(int(numerator), int(denominator))
    return None


def format_number(value: Fraction) -> str:
    """The shortest exact text for ``value``: an integer, a terminating decimal, else ``p/q``."""
    if value.denominator == 1:
        return str(value.numerator)
    denominator = value.denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator != 1:
        return f"{value.numerator}/{value.denominator}"
    digits = max(twos, fives)
    scaled = abs(value) * 10**digits
    whole, frac = divmod(int(scaled), 10**digits)
    sign = "-" if value < 0 else ""
    return f"{sign}{whole}.{str(frac).rjust(digits, '0').rstrip('0')}"
