"""CBS region codes as found in real exports: padded, lower case, with letters in Amsterdam."""

import pytest

from wijkkompas.errors import InvalidRegionCode
from wijkkompas.regions import is_region_code, parse_region_code


@pytest.mark.parametrize(
    ("raw", "level", "gemeente", "wijk"),
    [
        ("GM0344", "gemeente", "GM0344", None),
        ("WK034401  ", "wijk", "GM0344", "WK034401"),
        ("BU03440101", "buurt", "GM0344", "WK034401"),
        ("bu0363aa01", "buurt", "GM0363", "WK0363AA"),
    ],
)
def test_codes_are_parsed_with_their_hierarchy(
    raw: str, level: str, gemeente: str, wijk: str | None
) -> None:
    code = parse_region_code(raw)
    assert (code.level, code.gemeente_code, code.wijk_code) == (level, gemeente, wijk)


@pytest.mark.parametrize("raw", ["NL00", "GM344", "BU0344010", "WK03440", "XX03440101", ""])
def test_anything_else_is_refused_with_an_example_of_a_good_code(raw: str) -> None:
    assert not is_region_code(raw)
    with pytest.raises(InvalidRegionCode, match="GM0344"):
        parse_region_code(raw)


@pytest.mark.parametrize(
    ("code", "area", "inside"),
    [
        ("BU99990101", "WK999901", True),
        ("BU99990101", "GM9999", True),
        ("WK999901", "WK999901", True),
        ("BU99990201", "WK999901", False),
        ("GM9999", "WK999901", False),
        ("bu99990101 ", "gm9999", True),
    ],
)
def test_within_follows_the_code_hierarchy(code: str, area: str, inside: bool) -> None:
    from wijkkompas.regions import within

    assert within(code, area) is inside
