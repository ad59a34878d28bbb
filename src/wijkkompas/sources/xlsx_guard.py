"""The one guard in front of every spreadsheet reader: refuse a workbook that would exhaust memory.

Why: calamine (and pandas through it) turns a sheet into a dense grid from its first to its last
cell, keeps every shared string in memory, and reserves room for the extent a sheet declares.
A 1.4 KB .xlsx with one cell at XFD1048576 therefore asks for 512 GiB and aborts the process
with a Rust backtrace; a 4 MB .xlsx whose one cell inflates to 4 GiB fills the machine; a 6 KB
.xls with a cell at row 65536, column 256 costs 1.4 GB. None of these can be caught once the
reader has started, so everything is checked before a reader sees the bytes.

How, for an .xlsx (a zip of XML parts): every part is inflated here chunk by chunk, straight
from its compressed bytes, and counted (zip headers can lie about sizes; the reader believes
the stream, so the guard counts the stream). The XML streaming past is read with regular
expressions for what decides the reader's memory: the declared ``<dimension ref=…>``, every
row and cell reference, and cells without a reference (which the reader places after the
previous one). Memory stays at about one chunk whatever the file claims. For an .xls (a
compound file of BIFF records, not compressed) :mod:`wijkkompas.sources.xls_extent` walks the
records the reader walks. Anything else is left to the reader, which refuses it cleanly.

Every loader reads spreadsheets through :func:`load_workbook` or :func:`read_excel` here;
a test checks that no other module calls a spreadsheet reader.
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from wijkkompas.sources.base import SourceError

if TYPE_CHECKING:
    import pandas as pd
    import python_calamine

MiB = 1024 * 1024

MAX_CELLS = 10_000_000
"""Cells a workbook may span, all sheets together, each sheet counted from A1 to its farthest
row and column (what the reader allocates, filled or not). A whole-country kwb file spans
about 2.5 million (18,300 rows × some 135 columns); the RIVM health table 0.75 million. At
about 100 bytes a cell in the reader and in Python this bounds a read at roughly 1 GB."""

MAX_UNCOMPRESSED_BYTES = 256 * MiB
"""Bytes all parts of an .xlsx may inflate to together (and the largest .xls accepted). A
whole-country kwb sheet is about 90 MiB of XML (37 bytes a cell); the RIVM table 25 MiB."""

MAX_COMPRESSION_RATIO = 100
"""Inflated over compressed size, per part. Spreadsheet programs write 2 to 12 (the real kwb,
RIVM and Leefbaarometer files: at most 11); zip bombs 1,000 and more."""

RATIO_GRACE_BYTES = 1 * MiB
"""A part may inflate this far before its ratio counts: small parts say nothing about bombs."""

MAX_PARTS = 1_000
"""Parts in one .xlsx; Excel writes about a dozen, one per sheet, style or relationship file."""

MAX_TAG_BYTES = 1 * MiB
"""The longest XML tag the guard follows across chunks; real tags are under a kilobyte."""

CHUNK_BYTES = 1 * MiB

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_SPLIT_ADVICE = (
    "Open it in a spreadsheet program, delete what lies beyond the data, and save it again, "
    "or export the data as CSV (UTF-8) and import that."
)

# Element names may carry a namespace prefix (``<x:c>``); attribute values may hold '>'; the
# reader also takes attributes with no white space between them (``r="A1"r="B2"``), so the
# patterns do too, and match attributes whole, name and quoted value, never inside a value.
_PREFIX = rb"(?:[^\s<>/:=\"']+:)?"
_END_OF_NAME = rb"(?=[\s/>])"
_QUOTED = rb"(?:\"[^\"]*\"|'[^']*')"
_ATTRS = rb"(?:\s*[^\s=<>/\"']+\s*=\s*" + _QUOTED + rb")*"
_ROW_START = re.compile(rb"<" + _PREFIX + rb"row" + _END_OF_NAME + rb"(" + _ATTRS + rb")\s*/?>")
_ATTRIBUTE = re.compile(rb"\s*([^\s=<>/\"']+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_CELL = re.compile(rb"<" + _PREFIX + rb"c" + _END_OF_NAME)
_CELL_WITH_R = re.compile(rb"<" + _PREFIX + rb"c" + _END_OF_NAME + _ATTRS + rb"?\s*r\s*=")
_CELL_REF = re.compile(
    rb"<" + _PREFIX + rb"c" + _END_OF_NAME + _ATTRS
    + rb"?\s*r\s*=\s*[\"']([A-Z]+)([0-9]+)[\"']"
)  # fmt: skip
_DIMENSION = re.compile(
    rb"<" + _PREFIX + rb"dimension" + _END_OF_NAME + _ATTRS + rb"?\s*ref\s*=\s*[\"']([^\"']*)"
)
_SHEET_DATA = re.compile(rb"<" + _PREFIX + rb"sheetData" + _END_OF_NAME)
_COMPLETE_TAG = re.compile(rb"<[^\s<>]*" + _ATTRS + rb"\s*[/?]?>")
_TWO_R = re.compile(
    rb"<" + _PREFIX + rb"(?:c|row)" + _END_OF_NAME + _ATTRS + rb"?\s*r\s*=\s*" + _QUOTED
    + _ATTRS + rb"?\s*r\s*="
)  # fmt: skip
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)")

_REF = re.compile(r"([A-Za-z]+)([0-9]+)")
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


@dataclass
class _Extent:
    """How far one XML part reaches, from A1: what the reader will allocate for it.

    Two ways to measure, fed the same complete tags: :meth:`feed_quick` vouches only for the
    common form (every cell starts ``<c r="B12"``, once) and measures it with numpy in a few
    vector operations; :meth:`feed` follows the reader's rules for any form (references in any
    attribute position, cells without references, prefixed names) at regular-expression speed.
    """

    rows: int = 0
    columns: int = 0
    row: int = 0
    """The row the reader is on (1-based; 0 before the first row)."""
    row_columns: int = 0
    """The farthest explicit column in the current row."""
    row_unplaced: int = 0
    """Cells of the current row without a reference; each may sit one column further."""
    declared: str | None = None
    in_data: bool = False
    """Past ``<sheetData``: a reader looks for ``<dimension>`` only before it."""
    odd_reference: bool = False

    def _dimension(self, text: bytes) -> None:
        """Every ``<dimension ref>`` before ``<sheetData>`` (a comment or an attribute could
        hold a decoy, so the widest one counts, not the first)."""
        if self.in_data:
            return
        head = text
        if b"sheetData" in text and (data := _SHEET_DATA.search(text)):
            head, self.in_data = text[: data.start()], True
        if b"dimension" not in head:
            return
        for ref in _DIMENSION.findall(head):
            declared = ref.decode("latin-1")
            if self.declared is None or (declared_cells(declared) or 0) > (
                declared_cells(self.declared) or 0
            ):
                self.declared = declared

    def feed_quick(self, text: bytes) -> bool:
        """Measure text in which every cell tag is ``<c r="LETTERS DIGITS"`` and carries one
        ``r``; False (nothing measured) when the text has anything else."""
        self._dimension(text)
        a = np.frombuffer(text + b"\0" * 16, dtype=np.uint8)
        n = len(text)
        colons = np.flatnonzero(a[:n] == ord(":"))
        if np.any((a[colons + 1] == ord("c")) & _ends_tag(a[colons + 2])):
            return False  # a prefixed element name such as <x:c>: the thorough path reads it
        opens = np.flatnonzero(a[:n] == ord("<"))
        cells = opens[(a[opens + 1] == ord("c")) & _ends_tag(a[opens + 2])]
        simple = cells[
            (a[cells + 2] == ord(" ")) & (a[cells + 3] == ord("r"))
            & (a[cells + 4] == ord("=")) & (a[cells + 5] == ord('"'))
        ]  # fmt: skip
        if len(simple) != len(cells):
            return False
        # Every attribute named r, against the r of each simple cell and row: a second r in
        # one tag (the reader keeps the last) makes the counts differ.
        r = np.flatnonzero(a[:n] == ord("r"))
        before, after = a[r - 1], a[r + 1]
        r_attributes = np.count_nonzero(
            (_is_space(before) | (before == ord('"')) | (before == ord("'")))
            & (_is_space(after) | (after == ord("=")))
        )
        if r_attributes != len(simple) + text.count(b'<row r="'):
            return False
        if not len(simple):
            return True
        window = a[simple[:, None] + 6 + np.arange(12)].astype(np.int64)
        is_letter = (window >= ord("A")) & (window <= ord("Z"))
        is_digit = (window >= ord("0")) & (window <= ord("9"))
        letters = np.argmin(is_letter, axis=1)
        end = np.argmin(is_digit | (np.arange(12) < letters[:, None]), axis=1)
        closing = window[np.arange(len(simple)), end] == ord('"')
        if not ((letters >= 1) & (letters <= 3) & (end > letters) & (end - letters <= 7)).all():
            return False
        if not closing.all():
            return False
        column = np.zeros(len(simple), dtype=np.int64)
        row = np.zeros(len(simple), dtype=np.int64)
        for k in range(10):
            column = np.where(k < letters, column * 26 + window[:, k] - 64, column)
            row = np.where((k >= letters) & (k < end), row * 10 + window[:, k] - 48, row)
        self.rows = max(self.rows, int(row.max()))
        self.columns = max(self.columns, int(column.max()))
        return True

    def feed(self, text: bytes) -> None:
        """Measure any well-formed text, as the reader places cells."""
        self._dimension(text)
        if _TWO_R.search(text):
            self.odd_reference = True
        start = 0
        for row in _ROW_START.finditer(text):
            self._cells(text, start, row.start())
            numbers = [a + b for key, a, b in _ATTRIBUTE.findall(row.group(1)) if key == b"r"]
            if numbers and not numbers[-1].isdigit():
                self.odd_reference = True
            self.row = int(numbers[-1]) if numbers and numbers[-1].isdigit() else self.row + 1
            self.rows = max(self.rows, self.row)
            self.row_columns = self.row_unplaced = 0
            start = row.end()
        self._cells(text, start, len(text))

    def _cells(self, text: bytes, start: int, end: int) -> None:
        if start >= end:
            return
        tags = len(_CELL.findall(text, start, end))
        if not tags:
            return
        refs = _CELL_REF.findall(text, start, end)
        if len(refs) != len(_CELL_WITH_R.findall(text, start, end)):
            self.odd_reference = True  # a reference the guard cannot read, e.g. an entity
        if refs:
            letters, digits = zip(*refs, strict=True)
            column = max(_column_number(c) for c in set(letters))
            self.row_columns = max(self.row_columns, column)
            self.rows = max(self.rows, max(map(int, digits)))
        self.rows = max(self.rows, self.row, 1)
        self.row_unplaced += tags - len(refs)
        self.columns = max(self.columns, self.row_columns + self.row_unplaced)

    @property
    def cells(self) -> int:
        return self.rows * self.columns


def _is_space(codes: np.ndarray) -> np.ndarray:
    """XML white space: space, tab, line feed, carriage return."""
    result: np.ndarray = (codes == 32) | (codes == 9) | (codes == 10) | (codes == 13)
    return result


def _ends_tag(codes: np.ndarray) -> np.ndarray:
    """What may follow an element name: white space, '>' or '/'."""
    result: np.ndarray = _is_space(codes) | (codes == ord(">")) | (codes == ord("/"))
    return result


def _column_number(letters: bytes | str) -> int:
    number = 0
    for char in letters.upper() if isinstance(letters, str) else letters.decode().upper():
        number = number * 26 + (ord(char) - 64)
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters or "A"


def declared_cells(ref: str) -> int | None:
    """Cells from A1 to the far corner of a ``<dimension ref>`` such as ``A1:DQ123``."""
    corners = [_REF.fullmatch(part.strip().replace("$", "")) for part in ref.split(":")]
    if not corners or any(c is None for c in corners):
        return None
    rows = max(int(c.group(2)) for c in corners if c)
    columns = max(_column_number(c.group(1)) for c in corners if c)
    return rows * columns


def check_workbook(data: bytes, name: str) -> None:
    """Refuse, naming the file and the limit, a workbook a reader could not read within the
    limits above; return quietly for anything that is not a workbook (the reader says why)."""
    if data.startswith(ZIP_MAGIC):
        _check_xlsx(data, name)
    elif data.startswith(OLE_MAGIC):
        from wijkkompas.sources.xls_extent import check_xls

        check_xls(data, name)


def load_workbook(data: bytes, name: str) -> python_calamine.CalamineWorkbook:
    """calamine's workbook, after the guard."""
    import python_calamine

    check_workbook(data, name)
    return python_calamine.load_workbook(io.BytesIO(data))


