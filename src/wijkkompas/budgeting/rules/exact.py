"""Exact sums and extremes of many fractions, at the speed of integers.

Adding ``Fraction`` objects one by one reduces by a gcd at every step; comparing them cross-
multiplies in Python. A large election's explanation adds and compares thousands of payments
that share a handful of denominators and are mostly the very same objects, so: numerators are
added per denominator (plain integers) and only the few partial sums become fractions, and
extremes are taken over the distinct objects. The results are the same fractions, exactly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from fractions import Fraction


def exact_sum(values: Iterable[Fraction], counts: Iterable[int] | None = None) -> Fraction:
    """``sum(v * n for v, n in zip(values, counts))`` (each ``n`` 1 without ``counts``)."""
    by_denominator: dict[int, int] = {}
    if counts is None:  # the same objects many times over: count them at C speed first
        values = list(values)
        objects = dict(zip(map(id, values), values, strict=True))
        tally = Counter(map(id, values))
        pairs: Iterable[tuple[Fraction, int]] = ((objects[k], n) for k, n in tally.items())
    else:
        pairs = zip(values, counts, strict=True)
    for value, n in pairs:
        d = value.denominator
        by_denominator[d] = by_denominator.get(d, 0) + value.numerator * n
    return sum((Fraction(n, d) for d, n in by_denominator.items()), Fraction(0))


def distinct(values: Iterable[Fraction]) -> list[Fraction]:
    """The values without repeats of the same object (equal values may remain): enough to take
    a minimum or maximum over far fewer comparisons."""
    values = list(values)
    return list(dict(zip(map(id, values), values, strict=True)).values())
