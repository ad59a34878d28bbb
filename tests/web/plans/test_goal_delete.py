"""Deleting a goal (issue 16): by whoever may edit the plan, after a confirmation page, recorded
in the history with what it held; gone from every page and the API; an intervention that worked
towards it is detached from it, not broken."""

from __future__ import annotations

import json

import pytest

from wijkkompas.web.apps.accounts import roles
from wijkkompas.web.apps.participation.models import Initiative
from wijkkompas.web.apps.plans import services
from wijkkompas.web.apps.plans.models import Goal, Intervention
from wijkkompas.web.apps.plans.selectors.monitor import open_monitor

from .test_changes import counts
from .world import World

pytestmark = pytest.mark.django_db


def _url(world: World) -> str:
    assert world.goal is not None
    return f"/plannen/{world.plan.pk}/doelen/{world.goal.pk}/verwijderen/"


def test_the_confirmation_page_says_what_goes_and_deletes_nothing(world: World, as_role) -> None:
    before = counts()
    page = as_role(roles.COORDINATOR).get(_url(world))
    assert page.status_code == 200
    text = page.content.decode()
    assert (
        "Weet u zeker dat u dit doel wilt verwijderen: Minder huishoudens met een laag inkomen?"
        in text
    )
    assert "werken niet langer aan dit doel: Renovatie" in text
    assert ">Doel verwijderen</button>" in text
    assert counts() == before


def test_a_coordinator_deletes_a_goal_and_the_history_keeps_it(world: World, as_role) -> None:
    goal, intervention = world.goal, world.intervention
    assert goal is not None and intervention is not None
    initiative = world.participation["initiative"]
    Initiative.objects.filter(pk=initiative.pk).update(goal=goal)
    client = as_role(roles.COORDINATOR)
    detail = client.get(f"/plannen/{world.plan.pk}/").content.decode()
    assert _url(world) in detail  # the workspace links to it

    response = client.post(_url(world))

    assert response.status_code == 302
    assert response["Location"].endswith("#doelen")
    assert not Goal.objects.filter(pk=goal.pk).exists()
    assert Intervention.objects.filter(pk=intervention.pk).exists()
    assert list(Intervention.objects.get(pk=intervention.pk).goals.all()) == []
    assert Initiative.objects.get(pk=initiative.pk).goal is None
    entry = world.plan.history.first()
    assert entry is not None and entry.action == "goal.delete"
    assert entry.object_type == "goal" and entry.object_id == goal.pk
    assert entry.actor_role == roles.COORDINATOR
    assert entry.changes["title"] == ["Minder huishoudens met een laag inkomen", None]
    assert entry.changes["indicator_id"] == ["low_income_households", None]
    assert entry.changes["target_value"] == [10.0, None]
    assert entry.changes["baseline_value"][0] == pytest.approx(goal.baseline_value)
    assert entry.changes["interventions"] == [["Renovatie"], None]
    assert entry.changes["initiatives"] == [[initiative.title], None]
    workspace = client.get(f"/plannen/{world.plan.pk}/").content.decode()
    assert "Doel verwijderd" in workspace  # in the history table, with the old title struck
    assert "<del>Minder huishoudens met een laag inkomen</del>" in workspace


def test_a_deleted_goal_is_gone_from_the_pages_and_the_api(world: World, as_role, client) -> None:
    goal = world.goal
    assert goal is not None
    services.delete_goal(user=world.users[roles.COORDINATOR], goal=goal)
    public = client.get(f"/plannen/{world.plan.pk}/verantwoording/").content.decode()
    assert goal.title not in public
    workspace = as_role(roles.RESIDENT).get(f"/plannen/{world.plan.pk}/").content.decode()
    section = workspace[workspace.index('id="doelen"') : workspace.index('id="interventies"')]
    assert goal.title not in section
    assert "Nog geen doelen." in section
    # the intervention no longer names it either
    cards = workspace[workspace.index('id="interventies"') : workspace.index('id="geschiedenis"')]
    assert goal.title not in cards
    api = f"/api/v1/plannen/{world.plan.pk}"
    assert client.get(f"{api}/doelen").json() == []
    assert client.get(f"{api}/voortgang").json() == []
    assert client.get(f"{api}/doelen/{goal.pk}").status_code == 404
    assert client.get(f"{api}/doelen/{goal.pk}/voortgang").status_code == 404
    interventions = client.get(f"{api}/interventies").json()
    assert all(goal.pk not in i["doelen"] for i in interventions)


def test_the_api_deletes_a_goal_for_an_editor_only(world: World, as_role) -> None:
    goal = world.goal
    assert goal is not None
    url = f"/api/v1/plannen/{world.plan.pk}/doelen/{goal.pk}"
    before = counts()
    refused = as_role(roles.PARTNER).delete(url)
    assert refused.status_code == 403
    assert counts() == before
    response = as_role(roles.COORDINATOR).delete(url)
    assert response.status_code == 204, response.content
    assert not Goal.objects.filter(pk=goal.pk).exists()
    assert world.plan.history.first().action == "goal.delete"
    again = as_role(roles.COORDINATOR).delete(url)
    assert again.status_code == 404
    assert again["Content-Type"] == "application/problem+json"
    history = as_role(roles.COORDINATOR).get(f"/api/v1/plannen/{world.plan.pk}/geschiedenis")
    assert json.loads(history.content)[0]["actie"] == "goal.delete"


def test_who_may_not_edit_the_plan_cannot_delete_a_goal(world: World, as_role) -> None:
    before = counts()
    for role in (roles.PARTNER, roles.RESIDENT, roles.FRONTLINE_WORKER, roles.ANALYST):
        client = as_role(role)
        assert client.get(_url(world)).status_code == 403
        assert client.post(_url(world)).status_code == 403
    assert as_role("anonymous").post(_url(world)).status_code == 302  # to the login page
    assert counts() == before
    page = as_role(roles.PARTNER).get(f"/plannen/{world.plan.pk}/").content.decode()
    assert "/verwijderen/" not in page


def test_a_score_goal_linked_to_several_interventions_is_detached_from_all(world: World) -> None:
    coordinator = world.users[roles.COORDINATOR]
    with open_monitor() as monitor:
        cohesion = services.add_goal(
            user=coordinator, plan=world.plan, monitor=monitor, kind="social_quality",
            title="Meer samenhang", social_quality="social_cohesion", target_year=2030,
            target_value=0.0,
        )  # fmt: skip
    intervention = world.intervention
    assert intervention is not None and world.goal is not None
    intervention.goals.add(cohesion)
    services.delete_goal(user=coordinator, goal=cohesion)
    assert list(intervention.goals.all()) == [world.goal]  # the other goal stays
    assert world.plan.history.first().changes["kind"] == ["social_quality", None]