def read_excel(data: bytes, name: str, **options: Any) -> dict[str, pd.DataFrame]:
    """Every sheet through pandas (calamine engine), after the guard."""
    import pandas as pd

    check_workbook(data, name)
    sheets: dict[str, pd.DataFrame] = pd.read_excel(
        io.BytesIO(data), sheet_name=None, engine="calamine", **options
    )
    return sheets


def sheet_extents(data: bytes, name: str, quick: bool = True) -> dict[str, tuple[int, int]]:
    """Rows and columns each XML part of an .xlsx spans from A1, as the guard measures them
    (every part, sheets by their names; the size limits apply, and references the guard cannot
    read are refused). ``quick=False`` measures every part the thorough way, so a test can
    compare the two."""
    return {
        label: (extent.rows, extent.columns) for label, extent in _xlsx_extents(data, name, quick)
    }


def _check_xlsx(data: bytes, name: str) -> None:
    cells = 0
    for sheet, extent in _xlsx_extents(data, name, quick=True):
        cells += _check_extent(extent, name, sheet)
        if cells > MAX_CELLS:
            raise SourceError(
                f"{name}: its sheets together span {cells:,} cells (counted from A1 to each "
                f"sheet's last cell); wijkkompas reads at most {MAX_CELLS:,} cells per "
                f"workbook (a whole-country kwb file spans about 2.5 million). "
                f"{_SPLIT_ADVICE}"
            )


