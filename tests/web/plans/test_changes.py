"""Changing a plan: through the services only, recorded in the history, all or nothing, and
bad input answered with a message that says what to fix."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from wijkkompas.web.apps.accounts import roles
from wijkkompas.web.apps.plans import services
from wijkkompas.web.apps.plans.models import (
    BudgetLine,
    Goal,
    HistoryEntry,
    Intervention,
    Plan,
    Spending,
    TimelineEntry,
)
from wijkkompas.web.apps.plans.models.history import AppendOnlyError
from wijkkompas.web.common.errors import InvalidInput

from .world import World

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    models = [Plan, Goal, Intervention, BudgetLine, Spending, TimelineEntry, HistoryEntry]
    return {m.__name__: m.objects.count() for m in models}


def errors_on(response) -> str:
    """The error summary's text, whitespace collapsed."""
    page = response.content.decode()
    assert 'role="alert"' in page, "no error summary on the page"
    summary = page[
        page.index('id="foutmeldingen"') : page.index("</ul>", page.index('id="foutmeldingen"'))
    ]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", summary))


def test_history_records_who_when_and_what(world: World) -> None:
    entries = list(world.plan.history.order_by("id"))
    assert entries[0].action == "plan.create"
    coordinator = world.users[roles.COORDINATOR]
    assert {e.actor for e in entries} == {coordinator.person.pseudonym}
    assert entries[0].actor_role == roles.COORDINATOR
    assert entries[0].changes["title"] == [None, "Testaanpak"]
    assert {e.action for e in entries} >= {
        "plan.add_partner",
        "agreement.add",
        "goal.add",
        "intervention.add",
    }
    # Names never enter the history, only pseudonyms.
    assert "Naam van" not in str([e.changes for e in entries] + [e.actor for e in entries])


def test_a_change_keeps_the_old_value(world: World, as_role) -> None:
    client = as_role(roles.COORDINATOR)
    url = f"/plannen/{world.plan.pk}/bewerken/"
    form = {
        "title": "Testaanpak",
        "area_codes": "WK999901",
        "start_year": "2021",
        "end_year": "2032",
        "vision": "Een nieuwe visie.",
        "residents_goals": "Veilig over straat.",
    }
    response = client.post(url, form)
    assert response.status_code == 302
    entry = world.plan.history.first()
    assert entry.action == "plan.edit"
    assert entry.changes == {
        "end_year": [2030, 2032],
        "vision": ["Samen een betere wijk.", "Een nieuwe visie."],
    }
    page = client.get(f"/plannen/{world.plan.pk}/").content.decode()
    assert "<del>Samen een betere wijk.</del>" in page


def test_a_budget_change_is_recorded_with_the_old_amount(world: World) -> None:
    corporation = world.orgs["corporatie"]
    services.set_budget(
        user=world.users[roles.PARTNER],
        intervention=world.intervention,
        organisation=corporation,
        year=2022,
        amount=Decimal("80000"),
    )
    entry = world.plan.history.first()
    assert entry.action == "intervention.set_budget"
    assert entry.changes["amount"] == ["100000.00", "80000"]
    assert entry.actor_role == roles.PARTNER
    assert entry.actor_organisation == "Corporatie Test"


def test_dated_records_and_history_are_append_only(world: World) -> None:
    entry = world.plan.history.first()
    entry.action = "something else"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        HistoryEntry.objects.filter(plan=world.plan).update(actor="x")
    with pytest.raises(AppendOnlyError):
        HistoryEntry.objects.filter(plan=world.plan).delete()


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"area_codes": "WK999901, BU99999999"}, "area_codes", "De monitor kent BU99999999 niet"),
        ({"area_codes": "rubbish"}, "area_codes", "RUBBISH is geen CBS-code"),
        ({"area_codes": "WK036301"}, "area_codes", "De monitor kent WK036301 niet"),
        ({"end_year": "2019"}, "end_year", "Het laatste jaar (2019) ligt vóór het eerste jaar"),
        ({"end_year": "twintig"}, "end_year", "Vul een jaartal in"),
        ({"vision": ""}, "vision", "Dit veld is verplicht"),
    ],
)
def test_bad_plan_input_is_explained_and_nothing_is_saved(
    world: World, as_role, form: dict[str, str], field: str, message: str
) -> None:
    before = counts()
    data = {
        "title": "Nog een plan",
        "area_codes": "WK999901",
        "start_year": "2021",
        "end_year": "2030",
        "vision": "Samen.",
        **form,
    }
    response = as_role(roles.COORDINATOR).post("/plannen/nieuw/", data)
    assert response.status_code == 200
    assert message in errors_on(response)
    page = response.content.decode()
    assert f'href="#id_{field}"' in page
    assert re.search(
        rf'id="id_{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="id_{field}"', page
    )
    assert f'id="id_{field}-error"' in page
    assert 'value="Nog een plan"' in page  # the input is kept
    assert counts() == before


