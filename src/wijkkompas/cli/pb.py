"""``wijkkompas pb FILE.pb``: run a participatory-budgeting rule on a Pabulib file.

A thin shell: read the file, call one rule, explain, print. ``pb_app`` runs it on its own
(tests). The rules load when the command runs, not when the command line starts: a resident's
"what would equal shares fund?" should take a blink, whole process included.
"""

from __future__ import annotations

import json
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from wijkkompas.cli.common import TextFormat
from wijkkompas.errors import WijkkompasError

if TYPE_CHECKING:
    from wijkkompas.budgeting.explain import ProjectExplanation
    from wijkkompas.budgeting.model import Instance
    from wijkkompas.budgeting.rules.result import RuleResult


class PbRule(StrEnum):
    mes = "mes"
    greedy = "greedy"


def pb_command(
    file: Annotated[
        Path, typer.Argument(help="A Pabulib .pb file.", dir_okay=False, show_default=False)
    ],
    rule: Annotated[
        PbRule,
        typer.Option(
            "--rule", help="mes: Method of Equal Shares + Add1 + greedy; greedy: the city rule."
        ),
    ] = PbRule.mes,
    format: Annotated[
        TextFormat, typer.Option("--format", help="Output format.")
    ] = TextFormat.text,
    category_budgets: Annotated[
        bool,
        typer.Option("--category-budgets", help="Respect the file's budget_per_category caps."),
    ] = False,
) -> None:
    """Run a participatory-budgeting rule on a Pabulib file and explain every project."""
    from wijkkompas.budgeting import RULES, explain

    instance = read_instance(file)
    result = RULES[PbRule(rule).value](instance, category_budgets=category_budgets)
    explanations = explain(instance, result)
    if TextFormat(format) is TextFormat.json:
        typer.echo(
            json.dumps(as_json(instance, result, explanations), ensure_ascii=False, indent=2)
        )
    else:
        typer.echo(as_text(instance, result, explanations))


def read_instance(file: Path) -> Instance:
    """The parsed file; unreadable files become a user error, not a traceback."""
    from wijkkompas.budgeting import parse_pabulib

    try:
        data = file.read_bytes()
    except OSError as exc:
        raise WijkkompasError(f"Cannot read {file}: {exc.strerror or exc}.") from None
    return parse_pabulib(data, name=str(file))


def as_json(
    instance: Instance, result: RuleResult, explanations: list[ProjectExplanation]
) -> dict[str, object]:
    """The machine-readable report: exact amounts as numbers (floats when not whole)."""
    from wijkkompas.budgeting.rules.result import MESDetails

    report: dict[str, object] = {
        "file": instance.name,
        "rule": result.rule,
        "vote_type": instance.vote_type,
        "budget": _number(result.budget),
        "category_budgets": {k: _number(v) for k, v in result.category_budgets.items()},
        "selected": result.selected,
        "total_cost": _number(result.total_cost),
    }
    if isinstance(result.details, MESDetails):
        d = result.details
        report["mes"] = {
            "utility": d.utility,
            "initial_budget_per_voter": _number(d.initial_budget_per_voter),
            "budget_per_voter": _number(d.budget_per_voter),
            "increments": d.increments,
            "stop_reason": d.stop_reason,
            "rounds": len(d.rounds),
        }
    report["projects"] = [
        {
            "project": e.project,
            "name": e.name,
            "cost": _number(e.cost),
            "support": _number(e.support),
            "selected": e.selected,
            "stage": e.stage,
            "reason": e.reason,
            **{k: _number(v) if isinstance(v, Fraction) else v for k, v in e.facts.items()},
        }
        for e in explanations
    ]
    return report


def as_text(instance: Instance, result: RuleResult, explanations: list[ProjectExplanation]) -> str:
    from wijkkompas.budgeting.explain import money
    from wijkkompas.budgeting.rules.result import MESDetails

    currency = instance.meta.get("currency", "")
    lines = [
        f"{instance.name}: {instance.meta.get('description', '')}".rstrip(": "),
        f"rule: {result.rule}; vote type: {instance.vote_type}; budget: {money(result.budget)} "
        f"{currency}".rstrip(),
    ]
    if isinstance(result.details, MESDetails):
        d = result.details
        lines.append(
            f"MES: each voter's share of {money(d.initial_budget_per_voter)} was raised by one "
            f"unit {d.increments} time{'' if d.increments == 1 else 's'} to "
            f"{money(d.budget_per_voter)}; it stopped because {d.stop_reason}."
        )
    lines.append(
        f"selected {len(result.selected)} projects for {money(result.total_cost)} {currency}".rstrip()
        + ":"
    )
    lines.append("")
    for e in explanations:
        mark = "+" if e.selected else "-"
        title = f" {e.name}" if e.name else ""
        lines.append(f"{mark} {e.project}{title} (cost {money(e.cost)})")
        lines.append(f"    {e.reason}")
    return "\n".join(lines)


def _number(value: Fraction) -> int | float:
    return value.numerator if value.denominator == 1 else float(value)


pb_app = typer.Typer(
    name="pb",
    help="Participatory budgeting on Pabulib files.",
    add_completion=False,
    pretty_exceptions_enable=False,
)
pb_app.command("pb")(pb_command)


def register(app: typer.Typer) -> None:
    app.command("pb")(pb_command)
