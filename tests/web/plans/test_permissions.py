"""Deny by default: every view and API operation names its permission, and the rules hold."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import URLPattern, URLResolver, get_resolver
from ninja.operation import PathView

from wijkkompas.web.apps.accounts import roles
from wijkkompas.web.apps.accounts.permissions import (
    RULES,
    ApiPermission,
    Scope,
    acting_organisations,
    can,
    permission,
)

from .world import AREA, World


def _patterns(patterns=None, prefix: str = ""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def _path_view(callback) -> PathView | None:
    for cell in getattr(callback, "__closure__", None) or ():
        if isinstance(cell.cell_contents, PathView):
            return cell.cell_contents
    return None


def test_every_view_and_api_operation_names_its_permission() -> None:
    """A new view without ``@permission`` (or an API operation without ``ApiPermission``) fails."""
    missing, operations = [], 0
    for route, callback in _patterns():
        path_view = _path_view(callback)
        if path_view is None:
            action = getattr(callback, "wk_permission", None)
            if action not in RULES:
                missing.append(route)
            continue
        for operation in path_view.operations:
            operations += 1
            guards = operation.auth_callbacks
            if len(guards) != 1 or not isinstance(guards[0], ApiPermission):
                missing.append(f"{route} {operation.methods}")
    assert missing == [], f"views without a permission rule: {missing}"
    assert operations >= 25


def test_an_unknown_action_is_refused_and_cannot_be_declared() -> None:
    assert not can(AnonymousUser(), "plan.delete")
    with pytest.raises(KeyError):
        permission("plan.delete")
    with pytest.raises(KeyError):
        ApiPermission("plan.delete")


def test_anonymous_visitors_get_only_public_actions() -> None:
    anonymous = AnonymousUser()
    allowed = {action for action in RULES if can(anonymous, action)}
    assert allowed == {action for action, rule in RULES.items() if rule.public}


@pytest.mark.django_db
def test_area_and_organisation_scopes(world: World) -> None:
    users = world.users
    plan = world.plan
    assert can(users[roles.COORDINATOR], "plan.edit", plan)
    assert not can(users["coordinator_elsewhere"], "plan.edit", plan)
    assert can(users[roles.COORDINATOR], "plan.create", Scope(area=("BU99990301",)))
    assert not can(users[roles.COORDINATOR], "plan.create", Scope(area=("WK036301",)))
    # A partner acts for its own organisation only.
    assert can(users[roles.PARTNER], "intervention.set_budget", world.intervention)
    assert not can(users["partner_elsewhere"], "intervention.set_budget", world.intervention)
    assert acting_organisations(users[roles.PARTNER], "agreement.add") == {
        world.orgs["corporatie"].pk
    }
    assert acting_organisations(users[roles.COORDINATOR], "agreement.add") is None
    # A frontline worker reports progress in their own area, and may not spend.
    assert can(users[roles.FRONTLINE_WORKER], "intervention.add_timeline", world.intervention)
    assert not can(
        users[roles.FRONTLINE_WORKER], "intervention.add_timeline", Scope(area=("WK999902",))
    )
    assert not can(users[roles.FRONTLINE_WORKER], "intervention.record_spending")
    assert AREA in plan.area_codes


@pytest.mark.django_db
def test_a_closed_account_can_do_nothing_but_the_public(world: World) -> None:
    admin = world.users[roles.ADMIN]
    admin.is_active = False
    assert not can(admin, "account.manage")
    assert can(admin, "plan.view_public")
