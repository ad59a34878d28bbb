"""Data in and out of the store: `demo`, `import`, `regions`, `show`, `catalogue`."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from wijkkompas.cli.common import (
    Level,
    OutputFormat,
    err,
    gemeente_code,
    out,
    store_of,
    with_progress,
)
from wijkkompas.cli.output import print_frame
from wijkkompas.errors import WijkkompasError
from wijkkompas.regions import parse_region_code

if TYPE_CHECKING:
    from wijkkompas.sources.importer import FileReport

REGION_CSV_COLUMNS = ["code", "name", "level", "year", "gemeente_code", "wijk_code"]


def demo(
    ctx: typer.Context,
    seed: Annotated[int, typer.Option(help="Seed of the fictional municipality.")] = 2024,
) -> None:
    """Build the fictional demo municipality Voorbeeldstad (GM9999) into the store."""
    from wijkkompas.demo import build_demo_batch

    store = store_of(ctx)

    def work(step: Callable[[str], None]) -> object:
        from wijkkompas.services.scoring import run_index

        step("generating")
        batch = build_demo_batch(seed=seed)
        # One swap for the figures and their index run: a store with figures but no run
        # (the web app's pages need both) is never visible, not even after a kill.
        with store.staged() as staging:
            summary = staging.import_batch(batch, progress=step)
            step("scoring")
            run_index(staging, draws=200, save=True, label="demo")
        return summary

    summary = with_progress("Voorbeeldstad (fictief)", work)
    err.print(
        f"Built the fictional demo municipality Voorbeeldstad (GM9999) into {store.path}: "
        f"{summary.regions} regions, {summary.observations} observations "  # type: ignore[attr-defined]
        f"({summary.seconds:.1f} s)."  # type: ignore[attr-defined]
    )


def regions(
    ctx: typer.Context,
    level: Annotated[Level | None, typer.Option(help="Only this level.")] = None,
    gemeente: Annotated[
        str | None, typer.Option(help="Only this gemeente, by CBS code (GM0344).")
    ] = None,
    year: Annotated[
        int | None, typer.Option(help="Boundary year; default the newest in the store.")
    ] = None,
    format: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = (
        OutputFormat.table
    ),
) -> None:
    """List regions (gemeenten, wijken, buurten) in the store."""
    code = gemeente_code(gemeente)
    store = store_of(ctx)
    with store.reader() as reader:
        if code and reader.latest_year(code) is None:
            raise WijkkompasError(
                f"The store {store.path} has no gemeente {code}. "
                "Run `wijkkompas regions --level gemeente` to see which are there."
            )
        if year is not None and year not in reader.years():
            known = ", ".join(str(y) for y in reader.years()) or "none"
            raise WijkkompasError(
                f"The store has no regions for boundary year {year}; it has: {known}."
            )
        frame = reader.regions(level=level.value if level else None, gemeente=code, year=year)
    print_frame(frame[REGION_CSV_COLUMNS], format, title=f"{len(frame)} regions")


class SourceOption(StrEnum):
    auto = "auto"
    kwb = "kwb"
    statline = "statline"
    boundaries = "boundaries"
    nabijheid = "nabijheid"
    ses_woa = "ses-woa"
    crime = "crime"
    leefbaarometer = "leefbaarometer"
    crosswalk = "crosswalk"
    survey = "survey"
    kwb_series = "kwb-series"
    statline_names = "statline-names"


IMPORTABLE_SUFFIXES = (".csv", ".xlsx", ".json", ".geojson", ".gpkg", ".fgb", ".txt", ".toml")
"""What a folder given to `import` contributes: the formats the loaders read."""


def _expand_folders(paths: list[Path]) -> list[Path]:
    """Each folder becomes its files of a readable format, in name order; what is skipped is
    said, so nothing is left out silently."""
    out: list[Path] = []
    for path in paths:
        if not path.is_dir():
            out.append(path)
            continue
        files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
        chosen = [p for p in files if p.suffix.lower() in IMPORTABLE_SUFFIXES]
        skipped = [p.name for p in files if p not in chosen]
        if not chosen:
            raise WijkkompasError(
                f"The folder {path} holds no file wijkkompas can import (it reads "
                f"{', '.join(IMPORTABLE_SUFFIXES)})."
            )
        err.print(
            f"{path}: {len(chosen)} file(s)"
            + (
                f"; skipped (not a format wijkkompas reads): {', '.join(skipped)}"
                if skipped
                else ""
            ),
            highlight=False,
        )
        out.extend(chosen)
    return out


class ReleaseOption(StrEnum):
    voorlopig = "voorlopig"
    definitief = "definitief"


def import_(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(help="Files (or folders of files) to import, in one transaction."),
    ],
    source: Annotated[SourceOption, typer.Option(help="What the files are.")] = SourceOption.auto,
    year: Annotated[
        int | None, typer.Option(help="Table/boundary year when the file does not say.")
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(help="CSV or TOML: column in the file -> indicator id or kwb name."),
    ] = None,
    metadata: Annotated[
        Path | None,
        typer.Option(help="The StatLine table's DataProperties.json (labels, units, topics)."),
    ] = None,
    release: Annotated[
        ReleaseOption | None,
        typer.Option(help="Release status when the file does not say it."),
    ] = None,
) -> None:
    """Import CBS and other open-data files into the store (all or nothing)."""
    metadata_bytes = None
    if metadata is not None:
        try:
            metadata_bytes = metadata.read_bytes()
        except OSError as exc:
            raise WijkkompasError(f"Cannot read the metadata file {metadata}: {exc}.") from exc
    from wijkkompas.sources.base import LoadOptions
    from wijkkompas.sources.importer import import_files
    from wijkkompas.sources.mapping import read_mapping, read_mapping_units

    options = LoadOptions(
        year=year,
        mapping=read_mapping(mapping) if mapping else {},
        units=read_mapping_units(mapping) if mapping else {},
        metadata=metadata_bytes,
        release=release.value if release else None,
    )
    store = store_of(ctx)
    paths = _expand_folders(paths)
    reports = with_progress(
        "import",
        lambda step: import_files(
            store, paths, source=source.value, options=options, progress=step
        ),
    )
    for report in reports:
        levels = ", ".join(f"{n} {level}" for level, n in sorted(report.regions_per_level.items()))
        out.print(f"[bold]{report.file}[/] ({report.source})", highlight=False)
        out.print(f"  regions: {levels or 'none'}; years: {report.years or '-'}", highlight=False)
        if report.periods and report.periods != [str(y) for y in report.years]:
            out.print(
                f"  figures for periods: {', '.join(report.periods)} (on the boundaries of "
                f"{', '.join(str(y) for y in report.years) or '-'})",
                highlight=False,
            )
        out.print(
            f"  indicators matched: {len(report.indicators)}"
            + (f" ({', '.join(report.indicators)})" if report.indicators else ""),
            highlight=False,
        )
        if report.unmatched_columns:
            out.print(
                f"  columns not matched (kept as they are): {len(report.unmatched_columns)}",
                highlight=False,
            )
        if report.names_matched or report.unmatched_names:
            _print_names(report)
        if report.national_figures:
            out.print(
                f"  figures for Nederland (NL00), kept for comparison: {report.national_figures}",
                highlight=False,
            )
        out.print(f"  share missing: {report.missing_share:.1%}", highlight=False)
        if report.source_choices:
            out.print("  also given by another source (source priority decides):", highlight=False)
            for line in report.source_choices[:12]:
                out.print(f"    {line}", highlight=False)
            if len(report.source_choices) > 12:
                out.print(f"    … and {len(report.source_choices) - 12} more", highlight=False)
        for pair in report.crosswalk_pairs:
            out.print(
                f"  code crosswalk {pair} (older figures are scored on today's codes)",
                highlight=False,
            )
        if report.geometries or report.unjoined_codes:
            out.print(
                f"  boundaries joined: {report.geometries}; not joined: "
                f"{len(report.unjoined_codes)} {report.unjoined_codes[:5]}",
                highlight=False,
            )
        if report.geometries_skipped:
            out.print(
                "  features without geometry (or with an empty one), skipped: "
                + _listed(report.geometries_skipped),
                highlight=False,
            )
        if report.geometries_repaired:
            out.print(
                "  invalid geometries repaired: " + _listed(report.geometries_repaired),
                highlight=False,
            )


def _listed(items: list[str], shown: int = 10) -> str:
    """``3: A, B, C``, or the first ``shown`` and how many more (all are in the provenance)."""
    more = f" … and {len(items) - shown} more (all in the provenance)" if len(items) > shown else ""
    return f"{len(items)}: {', '.join(items[:shown])}{more}"


NAMES_SHOWN = 100


def _print_names(report: FileReport) -> None:
    """Regions a file named without codes: how many were found, and every name that was not."""
    years = ", ".join(map(str, report.name_code_years)) or "-"
    out.print(
        f"  regions identified by name: {report.names_matched} matched to the codes of the "
        f"{years} indeling",
        highlight=False,
    )
    if report.unmatched_names:
        names = report.unmatched_names
        shown = "; ".join(names[:NAMES_SHOWN])
        more = (
            f" … and {len(names) - NAMES_SHOWN} more (all are in the import's provenance)"
            if len(names) > NAMES_SHOWN
            else ""
        )
        out.print(
            f"  names not matched, not imported: {len(names)}: {shown}{more}",
            highlight=False,
        )


SHOW_COLUMNS = [
    "indicator",
    "name",
    "source_column",
    "year",
    "period",
    "value",
    "unit",
    "suppressed",
    "source",
    "release",
]


def show(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Region code: GM0344, WK034401 or BU03440101.")],
    year: Annotated[int | None, typer.Option(help="Only this table (boundary) year.")] = None,
    format: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = (
        OutputFormat.table
    ),
) -> None:
    """Print every observation of one region, with the column it came from."""
    from wijkkompas.catalogue import load_catalogue

    region = parse_region_code(code)
    catalogue = load_catalogue()
    store = store_of(ctx)
    with store.reader() as reader:
        frame = reader.observations(region_codes=[region.code])
        if frame.empty and reader.all_regions().query("code == @region.code").empty:
            raise WijkkompasError(
                f"The store {store.path} has no region {region.code}. "
                "Run `wijkkompas regions` to see which regions are there."
            )
    if year is not None:
        frame = frame[frame["region_year"] == year]
    units = {i.id: i.unit for i in catalogue.indicators}
    names = {i.id: i.name_nl for i in catalogue.indicators}
    frame = frame.assign(
        indicator=frame["indicator_id"],
        name=frame["indicator_id"].map(names),
        unit=frame["indicator_id"].map(units),
        year=frame["region_year"],
    )[SHOW_COLUMNS]
    print_frame(frame, format, title=f"{region.code}: {len(frame)} observations")


CATALOGUE_COLUMNS = [
    "id",
    "name_nl",
    "name_en",
    "unit",
    "direction",
    "dimension",
    "social_quality",
    "cumulation",
    "kwb",
    "statline",
]


def catalogue_(
    file: Annotated[
        Path | None, typer.Option("--catalogue", help="Another catalogue TOML file.")
    ] = None,
    format: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = (
        OutputFormat.table
    ),
) -> None:
    """List the indicators of the catalogue: ids, names, units, direction and tags."""
    from wijkkompas.catalogue import load_catalogue

    catalogue = load_catalogue(file)
    rows = [
        {
            "id": i.id,
            "name_nl": i.name_nl,
            "name_en": i.name_en,
            "unit": i.unit,
            "direction": i.direction,
            "dimension": i.dimension or "",
            "social_quality": i.social_quality or "",
            "cumulation": " ".join(i.cumulation),
            "kwb": " ".join(i.kwb),
            "statline": " ".join(i.statline),
        }
        for i in catalogue.indicators
    ]
    import pandas as pd

    frame = pd.DataFrame(rows, columns=CATALOGUE_COLUMNS)
    print_frame(frame, format, title=f"catalogue {catalogue.version}: {len(frame)} indicators")


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
    app.command("regions")(regions)
    app.command("import")(import_)
    app.command("show")(show)
    app.command("catalogue")(catalogue_)
