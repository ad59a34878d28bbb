"""``wijkkompas survey``: turn anonymous responses (or participation events) into a results file.

A thin shell over :mod:`wijkkompas.survey`: read the CSV, take the age and sex structure from the
store when there is one, estimate, write the documented results CSV that ``wijkkompas import``
recognises. Nothing is written to the store here; importing stays a separate, atomic step.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from wijkkompas.cli_output import err
from wijkkompas.errors import WijkkompasError
from wijkkompas.store import AnalyticStore, StoreReader

if TYPE_CHECKING:
    from wijkkompas.survey.result import SurveyEstimate

survey_app = typer.Typer(
    help="Resident survey and participation: estimate, then `wijkkompas import` the result.",
    no_args_is_help=True,
)


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise WijkkompasError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    except UnicodeDecodeError:
        raise WijkkompasError(
            f"{path.name}: the file is not UTF-8 text. Save it as CSV (UTF-8)."
        ) from None


def _check_period(period: str) -> None:
    from wijkkompas.survey.estimates import PERIOD

    if not PERIOD.match(period):
        raise WijkkompasError(f"--period '{period}' is not a year such as 2025.")


def _boundary_year(reader: StoreReader, period: str, year: int | None) -> int | None:
    years = reader.years()
    if year is not None:
        if year not in years:
            raise WijkkompasError(
                f"The store has no regions for boundary year {year}; it has: "
                f"{', '.join(map(str, years)) or 'none'}."
            )
        return year
    wanted = int(period)
    earlier = [y for y in years if y <= wanted]
    return max(earlier) if earlier else (max(years) if years else None)


def _write(
    estimates: Sequence[SurveyEstimate], out: Path, source: str, region_year: int | None
) -> None:
    from wijkkompas.survey.estimates import write_results_csv

    try:
        with out.open("w", encoding="utf-8", newline="") as handle:
            write_results_csv(estimates, handle, source_name=source, region_year=region_year)
    except OSError as exc:
        raise WijkkompasError(f"Cannot write {out}: {exc.strerror or exc}.") from None


@survey_app.command("estimate")
def estimate_command(
    ctx: typer.Context,
    responses: Annotated[Path, typer.Argument(help="Anonymous responses CSV.", dir_okay=False)],
    out: Annotated[Path, typer.Option("--out", help="Results CSV to write.", dir_okay=False)],
    period: Annotated[str, typer.Option(help="Year the survey was held, e.g. 2025.")],
    year: Annotated[
        int | None, typer.Option(help="Boundary year of the regions (default: from the store).")
    ] = None,
    source: Annotated[str, typer.Option(help="Source name in the store.")] = "enquete",
    min_respondents: Annotated[int, typer.Option(help="Suppress below this (>= 10).")] = 10,
) -> None:
    """Weight the responses to the KWB age and sex structure and write survey indicators."""
    from wijkkompas.survey.estimates import estimate, levels_of
    from wijkkompas.survey.population import margins_from_store
    from wijkkompas.survey.responses import read_responses
    from wijkkompas.survey.result import ancestors

    _check_period(period)
    parsed = read_responses(_read(responses), responses.name)
    codes = sorted({c for r in parsed for c in ancestors(r.area_code)})
    store = AnalyticStore(ctx.obj["store"])
    margins, region_year = {}, year
    if store.exists():
        with store.reader() as reader:
            region_year = _boundary_year(reader, period, year)
            if region_year is not None:
                margins = margins_from_store(reader, codes, region_year)
    estimates = estimate(parsed, margins, period, min_respondents=min_respondents)
    _write(estimates, out, source, region_year)
    hidden = sum(e.suppressed for e in estimates)
    levels = ", ".join(f"{n} {level}" for level, n in sorted(levels_of(estimates).items()))
    err.print(
        f"{len(parsed)} responses -> {len(estimates)} figures ({levels}); {hidden} suppressed; "
        f"weighted for {len(margins)} of {len(codes)} regions. Wrote {out}; import it with "
        f"`wijkkompas import {out}`.",
        highlight=False,
    )


@survey_app.command("participation")
def participation_command(
    ctx: typer.Context,
    events: Annotated[Path, typer.Argument(help="Participation events CSV.", dir_okay=False)],
    out: Annotated[Path, typer.Option("--out", help="Results CSV to write.", dir_okay=False)],
    period: Annotated[str, typer.Option(help="Year of the events, e.g. 2025.")],
    year: Annotated[
        int | None, typer.Option(help="Boundary year of the regions (default: from the store).")
    ] = None,
    source: Annotated[str, typer.Option(help="Source name in the store.")] = "participatie",
    min_count: Annotated[int, typer.Option(help="Suppress below this many people (>= 10).")] = 10,
) -> None:
    """Count initiatives and participants per buurt, wijk and gemeente."""
    from wijkkompas.survey.participation import participation_estimates
    from wijkkompas.survey.population import population_from_store
    from wijkkompas.survey.responses import read_events
    from wijkkompas.survey.result import ancestors

    _check_period(period)
    parsed = read_events(_read(events), events.name)
    codes = sorted({c for e in parsed for c in ancestors(e.area_code)})
    store = AnalyticStore(ctx.obj["store"])
    population, region_year = {}, year
    if store.exists():
        with store.reader() as reader:
            region_year = _boundary_year(reader, period, year)
            if region_year is not None:
                population = population_from_store(reader, codes, region_year)
    estimates = participation_estimates(parsed, period, min_count=min_count, population=population)
    _write(estimates, out, source, region_year)
    hidden = sum(e.suppressed for e in estimates)
    err.print(
        f"{len(parsed)} events -> {len(estimates)} figures; {hidden} suppressed. Wrote {out}.",
        highlight=False,
    )
