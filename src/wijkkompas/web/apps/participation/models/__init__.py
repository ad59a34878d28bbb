"""Residents' participation: codes, initiatives, neighbourhood budgets and the survey.

Privacy is designed into the tables rather than promised in a policy:

* a resident code is stored only as a keyed hash, beside the area it is valid for — never an
  address, a name or a BSN;
* a ballot or survey answer has a random id, no timestamp and no link to the code or the
  account that cast it; the code only records *that* it voted (:class:`VoteMark`,
  :class:`SurveyMark`), in the same transaction, so a ballot is counted exactly once;
* while a vote is open a ballot exists only sealed (:class:`SealedBallot`); at the close the
  ballots are written at once, in random order, so no id or row order ties one to a mark.
"""

from wijkkompas.web.apps.participation.models.budget import (
    Ballot,
    BallotEntry,
    BudgetProject,
    NeighbourhoodBudget,
    SealedBallot,
    VoteMark,
)
from wijkkompas.web.apps.participation.models.codes import CodeAttempt, ResidentCode
from wijkkompas.web.apps.participation.models.initiative import (
    Comment,
    Initiative,
    InitiativeEvent,
    Support,
)
from wijkkompas.web.apps.participation.models.survey import Survey, SurveyMark, SurveyResponse

__all__ = [
    "Ballot",
    "BallotEntry",
    "BudgetProject",
    "CodeAttempt",
    "Comment",
    "Initiative",
    "InitiativeEvent",
    "NeighbourhoodBudget",
    "ResidentCode",
    "SealedBallot",
    "Support",
    "Survey",
    "SurveyMark",
    "SurveyResponse",
    "VoteMark",
]