def test_a_coordinator_plans_only_inside_their_own_area(world: World, as_role) -> None:
    before = counts()
    data = {
        "title": "Elders",
        "area_codes": "WK999901",
        "start_year": "2021",
        "end_year": "2030",
        "vision": "Samen.",
    }
    response = as_role("coordinator_elsewhere").post("/plannen/nieuw/", data)
    assert "Dit gebied valt buiten het gebied waarvoor u coördinator bent" in errors_on(response)
    assert counts() == before


def test_a_goal_target_year_before_its_baseline_is_refused(world: World, as_role) -> None:
    before = counts()
    response = as_role(roles.COORDINATOR).post(
        f"/plannen/{world.plan.pk}/doelen/nieuw/",
        {
            "kind": "indicator",
            "title": "Meer werk",
            "indicator_id": "labour_participation",
            "baseline_year": "2020",
            "target_year": "2019",
            "target_value": "66",
        },
    )
    assert "Het doeljaar (2019) ligt niet na het basisjaar (2020)" in errors_on(response)
    assert counts() == before


def test_a_goal_target_year_outside_the_plan_period_is_refused(world: World, as_role) -> None:
    """Issue 16: a target year of 2045 was accepted in a plan for 2021–2030."""
    before = counts()
    response = as_role(roles.COORDINATOR).post(
        f"/plannen/{world.plan.pk}/doelen/nieuw/",
        {
            "kind": "indicator",
            "title": "Meer werk",
            "indicator_id": "labour_participation",
            "baseline_year": "2020",
            "target_year": "2045",
            "target_value": "66",
        },
    )
    assert "Het doeljaar (2045) valt buiten de looptijd van het plan (2021–2030)" in errors_on(
        response
    )
    assert counts() == before
    with pytest.raises(InvalidInput) as raised:
        services.update_goal(user=world.users[roles.COORDINATOR], goal=world.goal, target_year=2045)
    assert "buiten de looptijd" in raised.value.errors["target_year"][0]


def test_a_goal_on_an_unknown_indicator_or_year_without_figures_is_refused(world: World) -> None:
    from wijkkompas.web.apps.plans.selectors.monitor import open_monitor

    with open_monitor() as monitor, pytest.raises(InvalidInput) as raised:
        services.add_goal(
            user=world.users[roles.COORDINATOR],
            plan=world.plan,
            monitor=monitor,
            kind="indicator",
            title="Iets",
            indicator_id="happiness_index",
            target_year=2030,
            target_value=1.0,
        )
    assert (
        "De monitor kent de indicator 'happiness_index' niet"
        in raised.value.errors["indicator_id"][0]
    )
    with open_monitor() as monitor, pytest.raises(InvalidInput) as raised:
        services.add_goal(
            user=world.users[roles.COORDINATOR],
            plan=world.plan,
            monitor=monitor,
            kind="indicator",
            title="Iets",
            indicator_id="labour_participation",
            baseline_year=2005,
            target_year=2030,
            target_value=70.0,
        )
    assert "Kies een basisjaar met cijfers (2014, 2015" in raised.value.errors["baseline_year"][0]


def test_the_goal_form_refuses_an_indicator_not_in_its_list(world: World, as_role) -> None:
    response = as_role(roles.COORDINATOR).post(
        f"/plannen/{world.plan.pk}/doelen/nieuw/",
        {"kind": "indicator", "title": "X", "indicator_id": "happiness", "target_year": "2030"},
    )
    assert "De monitor kent deze indicator niet. Kies een indicator uit de lijst." in errors_on(
        response
    )


def test_a_goal_baseline_comes_from_the_monitor(world: World) -> None:
    goal = world.goal
    assert goal.baseline_year == 2020
    assert goal.baseline_source.startswith("store:import-")
    assert goal.social_quality == "socio_economic_security"
    assert 5 < goal.baseline_value < 30


def test_a_negative_budget_is_refused_and_the_intervention_is_not_half_saved(
    world: World, as_role
) -> None:
    before = counts()
    response = as_role(roles.PARTNER).post(
        f"/plannen/{world.plan.pk}/interventies/nieuw/",
        {
            "title": "Buurtsportcoach",
            "description": "Sport op het plein",
            "pillar": "sociale_basis",
            "lead": world.orgs["corporatie"].pk,
            "start_date": "2023-03-01",
            "budget_year": "2023",
            "budget_amount": "-5000",
        },
    )
    assert "Een bedrag kan niet negatief zijn" in errors_on(response)
    assert counts() == before


def test_a_partner_cannot_budget_for_another_organisation(world: World) -> None:
    with pytest.raises(InvalidInput) as raised:
        services.set_budget(
            user=world.users[roles.PARTNER],
            intervention=world.intervention,
            organisation=world.orgs["gemeente"],
            year=2023,
            amount=Decimal(1),
        )
    assert "namens uw eigen organisatie" in raised.value.errors["organisation"][0]


