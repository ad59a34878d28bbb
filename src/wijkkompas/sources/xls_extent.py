"""How much an .xls (Excel 97-2003) workbook makes a reader allocate, found without reading it.

Part of the spreadsheet guard (:mod:`wijkkompas.sources.xlsx_guard`); see there for why. An .xls
is a compound file (a small FAT file system) holding a ``Workbook`` stream of BIFF records.
calamine reserves room for the extent each sheet's DIMENSIONS record declares (4 billion rows
abort the process) and builds a dense grid up to the farthest cell record (row 65,536 and
column 256 cost 1.4 GB), all before anything can be checked; its source also reserves a slot
for each shared string the SST record announces (the installed version survives a false
count). So this module follows the same records: the sheets' DIMENSIONS and cell records
(from the offsets the BOUNDSHEET records give, as the reader does) and the SST count. Chains
that loop or point outside the file, and streams larger than the file, are refused as
damaged: the reader would loop or over-allocate on them.
"""

from __future__ import annotations

import struct

from wijkkompas.sources.base import SourceError

ENDOFCHAIN = 0xFFFFFFFE
FREESECT = 0xFFFFFFFF
MINI_STREAM_CUTOFF = 4096
MINI_SECTOR = 64

BOF, EOF, BOUNDSHEET, DIMENSIONS, SST = 0x0809, 0x000A, 0x0085, 0x0200, 0x00FC
CELL_RECORDS = frozenset({0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x0006})
"""NUMBER, LABEL, BOOLERR, RK, LABELSST, FORMULA: row and column in their first four bytes."""
MULTI_CELL_RECORDS = frozenset({0x00BD, 0x00BE})
"""MULRK, MULBLANK: row, first column, …, last column in the last two bytes."""


class _Damaged(Exception):
    pass


def check_xls(data: bytes, name: str) -> None:
    """Refuse an .xls whose sheets, together, would make the reader allocate beyond the limits."""
    from wijkkompas.sources.xlsx_guard import MAX_CELLS, MAX_UNCOMPRESSED_BYTES, MiB

    advice = (
        "Open it in a spreadsheet program, delete what lies beyond the data, and save it as "
        ".xlsx, or export the data as CSV (UTF-8) and import that."
    )
    if len(data) > MAX_UNCOMPRESSED_BYTES:
        raise SourceError(
            f"{name}: the workbook is {len(data) / MiB:,.0f} MiB; wijkkompas reads Excel 97-2003 "
            f"workbooks up to {MAX_UNCOMPRESSED_BYTES // MiB} MiB. {advice}"
        )
    try:
        streams = _workbook_streams(data)
        cells = 0
        for stream in streams:
            strings = _sst_count(stream)
            if strings * 3 > len(stream):
                raise _Damaged("its shared string table announces more strings than it holds")
            for sheet, extent, declared in _sheet_extents(stream):
                for what, size in (("declares", declared), ("reaches", extent)):
                    if size > MAX_CELLS:
                        raise SourceError(
                            f"{name}: sheet '{sheet}' {what} a range of {size:,} cells, and a "
                            f"reader allocates that much; wijkkompas reads at most "
                            f"{MAX_CELLS:,} cells per workbook (a whole-country kwb file "
                            f"spans about 2.5 million). {advice}"
                        )
                cells += extent
        if cells > MAX_CELLS:
            raise SourceError(
                f"{name}: its sheets together span {cells:,} cells; wijkkompas reads at most "
                f"{MAX_CELLS:,} cells per workbook. {advice}"
            )
    except (_Damaged, struct.error, IndexError) as exc:
        detail = f" ({exc})" if isinstance(exc, _Damaged) else ""
        raise SourceError(
            f"{name}: not a readable Excel 97-2003 workbook: its structure is damaged{detail}. "
            "Download it again, or save it again as .xlsx or as CSV."
        ) from None


def _u16(data: bytes, at: int) -> int:
    value: int = struct.unpack_from("<H", data, at)[0]
    return value


def _u32(data: bytes, at: int) -> int:
    value: int = struct.unpack_from("<I", data, at)[0]
    return value


