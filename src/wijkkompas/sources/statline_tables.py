"""The CBS StatLine tables wijkkompas knows by year.

Apart from :mod:`wijkkompas.sources.online` (which loads the network library) so the command
line can show the years it fetches in its help without loading it.
"""

from __future__ import annotations

KWB_TABLES: dict[int, str] = {
    2017: "83765NED",
    2018: "84286NED",
    2019: "84583NED",
    2020: "84799NED",
    2021: "85039NED",
    2022: "85318NED",
    2023: "85618NED",
    2024: "85984NED",
    2025: "86165NED",
}
"""Kerncijfers wijken en buurten per table year (seen in many independent sources; the
catalogue check ``--verify-tables`` confirms them once online)."""
