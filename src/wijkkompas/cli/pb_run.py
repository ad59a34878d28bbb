"""What ``wijkkompas pb`` does, without the command-line framework around it.

The command is the one a resident or a researcher runs next to pabutools ("what would equal
shares fund?"), so it must answer in a blink, whole process included: a plain, valid call
(``wijkkompas pb FILE [--rule R] [--format F] [--category-budgets]``) is read here with the
standard library and never loads typer, which alone (with the pydantic it checks options with)
takes longer than the rule. Everything else -- help, a wrong option, a missing argument -- goes
to the typer command in :mod:`wijkkompas.cli.pb`, which reports it as every other command does.
A test holds the two to the same options and choices.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from wijkkompas.cli.common import TextFormat
from wijkkompas.errors import WijkkompasError

if TYPE_CHECKING:
    from wijkkompas.budgeting.explain import ProjectExplanation
    from wijkkompas.budgeting.model import Instance
    from wijkkompas.budgeting.rules.result import RuleResult


class PbRule(StrEnum):
    mes = "mes"
    greedy = "greedy"


@dataclass(frozen=True)
class PbCall:
    """The arguments of one ``pb`` run."""

    file: Path
    rule: PbRule = PbRule.mes
    format: TextFormat = TextFormat.text
    category_budgets: bool = False


QUICK_CHOICES: dict[str, type[StrEnum]] = {"--rule": PbRule, "--format": TextFormat}
"""The options with a value that the quick reading knows (the same names as the typer command)."""
QUICK_FLAGS = frozenset({"--category-budgets"})


def quick_call(args: list[str]) -> PbCall | None:
    """The call in ``args`` (what follows ``pb``) when it is plain and valid, else None.

    None means "let typer read it": it then gives its usual help or usage error. Only what typer
    would accept as it stands is taken here, so both readings run the same call.
    """
    files: list[str] = []
    values: dict[str, str] = {}
    flags: set[str] = set()
    rest = iter(args)
    for arg in rest:
        if not arg.startswith("-") and arg:
            files.append(arg)
            continue
        name, eq, value = arg.partition("=")
        if name in QUICK_FLAGS and not eq:
            flags.add(name)
        elif name in QUICK_CHOICES:
            if not eq:
                value = next(rest, "")
                if value.startswith("-"):
                    return None
            values[name] = value
        else:
            return None  # --help, "--", "-", an unknown or misspelt option
    if len(files) != 1 or Path(files[0]).is_dir():
        return None
    try:
        rule = PbRule(values.get("--rule", PbRule.mes))
        format = TextFormat(values.get("--format", TextFormat.text))
    except ValueError:
        return None
    return PbCall(Path(files[0]), rule, format, "--category-budgets" in flags)


def run(call: PbCall) -> str:
    """The report of one run: sentences for people, or JSON."""
    from wijkkompas.budgeting import RULES, explain

    instance = read_instance(call.file)
    result = RULES[call.rule.value](instance, category_budgets=call.category_budgets)
    explanations = explain(instance, result)
    if call.format is TextFormat.json:
        return json.dumps(as_json(instance, result, explanations), ensure_ascii=False, indent=2)
    return as_text(instance, result, explanations)


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