def _workbook_streams(data: bytes) -> list[bytes]:
    """The ``Workbook`` (BIFF8) and ``Book`` (BIFF5) streams of the compound file."""
    if len(data) < 512:
        raise _Damaged("it is shorter than its header")
    shift = _u16(data, 30)
    if shift not in (9, 12) or _u16(data, 32) != 6:
        raise _Damaged("unknown sector size")
    size = 1 << shift
    sectors = len(data) // size - 1

    def sector(number: int) -> bytes:
        if number >= sectors:
            raise _Damaged("a sector lies outside the file")
        start = (number + 1) * size
        return data[start : start + size]

    def chain(first: int, table: list[int]) -> list[int]:
        seen: list[int] = []
        visited: set[int] = set()
        current = first
        while current not in (ENDOFCHAIN, FREESECT):
            if current in visited or current >= len(table):
                raise _Damaged("a chain of sectors loops or leaves the file")
            visited.add(current)
            seen.append(current)
            current = table[current]
        return seen

    difat = [v for v in struct.unpack_from("<109I", data, 76) if v != FREESECT]
    next_difat, visited = _u32(data, 68), set()
    while next_difat not in (ENDOFCHAIN, FREESECT):
        if next_difat in visited:
            raise _Damaged("the sector table loops")
        visited.add(next_difat)
        block = sector(next_difat)
        pointers = struct.unpack_from(f"<{size // 4}I", block)
        difat.extend(v for v in pointers[:-1] if v != FREESECT)
        next_difat = pointers[-1]
    fat: list[int] = []
    for number in difat:
        fat.extend(struct.unpack_from(f"<{size // 4}I", sector(number)))

    def read(first: int, length: int) -> bytes:
        if length > len(data):
            raise _Damaged("a stream says it is larger than the file")
        blob = b"".join(sector(n) for n in chain(first, fat))
        return blob[:length] if length else blob

    directory = read(_u32(data, 48), 0)
    entries = []
    for at in range(0, len(directory) - 127, 128):
        length = min(_u16(directory, at + 64), 64)
        entry_name = directory[at : at + max(0, length - 2)].decode("utf-16-le", "replace")
        kind = directory[at + 66]
        start = _u32(directory, at + 116)
        stream_size = _u32(directory, at + 120) if size == 512 else _u64(directory, at + 120)
        if kind in (1, 2, 5) and stream_size > len(data):
            raise _Damaged(f"the stream '{entry_name}' says it is larger than the file")
        entries.append((entry_name, kind, start, stream_size))
    if not entries:
        raise _Damaged("it has no directory")
    _root_name, _root_kind, root_start, root_size = entries[0]
    mini_stream = read(root_start, root_size) if root_size else b""
    mini_fat_bytes = read(_u32(data, 60), 0) if _u32(data, 64) else b""
    mini_fat = list(struct.unpack_from(f"<{len(mini_fat_bytes) // 4}I", mini_fat_bytes))
    streams = []
    for entry_name, kind, start, stream_size in entries[1:]:
        if kind != 2 or entry_name not in ("Workbook", "Book"):
            continue
        if stream_size < MINI_STREAM_CUTOFF:
            blob = b"".join(
                mini_stream[n * MINI_SECTOR : (n + 1) * MINI_SECTOR] for n in chain(start, mini_fat)
            )
            streams.append(blob[:stream_size])
        else:
            streams.append(read(start, stream_size))
    return streams


def _u64(data: bytes, at: int) -> int:
    value: int = struct.unpack_from("<Q", data, at)[0]
    return value


def _records(stream: bytes, start: int) -> list[tuple[int, int, int]]:
    """(type, data offset, data length) from ``start`` up to the first EOF record."""
    found = []
    at = start
    while at + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, at)
        found.append((kind, at + 4, min(length, len(stream) - at - 4)))
        at += 4 + length
        if kind == EOF:
            break
    return found


def _sst_count(stream: bytes) -> int:
    for kind, at, length in _records(stream, 0):
        if kind == SST and length >= 8:
            return abs(struct.unpack_from("<i", stream, at + 4)[0])
    return 0


def _sheet_extents(stream: bytes) -> list[tuple[str, int, int]]:
    """Per sheet: its name, the cells from A1 to its farthest cell, and the cells its
    DIMENSIONS record declares (as the reader computes them, 32-bit wrap-around included)."""
    sheets: list[tuple[int, str]] = []
    for kind, at, length in _records(stream, 0):
        if kind == BOUNDSHEET and length >= 8:
            count = stream[at + 6]
            raw = stream[at + 8 : at + 8 + count * (2 if stream[at + 7] & 1 else 1)]
            label = raw.decode("utf-16-le" if stream[at + 7] & 1 else "latin-1", "replace")
            sheets.append((_u32(stream, at), label))
    result = []
    for position, label in sheets:
        if position >= len(stream):
            raise _Damaged(f"sheet '{label}' starts outside the workbook stream")
        rows = columns = declared = 0
        for kind, at, length in _records(stream, position):
            if kind in CELL_RECORDS and length >= 4:
                rows = max(rows, _u16(stream, at) + 1)
                columns = max(columns, _u16(stream, at + 2) + 1)
            elif kind in MULTI_CELL_RECORDS and length >= 6:
                rows = max(rows, _u16(stream, at) + 1)
                columns = max(columns, _u16(stream, at + length - 2) + 1)
            elif kind == DIMENSIONS:
                declared = max(declared, _declared(stream, at, length))
        result.append((label, rows * columns, declared))
    return result


def _declared(stream: bytes, at: int, length: int) -> int:
    """The cells calamine reserves for a DIMENSIONS record (rows × columns, u32 arithmetic)."""
    if length == 14:
        first_row, last_row = _u32(stream, at), _u32(stream, at + 4)
        first_col, last_col = _u16(stream, at + 8), _u16(stream, at + 10)
    elif length == 10:
        first_row, last_row = _u16(stream, at), _u16(stream, at + 2)
        first_col, last_col = _u16(stream, at + 4), _u16(stream, at + 6)
    else:
        return 0
    if last_row >= 1 and last_col >= 1:
        end_row, end_col = last_row - 1, last_col - 1
    else:
        end_row, end_col = first_row, first_col
    rows = (end_row - first_row + 1) & 0xFFFFFFFF
    cols = (end_col - first_col + 1) & 0xFFFFFFFF
    return rows * cols
