"""Every part of an intervention can be edited (issue 16): pillar, lead, partners, goals, area
too, checked as on creation, recorded in the history, in the form and the API alike."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wijkkompas.web.apps.accounts import roles
from wijkkompas.web.apps.accounts import services as accounts
from wijkkompas.web.apps.plans import services
from wijkkompas.web.apps.plans.models import Intervention
from wijkkompas.web.apps.plans.selectors.monitor import open_monitor
from wijkkompas.web.common.errors import InvalidInput, OutOfScope

from .test_changes import counts, errors_on
from .world import PASSWORD, World

pytestmark = pytest.mark.django_db


def _url(world: World) -> str:
    assert world.intervention is not None
    return f"/plannen/{world.plan.pk}/interventies/{world.intervention.pk}/bewerken/"


def _form(world: World, **changes: Any) -> dict[str, Any]:
    """The edit form as a browser would send it unchanged, with ``changes`` on top."""
    assert world.goal is not None
    return {
        "title": "Renovatie",
        "description": "Woningen opknappen",
        "pillar": "fysiek",
        "lead": world.orgs["corporatie"].pk,
        "partners": [world.orgs["gemeente"].pk],
        "goals": [world.goal.pk],
        "area_codes": "",
        "start_date": "2022-01-01",
        "end_date": "",
        **changes,
    }


def _fresh(world: World) -> Intervention:
    assert world.intervention is not None
    return Intervention.objects.get(pk=world.intervention.pk)


def test_the_edit_form_offers_every_part_with_its_current_value(world: World, as_role) -> None:
    page = as_role(roles.COORDINATOR).get(_url(world)).content.decode()
    for name in ("pillar", "lead", "partners", "goals", "area_codes", "resident_initiative"):
        assert f'name="{name}"' in page, name
    assert re.search(r'<option value="fysiek"\s+selected>', page)
    lead = world.orgs["corporatie"].pk
    assert re.search(rf'<option value="{lead}"\s+selected>', page)
    gemeente = world.orgs["gemeente"].pk
    assert re.search(rf'name="partners" value="{gemeente}"[^>]*checked', page)
    assert world.goal is not None
    assert re.search(rf'name="goals" value="{world.goal.pk}"[^>]*checked', page)
    assert 'name="budget_amount"' not in page  # money has its own forms


def test_a_coordinator_changes_pillar_lead_partners_goals_and_area(world: World, as_role) -> None:
    coordinator = world.users[roles.COORDINATOR]
    with open_monitor() as monitor:
        work = services.add_goal(
            user=coordinator, plan=world.plan, monitor=monitor, kind="indicator",
            title="Meer mensen aan het werk", indicator_id="labour_participation",
            target_year=2030, target_value=70.0,
        )  # fmt: skip
    response = as_role(roles.COORDINATOR).post(
        _url(world),
        _form(
            world,
            pillar="sociale_stijging",
            lead=world.orgs["welzijn"].pk,
            partners=[world.orgs["corporatie"].pk, world.orgs["gemeente"].pk],
            goals=[work.pk],
            area_codes="bu99990101, BU99990102",
            resident_initiative="on",
        ),
    )
    assert response.status_code == 302, errors_on(response)
    saved = _fresh(world)
    assert saved.pillar == "sociale_stijging"
    assert saved.lead == world.orgs["welzijn"]
    assert {o.name for o in saved.partners.all()} == {"Corporatie Test", "Gemeente Test"}
    assert list(saved.goals.all()) == [work]
    assert saved.area_codes == ["BU99990101", "BU99990102"]
    assert saved.resident_initiative is True
    entry = world.plan.history.first()
    assert entry is not None and entry.action == "intervention.edit"
    assert entry.changes == {
        "pillar": ["fysiek", "sociale_stijging"],
        "lead": ["Corporatie Test", "Welzijn Test"],
        "area_codes": [[], ["BU99990101", "BU99990102"]],
        "resident_initiative": [False, True],
        "partners": [["Gemeente Test"], ["Corporatie Test", "Gemeente Test"]],
        "goals": [["Minder huishoudens met een laag inkomen"], ["Meer mensen aan het werk"]],
    }
    page = as_role(roles.RESIDENT).get(f"/plannen/{world.plan.pk}/").content.decode()
    assert "Sociale stijging" in page and "Trekker: Welzijn Test" in page


def test_an_unchanged_form_changes_nothing_and_records_nothing(world: World, as_role) -> None:
    before = counts()
    response = as_role(roles.COORDINATOR).post(_url(world), _form(world))
    assert response.status_code == 302
    assert counts() == before


def test_an_edit_saves_only_the_fields_that_changed(world: World) -> None:
    """The intervention's own fields change through ``model_update``: one UPDATE of the changed
    columns, and the history holds exactly those, beside the partners when they change too."""
    assert world.intervention is not None
    with CaptureQueriesContext(connection) as queries:
        services.update_intervention(
            user=world.users[roles.COORDINATOR],
            intervention=world.intervention,
            title="Renovatie en beheer",
            end_date=date(2027, 12, 31),
            partners=[world.orgs["gemeente"], world.orgs["welzijn"]],
        )
    updates = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("UPDATE") and "plans_intervention" in q["sql"]
    ]
    assert len(updates) == 1
    assert '"title"' in updates[0] and '"end_date"' in updates[0]
    assert '"pillar"' not in updates[0] and '"lead_id"' not in updates[0]
    entry = world.plan.history.first()
    assert entry is not None and entry.action == "intervention.edit"
    assert entry.changes == {
        "title": ["Renovatie", "Renovatie en beheer"],
        "end_date": [None, "2027-12-31"],
        "partners": [["Gemeente Test"], ["Gemeente Test", "Welzijn Test"]],
    }


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"lead": "buiten"}, "lead", "Selecteer een geldige keuze"),
        ({"partners": ["buiten"]}, "partners", "Selecteer een geldige keuze"),
        ({"area_codes": "BU99990201"}, "area_codes", "ligt buiten het gebied van het plan"),
        ({"area_codes": "onzin"}, "area_codes", "ligt buiten het gebied van het plan"),
        ({"pillar": "iets"}, "pillar", "Selecteer een geldige keuze"),
        ({"end_date": "2021-01-01"}, "end_date", "De einddatum ligt vóór de startdatum"),
        ({"title": " "}, "title", "Dit veld is verplicht"),
    ],
)
def test_an_edit_is_checked_as_on_creation(
    world: World, as_role, changes: dict[str, Any], field: str, message: str
) -> None:
    resolved = {
        k: (
            world.orgs["buiten"].pk
            if v == "buiten"
            else [world.orgs["buiten"].pk]
            if v == ["buiten"]
            else v
        )
        for k, v in changes.items()
    }
    before = counts()
    response = as_role(roles.COORDINATOR).post(_url(world), _form(world, **resolved))
    assert response.status_code == 200
    assert message in errors_on(response)
    # a group of checkboxes is linked through its first box: the group itself takes no focus
    target = f"id_{field}_0" if field == "partners" else f"id_{field}"
    assert f'href="#{target}"' in response.content.decode()
    assert counts() == before


def test_the_service_refuses_organisations_outside_the_plan(world: World) -> None:
    """The form offers only partners; the service says why to a caller that sends others."""
    assert world.intervention is not None
    with pytest.raises(InvalidInput) as raised:
        services.update_intervention(
            user=world.users[roles.COORDINATOR],
            intervention=world.intervention,
            lead=world.orgs["buiten"],
            partners=[world.orgs["buiten"]],
        )
    for field in ("lead", "partners"):
        assert "Buiten het plan is geen partner in dit plan" in raised.value.errors[field][0]


def test_goals_of_another_plan_are_refused(world: World) -> None:
    coordinator = world.users[roles.COORDINATOR]
    with open_monitor() as monitor:
        other = services.create_plan(
            user=coordinator, monitor=monitor, title="Ander plan", area_codes=["WK999902"],
            start_year=2021, end_year=2030, vision="Elders.",
        )  # fmt: skip
        foreign = services.add_goal(
            user=coordinator, plan=other, monitor=monitor, kind="qualitative", title="Trots",
            target_year=2030, resident_measure="Het panel",
        )  # fmt: skip
    assert world.intervention is not None
    with pytest.raises(InvalidInput) as raised:
        services.update_intervention(
            user=coordinator, intervention=world.intervention, goals=[foreign]
        )
    assert "Kies alleen doelen van dit plan." in raised.value.errors["goals"]


def test_a_partner_edits_but_keeps_the_lead_and_their_own_place(world: World, as_role) -> None:
    """The partner (Corporatie Test) leads the world's intervention."""
    client = as_role(roles.PARTNER)
    before = counts()
    handed = client.post(_url(world), _form(world, lead=world.orgs["gemeente"].pk))
    assert "Selecteer een geldige keuze" in errors_on(handed)  # only its own organisation
    assert counts() == before
    with pytest.raises(InvalidInput) as raised:
        services.update_intervention(
            user=world.users[roles.PARTNER],
            intervention=_fresh(world),
            lead=world.orgs["gemeente"],
        )
    assert "namens uw eigen organisatie" in raised.value.errors["lead"][0]
    done = client.post(_url(world), _form(world, pillar="sociale_basis"))
    assert done.status_code == 302
    assert _fresh(world).pillar == "sociale_basis"
    entry = world.plan.history.first()
    assert entry is not None and entry.actor_role == roles.PARTNER


