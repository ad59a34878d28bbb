"""The tidy shape every loader produces and the store consumes.

A loader (a CBS file, StatLine, the demo municipality) turns its input into one
:class:`ImportBatch`; the store writes a batch in one transaction. Because demo and real data
take the same shape, they flow through the same code from here on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from wijkkompas.errors import WijkkompasError

Release = Literal["voorlopig", "definitief"]

REGION_COLUMNS = ["code", "name", "level", "year", "gemeente_code", "wijk_code"]
"""One row per region and boundary year (``year`` is the year of the gebiedsindeling)."""

FIGURE_COLUMNS = ["period", "value", "suppressed", "source_column", "release"]
"""What every figure has, whatever it describes (see :data:`OBSERVATION_COLUMNS`)."""

OBSERVATION_COLUMNS = ["region_code", "region_year", "indicator_id", *FIGURE_COLUMNS]
"""One row per region, indicator and reference period.

``region_year`` is the boundary year of the region the figure belongs to (the table year);
``period`` is the reference period of the figure itself as an ISO-like label: ``"2023"`` for a
calendar year, ``"2023-01-01"`` for a reference date. Income lags, so in the KWB 2024 table the
income figures have period ``"2021"`` or ``"2022"``. ``value`` is NaN when the figure is unknown
or suppressed (``suppressed`` then says which); missing is never zero.
"""

NATIONAL_COLUMNS = ["indicator_id", *FIGURE_COLUMNS, "table_year"]
"""Figures for the whole country (the KWB row ``NL00`` "Nederland"), one row per indicator and
reference period of one table.

The country is no region: it has no boundary and no place in the gemeente-wijk-buurt
hierarchy, so its figures would break every query that joins observations to regions. They are
kept apart, for comparing a region with the country. ``table_year`` is the table (boundary)
year of the file, as ``region_year`` is for observations; ``period``, ``value``,
``suppressed`` and ``release`` mean what they mean there.
"""


def with_source(columns: list[str]) -> list[str]:
    """``columns`` as the store reads them back: each figure also names its ``source`` (the
    loader that imported it), just before its ``source_column``."""
    at = columns.index("source_column")
    return [*columns[:at], "source", *columns[at:]]


MARGIN_COLUMNS = [
    "region_code",
    "region_year",
    "indicator_id",
    "period",
    "release",
    "margin_of_error",
    "respondents",
    "effective_n",
]
"""Sampling precision of an observation (same key): the 95% margin of error in the unit of the
value, the number of respondents and the Kish effective sample size. Only sample-based sources
(the resident survey) have them; a register figure has no row here."""

UNMATCHED_COLUMNS = ["region_code", "region_year", "period", "source_column", "value_text"]
"""Columns of a source that match no catalogue indicator: kept verbatim, never dropped."""

GEOMETRY_COLUMNS = ["region_code", "region_year", "wkb", "wkb_web"]
"""Boundaries in WGS84 as WKB, plus a copy simplified as a coverage for the web."""

BOUNDARY_CHANGE_COLUMNS = ["region_code", "region_year", "change_code"]
"""The KWB indelingswijziging indicator per region and year (1 = unchanged since last year)."""


CROSSWALK_COLUMNS = ["old_code", "old_year", "new_code", "new_year", "share"]
"""Code crosswalk between boundary years: which share of an old region went into a new one."""

NAMED_REGION_COLUMNS = ["key", "name", "level", "gemeente_name", "parent_key", "year", "row"]
"""Regions a file names without a code (a StatLine download of names only), one row per row of
the file. ``key`` stands in the ``region_code`` column of the batch's other tables until the
importer finds the code: it matches ``name`` among the regions of the same gemeente (found by
``gemeente_name``) and ``level`` that the store and the other files of the same command know.
``level`` is empty where the file's row could not be placed; ``parent_key`` is the key of the
wijk a buurt row stands under in the file (it decides between buurten of the same name);
``year`` is the table year the figures belong to; ``row`` is the file line, for messages.
Nothing with such a key is ever written: the importer replaces every key by its code, or leaves
the row out and reports its name."""


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


@dataclass
class ImportBatch:
    """Everything one import writes, plus where it came from."""

    source: str
    """Stable key of the loader, e.g. ``cbs-kwb``, ``statline``, ``demo``."""
    description: str
    regions: pd.DataFrame = field(default_factory=lambda: _empty(REGION_COLUMNS))
    observations: pd.DataFrame = field(default_factory=lambda: _empty(OBSERVATION_COLUMNS))
    unmatched: pd.DataFrame = field(default_factory=lambda: _empty(UNMATCHED_COLUMNS))
    geometries: pd.DataFrame = field(default_factory=lambda: _empty(GEOMETRY_COLUMNS))
    boundary_changes: pd.DataFrame = field(default_factory=lambda: _empty(BOUNDARY_CHANGE_COLUMNS))
    crosswalk: pd.DataFrame = field(default_factory=lambda: _empty(CROSSWALK_COLUMNS))
    margins: pd.DataFrame = field(default_factory=lambda: _empty(MARGIN_COLUMNS))
    national: pd.DataFrame = field(default_factory=lambda: _empty(NATIONAL_COLUMNS))
    """Figures for the whole country (see :data:`NATIONAL_COLUMNS`); most sources have none."""
    named_regions: pd.DataFrame = field(default_factory=lambda: _empty(NAMED_REGION_COLUMNS))
    """Regions identified by name only, still to be resolved to codes (see
    :data:`NAMED_REGION_COLUMNS`); empty for every source that names its regions by code."""
    provenance: dict[str, Any] = field(default_factory=dict)
    """File name, sha256, table id, retrieval date, anything a reader needs to trace a figure."""

    def validate(self) -> None:
        """Refuse a batch whose tables lack columns, so nothing half-shaped reaches the store."""
        for name, frame, columns in (
            ("regions", self.regions, REGION_COLUMNS),
            ("observations", self.observations, OBSERVATION_COLUMNS),
            ("unmatched", self.unmatched, UNMATCHED_COLUMNS),
            ("geometries", self.geometries, GEOMETRY_COLUMNS),
            ("boundary_changes", self.boundary_changes, BOUNDARY_CHANGE_COLUMNS),
            ("crosswalk", self.crosswalk, CROSSWALK_COLUMNS),
            ("margins", self.margins, MARGIN_COLUMNS),
            ("national", self.national, NATIONAL_COLUMNS),
            ("named_regions", self.named_regions, NAMED_REGION_COLUMNS),
        ):
            missing = [c for c in columns if c not in frame.columns]
            if missing:
                raise WijkkompasError(
                    f"The import from '{self.source}' produced a {name} table without the "
                    f"column(s) {', '.join(missing)}; nothing was written. This is a defect in "
                    "the loader: please report it with the file you imported."
                )
        if len(self.named_regions):
            raise WijkkompasError(
                f"The import from '{self.source}' still names {len(self.named_regions)} "
                "region(s) without a code; nothing was written. Import the file with "
                "`wijkkompas import`, which finds their codes by name."
            )
        releases = set(self.observations["release"].dropna().unique()) | set(
            self.national["release"].dropna().unique()
        )
        if not releases <= {"voorlopig", "definitief"}:
            raise WijkkompasError(
                f"The import from '{self.source}' has release values {sorted(releases)}; "
                "only 'voorlopig' and 'definitief' are allowed. Nothing was written."
            )