def _xlsx_extents(data: bytes, name: str, quick: bool) -> Iterator[tuple[str, _Extent]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise SourceError(
            f"{name}: cannot read it as an Excel workbook: its zip container is damaged ({exc}). "
            "Download it again, or save it again as .xlsx or as CSV."
        ) from None
    with archive:
        parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        raise SourceError(
            f"{name}: the workbook holds {len(parts):,} parts; a spreadsheet program writes "
            f"a few dozen and wijkkompas reads at most {MAX_PARTS:,}. {_SPLIT_ADVICE}"
        )
    if any(p.filename.lower().endswith(".bin") and "worksheets/" in p.filename for p in parts):
        raise SourceError(
            f"{name}: this is a binary Excel workbook (.xlsb), which wijkkompas does not "
            "read. Save it as .xlsx (Excel workbook) or as CSV and import that."
        )
    declared = sum(p.file_size for p in parts)
    if declared > MAX_UNCOMPRESSED_BYTES:
        raise SourceError(_too_large(name, declared, len(data), "says it unpacks to"))
    sheet_names = _sheet_names(data, parts)
    total = 0
    for part in parts:
        # The quick path measures nearly every part; a part it cannot vouch for is read again
        # the thorough way (same bytes, same limits).
        extent, inflated = _measure(data, part, name, total, quick=quick)
        if extent is None:
            extent, inflated = _measure(data, part, name, total, quick=False)
        assert extent is not None
        total += inflated
        sheet = sheet_names.get(part.filename, part.filename)
        if extent.odd_reference:
            raise SourceError(
                f"{name}: sheet '{sheet}' writes a cell or row reference in a way no "
                "spreadsheet program does (not like 'B12', or twice in one cell), so wijkkompas "
                f"cannot tell how large it is. {_SPLIT_ADVICE}"
            )
        yield sheet, extent


def _measure(
    data: bytes, part: zipfile.ZipInfo, name: str, before: int, quick: bool
) -> tuple[_Extent | None, int]:
    """The part's extent and inflated size; None from the quick path when it cannot vouch."""
    extent = _Extent()
    inflated = 0
    pending = b""
    for chunk in _inflate(data, part, name):
        if not inflated and chunk.startswith(_WIDE_BOMS):
            # The guard reads bytes as ASCII-compatible text; the installed reader finds no
            # cells in UTF-16 either, and Excel writes UTF-8, so such a part is refused.
            raise SourceError(
                f"{name}: the part {part.filename} is written in UTF-16 or UTF-32, which "
                f"spreadsheet programs do not do. {_SPLIT_ADVICE}"
            )
        inflated += len(chunk)
        if before + inflated > MAX_UNCOMPRESSED_BYTES:
            raise SourceError(
                _too_large(name, before + inflated, len(data), "unpacks to more than")
            )
        if inflated > RATIO_GRACE_BYTES + MAX_COMPRESSION_RATIO * part.compress_size:
            raise SourceError(_bomb(name, part, inflated))
        complete, pending = _split_tags(pending + chunk, name, part.filename)
        if quick and not extent.feed_quick(complete):
            return None, inflated
        if not quick:
            extent.feed(complete)
    if quick and not extent.feed_quick(pending):
        return None, inflated
    if not quick:
        extent.feed(pending)
    return extent, inflated


def _split_tags(buffer: bytes, name: str, part: str) -> tuple[bytes, bytes]:
    """``buffer`` cut after its last complete tag: what can be scanned now, and the unfinished
    tag that must wait for the next chunk."""
    if _DTD.search(buffer):
        raise SourceError(
            f"{name}: the part {part} declares a DTD or entities, which no spreadsheet "
            "program writes (a way to make XML readers expand text without end). "
            f"{_SPLIT_ADVICE}"
        )
    last = buffer.rfind(b"<")
    if last == -1 or _COMPLETE_TAG.match(buffer, last):
        return buffer, b""
    if len(buffer) - last > MAX_TAG_BYTES:
        raise SourceError(
            f"{name}: the part {part} has an XML tag longer than {MAX_TAG_BYTES // MiB} MiB, "
            f"which no spreadsheet program writes. {_SPLIT_ADVICE}"
        )
    return buffer[:last], buffer[last:]


def _check_extent(extent: _Extent, name: str, sheet: str) -> int:
    """The cells the part spans, after refusing a declared or reached range beyond the limit."""
    if extent.declared is not None:
        declared = declared_cells(extent.declared)
        if declared is not None and declared > MAX_CELLS:
            raise SourceError(
                f"{name}: sheet '{sheet}' declares the range {extent.declared}, "
                f"{declared:,} cells, and a reader reserves room for what a sheet declares; "
                f"wijkkompas reads at most {MAX_CELLS:,} cells per workbook. {_SPLIT_ADVICE}"
            )
    if extent.cells > MAX_CELLS:
        corner = f"{_column_letters(extent.columns)}{extent.rows}"
        raise SourceError(
            f"{name}: sheet '{sheet}' reaches cell {corner}, so reading it needs room for "
            f"{extent.cells:,} cells (from A1 to there, filled or not); wijkkompas reads at "
            f"most {MAX_CELLS:,} cells per workbook (a whole-country kwb file spans about 2.5 "
            f"million). {_SPLIT_ADVICE}"
        )
    return extent.cells


def _too_large(name: str, size: int, compressed: int, verb: str) -> str:
    return (
        f"{name}: the workbook {verb} {size / MiB:,.0f} MiB of XML (from {compressed / MiB:,.1f} "
        f"MiB on disk); wijkkompas reads workbooks up to {MAX_UNCOMPRESSED_BYTES // MiB} MiB "
        "unpacked (a whole-country kwb file is about 90 MiB). Export the data as CSV (UTF-8), "
        "or split it per province, and import that."
    )


def _bomb(name: str, part: zipfile.ZipInfo, inflated: int) -> str:
    return (
        f"{name}: the part {part.filename} unpacks to more than {inflated / MiB:,.0f} MiB from "
        f"{part.compress_size / MiB:,.2f} MiB, a ratio above {MAX_COMPRESSION_RATIO}:1 that "
        "spreadsheet programs never write (they write about 10:1); the file may be built to "
        "exhaust memory, so it is not read. If it is genuine, export the data as CSV (UTF-8) "
        "and import that."
    )


def _inflate(data: bytes, part: zipfile.ZipInfo, name: str) -> Iterator[bytes]:
    """The part's bytes as a reader sees them: its compressed bytes (located through the local
    header, as readers do) inflated until the stream ends, whatever size the headers state."""
    damaged = SourceError(
        f"{name}: the part {part.filename} of the workbook is damaged. Download the file "
        "again, or save it again as .xlsx or as CSV."
    )
    if part.flag_bits & 0x1:
        raise SourceError(
            f"{name}: the workbook is protected with a password. Save an unprotected copy and "
            "import that."
        )
    offset = part.header_offset
    header = data[offset : offset + 30]
    if len(header) < 30 or header[:4] != ZIP_MAGIC:
        raise damaged
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    start = offset + 30 + name_length + extra_length
    compressed = memoryview(data)[start : start + part.compress_size]
    if part.compress_type == zipfile.ZIP_STORED:
        for at in range(0, len(compressed), CHUNK_BYTES):
            yield bytes(compressed[at : at + CHUNK_BYTES])
        return
    if part.compress_type != zipfile.ZIP_DEFLATED:
        raise SourceError(
            f"{name}: the part {part.filename} is compressed with method "
            f"{part.compress_type}, which spreadsheet programs do not use. Save the file again "
            "as .xlsx or as CSV."
        )
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        for at in range(0, len(compressed), 64 * 1024):
            piece = bytes(compressed[at : at + 64 * 1024])
            while piece and not inflater.eof:
                out = inflater.decompress(piece, CHUNK_BYTES)
                piece = inflater.unconsumed_tail
                if out:
                    yield out
            if inflater.eof:
                return
    except zlib.error:
        raise damaged from None


def _sheet_names(data: bytes, parts: list[zipfile.ZipInfo]) -> dict[str, str]:
    """Part path → the sheet's name as a person sees it; best effort, for messages only."""
    by_name = {p.filename: p for p in parts}
    small = 1 * MiB

    def text(path: str) -> bytes:
        part = by_name.get(path)
        if part is None or part.file_size > small or part.compress_size > small:
            return b""
        try:
            chunks = []
            for chunk in _inflate(data, part, path):
                chunks.append(chunk)
                if sum(map(len, chunks)) > small:
                    return b""
            return b"".join(chunks)
        except SourceError:
            return b""

    targets = {
        rid.decode("utf-8", "replace"): html.unescape(target.decode("utf-8", "replace"))
        for rid, target in re.findall(
            rb"<(?:\w+:)?Relationship\b[^>]*?\bId=\"([^\"]*)\"[^>]*?\bTarget=\"([^\"]*)\"",
            text("xl/_rels/workbook.xml.rels"),
        )
    }
    names: dict[str, str] = {}
    for sheet, rid in re.findall(
        rb"<(?:\w+:)?sheet\b[^>]*?\bname=\"([^\"]*)\"[^>]*?\br:id=\"([^\"]*)\"",
        text("xl/workbook.xml"),
    ):
        target = targets.get(rid.decode("utf-8", "replace"))
        if target:
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            names[posixpath.normpath(path)] = html.unescape(sheet.decode("utf-8", "replace"))
    return names
