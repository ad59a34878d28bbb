"""``wijkkompas survey``: turn anonymous responses (or participation events) into a results file.

A thin shell over :mod:`wijkkompas.services.survey`: read the CSV, estimate (weighted with the
store's age and sex structure when there is one), write the documented results CSV that
``wijkkompas import`` recognises. Nothing is written to the store here; importing stays a
separate, atomic step.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from wijkkompas.cli.common import err, store_of
from wijkkompas.errors import WijkkompasError

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
    from wijkkompas.services.survey import estimate_survey
    from wijkkompas.survey.estimates import levels_of

    _check_period(period)
    found = estimate_survey(
        store_of(ctx),
        _read(responses),
        responses.name,
        period,
        year=year,
        min_respondents=min_respondents,
    )
    estimates = found.estimates
    _write(estimates, out, source, found.region_year)
    hidden = sum(e.suppressed for e in estimates)
    levels = ", ".join(f"{n} {level}" for level, n in sorted(levels_of(estimates).items()))
    err.print(
        f"{found.records} responses -> {len(estimates)} figures ({levels}); {hidden} suppressed; "
        f"weighted for {found.weighted} of {found.regions} regions. Wrote {out}; import it with "
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
    from wijkkompas.services.survey import estimate_participation

    _check_period(period)
    found = estimate_participation(
        store_of(ctx), _read(events), events.name, period, year=year, min_count=min_count
    )
    _write(found.estimates, out, source, found.region_year)
    hidden = sum(e.suppressed for e in found.estimates)
    err.print(
        f"{found.records} events -> {len(found.estimates)} figures; {hidden} suppressed. "
        f"Wrote {out}.",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    app.add_typer(survey_app, name="survey")