def test_a_partner_of_an_intervention_led_by_another_sees_its_lead(world: World) -> None:
    coordinator = world.users[roles.COORDINATOR]
    intervention = services.add_intervention(
        user=coordinator, plan=world.plan, title="Huiskamer", description="Open huis",
        pillar="sociale_basis", lead=world.orgs["welzijn"], partners=[world.orgs["corporatie"]],
        area_codes=[], start_date=date(2022, 1, 1), end_date=None, resident_initiative=False,
    )  # fmt: skip
    from django.test import Client

    client = Client()
    assert client.login(username=world.users[roles.PARTNER].username, password=PASSWORD)
    url = f"/plannen/{world.plan.pk}/interventies/{intervention.pk}/bewerken/"
    page = client.get(url).content.decode()
    assert re.search(rf'<option value="{world.orgs["welzijn"].pk}"\s+selected>', page)
    data = {
        "title": "Huiskamer van de wijk",
        "description": "Open huis",
        "pillar": "sociale_basis",
        "lead": world.orgs["welzijn"].pk,
        "partners": [world.orgs["corporatie"].pk],
        "start_date": "2022-01-01",
    }
    assert client.post(url, data).status_code == 302
    assert Intervention.objects.get(pk=intervention.pk).title == "Huiskamer van de wijk"
    left = client.post(url, {**data, "partners": []})
    assert "Uw eigen organisatie moet trekker of partner blijven" in errors_on(left)
    assert list(Intervention.objects.get(pk=intervention.pk).partners.all()) == [
        world.orgs["corporatie"]
    ]


