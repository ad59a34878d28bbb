"""Every change to a plan, one function per action (house rule 10).

Each function first checks that the user's role reaches the plan (or intervention, agreement,
goal) and, where the change moves something, the place it moves to (:func:`require`, raising
:class:`OutOfScope`); then it checks all its input (raising :class:`InvalidInput` with every
problem) and writes inside one transaction together with a :class:`HistoryEntry` holding the
diff, so a change is either complete and recorded or not there at all. Views and the API call
these and nothing else writes plan records, so the HTML form and the API cannot disagree about
who may change what, where.
"""

from wijkkompas.web.apps.plans.checks import Monitor
from wijkkompas.web.apps.plans.services.goals import (
    Rebase,
    add_goal,
    delete_goal,
    rebase_goal,
    rebase_preview,
    update_goal,
)
from wijkkompas.web.apps.plans.services.interventions import (
    add_intervention,
    add_timeline_entry,
    record_spending,
    set_budget,
    update_intervention,
)
from wijkkompas.web.apps.plans.services.plans import (
    add_agreement,
    add_partner,
    create_plan,
    record_agreement_status,
    update_plan,
)
from wijkkompas.web.common.errors import InvalidInput, OutOfScope

__all__ = [
    "InvalidInput",
    "Monitor",
    "OutOfScope",
    "Rebase",
    "add_agreement",
    "add_goal",
    "add_intervention",
    "add_partner",
    "add_timeline_entry",
    "create_plan",
    "delete_goal",
    "rebase_goal",
    "rebase_preview",
    "record_agreement_status",
    "record_spending",
    "set_budget",
    "update_goal",
    "update_intervention",
    "update_plan",
]
