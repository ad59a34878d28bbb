"""Participatory budgeting: Pabulib files, voting rules and their explanations.

Pure code: it reads Pabulib text (``str`` or ``bytes``) and returns data; files, networks and the
web stay outside. pabutools is used only by the tests, as the oracle these rules must match.
"""

from wijkkompas.budgeting.explain import ProjectExplanation, explain
from wijkkompas.budgeting.model import Ballot, Instance, Project
from wijkkompas.budgeting.pabulib import PabulibError, parse_pabulib, write_pabulib
from wijkkompas.budgeting.rules import (
    RULES,
    GreedyDetails,
    MESDetails,
    RuleResult,
    greedy,
    method_of_equal_shares,
)

__all__ = [
    "RULES",
    "Ballot",
    "GreedyDetails",
    "Instance",
    "MESDetails",
    "PabulibError",
    "Project",
    "ProjectExplanation",
    "RuleResult",
    "explain",
    "greedy",
    "method_of_equal_shares",
    "parse_pabulib",
    "write_pabulib",
]
