"""Hostile spreadsheets, built at test time: a few kilobytes on disk, never committed.

The zip container is written by hand so a test can state sizes that lie, and a cell of a
gibibyte can be written in a millisecond: deflate restarts its dictionary at a full flush, so
one mebibyte of filler compresses to the same 1 KB block every time and the block is repeated.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

MiB = 1024 * 1024
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"

KWB_HEADER = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>gwb_code_10</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>regio</t></is></c>'
    '<c r="C1" t="inlineStr"><is><t>a_inw</t></is></c></row>'
)
KWB_ROW = (
    '<row r="2"><c r="A2" t="inlineStr"><is><t>GM9998</t></is></c>'
    '<c r="B2" t="inlineStr"><is><t>Proefdorp</t></is></c><c r="C2"><v>1200</v></c></row>'
)
"""A kwb-like sheet of one gemeente: what a hostile file wraps its weapon in."""


@dataclass(frozen=True)
class Part:
    """One zip member as stored: raw deflate bytes, the true inflated size and its CRC."""

    name: str
    compressed: bytes
    size: int
    crc: int


def part(name: str, data: bytes | str) -> Part:
    raw = data.encode() if isinstance(data, str) else data
    packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return Part(name, packer.compress(raw) + packer.flush(), len(raw), zlib.crc32(raw))


def bomb_part(name: str, head: str, filler_mib: int, tail: str) -> Part:
    """``head``, then ``filler_mib`` MiB of the letter a, then ``tail``, deflated."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    filler = b"a" * MiB
    start = packer.compress(head.encode()) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(filler) + packer.flush(zlib.Z_FULL_FLUSH)
    end = packer.compress(tail.encode()) + packer.flush()
    crc = zlib.crc32(head.encode())
    for _ in range(filler_mib):
        crc = zlib.crc32(filler, crc)
    crc = zlib.crc32(tail.encode(), crc)
    size = len(head.encode()) + filler_mib * MiB + len(tail.encode())
    return Part(name, start + block * filler_mib + end, size, crc)


def zip_bytes(parts: list[Part], stated_size: dict[str, int] | None = None) -> bytes:
    """A zip archive of deflated parts; ``stated_size`` makes headers lie about a part's size."""
    stated_size = stated_size or {}
    local, central = bytearray(), bytearray()
    for p in parts:
        name = p.name.encode()
        size = stated_size.get(p.name, p.size)
        fields = (20, 0, 8, 0, 0x21, p.crc, len(p.compressed), size, len(name))
        central += struct.pack("<IH", 0x02014B50, 20) + struct.pack("<HHHHHIIIH", *fields)
        central += struct.pack("<HHHHII", 0, 0, 0, 0, 0, len(local)) + name
        local += struct.pack("<I", 0x04034B50) + struct.pack("<HHHHHIIIH", *fields)
        local += struct.pack("<H", 0) + name + p.compressed
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(central),
                      len(local), 0)  # fmt: skip
    return bytes(local + central + end)


def sheet_xml(rows: str, dimension: str | None = "A1:C2", namespaces: str = "") -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"{namespaces}>'
        f"{dim}<sheetData>{rows}</sheetData></worksheet>"
    )


def workbook(
    sheet: str | Part, sheet_name: str = "kwb-2023", stated_size: dict[str, int] | None = None
) -> bytes:
    """An .xlsx with one sheet (XML text, or a prepared part such as a bomb)."""
    sheet_part = sheet if isinstance(sheet, Part) else part("xl/worksheets/sheet1.xml", sheet)
    parts = [
        part(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.'
            'org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="'
            'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        ),
        part(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE}">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        ),
        part(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" '
            f'xmlns:r="{RELATIONSHIPS}"><sheets><sheet name="{sheet_name}" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>',
        ),
        part(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE}">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>',
        ),
        sheet_part,
    ]
    return zip_bytes(parts, stated_size)


def one_gib_cell(stated_size: dict[str, int] | None = None) -> bytes:
    """The issue's zip bomb, at a quarter of its size: a kwb sheet whose one cell is 1 GiB."""
    head = sheet_xml("", dimension="A1:C3").split("<sheetData>")[0]
    bomb = bomb_part(
        "xl/worksheets/sheet1.xml",
        head + "<sheetData>" + KWB_HEADER + KWB_ROW + '<row r="3"><c r="A3" t="inlineStr"><is><t>',
        1024,
        "</t></is></c></row></sheetData></worksheet>",
    )
    return workbook(bomb, stated_size=stated_size)


def xls_record_offset(data: bytes, record: int, length: int) -> int:
    """Where a BIFF record of this type and length starts in an .xls written by xlwt (its
    Workbook stream is stored contiguously after the compound file's header)."""
    return data.index(struct.pack("<HH", record, length))
