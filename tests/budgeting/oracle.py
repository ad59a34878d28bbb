"""pabutools as the oracle: its rules on its own parse of the same file.

pabutools is GPL-3 and a test dependency only; nothing under src/ imports it. The sat classes
here express our utilities in pabutools' terms so both libraries compute the same rule.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from pabutools.election import Additive_Cardinal_Sat, AdditiveSatisfaction, Cost_Sat
from pabutools.election.pabulib import parse_pabulib_from_string
from pabutools.fractions import frac
from pabutools.rules import (
    completion_by_rule_combination,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)

from wijkkompas.budgeting import Instance


def _positional(instance: Instance) -> Any:
    """A pabutools satisfaction giving each rank of an ordinal ballot our positional points."""
    table: dict[int, tuple[Fraction, ...]] = {}

    def points(inst: Any, prof: Any, ballot: Any, project: Any, pre: dict) -> Any:
        if project not in ballot:
            return 0
        length = len(ballot)
        if length not in table:
            table[length] = instance.positional_points(length)
        value = table[length][ballot.index(project)]
        return frac(value.numerator, value.denominator)

    class Positional_Sat(AdditiveSatisfaction):
        def __init__(self, inst: Any, prof: Any, ballot: Any) -> None:
            AdditiveSatisfaction.__init__(self, inst, prof, ballot, points)

    return Positional_Sat


def _times_cost(sat_class: Any) -> Any:
    """The same satisfaction multiplied by the project's cost.

    pabutools' greedy orders by total satisfaction / cost; with this class that is the total
    support itself, the order the cities' greedy rule (and our completion) uses.
    """

    def scaled(inst: Any, prof: Any, ballot: Any, project: Any, pre: dict) -> Any:
        return sat_class(inst, prof, ballot).sat_project(project) * project.cost

    class Times_Cost_Sat(AdditiveSatisfaction):
        def __init__(self, inst: Any, prof: Any, ballot: Any) -> None:
            AdditiveSatisfaction.__init__(self, inst, prof, ballot, scaled)

    return Times_Cost_Sat


def sat_classes(instance: Instance) -> tuple[Any, Any]:
    """(MES satisfaction, greedy satisfaction) for the vote type of ``instance``."""
    vote_type = instance.vote_type
    if vote_type in ("approval", "choose-1"):
        return Cost_Sat, Cost_Sat
    mes_sat = (
        Additive_Cardinal_Sat if vote_type in ("cumulative", "scoring") else _positional(instance)
    )
    return mes_sat, _times_cost(mes_sat)


def pabutools_mes(text: str, instance: Instance) -> list[str]:
    """Winners of pabutools' MES + Add1 + greedy completion, in pabutools' order."""
    election, profile = parse_pabulib_from_string(text)
    mes_sat, greedy_sat = sat_classes(instance)
    outcome = completion_by_rule_combination(
        election,
        profile,
        [method_of_equal_shares, greedy_utilitarian_welfare],
        [{"sat_class": mes_sat, "voter_budget_increment": 1}, {"sat_class": greedy_sat}],
    )
    return [p.name for p in outcome]


def pabutools_greedy(text: str, instance: Instance) -> list[str]:
    election, profile = parse_pabulib_from_string(text)
    _, greedy_sat = sat_classes(instance)
    return [p.name for p in greedy_utilitarian_welfare(election, profile, sat_class=greedy_sat)]
