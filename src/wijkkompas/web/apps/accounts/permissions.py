"""Who may do what: the one place where permissions are decided. Deny by default.

Every HTML view carries :func:`permission` and every API operation an :class:`ApiPermission`
(a test walks all URL patterns and fails on one without). Both name an *action*; an action not
in :data:`RULES` is refused. Object-level checks (this plan, this corporation's agreement) go
through :func:`require`, with the object, which describes itself as a :class:`Scope`, and with
the place a change would put it (a plan's new area, the buurt of a new initiative).

:func:`require` is the area rule of every write: the services call it before they change
anything, so an HTML form, the API and any caller added later get the same answer. Views call
it too (:func:`authorize`, :func:`api_authorize`), early, so nobody is shown a form they cannot
send. ``tests/web/plans/test_scope.py`` walks every area-bound page and API write as a coordinator
of one wijk against the next wijk.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, Protocol

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.utils import check_csrf

from wijkkompas.regions import within
from wijkkompas.web.apps.accounts import roles as R
from wijkkompas.web.apps.accounts.roles import SIGNED_IN_ROLES
from wijkkompas.web.common.errors import OutOfScope

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rule:
    """Who may perform one action."""

    roles: frozenset[str] = frozenset()
    public: bool = False
    """Anyone, without signing in."""
    signed_in: bool = False
    """Anyone signed in, with or without a role (their own account pages)."""
    scoped: bool = True
    """Whether the role's organisation and area must cover the object acted on."""


def _rule(*roles: str, scoped: bool = True) -> Rule:
    return Rule(roles=frozenset(roles), scoped=scoped)


PUBLIC = Rule(public=True)
EDITORS = (R.COORDINATOR, R.ADMIN)
WITH_PARTNERS = (R.COORDINATOR, R.PARTNER, R.ADMIN)

RULES: dict[str, Rule] = {
    # The monitor and the site itself: open to everyone.
    "site.view": PUBLIC,
    "monitor.view": PUBLIC,
    "monitor.api": PUBLIC,
    "api.schema": PUBLIC,
    # Plans: the accountability side is public, the workspace is for people with a role.
    "plan.list": PUBLIC,
    "plan.view_public": PUBLIC,
    "plan.export": PUBLIC,
    "plan.view": Rule(roles=SIGNED_IN_ROLES, scoped=False),
    "plan.create": _rule(*EDITORS),
    "plan.edit": _rule(*EDITORS),
    "plan.add_partner": _rule(*EDITORS),
    "organisation.list": PUBLIC,
    "organisation.create": _rule(*EDITORS, scoped=False),
    "agreement.add": _rule(*WITH_PARTNERS),
    "agreement.record_status": _rule(*WITH_PARTNERS),
    "goal.add": _rule(*EDITORS),
    "goal.edit": _rule(*EDITORS),
    "goal.delete": _rule(*EDITORS),
    "goal.rebase": _rule(*EDITORS),
    "intervention.add": _rule(*WITH_PARTNERS),
    "intervention.edit": _rule(*WITH_PARTNERS),
    "intervention.set_budget": _rule(*WITH_PARTNERS),
    "intervention.record_spending": _rule(*WITH_PARTNERS),
    "intervention.add_timeline": _rule(R.COORDINATOR, R.PARTNER, R.FRONTLINE_WORKER, R.ADMIN),
    # Residents decide: reading is public; taking part needs a resident code (the resident role,
    # unscoped because a buurt's resident also takes part in the wijk: the services check where),
    # organising is the coordinator's, in their own area.
    "participation.view": PUBLIC,
    "resident.enter_code": PUBLIC,
    "resident.self": _rule(R.RESIDENT, scoped=False),
    # Initiatives: staff act in the area of their role; a resident also anywhere in the wijk of
    # their code, which the participation services add (``initiatives.require_reach``).
    "initiative.submit": _rule(R.RESIDENT, *EDITORS),
    "initiative.support": _rule(R.RESIDENT),
    "initiative.comment": _rule(R.RESIDENT, R.FRONTLINE_WORKER, *EDITORS),
    "initiative.moderate": _rule(*EDITORS),
    "budget.create": _rule(*EDITORS),
    "budget.manage": _rule(*EDITORS),
    "budget.propose": _rule(R.RESIDENT, scoped=False),
    "budget.vote": _rule(R.RESIDENT, scoped=False),
    "budget.paper_ballot": _rule(*EDITORS),
    "codes.manage": _rule(*EDITORS),
    "survey.answer": PUBLIC,
    "survey.manage": _rule(*EDITORS),
    "survey.publish": _rule(R.COORDINATOR, R.ANALYST, R.ADMIN),
    # Participation counts of all areas at once: a data-management step, like any import.
    "participation.publish": _rule(R.ANALYST, R.ADMIN, scoped=False),
    # The analytic store: imports, index runs and their validation, for the whole installation.
    "data.manage": _rule(R.ANALYST, R.ADMIN, scoped=False),
    # Accounts.
    "account.login": PUBLIC,
    "account.self": Rule(signed_in=True),
    "account.manage": _rule(R.ADMIN, scoped=False),
}


@dataclass(frozen=True)
class Scope:
    """What an object touches: the area codes it covers and the organisations involved."""

    area: tuple[str, ...] = ()
    organisations: frozenset[int] = field(default_factory=frozenset)


class Scoped(Protocol):
    def permission_scope(self) -> Scope: ...


@dataclass(frozen=True)
class Grant:
    role: str
    organisation_id: int | None
    area_code: str

    def covers(self, scope: Scope) -> bool:
        if self.area_code and not all(within(code, self.area_code) for code in scope.area):
            return False
        if self.role == R.PARTNER:
            return self.organisation_id is not None and self.organisation_id in scope.organisations
        return True


