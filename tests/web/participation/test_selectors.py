"""What the participation pages read (``participation.selectors``) and the writes that moved out
of the views into the services (creating a budget or a survey, opening and closing a survey)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from wijkkompas.errors import WijkkompasError
from wijkkompas.web.apps.accounts import roles
from wijkkompas.web.apps.accounts import services as accounts
from wijkkompas.web.apps.participation.models import NeighbourhoodBudget, Survey
from wijkkompas.web.apps.participation.selectors import areas, initiatives, residents
from wijkkompas.web.apps.participation.selectors import budgets as budget_selectors
from wijkkompas.web.apps.participation.services import budgets, codes
from wijkkompas.web.apps.participation.services import initiatives as initiative_services
from wijkkompas.web.apps.participation.services import surveys as survey_services

pytestmark = pytest.mark.django_db
WIJK = "WK999901"


def _coordinator(area: str = WIJK):
    person = accounts.create_person(username=f"coordinator-{area}", password="lang-wachtwoord-1")
    accounts.grant_role(user=person.user, role=roles.COORDINATOR, area_code=area)
    return person.user


def _resident(n: int = 1, area: str = "BU99990101"):
    plain = f"SELECT-TEST-{n:04d}"
    codes.add_known_code(code=plain, area_code=area, batch="t")
    redeemed = codes.redeem(plain)
    assert redeemed is not None
    return redeemed.code, redeemed.user


def _budget(phase: str = "draft", **values) -> NeighbourhoodBudget:
    return NeighbourhoodBudget.objects.create(
        name=values.pop("name", "Test"), area_code=WIJK, year=2026, amount=10_000, phase=phase,
        **values,
    )  # fmt: skip


def test_a_budget_in_preparation_is_seen_only_by_whoever_manages_it() -> None:
    draft = _budget(name="Concept")
    open_ = _budget(phase="submit", name="Open")
    assert budget_selectors.visible_budgets(AnonymousUser()) == [open_]
    assert set(budget_selectors.visible_budgets(_coordinator())) == {draft, open_}
    assert budget_selectors.visible_budgets(_coordinator("WK999902")) == [open_]


def test_once_the_vote_begins_the_page_lists_the_feasible_projects_and_the_refused_apart() -> None:
    budget = _budget(phase="submit", max_length=None)
    for title, feasible in (("Bankjes", True), ("Brug", False), ("Feest", True)):
        project = budgets.propose_project(
            budget=budget, user=None, title=title, description=title, cost=1_000
        )
        budgets.set_feasibility(
            project=project, feasible=feasible, reason="" if feasible else "Te duur", actor=None
        )
    before = budget_selectors.budget_detail(budget, None)
    assert [p.title for p in before.projects] == ["Bankjes", "Brug", "Feest"]
    budgets.set_phase(budget=budget, phase="vote", actor=None)
    budget.refresh_from_db()
    code = codes.add_known_code(code="SELECT-VOTE-0001", area_code="BU99990101", batch="t")
    budgets.cast_ballot(budget=budget, code=code, choice=budgets.Choice((1,)), channel="online")
    detail = budget_selectors.budget_detail(budget, code)
    assert [p.title for p in detail.projects] == ["Bankjes", "Feest"]
    assert [p.title for p in detail.refused] == ["Brug"]
    assert detail.has_voted and detail.ballots is None  # counted only once the result is out
    assert not budget_selectors.budget_detail(budget, None).has_voted
    assert budget_selectors.rank_places(budget) == range(1, 3)  # no maximum: every feasible one
    assert [p.number for p in budget_selectors.ballot_paper(budget)] == [1, 3]
    assert set(budget_selectors.projects_by_number(budget)) == {"1", "2", "3"}


def test_the_initiative_list_counts_supporters_and_keeps_to_the_area() -> None:
    code, user = _resident()
    here = initiative_services.submit(
        user=user, code=code, title="Tuin", text="Samen", area_code="BU99990101"
    )
    there = initiative_services.submit(
        user=user, code=code, title="Bank", text="Zitten", area_code="BU99990102"
    )
    other, neighbour = _resident(2)
    initiative_services.support(initiative=here, user=neighbour, code=other)
    with CaptureQueriesContext(connection) as queries:
        listed = initiatives.initiatives_within()
    assert len(queries.captured_queries) == 1  # the supporters counted in the same query
    assert {(i.title, i.n_supports) for i in listed} == {("Tuin", 1), ("Bank", 0)}
    assert initiatives.initiatives_within("BU99990102") == [there]
    assert set(initiatives.initiatives_within(WIJK)) == {here, there}
    thread = initiatives.thread(here, neighbour)
    assert thread.supports == 1 and thread.supported and thread.comments == []
    assert not initiatives.thread(here, AnonymousUser()).supported


def test_the_front_door_shows_what_is_public_and_a_resident_sees_what_they_made() -> None:
    code, user = _resident()
    shown = initiative_services.submit(
        user=user, code=code, title="Tuin", text="Samen", area_code="BU99990101"
    )
    hidden = initiative_services.submit(
        user=user, code=code, title="Reclame", text="Koop", area_code="BU99990101"
    )
    initiative_services.moderate(
        initiative=hidden, hide=True, reason="Reclame", actor=_coordinator()
    )
    initiative_services.comment(initiative=shown, user=user, code=code, text="Ik help mee")
    _budget(name="Concept")
    open_ = _budget(phase="submit", name="Open")
    survey = Survey.objects.create(title="Enquête", area_code=WIJK, year=2026, is_open=True)
    Survey.objects.create(title="Oud", area_code=WIJK, year=2025, is_open=False)
    page = residents.front_page()
    assert page.budgets == [open_] and page.initiatives == [shown] and page.surveys == [survey]
    assert not page.is_demo
    kept = residents.resident_data(user)
    assert set(kept.initiatives) == {shown, hidden}
    assert (kept.comments, kept.supports) == (1, 0)


def test_the_buurten_of_an_area_come_from_the_monitor() -> None:
    buurten = areas.buurten_within(WIJK)
    assert buurten and all(code.startswith("BU9999") for code, _name in buurten)
    names = areas.area_names()
    assert all(names[code] == name for code, name in buurten)
    assert areas.buurten_within("WK000000") == []


def test_a_budget_whose_ballot_rules_contradict_each_other_is_not_saved() -> None:
    coordinator = _coordinator()
    unsaved = NeighbourhoodBudget(
        name="Punten", area_code=WIJK, year=2026, amount=5_000, vote_type="cumulative"
    )
    with pytest.raises(WijkkompasError, match="max_sum_points"):
        budgets.create_budget(budget=unsaved, actor=coordinator)
    assert not NeighbourhoodBudget.objects.exists()
    unsaved.max_sum_points = 10
    created = budgets.create_budget(budget=unsaved, actor=coordinator)
    assert created.pk is not None and created.phase == "draft"


def test_a_budget_or_survey_outside_the_organisers_area_is_refused_and_not_saved() -> None:
    elsewhere = _coordinator("WK999902")
    with pytest.raises(PermissionDenied):
        budgets.create_budget(
            budget=NeighbourhoodBudget(name="B", area_code=WIJK, year=2026, amount=1),
            actor=elsewhere,
        )
    with pytest.raises(PermissionDenied):
        survey_services.create_survey(
            survey=Survey(title="E", area_code=WIJK, year=2026), actor=elsewhere
        )
    assert not NeighbourhoodBudget.objects.exists() and not Survey.objects.exists()


def test_opening_and_showing_a_survey_change_that_field_only() -> None:
    coordinator = _coordinator()
    survey = survey_services.create_survey(
        survey=Survey(title="Enquête", area_code=WIJK, year=2026, is_open=True),
        actor=coordinator,
    )
    with CaptureQueriesContext(connection) as queries:
        survey_services.set_results_while_open(survey=survey, shown=True, actor=coordinator)
    [update] = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert '"results_while_open"' in update and '"is_open"' not in update
    with CaptureQueriesContext(connection) as queries:
        survey_services.set_open(survey=survey, is_open=True, actor=coordinator)  # as it was
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    survey_services.set_open(survey=survey, is_open=False, actor=coordinator)
    survey.refresh_from_db()
    assert not survey.is_open and survey.results_while_open
    with pytest.raises(PermissionDenied):
        survey_services.set_open(survey=survey, is_open=True, actor=_coordinator("WK999902"))


def test_the_budget_form_says_when_the_ballot_rules_contradict_each_other() -> None:
    client = Client()
    client.force_login(_coordinator())
    form = {
        "name": "Punten", "description": "", "area_code": "wk999901", "year": 2026,
        "amount": 5_000, "vote_type": "cumulative", "rule": "mes",
    }  # fmt: skip
    refused = client.post("/meedoen/begrotingen/nieuw/", form)
    assert refused.status_code == 200 and "max_sum_points" in refused.content.decode()
    assert not NeighbourhoodBudget.objects.exists()
    saved = client.post("/meedoen/begrotingen/nieuw/", {**form, "max_sum_points": 10})
    assert saved.status_code == 302
    budget = NeighbourhoodBudget.objects.get()
    assert (budget.area_code, budget.phase) == (WIJK, "draft")
