"""Places: CBS region codes and their hierarchy (:mod:`~wijkkompas.regions.codes`), and how
codes carry over from one year's gebiedsindeling to the next (:mod:`~wijkkompas.regions.crosswalk`,
imported on its own: it needs pandas, the codes do not).
"""

from wijkkompas.regions.codes import (
    LEVELS,
    Level,
    RegionCode,
    is_region_code,
    level_of,
    parse_region_code,
    within,
)

__all__ = [
    "LEVELS",
    "Level",
    "RegionCode",
    "is_region_code",
    "level_of",
    "parse_region_code",
    "within",
]
