"""`wijkkompas index`, `explain` and `validate`: the monitor's scores on the command line."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from wijkkompas.cli.common import (
    Language,
    Level,
    OutputFormat,
    TextFormat,
    err,
    gemeente_code,
    out,
    store_of,
)
from wijkkompas.cli.output import print_frame
from wijkkompas.errors import WijkkompasError
from wijkkompas.regions import parse_region_code

if TYPE_CHECKING:
    import pandas as pd


EXPLAIN_TEXT: dict[str, dict[str, str]] = {
    "nl": {
        "heading": "[bold]{code}[/] in {year}: totaal {total}",
        "largest": "Grootste bijdragen aan het totaal:",
        "change": "verandering sinds {year}: {change}",
        "sum": "De bijdragen tellen op tot het totaal{additive}; rest {residual}.",
        "none": "geen score (te weinig eigen cijfers)",
        "suppressed": "geen score (minder dan {n} inwoners)",
        "no_population": "geen score (het aantal inwoners is dat jaar onbekend)",
        "caveats": "Let op bij het vergelijken: {caveats}.",
        "small_population": "minder dan {n} inwoners",
        "non_residential": "vooral geen woongebied (misdrijven per inwoner tellen niet mee)",
        "rural": "landelijke omgeving",
    },
    "en": {
        "heading": "[bold]{code}[/] in {year}: total {total}",
        "largest": "Largest contributions to the total:",
        "change": "change since {year}: {change}",
        "sum": "Contributions sum to the total ({additive}); residual {residual}.",
        "none": "no score (too few own figures)",
        "suppressed": "no score (fewer than {n} inhabitants)",
        "no_population": "no score (the number of inhabitants is unknown that year)",
        "caveats": "Mind when comparing: {caveats}.",
        "small_population": "fewer than {n} inhabitants",
        "non_residential": "mainly not a residential area (crimes per inhabitant left out)",
        "rural": "rural surroundings",
    },
}
"""The words of ``explain`` in Dutch (the default, as on the site) and English."""


def _flags_of(table: pd.DataFrame, code: str, year: int) -> tuple[dict[str, bool], str]:
    """The run's flags of one region-year (see ``index.exposure``; off where the run has none:
    an older saved run has no ``rural``) and its reason for having no score ("" if none)."""
    from wijkkompas.index.exposure import FLAGS

    row = table[(table["code"] == code) & (table["year"] == year)]
    flags = {
        name: bool(name in row and not row.empty and row[name].fillna(False).astype(bool).iloc[0])
        for name in FLAGS
    }
    reason = "" if row.empty or "reason" not in row else row["reason"].iloc[0]
    return flags, "" if reason != reason or reason is None else str(reason)


def _signed(value: object, dutch: bool) -> str:
    text = f"{value:+.3f}"
    return text.replace(".", ",") if dutch else text


class Against(StrEnum):
    leefbaarometer = "leefbaarometer"
    ses_woa = "ses-woa"


def index_command(
    ctx: typer.Context,
    gemeente: Annotated[str | None, typer.Option(help="Only this gemeente (GM0344).")] = None,
    level: Annotated[Level | None, typer.Option(help="Only this level.")] = None,
    year: Annotated[int | None, typer.Option(help="Only this year (default: every year).")] = None,
    catalogue: Annotated[
        Path | None, typer.Option("--catalogue", help="Another catalogue TOML file.")
    ] = None,
    draws: Annotated[
        int,
        typer.Option(
            help="Monte Carlo draws for rank intervals (0 = skip). rank_p05/rank_p95 are a "
            "sensitivity interval of the rank, not a confidence interval; rank_interval says "
            "what varied."
        ),
    ] = 200,
    full_uncertainty: Annotated[
        bool,
        typer.Option(
            "--full-uncertainty",
            help="Rank intervals that also vary the data (counts and rounding), the reference, "
            "one left-out indicator and the coverage rule, not only method and weights. Slower "
            "(about 10 s per year for the whole country).",
        ),
    ] = False,
    format: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
    save: Annotated[bool, typer.Option(help="Keep the run in the store (plans cite it).")] = True,
    reference: Annotated[
        str | None,
        typer.Option(
            help="The reference to score with (default: the store's chosen one, else "
            "'catalogue'); see `wijkkompas reference list`."
        ),
    ] = None,
    trend_gap: Annotated[
        int,
        typer.Option(
            min=1,
            help="Trends compare each year with the latest scored year at least this many "
            "years earlier, on the indicators both years have.",
        ),
    ] = 2,
) -> None:
    """Score livability and the four conditions of social quality per region and year."""
    from concurrent.futures import ThreadPoolExecutor

    from wijkkompas.catalogue import load_catalogue
    from wijkkompas.index.engine import options_of
    from wijkkompas.services.references import resolve_reference
    from wijkkompas.services.scoring import EXTRA_COLUMNS, INDEX_COLUMNS, run_index, save_run

    code = gemeente_code(gemeente)
    store = store_of(ctx)
    chosen = load_catalogue(catalogue) if catalogue else load_catalogue()
    yardstick = resolve_reference(store, chosen, reference)
    run = run_index(
        store,
        gemeente=code,
        catalogue=chosen,
        options=options_of(yardstick).replace(trend_min_gap=trend_gap),
        draws=draws,
        years=[year] if year else None,
        save=False,
        reference=reference,
        full_uncertainty=full_uncertainty,
    )
    table = run.table
    if year is not None and table.empty:
        raise WijkkompasError(f"There are no scores for {year} in {run.scope}.")
    if level is not None:
        table = table[table["level"] == level.value]
    columns = INDEX_COLUMNS + (EXTRA_COLUMNS if format is not OutputFormat.table else [])
    frame = table.sort_values(["year", "level", "code"])[columns]
    if format is OutputFormat.table:
        frame = frame.round(3)
    # The store is written (a copy, swapped in) while the table is written out: both wait on
    # the disk and DuckDB, not on Python, so together they take about as long as the longer.
    with ThreadPoolExecutor(max_workers=1) as pool:
        saving = pool.submit(save_run, store, run) if save else None
        print_frame(frame, format.value, title=f"wijkkompas index · {run.scope}")
        if saving is not None:
            saving.result()  # the store's own error, if it could not be written
    for note in run.interval_notes:
        err.print(note, highlight=False)
    if save:
        err.print(f"Saved as index run {run.run_id} ({'; '.join(run.notes)}).", highlight=False)


def explain_command(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Region code: BU…, WK… or GM….")],
    year: Annotated[int | None, typer.Option(help="Year (default: the newest).")] = None,
    compare_year: Annotated[
        int | None, typer.Option("--compare-year", help="Explain the change since this year.")
    ] = None,
    format: Annotated[TextFormat, typer.Option("--format")] = TextFormat.text,
    lang: Annotated[
        Language, typer.Option("--lang", help="Language of the text: nl (default) or en.")
    ] = Language.nl,
) -> None:
    """Why a score is what it is: every indicator's contribution, largest first."""
    from wijkkompas.index.spec import GROUP_NAMES
    from wijkkompas.services.scoring import explain_region

    region = parse_region_code(code)
    explanation, run = explain_region(store_of(ctx), region.code, year, compare_year)
    rows = explanation.indicators.reset_index()
    rows = rows.reindex(rows["contribution"].abs().sort_values(ascending=False).index)
    flags, reason = _flags_of(run.table, region.code, explanation.year)
    if format is TextFormat.json:
        payload = {
            "code": region.code,
            "year": explanation.year,
            "flags": flags,
            "compare_year": explanation.compare_year,
            "scores": explanation.scores,
            "additive": explanation.additive,
            "residual": explanation.residual,
            "strengths": explanation.strengths,
            "weaknesses": explanation.weaknesses,
            "indicators": json.loads(rows.to_json(orient="records")),
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    dutch = lang is Language.nl
    text = EXPLAIN_TEXT[lang.value]
    names = {i.id: i.name_nl if dutch else i.name_en for i in run.catalogue.indicators}
    total = _score_text(explanation.scores.get("total"), text, reason)
    out.print(
        text["heading"].format(code=region.code, year=explanation.year, total=total),
        highlight=False,
    )
    from wijkkompas.index.exposure import MIN_RESIDENTS

    said = [text[name].format(n=MIN_RESIDENTS) for name, on in flags.items() if on]
    if said:
        out.print(text["caveats"].format(caveats="; ".join(said)), highlight=False)
    for group, value in explanation.scores.items():
        if group != "total":
            label = GROUP_NAMES.get(group, (group, group))[0 if dutch else 1]
            out.print(f"  {label:<30} {_score_text(value, text)}", highlight=False)
    out.print(text["largest"], highlight=False)
    for row in rows.head(12).itertuples():
        indicator = str(row.indicator_id)
        line = f"  {names.get(indicator, indicator):<48} {_signed(row.contribution, dutch)}"
        if explanation.compare_year is not None:
            change = _signed(row.change, dutch)
            line += "   " + text["change"].format(year=explanation.compare_year, change=change)
        out.print(line, highlight=False)
    residual = f"{explanation.residual:.1e}"
    out.print(text["sum"].format(additive=explanation.additive, residual=residual), highlight=False)


def _score_text(
    value: float | None, text: dict[str, str] = EXPLAIN_TEXT["en"], reason: str = ""
) -> str:
    """A score, or why there is none: an empty group is unknown, never zero; a region too
    small to score, or without a known number of inhabitants, says so."""
    if value is None or value != value:
        if reason.startswith("suppressed: fewer than"):
            return text["suppressed"].format(n=reason.split("fewer than", 1)[1].split()[0])
        if reason.startswith("not scored: the number of inhabitants is unknown"):
            return text["no_population"]
        return text["none"]
    return _signed(value, text is EXPLAIN_TEXT["nl"])


def validate_command(
    ctx: typer.Context,
    against: Annotated[Against, typer.Option("--against", help="The external reference.")],
    gemeente: Annotated[str | None, typer.Option(help="Only this gemeente (GM0344).")] = None,
    extremes_n: Annotated[
        int,
        typer.Option(
            "--extremes", min=0, help="Also list the N highest and lowest regions per score."
        ),
    ] = 10,
    format: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
) -> None:
    """Compare our scores with an external measure: Spearman ρ with a bootstrap interval per
    level, year and score, and the highest and lowest regions with their flags."""
    from wijkkompas.services.scoring import run_index
    from wijkkompas.services.validation import (
        agreement_with_leefbaarometer,
        agreement_with_ses_woa,
        extremes,
    )

    store = store_of(ctx)
    run = run_index(store, gemeente=gemeente_code(gemeente), draws=0, save=False)
    if against is Against.leefbaarometer:
        found = agreement_with_leefbaarometer(run, store)
        scores = sorted({a.score for a in found}, key=lambda s: s != "total")
    else:
        found = agreement_with_ses_woa(run, store)
        scores = ["socioeconomic_security"]
    if format is not OutputFormat.table:
        import pandas as pd

        frame = pd.DataFrame([a.__dict__ for a in found])
        print_frame(frame, format.value, title="wijkkompas validate")
        return
    out.print(f"{run.notes[0]}; {run.scope}", highlight=False)
    for a in found:
        note = f" ({a.note})" if a.note else ""
        out.print(
            f"{a.level:<9} {a.their_year}: Spearman ρ = {a.rho:+.3f} "
            f"[95% {a.low:+.2f} … {a.high:+.2f}] over {a.n} "
            f"{'residential ' if a.regions == 'residential' else ''}regions, "
            f"{a.score} vs {a.measure}{note}",
            highlight=False,
        )
    if extremes_n:
        for score in scores:
            table = extremes(run, score, extremes_n)
            table = table[table["level"] == "buurt"] if (table["level"] == "buurt").any() else table
            print_frame(
                table.round(3),
                "table",
                title=f"Highest and lowest {extremes_n} on {score} (flags: few inhabitants, "
                "mainly non-residential, rural surroundings)",
            )


def register(app: typer.Typer) -> None:
    app.command("index")(index_command)
    app.command("explain")(explain_command)
    app.command("validate")(validate_command)