def grants(user: Any) -> list[Grant]:
    """The user's role assignments, read once per request (cached on the user object)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_wk_grants", None)
    if cached is None:
        cached = [
            Grant(a.role, a.organisation_id, a.area_code) for a in user.role_assignments.all()
        ]
        user._wk_grants = cached
    return list(cached)


def can(user: Any, action: str, obj: Scoped | Scope | None = None) -> bool:
    """Whether ``user`` may perform ``action`` (on ``obj`` when given). Unknown actions: no."""
    rule = RULES.get(action)
    if rule is None:
        return False
    if rule.public:
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if rule.signed_in:
        return True
    held = [g for g in grants(user) if g.role in rule.roles]
    if not held:
        return False
    if obj is None or not rule.scoped:
        return True
    scope = obj if isinstance(obj, Scope) else obj.permission_scope()
    return any(g.covers(scope) for g in held)


OUTSIDE_OBJECT = gettext_lazy(
    "Dit hoort bij een gebied of organisatie buiten uw rol. U kunt hier alleen iets veranderen "
    "binnen het gebied (en voor de organisatie) waarvoor u een rol heeft."
)
OUTSIDE_AREA = gettext_lazy(
    "Dit gebied valt buiten het gebied waarvoor u een rol heeft. Kies een gebied daarbinnen."
)


def require(
    user: Any,
    action: str,
    *targets: Scoped | Scope,
    field: str | None = None,
    message: str | None = None,
) -> None:
    """Refuse unless ``user`` may perform ``action`` on every target: the scope of every write.

    A target is the object acted on (a plan, an intervention, an initiative) or the place a
    change puts something (``Scope(area=new_codes)``, with ``field`` naming the input). Called
    by the services before they change anything; a missing role is a plain ``PermissionDenied``,
    a role that does not reach here an :class:`OutOfScope` with a message in plain Dutch.
    """
    if not can(user, action):
        raise PermissionDenied(action)
    for target in targets:
        if not can(user, action, target):
            _log_refusal(user, action, target)
            text = message or str(OUTSIDE_AREA if field else OUTSIDE_OBJECT)
            raise OutOfScope(text, action=action, field=field)


def _log_refusal(user: Any, action: str, target: Scoped | Scope) -> None:
    """Every refusal outside a role's scope is logged, by pseudonym (never a name): a pattern
    of them is how a probing account shows up."""
    from wijkkompas.web.apps.accounts.services import pseudonym_of  # services import models

    scope = target if isinstance(target, Scope) else target.permission_scope()
    log.warning(
        "%s refused %s outside their scope (area %s)",
        pseudonym_of(user),
        action,
        ",".join(scope.area) or "-",
    )


def acting_organisations(user: Any, action: str) -> set[int] | None:
    """The organisations ``user`` may act for: None means any (coordinator, admin)."""
    rule = RULES.get(action)
    if rule is None or not can(user, action):
        return set()
    held = [g for g in grants(user) if g.role in rule.roles]
    if any(g.role != R.PARTNER for g in held):
        return None
    return {g.organisation_id for g in held if g.organisation_id is not None}


def strongest_role(user: Any, roles: Iterable[str] | None = None) -> str:
    """The highest role the user holds (for the history's "in which capacity")."""
    held = {g.role for g in grants(user)}
    if roles is not None:
        held &= set(roles)
    return next((r for r in reversed(R.ORDER) if r in held), R.PUBLIC)


def authorize(request: HttpRequest, action: str, obj: Scoped | Scope | None = None) -> None:
    """Object-level check inside a view (:func:`require`): a 403 page that says why."""
    require(request.user, action, *([] if obj is None else [obj]))


View = Callable[..., HttpResponse]


def permission(action: str) -> Callable[[View], View]:
    """Declare and enforce the action a view performs; anonymous visitors are sent to log in."""
    if action not in RULES:
        raise KeyError(f"No permission rule for action {action!r}; add it to RULES")

    def decorator(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if can(request.user, action):
                return view(request, *args, **kwargs)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied(action)

        guarded.wk_permission = action  # type: ignore[attr-defined]
        return guarded

    return decorator


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 403 page (``handler403``): says why when the reason is the area, so the person knows
    whom to ask; otherwise that the role does not allow it."""
    reason = exception.message if isinstance(exception, OutOfScope) else ""
    return render(request, "403.html", {"reason": reason}, status=403)


_SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


class ApiPermission:
    """Ninja ``auth`` for one action: 401 without a session, 403 without the role or CSRF token.

    Public actions declare no security scheme in the OpenAPI document; the others declare the
    session cookie (an OAuth/OIDC scheme can be added beside it later).
    """

    def __init__(self, action: str) -> None:
        if action not in RULES:
            raise KeyError(f"No permission rule for action {action!r}; add it to RULES")
        self.action = action
        if not RULES[action].public:
            self.openapi_security_schema = {"type": "apiKey", "in": "cookie", "name": "sessionid"}

    def __call__(self, request: HttpRequest) -> Any:
        rule = RULES[self.action]
        if rule.public:
            return True
        user = request.user
        if not user.is_authenticated:
            raise AuthenticationError(401, _("Log eerst in om dit te doen."))
        if request.method not in _SAFE_METHODS and check_csrf(request) is not None:
            raise AuthorizationError(403, _("Het CSRF-token ontbreekt of klopt niet."))
        if not can(user, self.action):
            raise AuthorizationError(403, _("Uw rol staat dit niet toe."))
        return user


def api_authorize(request: HttpRequest, action: str, obj: Scoped | Scope) -> None:
    """Object-level check inside an API operation (:func:`require`): a 403 problem document,
    before the operation reads the rest of its input."""
    require(request.user, action, obj)
