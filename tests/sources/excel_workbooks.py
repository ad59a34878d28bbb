"""Honest workbooks as Microsoft Excel writes them, built at test time from made-up rows.

The real samples in ``../shared/data`` (the Utrecht KWB extract, the RIVM health table, the
Leefbaarometer test set) were all last saved by Excel. What the spreadsheet guard reads in them
is Excel's way of writing, not their figures: shared strings, styles on cells, ``spans`` and
``x14ac:dyDescent`` on rows, ``<cols>``, a selection, ``mc:``/``xr:`` namespaces, page setup that
points at a printer-settings part, an Excel table over the data, a theme and document properties.
This module writes the same parts around a handful of invented rows, so the guard meets that
layout on every machine.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from xml.sax.saxutils import escape

from hostile_workbooks import MAIN, PACKAGE, RELATIONSHIPS, part, zip_bytes

MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
XR = "http://schemas.microsoft.com/office/spreadsheetml/2014/revision"
XR3 = "http://schemas.microsoft.com/office/spreadsheetml/2016/revision3"
X15 = "http://schemas.microsoft.com/office/spreadsheetml/2010/11/main"
OFFICE = "application/vnd.openxmlformats-officedocument"
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'


@dataclass(frozen=True)
class ExcelSheet:
    """One sheet: its name, header and rows (text or numbers; None leaves the cell out, as Excel
    does for an empty cell), and the extras some real files carry."""

    name: str
    header: list[str]
    rows: list[list[str | float | None]]
    table: bool = False
    """An Excel table over the data, with a printer-settings part (as the KWB extract has)."""
    header_style: int | None = None
    body_style: int | None = None


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def dimension(sheet: ExcelSheet) -> str:
    return f"A1:{column_letters(len(sheet.header))}{len(sheet.rows) + 1}"


def excel_workbook(sheet: ExcelSheet) -> bytes:
    """The .xlsx Excel would save for ``sheet``."""
    strings: dict[str, int] = {}
    cells_total = 0

    def cell(ref: str, value: str | float, style: int | None) -> str:
        nonlocal cells_total
        cells_total += 1
        s = f' s="{style}"' if style is not None else ""
        if isinstance(value, str):
            index = strings.setdefault(value, len(strings))
            return f'<c r="{ref}"{s} t="s"><v>{index}</v></c>'
        return f'<c r="{ref}"{s}><v>{value}</v></c>'

    width = len(sheet.header)
    rows = []
    table: list[list[str | float | None]] = [list(sheet.header), *sheet.rows]
    for number, values in enumerate(table, start=1):
        style = sheet.header_style if number == 1 else sheet.body_style
        cells = "".join(
            cell(f"{column_letters(i)}{number}", v, style)
            for i, v in enumerate(values, start=1)
            if v is not None
        )
        rows.append(f'<row r="{number}" spans="1:{width}" x14ac:dyDescent="0.3">{cells}</row>')
    ref = dimension(sheet)
    table_parts = (
        '<tableParts count="1"><tablePart r:id="rId2"/></tableParts>' if sheet.table else ""
    )
    page_setup = (
        '<pageSetup paperSize="9" orientation="portrait" r:id="rId1"/>' if sheet.table else ""
    )
    worksheet = (
        f'{DECLARATION}<worksheet xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}" xmlns:mc="{MC}" '
        f'mc:Ignorable="x14ac xr xr2 xr3" xmlns:x14ac="{X14AC}" xmlns:xr="{XR}" '
        f'xmlns:xr3="{XR3}" xr:uid="{{0F8E2C1A-5B7D-4C3E-9A21-6D4B8E0C7F13}}">'
        f'<dimension ref="{ref}"/><sheetViews><sheetView tabSelected="1" workbookViewId="0">'
        '<selection activeCell="B2" sqref="B2"/></sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="14.4" x14ac:dyDescent="0.3"/>'
        f'<cols><col min="1" max="1" width="15.33" customWidth="1"/><col min="2" max="{width}" '
        'width="12.77" customWidth="1"/></cols>'
        f"<sheetData>{''.join(rows)}</sheetData>"
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        f"{page_setup}{table_parts}</worksheet>"
    )
    shared = (
        f'{DECLARATION}<sst xmlns="{MAIN}" count="{cells_total}" uniqueCount="{len(strings)}">'
        + "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
        + "</sst>"
    )
    overrides = [
        ("/xl/workbook.xml", f"{OFFICE}.spreadsheetml.sheet.main+xml"),
        ("/xl/worksheets/sheet1.xml", f"{OFFICE}.spreadsheetml.worksheet+xml"),
        ("/xl/theme/theme1.xml", f"{OFFICE}.theme+xml"),
        ("/xl/styles.xml", f"{OFFICE}.spreadsheetml.styles+xml"),
        ("/xl/sharedStrings.xml", f"{OFFICE}.spreadsheetml.sharedStrings+xml"),
        *([("/xl/tables/table1.xml", f"{OFFICE}.spreadsheetml.table+xml")] if sheet.table else []),
        ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
        ("/docProps/app.xml", f"{OFFICE}.extended-properties+xml"),
    ]
    printer_default = (
        f'<Default Extension="bin" ContentType="{OFFICE}.spreadsheetml.printerSettings"/>'
        if sheet.table
        else ""
    )
    content_types = (
        f'{DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'content-types">{printer_default}<Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/>'
        + "".join(f'<Override PartName="{n}" ContentType="{t}"/>' for n, t in overrides)
        + "</Types>"
    )
    parts = [
        part("[Content_Types].xml", content_types),
        part(
            "_rels/.rels",
            _relationships(
                [
                    ("rId3", f"{RELATIONSHIPS}/extended-properties", "docProps/app.xml"),
                    (
                        "rId2",
                        "http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
                        "core-properties",
                        "docProps/core.xml",
                    ),
                    ("rId1", f"{RELATIONSHIPS}/officeDocument", "xl/workbook.xml"),
                ]
            ),
        ),
        part("xl/workbook.xml", _workbook_xml(sheet)),
        part(
            "xl/_rels/workbook.xml.rels",
            _relationships(
                [
                    ("rId3", f"{RELATIONSHIPS}/styles", "styles.xml"),
                    ("rId2", f"{RELATIONSHIPS}/theme", "theme/theme1.xml"),
                    ("rId1", f"{RELATIONSHIPS}/worksheet", "worksheets/sheet1.xml"),
                    ("rId4", f"{RELATIONSHIPS}/sharedStrings", "sharedStrings.xml"),
                ]
            ),
        ),
        part("xl/worksheets/sheet1.xml", worksheet),
        part("xl/theme/theme1.xml", THEME),
        part("xl/styles.xml", STYLES),
        part("xl/sharedStrings.xml", shared),
    ]
    if sheet.table:
        parts += [
            part(
                "xl/worksheets/_rels/sheet1.xml.rels",
                _relationships(
                    [
                        ("rId2", f"{RELATIONSHIPS}/table", "../tables/table1.xml"),
                        (
                            "rId1",
                            f"{RELATIONSHIPS}/printerSettings",
                            "../printerSettings/printerSettings1.bin",
                        ),
                    ]
                ),
            ),
            part("xl/printerSettings/printerSettings1.bin", _printer_settings()),
            part("xl/tables/table1.xml", _table_xml(sheet)),
        ]
    parts += [part("docProps/core.xml", CORE), part("docProps/app.xml", _app_xml(sheet))]
    return zip_bytes(parts)


def _relationships(targets: list[tuple[str, str, str]]) -> str:
    return (
        f'{DECLARATION}<Relationships xmlns="{PACKAGE}">'
        + "".join(f'<Relationship Id="{i}" Type="{t}" Target="{g}"/>' for i, t, g in targets)
        + "</Relationships>"
    )


def _workbook_xml(sheet: ExcelSheet) -> str:
    filter_range = f"'{sheet.name}'!$A$1:${column_letters(len(sheet.header))}$1"
    defined = (
        '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
        f"{escape(filter_range)}</definedName></definedNames>"
        if sheet.table
        else ""
    )
    return (
        f'{DECLARATION}<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}" xmlns:mc="{MC}" '
        f'mc:Ignorable="x15 xr" xmlns:x15="{X15}" xmlns:xr="{XR}">'
        '<fileVersion appName="xl" lastEdited="7" lowestEdited="7" rupBuild="27328"/>'
        '<workbookPr defaultThemeVersion="166925"/>'
        f'<mc:AlternateContent xmlns:mc="{MC}"><mc:Choice Requires="x15"><x15ac:absPath '
        'url="C:\\Users\\analist\\Documents\\" xmlns:x15ac="http://schemas.microsoft.com/office/'
        'spreadsheetml/2010/11/ac"/></mc:Choice></mc:AlternateContent>'
        '<xr:revisionPtr revIDLastSave="0" documentId="8_{3C1B9E52-7A44-4D0B-8F6E-2B9A0D5C1E77}"/>'
        '<bookViews><workbookView xWindow="-108" yWindow="-108" windowWidth="23256" '
        'windowHeight="12576"/></bookViews>'
        f'<sheets><sheet name="{escape(sheet.name)}" sheetId="1" r:id="rId1"/></sheets>'
        f'{defined}<calcPr calcId="191029"/></workbook>'
    )


def _table_xml(sheet: ExcelSheet) -> str:
    ref = dimension(sheet)
    columns = "".join(
        f'<tableColumn id="{i}" name="{escape(name)}"/>'
        for i, name in enumerate(sheet.header, start=1)
    )
    return (
        f'{DECLARATION}<table xmlns="{MAIN}" xmlns:mc="{MC}" mc:Ignorable="xr xr3" '
        f'xmlns:xr="{XR}" xmlns:xr3="{XR3}" id="1" name="Table1" displayName="Table1" '
        f'ref="{ref}" totalsRowShown="0"><autoFilter ref="{ref}"/>'
        f'<tableColumns count="{len(sheet.header)}">{columns}</tableColumns>'
        '<tableStyleInfo name="TableStyleMedium2" showFirstColumn="0" showLastColumn="0" '
        'showRowStripes="1" showColumnStripes="0"/></table>'
    )


def _printer_settings() -> bytes:
    """A Windows DEVMODE record, as Excel stores the printer a sheet was last printed on: the
    device name in UTF-16 (no byte-order mark), then fixed binary fields."""
    device = "\\\\printserver\\Kantoor-2".encode("utf-16-le").ljust(64, b"\0")
    fields = struct.pack("<HHHHI", 0x0401, 0x0603, 220, 0, 0x0001FF53)
    return device + fields + bytes(range(256)) * 4


def _app_xml(sheet: ExcelSheet) -> str:
    return (
        f'{DECLARATION}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
        'docPropsVTypes"><Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity>'
        '<ScaleCrop>false</ScaleCrop><HeadingPairs><vt:vector size="2" baseType="variant">'
        "<vt:variant><vt:lpstr>Werkbladen</vt:lpstr></vt:variant><vt:variant><vt:i4>1</vt:i4>"
        '</vt:variant></vt:vector></HeadingPairs><TitlesOfParts><vt:vector size="1" '
        f'baseType="lpstr"><vt:lpstr>{escape(sheet.name)}</vt:lpstr></vt:vector></TitlesOfParts>'
        "<AppVersion>16.0300</AppVersion></Properties>"
    )


CORE = (
    f'{DECLARATION}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
    'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-'
    'instance"><dc:creator>Analist</dc:creator><cp:lastModifiedBy>Analist</cp:lastModifiedBy>'
    '<dcterms:created xsi:type="dcterms:W3CDTF">2024-02-01T09:00:00Z</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">2024-02-02T10:30:00Z</dcterms:modified>'
    "</cp:coreProperties>"
)
STYLES = (
    f'{DECLARATION}<styleSheet xmlns="{MAIN}" xmlns:mc="{MC}" mc:Ignorable="x14ac" '
    f'xmlns:x14ac="{X14AC}"><numFmts count="1"><numFmt numFmtId="164" formatCode="#,##0.0"/>'
    '</numFmts><fonts count="2" x14ac:knownFonts="1"><font><sz val="11"/><color theme="1"/>'
    '<name val="Calibri"/><family val="2"/><scheme val="minor"/></font><font><b/><sz val="11"/>'
    '<color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill '
    'patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/>'
    '<bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" '
    'fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" '
    'fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" '
    'xfId="0" applyFont="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" '
    'applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Standaard" '
    'xfId="0" builtinId="0"/></cellStyles><dxfs count="0"/><tableStyles count="0" '
    'defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/></styleSheet>'
)
THEME = (
    f'{DECLARATION}<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'name="Office-thema"><a:themeElements><a:clrScheme name="Office"><a:dk1><a:sysClr '
    'val="windowText" lastClr="000000"/></a:dk1><a:lt1><a:sysClr val="window" '
    'lastClr="FFFFFF"/></a:lt1><a:dk2><a:srgbClr val="44546A"/></a:dk2><a:lt2><a:srgbClr '
    'val="E7E6E6"/></a:lt2><a:accent1><a:srgbClr val="4472C4"/></a:accent1></a:clrScheme>'
    '<a:fontScheme name="Office"><a:majorFont><a:latin typeface="Calibri Light" '
    'panose="020F0302020204030204"/><a:ea typeface=""/><a:cs typeface=""/></a:majorFont>'
    '<a:minorFont><a:latin typeface="Calibri" panose="020F0502020204030204"/><a:ea '
    'typeface=""/><a:cs typeface=""/></a:minorFont></a:fontScheme><a:fmtScheme name="Office">'
    '<a:fillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:fillStyleLst>'
    "</a:fmtScheme></a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>"
)
