"""CBS region codes: levels and hierarchy.

Codes are written as CBS writes them, stripped of the padding that StatLine adds:
``GM`` + 4 digits for a gemeente, ``WK`` + 6 characters for a wijk, ``BU`` + 8 characters for a
buurt. The wijk and buurt parts are normally digits, but letters occur once a gemeente has 100 or
more wijken (Amsterdam's ``BU0363AA01``), so validation allows them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, get_args

from wijkkompas.errors import InvalidRegionCode

Level = Literal["gemeente", "wijk", "buurt"]
LEVELS: tuple[Level, ...] = get_args(Level)

_PATTERNS: dict[Level, re.Pattern[str]] = {
    "gemeente": re.compile(r"^GM\d{4}$"),
    "wijk": re.compile(r"^WK\d{4}[0-9A-Z]{2}$"),
    "buurt": re.compile(r"^BU\d{4}[0-9A-Z]{4}$"),
}
_PREFIX_LEVEL: dict[str, Level] = {"GM": "gemeente", "WK": "wijk", "BU": "buurt"}


@dataclass(frozen=True, slots=True)
class RegionCode:
    """A validated region code with its place in the gemeente > wijk > buurt hierarchy."""

    code: str
    level: Level

    @property
    def gemeente_code(self) -> str:
        return "GM" + self.code[2:6]

    @property
    def wijk_code(self) -> str | None:
        """The wijk a buurt lies in; ``None`` for a gemeente. A wijk is its own wijk."""
        if self.level == "gemeente":
            return None
        return "WK" + self.code[2:8]

    def __str__(self) -> str:
        return self.code


def parse_region_code(raw: str) -> RegionCode:
    """Validate a code as found in any CBS export (padding and case are forgiven)."""
    code = raw.strip().upper()
    level = _PREFIX_LEVEL.get(code[:2])
    if level is None or not _PATTERNS[level].match(code):
        raise InvalidRegionCode(
            f"'{raw.strip()}' is not a CBS region code. Use GM followed by 4 digits for a gemeente "
            "(GM0344), WK followed by 6 characters for a wijk (WK034401) or BU followed by "
            "8 characters for a buurt (BU03440101)."
        )
    return RegionCode(code, level)


def is_region_code(raw: str) -> bool:
    """True when ``raw`` is a gemeente, wijk or buurt code (national totals such as NL00 are not)."""
    try:
        parse_region_code(raw)
    except InvalidRegionCode:
        return False
    return True


def level_of(code: str) -> Level:
    return parse_region_code(code).level


_LEVEL_RANK = {"GM": 0, "WK": 1, "BU": 2}


def within(code: str, area: str) -> bool:
    """``BU99990101`` lies within ``WK999901`` and ``GM9999``; a code lies within itself.

    Pure string logic on CBS codes, so permission checks can use it without loading any data.
    """
    code, area = code.strip().upper(), area.strip().upper()
    if (
        code[:2] not in _LEVEL_RANK
        or area[:2] not in _LEVEL_RANK
        or _LEVEL_RANK[code[:2]] < _LEVEL_RANK[area[:2]]
    ):
        return False
    return code[2:].startswith(area[2:])
