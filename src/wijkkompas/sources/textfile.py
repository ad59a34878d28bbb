"""Reading the text and spreadsheet files CBS publishes and people re-save.

Three concerns that every wide-table loader shares: decoding (StatLine writes UTF-8 with a BOM,
Excel on Windows re-saves as cp1252), finding the delimiter (``;`` in Dutch exports, ``,`` after
R or pandas re-saved the file), and making sure a damaged file becomes a :class:`SourceError`
that names it instead of a traceback from a parser three libraries down.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from wijkkompas.errors import WijkkompasError
from wijkkompas.sources.base import SourceError

DELIMITERS = (";", ",", "\t")
SNIFF_LINES = 40

csv.field_size_limit(16 * 1024 * 1024)


ENCODINGS = ("utf-8-sig", "cp1252")
"""UTF-8 (with or without BOM) as CBS writes it, else Windows-1252 as Excel re-saves it."""


def decode_text(data: bytes) -> tuple[str, str]:
    """Text and the encoding that read it (which goes into the provenance): one of
    :data:`ENCODINGS`, else latin-1, where every byte is a character."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def decode_or_refuse(data: bytes, name: str) -> tuple[str, str]:
    """As :func:`decode_text`, but bytes that are neither of :data:`ENCODINGS` are refused, for
    formats whose text must not be guessed (JSON, the survey results)."""
    text, encoding = decode_text(data)
    if encoding not in ENCODINGS:
        raise SourceError(
            f"{name}: the file is neither UTF-8 nor Windows-1252 text. Save it as CSV (UTF-8) "
            "and import it again."
        )
    return text, encoding


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most rows of one consistent width.

    Counting characters would be fooled by decimal commas in a semicolon file; parsing each
    candidate respects the quotes around ``"2,1"``.
    """
    head = "\n".join(text.splitlines()[:SNIFF_LINES])
    best, best_score = ";", (0, 0)
    for delimiter in DELIMITERS:
        try:
            widths = [len(row) for row in csv.reader(io.StringIO(head), delimiter=delimiter)]
        except csv.Error:
            continue
        wide = [w for w in widths if w > 1]
        if not wide:
            continue
        width, count = Counter(wide).most_common(1)[0]
        score = (count, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def csv_rows(text: str, delimiter: str) -> tuple[list[list[str]], list[int]]:
    """All records and the line each one starts on (for messages that point at a row)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    lines: list[int] = []
    start = 1
    for row in reader:
        rows.append(row)
        lines.append(start)
        start = reader.line_num + 1
    return rows, lines


def unique_names(names: list[str]) -> list[str]:
    """Column names made unique and non-empty, so one label never selects two columns."""
    seen: Counter[str] = Counter()
    result = []
    for position, raw in enumerate(names):
        name = raw if raw.strip() else f"column_{position + 1}"
        seen[name] += 1
        result.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return result


@contextmanager
def as_source_error(name: str, what: str) -> Iterator[None]:
    """Turn any failure of a parser on a damaged file into a SourceError naming the file.

    Parsers written in Rust (calamine) report a panic as an exception that derives from
    BaseException, so that is caught too; interrupts and exits still pass.
    """
    try:
        yield
    except WijkkompasError:
        raise
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except MemoryError as exc:
        raise SourceError(
            f"{name}: the file is too large to read into memory as {what}. Split it (for "
            "example per province) and import the parts together."
        ) from exc
    except BaseException as exc:
        detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        raise SourceError(
            f"{name}: could not be read as {what} ({type(exc).__name__}"
            f"{': ' + detail if detail else ''}). The file may be damaged or in another format: "
            "download it again from CBS, or open it in a spreadsheet and save it as .xlsx or "
            ".csv. If it opens fine elsewhere, please report this with the file."
        ) from exc
