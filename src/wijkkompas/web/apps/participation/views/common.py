"""What the participation views share: the resident behind a request, phrasing, numbers from
the URL."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from wijkkompas.budgeting.ballot_rules import Violation
from wijkkompas.web.apps.participation.models import BudgetProject, ResidentCode
from wijkkompas.web.apps.participation.selectors.codes import code_of
from wijkkompas.web.money import euro


def resident_code(request: HttpRequest) -> ResidentCode | None:
    """The code the visitor signed in with (cached per request); None for everyone else."""
    if not hasattr(request, "_wk_code"):
        request._wk_code = code_of(request.user)
    return request._wk_code


def violation_message(v: Violation, projects: dict[str, BudgetProject]) -> str:
    """A broken ballot rule in plain words (B1), with the numbers the voter needs."""
    name = projects[v.project].title if v.project in projects else (v.project or "")
    messages: dict[str, Any] = {
        "empty": lambda: _("U heeft nog niets gekozen."),
        "unknown_project": lambda: (
            _("Dit project staat niet op de stembrief: %(p)s.") % {"p": name}
        ),
        "duplicate_project": lambda: _("U koos een project twee keer: %(p)s.") % {"p": name},
        "min_length": lambda: (
            _("Kies minstens %(n)s projecten. U koos er %(a)s.") % {"n": v.limit, "a": v.actual}
        ),
        "max_length": lambda: (
            _("Kies hoogstens %(n)s projecten. U koos er %(a)s.") % {"n": v.limit, "a": v.actual}
        ),
        "min_sum_cost": lambda: (
            _("Kies projecten voor samen minstens %(n)s. Nu is het %(a)s.")
            % {"n": euro(v.limit or 0), "a": euro(v.actual or 0)}
        ),
        "max_sum_cost": lambda: (
            _(
                "Uw projecten kosten samen %(a)s. Dat is meer dan %(n)s. Kies minder of goedkopere projecten."
            )
            % {"n": euro(v.limit or 0), "a": euro(v.actual or 0)}
        ),
        "min_points": lambda: _("Geef %(p)s minstens %(n)s punt.") % {"p": name, "n": v.limit},
        "max_points": lambda: _("Geef %(p)s hoogstens %(n)s punten.") % {"p": name, "n": v.limit},
        "min_sum_points": lambda: (
            _("Verdeel minstens %(n)s punten. U gaf er %(a)s.") % {"n": v.limit, "a": v.actual}
        ),
        "max_sum_points": lambda: (
            _("U kunt %(n)s punten verdelen. U gaf er %(a)s.") % {"n": v.limit, "a": v.actual}
        ),
        "points_missing": lambda: _("Geef elk gekozen project punten."),
        "points_not_allowed": lambda: _("Bij deze stemming geeft u geen punten."),
    }
    return str(messages.get(v.rule, lambda: _("Deze stem volgt de regels niet."))())


def whole_number(value: object) -> int:
    """A number from a form or URL; anything else is a page that does not exist (404)."""
    try:
        return int(str(value))
    except ValueError:
        raise Http404 from None
