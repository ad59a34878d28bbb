"""What every loader shares: its interface, its options and the parsing rules of CBS exports.

The parsing rules live here once, so every loader treats ``.``, ``NA`` and decimal commas alike:
missing is never zero, codes lose their StatLine padding, and a failure names the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd

from wijkkompas.catalogue import Catalogue
from wijkkompas.errors import WijkkompasError
from wijkkompas.store.batch import ImportBatch

MISSING_MARKERS = frozenset({"", ".", "..", "NA", "N/A", "x", "X", "?", "nan", "NaN", "None"})
"""How CBS exports and the tools that re-save them write 'unknown or suppressed'."""
NIL_MARKER = "-"
"""CBS's sign for *nihil*: the figure is zero (StatLine's "Verklaring van tekens": ``-`` nihil,
``.`` unknown, ``x`` secret). A count of nil is a figure, never a missing one."""


class SourceError(WijkkompasError):
    """A file that a loader cannot read; the message names the file and what to do."""


@dataclass(frozen=True)
class LoadOptions:
    """What the user may tell a loader that the file does not say itself."""

    year: int | None = None
    """Table (boundary) year, when the content does not name it."""
    mapping: dict[str, str] = field(default_factory=dict)
    """Column name in the file → catalogue indicator id or kwb short name (``--mapping``)."""
    units: dict[str, str] = field(default_factory=dict)
    """Column name → the unit it is in, where it differs from the catalogue's (``--mapping``)."""
    release: str | None = None
    """``voorlopig`` or ``definitief`` when the file does not say."""
    metadata: bytes | None = None
    """A StatLine ``DataProperties.json`` for labels, units and parent topics (``--metadata``)."""


class Loader(Protocol):
    """One data source. ``key`` is what ``--source`` accepts."""

    key: str
    description: str

    def sniff(self, name: str, head: bytes) -> bool:
        """True when ``head`` (the first few KB of a file called ``name``) looks like this source."""
        ...

    def load(
        self, data: bytes, name: str, catalogue: Catalogue, options: LoadOptions
    ) -> ImportBatch:
        """Parse a whole file; raise :class:`SourceError` naming ``name`` when it cannot."""
        ...


def load_path(
    loader: Loader, path: Path, catalogue: Catalogue, options: LoadOptions
) -> ImportBatch:
    """The path wrapper around a loader's byte parser."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"Cannot read {path}: {exc.strerror}.") from exc
    return loader.load(data, path.name, catalogue, options)


def name_mentions(name: str, *words: str) -> bool:
    """Whether a file name contains any of ``words`` (lower case), the first thing a loader's
    ``sniff`` asks: CBS and its users name their downloads after what they hold."""
    lowered = name.lower()
    return any(word in lowered for word in words)


class NamedSourceLoader:
    """A :class:`Loader` that knows its files first by a word in their name (``name_words``),
    else by their first bytes (:meth:`sniff_head`): subclasses declare both and ``load``."""

    key: str
    description: str
    name_words: tuple[str, ...] = ()

    def sniff(self, name: str, head: bytes) -> bool:
        return name_mentions(name, *self.name_words) or self.sniff_head(head)

    def sniff_head(self, head: bytes) -> bool:
        """Whether the first bytes of a file that its name did not give away are this source's."""
        return False


def strip_code(value: object) -> str:
    """A region code as CBS writes it, without StatLine's space padding."""
    return str(value).strip().upper()


def to_number(series: pd.Series) -> pd.Series:
    """Numbers from any CBS export: decimal comma or point, missing markers to NaN, never zero."""
    text = series.astype("string").str.strip()
    text = text.mask(text.isin(MISSING_MARKERS)).mask(text == NIL_MARKER, "0")
    # "1.234,5" (thousands point, decimal comma) and "2,1" (decimal comma) both occur.
    has_comma = text.str.contains(",", regex=False, na=False)
    text = text.where(~has_comma, text.str.replace(".", "", regex=False).str.replace(",", "."))
    return pd.to_numeric(text, errors="coerce").astype("float64")


def non_numeric_cells(series: pd.Series) -> pd.Series:
    """Cells that are neither a number nor a missing marker (a sign of a shifted column)."""
    text = series.astype("string").str.strip()
    numbers = to_number(series)
    return text[numbers.isna() & ~text.isin(MISSING_MARKERS) & text.notna()]


STATLINE_SUFFIX = re.compile(r"_\d+$")


def statline_base_name(key: str) -> str:
    """``GemiddeldInkomenPerInwoner_66`` → ``GemiddeldInkomenPerInwoner``."""
    return STATLINE_SUFFIX.sub("", key.strip())


def missing_share(values: pd.Series) -> float:
    return float(np.mean(values.isna())) if len(values) else 0.0