def test_an_intervention_with_a_budget_is_saved_whole(world: World, as_role) -> None:
    response = as_role(roles.PARTNER).post(
        f"/plannen/{world.plan.pk}/interventies/nieuw/",
        {
            "title": "Buurtsportcoach",
            "description": "Sport op het plein",
            "pillar": "sociale_basis",
            "lead": world.orgs["corporatie"].pk,
            "partners": [world.orgs["welzijn"].pk],
            "goals": [world.goal.pk],
            "start_date": "2023-03-01",
            "budget_year": "2023",
            "budget_amount": "25000",
        },
    )
    assert response.status_code == 302
    intervention = Intervention.objects.get(title="Buurtsportcoach")
    assert [(b.year, b.amount) for b in intervention.budget_lines.all()] == [(2023, Decimal(25000))]
    assert list(intervention.goals.all()) == [world.goal]
    assert world.plan.history.first().action == "intervention.add"


def test_spending_corrections_need_a_reason(world: World) -> None:
    user = world.users[roles.PARTNER]
    kwargs = dict(
        user=user, intervention=world.intervention, organisation=world.orgs["corporatie"], year=2022
    )
    with pytest.raises(InvalidInput):
        services.record_spending(amount=Decimal(-100), **kwargs)
    services.record_spending(amount=Decimal(-100), note="Dubbel geboekt", **kwargs)
    assert world.intervention.spending.count() == 1


def test_an_agreement_must_be_reciprocal_between_partners(world: World) -> None:
    with pytest.raises(InvalidInput) as raised:
        services.add_agreement(
            user=world.users[roles.COORDINATOR],
            plan=world.plan,
            giver=world.orgs["buiten"],
            kind="geld",
            commitment="Geld",
            quantity=None,
            receiver=world.orgs["buiten"],
            in_return="Niets",
            start_year=2022,
            end_year=2023,
        )
    assert "geen partner in dit plan" in raised.value.errors["giver"][0]
    assert "wederkerig" in " ".join(raised.value.errors["receiver"])


def test_agreement_status_is_kept_per_year_and_the_newest_counts(world: World, as_role) -> None:
    coordinator = world.users[roles.COORDINATOR]
    services.record_agreement_status(
        user=coordinator, agreement=world.agreement, year=2023, status="bezig"
    )
    services.record_agreement_status(
        user=coordinator, agreement=world.agreement, year=2023, status="nagekomen"
    )
    with pytest.raises(InvalidInput):
        services.record_agreement_status(
            user=coordinator, agreement=world.agreement, year=2030, status="bezig"
        )
    assert world.agreement.statuses.count() == 2
    page = as_role(roles.RESIDENT).get(f"/plannen/{world.plan.pk}/").content.decode()
    assert "2023: nagekomen" in page
    # Issue 16: the accountability page and the plan PDF left the yearly status out.
    public = as_role(roles.RESIDENT).get(f"/plannen/{world.plan.pk}/verantwoording/")
    assert "2023: nagekomen" in public.content.decode()
    from django.template.loader import render_to_string

    from wijkkompas.web.apps.plans.selectors.monitor import open_monitor
    from wijkkompas.web.apps.plans.selectors.overview import overview

    with open_monitor() as monitor:
        view = overview(world.plan, monitor)
    pdf_html = render_to_string("plans/pdf.html", {"plan": world.plan, "view": view})
    assert "2023: nagekomen" in pdf_html


def test_the_resident_sees_the_plan_but_no_edit_links(world: World, as_role) -> None:
    page = as_role(roles.RESIDENT).get(f"/plannen/{world.plan.pk}/").content.decode()
    assert "Testaanpak" in page and "Geschiedenis" in page
    for link in ("/bewerken/", "/nieuw/", "/begroting/", "/uitgaven/", "/voortgang/"):
        assert link not in page
    coordinator_page = as_role(roles.COORDINATOR).get(f"/plannen/{world.plan.pk}/").content.decode()
    assert "/bewerken/" in coordinator_page and "/doelen/nieuw/" in coordinator_page


def test_forms_refuse_a_post_without_the_csrf_token(world: World, as_role) -> None:
    before = counts()
    client = as_role(roles.COORDINATOR, enforce_csrf_checks=True)
    response = client.post(
        f"/plannen/{world.plan.pk}/interventies/{world.intervention.pk}/voortgang/",
        {"date": "2023-01-01", "status": "loopt"},
    )
    assert response.status_code == 403
    assert counts() == before
    form = client.get(f"/plannen/{world.plan.pk}/interventies/{world.intervention.pk}/voortgang/")
    assert 'name="csrfmiddlewaretoken"' in form.content.decode()
