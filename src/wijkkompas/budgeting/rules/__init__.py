"""Participatory-budgeting rules: the cities' greedy rule and the Method of Equal Shares.

Both take an :class:`~wijkkompas.budgeting.model.Instance` and return a
:class:`~wijkkompas.budgeting.rules.result.RuleResult` that carries its own explanation.
"""

from wijkkompas.budgeting.rules.greedy import greedy
from wijkkompas.budgeting.rules.mes import method_of_equal_shares
from wijkkompas.budgeting.rules.result import (
    GreedyDetails,
    GreedyStep,
    MESDetails,
    MESRound,
    RuleResult,
)
from wijkkompas.budgeting.rules.support import Utilities, utilities

RULES = {"greedy": greedy, "mes": method_of_equal_shares}
"""The rules by the name the command line uses."""

__all__ = [
    "RULES",
    "GreedyDetails",
    "GreedyStep",
    "MESDetails",
    "MESRound",
    "RuleResult",
    "Utilities",
    "greedy",
    "method_of_equal_shares",
    "utilities",
]
