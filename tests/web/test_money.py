"""Money in one Dutch format everywhere (issue 16 saw "€ 18000", "€ 40 000" and
"€ 26.022.000" on one site)."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from wijkkompas.web.money import euro

WEB = Path(__file__).resolve().parents[2] / "src" / "wijkkompas" / "web"


@pytest.mark.parametrize(
    ("value", "dutch", "english"),
    [
        (18000, "€ 18.000", "€ 18,000"),
        (26_022_000, "€ 26.022.000", "€ 26,022,000"),
        (Decimal("12500.50"), "€ 12.500,50", "€ 12,500.50"),
        (Fraction(81, 2), "€ 40,50", "€ 40.50"),
        (Decimal("40000.00"), "€ 40.000", "€ 40,000"),
        (-1500, "€ -1.500", "€ -1,500"),
        (0, "€ 0", "€ 0"),
        (None, "–", "–"),
    ],
)
def test_an_amount_reads_the_same_way_everywhere(value, dutch: str, english: str) -> None:
    with translation.override("nl"):
        assert euro(value) == dutch
    with translation.override("en"):
        assert euro(value) == english


def test_every_template_has_the_euro_filter_without_loading_it() -> None:
    with translation.override("nl"):
        assert Template("{{ v|euro }}").render(Context({"v": 45000})) == "€ 45.000"


def test_no_template_or_message_writes_a_euro_sign_before_a_raw_number() -> None:
    """Money goes through ``euro``: a hand-made "€ {{ x }}" is how the three formats arose."""
    raw = re.compile(r"€\s*(\{\{|%\()")
    offenders = [
        f"{path.relative_to(WEB)}:{n}"
        for path in [*WEB.rglob("*.html"), *WEB.rglob("*.po")]
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if raw.search(line) and not re.search("dzd|thousand", line)  # a statistic's unit
    ]
    assert offenders == []
