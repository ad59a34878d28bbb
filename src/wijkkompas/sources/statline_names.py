"""Recognising StatLine tables that name their regions without codes, before the kwb loader does.

The statline loader reads such a table (its rows placed by :mod:`region_names`, their codes
found by name at import). This entry exists for auto-detection only: a table saved as
``heerlen_kwb_2016.csv`` carries ``kwb_2016`` in its name, which the kwb loader would claim,
and then refuse for want of kwb short names. So it is tried first, and claims nothing but a CSV
whose header has a region-name column (``Wijken en buurten``, ``Wijk_Buurt``, ``Regio's``) and
no code column, with no CBS region code in the first lines. ``--source statline`` reads the same
files.
"""

from __future__ import annotations

import csv
import io

from wijkkompas.catalogue import Catalogue
from wijkkompas.sources.base import LoadOptions
from wijkkompas.sources.statline import LOADER as STATLINE
from wijkkompas.sources.statline import REGION_CELL, identification_role
from wijkkompas.sources.textfile import sniff_delimiter
from wijkkompas.store.batch import ImportBatch

HEADER_LINES = 6
"""A StatLine CSV may open with a title and an empty line before its header."""
NOT_CSV_STARTS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"SQLite format 3", b"{", b"[", b"<")


class StatlineNamesLoader:
    """Auto-detection of names-only StatLine CSVs; reading is the statline loader's."""

    key = "statline-names"
    description = (
        "CBS StatLine table that names its regions without codes (CSV); the codes are looked "
        "up by name at import"
    )

    def sniff(self, name: str, head: bytes) -> bool:
        if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(NOT_CSV_STARTS):
            return False
        if name.lower().endswith((".xls", ".xlsx", ".json", ".geojson", ".gpkg")):
            return False
        text = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
        if REGION_CELL.search(text):
            return False
        lines = [line for line in text.splitlines() if line.strip()][:HEADER_LINES]
        if not lines:
            return False
        delimiter = sniff_delimiter("\n".join(lines))
        for line in lines:
            try:
                cells = next(csv.reader(io.StringIO(line), delimiter=delimiter))
            except (csv.Error, StopIteration):
                continue
            roles = {identification_role(cell) for cell in cells if cell.strip()}
            if "region" in roles and "code" not in roles and len(cells) > 1:
                return True
        return False

    def load(
        self, data: bytes, name: str, catalogue: Catalogue, options: LoadOptions
    ) -> ImportBatch:
        return STATLINE.load(data, name, catalogue, options)


LOADER = StatlineNamesLoader()