def test_a_wijk_coordinator_cannot_move_an_intervention_out_of_their_area(world: World) -> None:
    coordinator = world.users[roles.COORDINATOR]
    with open_monitor() as monitor:
        plan = services.create_plan(
            user=coordinator, monitor=monitor, title="Twee wijken",
            area_codes=["WK999901", "WK999902"], start_year=2021, end_year=2030, vision="Samen.",
        )  # fmt: skip
    services.add_partner(user=coordinator, plan=plan, organisation=world.orgs["gemeente"])
    intervention = services.add_intervention(
        user=coordinator, plan=plan, title="Speelplek", description="Een speelplek",
        pillar="fysiek", lead=world.orgs["gemeente"], area_codes=["BU99990101"],
        start_date=date(2023, 1, 1), end_date=None, resident_initiative=False,
    )  # fmt: skip
    person = accounts.create_person(username="coordinator-wijk", password=PASSWORD)
    accounts.grant_role(user=person.user, role=roles.COORDINATOR, area_code="WK999901")
    before = counts()
    with pytest.raises(OutOfScope) as raised:
        services.update_intervention(
            user=person.user, intervention=intervention, area_codes=["BU99990201"]
        )
    assert raised.value.field == "area_codes"
    assert counts() == before
    services.update_intervention(
        user=person.user, intervention=intervention, area_codes=["BU99990102"]
    )
    assert Intervention.objects.get(pk=intervention.pk).area_codes == ["BU99990102"]


def _patch(client, world: World, body: dict[str, Any]):
    assert world.intervention is not None
    return client.patch(
        f"/api/v1/plannen/{world.plan.pk}/interventies/{world.intervention.pk}",
        data=json.dumps(body),
        content_type="application/json",
    )


def test_the_api_edits_every_part_too(world: World, as_role) -> None:
    client = as_role(roles.COORDINATOR)
    response = _patch(
        client,
        world,
        {
            "pijler": "sociale_herovering",
            "trekkerId": world.orgs["gemeente"].pk,
            "partnerIds": [world.orgs["welzijn"].pk],
            "doelIds": [],
            "gebied": ["BU99990101"],
            "bewonersinitiatief": True,
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["pijler"] == "sociale_herovering"
    assert body["trekker"]["naam"] == "Gemeente Test"
    assert [p["naam"] for p in body["partners"]] == ["Welzijn Test"]
    assert body["doelen"] == [] and body["gebied"] == ["BU99990101"]
    assert body["bewonersinitiatief"] is True
    assert body["titel"] == "Renovatie"  # what was not sent stays
    entry = world.plan.history.first()
    assert entry is not None and entry.changes["goals"] == [
        ["Minder huishoudens met een laag inkomen"],
        [],
    ]


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ({"pijler": "iets"}, "pijler"),
        ({"trekkerId": 999999}, "trekkerId"),
        ({"doelIds": [999999]}, "doelIds"),
        ({"gebied": ["BU99990201"]}, "gebied"),
        ({"titel": None}, "titel"),
        ({"trekkerId": None}, "trekkerId"),
    ],
)
def test_the_api_refuses_what_the_form_refuses(
    world: World, as_role, body: dict[str, Any], name: str
) -> None:
    before = counts()
    response = _patch(as_role(roles.COORDINATOR), world, body)
    assert response.status_code == 400, response.content
    assert name in [p["name"] for p in response.json()["invalidParams"]]
    assert counts() == before
