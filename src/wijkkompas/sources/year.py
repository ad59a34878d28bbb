"""Which table (boundary) year and which release a CBS file belongs to.

A wrong year silently files every figure under the wrong boundaries, so the year is taken from
the most trustworthy place that says it: the content (a title row, a table id, the metadata's
map year), then the CBS file name, then ``--year``. When ``--year`` contradicts what the file
says, the loader refuses rather than guess which one the user meant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from wijkkompas.sources.base import LoadOptions, SourceError

KWB_NAME_YEAR = re.compile(r"kwb[-_ ](\d{4})", re.IGNORECASE)
"""``kwb-2023.xlsx``, ``CBS-Utrecht-kwb-2023.xlsx``."""
AFTER_BUURTEN_YEAR = re.compile(r"buurten\D{0,40}?(?<!\d)((?:19|20)\d{2})(?!\d)", re.IGNORECASE)
"""``Kerncijfers_wijken_en_buurten_2017.csv``: the first year after 'buurten'; a later
``_11122025_141648`` is the download date and time, not the table year."""
STANDALONE_YEAR = re.compile(r"(?<![0-9])((?:19|20)\d{2})(?![0-9])")
TITLE_YEAR = re.compile(
    r"(?:wijken en buurten|wijk- en buurtcijfers)\D{0,20}((?:19|20)\d{2})", re.I
)
TABLE_ID = re.compile(r"(?<![0-9A-Za-z])(\d{5}[A-Z]{3})(?![0-9A-Za-z])")

KWB_TABLE_YEARS: dict[str, int] = {
    "83220NED": 2015,
    "83765NED": 2017,
    "84583NED": 2019,
    "84799NED": 2020,
    "85984NED": 2024,
}
"""StatLine table ids of the Kerncijfers wijken en buurten, only those confirmed by real files
(see PROVENANCE.md of the shared data); an unknown id simply does not decide the year."""

RELEASES = ("voorlopig", "definitief")


@dataclass(frozen=True)
class TableYear:
    year: int
    how: str
    """Where the year came from, for the provenance record (``file name 'kwb-2023'`` …)."""


def year_from_name(name: str, *, kwb: bool = False) -> TableYear | None:
    """The table year a CBS file name carries, if it carries one unambiguously."""
    stem = name.replace("\\", "/").rsplit("/", 1)[-1]
    patterns = [KWB_NAME_YEAR] if kwb else [KWB_NAME_YEAR, AFTER_BUURTEN_YEAR]
    for pattern in patterns:
        found = pattern.search(stem)
        if found:
            return TableYear(int(found.group(1)), f"file name ({found.group(0)!r})")
    if kwb:
        return None
    years = {int(y) for y in STANDALONE_YEAR.findall(stem.rsplit(".", 1)[0])}
    if len(years) == 1:
        year = years.pop()
        return TableYear(year, f"file name (the only year in {stem!r})")
    return None


def year_from_title(text: str) -> TableYear | None:
    """``Kerncijfers wijken en buurten 2015`` in a StatLine title row."""
    found = TITLE_YEAR.search(text)
    return TableYear(int(found.group(1)), f"title {text.strip()[:80]!r}") if found else None


def table_id_in(text: str) -> str | None:
    found = TABLE_ID.search(text)
    return found.group(1) if found else None


def year_from_table_id(table_id: str | None) -> TableYear | None:
    if table_id and table_id in KWB_TABLE_YEARS:
        return TableYear(KWB_TABLE_YEARS[table_id], f"table id {table_id}")
    return None


def resolve_year(
    name: str, options: LoadOptions, *candidates: TableYear | None, noun: str = "table year"
) -> TableYear:
    """The first candidate that says a year, checked against ``--year``; else ``--year``; else stop.

    One rule for every loader: the content wins, then the file name, then ``--year``; a
    ``--year`` that contradicts the file stops the import rather than mislabel its figures.
    """
    found = next((c for c in candidates if c is not None), None)
    if found is not None:
        if options.year is not None and int(options.year) != found.year:
            raise SourceError(
                f"{name}: the file says its {noun} is {found.year} (from its {found.how}), "
                f"but --year {options.year} was given. Drop --year for this file, or import it "
                "separately if the file really belongs to another year."
            )
        return found
    if options.year is not None:
        return TableYear(int(options.year), "--year option")
    if noun == "table year":
        raise SourceError(
            f"{name}: cannot tell which year's table (gebiedsindeling) this file belongs to: "
            "neither its content nor its name says it. Pass the table year with --year (for "
            "example --year 2023 for 'Kerncijfers wijken en buurten 2023'), or keep the CBS "
            "file name (kwb-2023.xlsx, Kerncijfers_wijken_en_buurten_2023.csv)."
        )
    raise SourceError(
        f"{name}: cannot tell which year these figures belong to: neither the content nor the "
        "file name says it. Pass the year with --year (for example --year 2020)."
    )


def resolve_release(name: str, options: LoadOptions, content: str | None) -> tuple[str, str]:
    """The release of all figures in a file and how it was determined."""
    if options.release is not None:
        release = str(options.release).strip().lower()
        if release not in RELEASES:
            raise SourceError(
                f"{name}: release '{options.release}' is not known; use 'voorlopig' "
                "(provisional) or 'definitief' (final)."
            )
        return release, "--release option"
    if content in RELEASES:
        return str(content), "file content"
    return "definitief", "default (the file does not say)"


def release_in_text(text: str) -> str | None:
    """'voorlopig' or 'definitief' when a title or sheet name says so (never both)."""
    lowered = text.lower()
    says = [r for r in RELEASES if r in lowered]
    return says[0] if len(says) == 1 else None
