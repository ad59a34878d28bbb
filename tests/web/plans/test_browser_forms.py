"""The goal and intervention forms in Debian's chromium, at 1280 and 390 pixels wide (issue 16).

Labels sat beside some controls and above others, and the controls had different widths. Now
every label stands above its control, starting where the control starts, every text box, select
and text area is equally wide, and a group of checkboxes lines up under its legend; axe-core
finds no WCAG 2.1 A/AA violation, with and without error messages. The same run deletes a goal
and edits every part of an intervention through the forms, as a coordinator would.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from browser_support import ARTIFACTS, BLUR, assert_accessible, browse
from wijkkompas.web.apps.accounts import roles
from wijkkompas.web.apps.accounts import services as accounts
from wijkkompas.web.apps.plans.demo import create_demo_plan
from wijkkompas.web.apps.plans.models import Goal, Intervention, Plan

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "browser-test-password"
WIDTHS = (1280, 390)

LAYOUT = """() => {
  const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const fields = [...document.querySelectorAll(
    'form.wk-form .wk-field:not(fieldset):not(.utrecht-form-field--checkbox)'
  )].map((f) => ({
    name: f.querySelector('input, select, textarea').name,
    invalid: f.classList.contains('utrecht-form-field--invalid'),
    label: box(f.querySelector('label')),
    control: box(f.querySelector('input, select, textarea')),
  }));
  const groups = [...document.querySelectorAll('form.wk-form fieldset.wk-field')].map((g) => ({
    legend: box(g.querySelector('legend')),
    boxes: [...g.querySelectorAll('input')].map(box),
    labels: [...g.querySelectorAll('label')].map(box),
  }));
  const checks = [...document.querySelectorAll('form.wk-form .wk-field.utrecht-form-field--checkbox')].map((c) => ({
    control: box(c.querySelector('input')), label: box(c.querySelector('label')),
  }));
  return {fields, groups, checks, overflow: document.documentElement.scrollWidth - window.innerWidth};
}"""


@pytest.fixture
def session(live_server, monkeypatch) -> Iterator[tuple[Any, Plan]]:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    plan = create_demo_plan()
    assert plan is not None
    person = accounts.create_person(username="coordinator-browser", password=PASSWORD)
    accounts.grant_role(user=person.user, role=roles.COORDINATOR, area_code="GM9999")
    with browse(live_server.url, locale="nl-NL") as browsing:
        page = browsing.page
        page.set_default_timeout(10_000)
        page.base_url = live_server.url
        page.errors = browsing.errors
        page.foreign = browsing.foreign_requests
        page.goto(live_server.url + "/account/inloggen/")
        page.get_by_label("Gebruikersnaam").fill("coordinator-browser")
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Inloggen").click()
        yield page, plan


def _aligned(page: Any, name: str) -> None:
    """Labels above and flush with their controls, equal widths, choices under their legend."""
    layout = page.evaluate(LAYOUT)
    assert layout["overflow"] <= 0, f"{name}: the page scrolls sideways"
    fields = layout["fields"]
    assert fields, f"{name}: no text fields found"
    for field in fields:
        label, control = field["label"], field["control"]
        assert label[3] <= control[1] + 0.5, f"{name}: the label of {field['name']} is not above it"
        assert abs(label[0] - control[0]) <= 1, f"{name}: the label of {field['name']} is indented"
    # A field with an error is marked the NL Design System way, by a bar at its start that
    # moves it in a little; the others line up exactly, and so do the marked ones among them.
    for marked in (False, True):
        same = [f for f in fields if f["invalid"] == marked]
        if not same:
            continue
        widths = {round(f["control"][2] - f["control"][0]) for f in same}
        assert max(widths) - min(widths) <= 1, f"{name}: controls of different widths {widths}"
        starts = {round(f["control"][0]) for f in same}
        assert len(starts) == 1, f"{name}: controls start at {starts}"
    start = min(round(f["control"][0]) for f in fields)
    for group in layout["groups"]:
        for box, label in zip(group["boxes"], group["labels"], strict=True):
            assert abs(box[0] - group["legend"][0]) <= 1, f"{name}: a box is not under its legend"
            assert box[2] <= label[0], f"{name}: a box overlaps its label"
            assert box[2] - box[0] >= 20, f"{name}: a box is smaller than the theme's size"
    for check in layout["checks"]:
        assert check["control"][2] <= check["label"][0], f"{name}: a box overlaps its label"
        assert abs(check["control"][0] - start) <= 1


def _check(page: Any, name: str, *, form: bool = True) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        if form:
            _aligned(page, f"{name} at {width}px")
        assert_accessible(page, f"{name} at {width}px")
        page.evaluate(BLUR)
        page.screenshot(path=str(ARTIFACTS / f"plan-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_goal_and_intervention_forms_line_up_and_pass_axe(session) -> None:
    page, plan = session
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    base = f"{page.base_url}/plannen/{plan.pk}"
    goal = plan.goals.get(indicator_id="low_education_share")
    intervention = plan.interventions.get(title="Brede school: verlengde schooldag")

    page.goto(f"{base}/doelen/nieuw/")
    _check(page, "goal-add")
    page.get_by_role("button", name="Doel toevoegen").click()  # nothing filled in
    assert "Er ging iets mis" in page.locator("#foutmeldingen").inner_text()
    _check(page, "goal-add-errors")

    page.goto(f"{base}/doelen/{goal.pk}/bijstellen/")
    _check(page, "goal-edit")

    page.goto(f"{base}/interventies/nieuw/")
    _check(page, "intervention-add")

    page.goto(f"{base}/interventies/{intervention.pk}/bewerken/")
    _check(page, "intervention-edit")
    page.get_by_label("Pijler").select_option("sociale_basis")
    page.get_by_label("Trekker", exact=True).select_option(label="Welzijn Voorbeeldstad")
    page.get_by_label("Minder misdrijven in de wijk").check()
    page.get_by_label("Minder inwoners met een laag onderwijsniveau").uncheck()
    page.get_by_label("Gebied (niet verplicht)").fill("onzin")
    page.get_by_role("button", name="Opslaan").click()
    summary = page.locator("#foutmeldingen")
    assert "ligt buiten het gebied van het plan" in summary.inner_text()
    _check(page, "intervention-edit-errors")
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_area_codes"
    page.get_by_label("Gebied (niet verplicht)").fill("")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_url(re.compile(rf"/plannen/{plan.pk}/#interventie-{intervention.pk}$"))
    card = page.locator(f"#interventie-{intervention.pk}").inner_text()
    assert "Sociale basis" in card and "Trekker: Welzijn Voorbeeldstad" in card
    assert "Voor de doelen: Minder misdrijven in de wijk" in card
    saved = Intervention.objects.get(pk=intervention.pk)
    assert saved.pillar == "sociale_basis" and saved.lead.name == "Welzijn Voorbeeldstad"

    page.get_by_role("link", name=f"Doel verwijderen: {goal.title}").click()
    assert "Weet u zeker" in page.locator("main").inner_text()
    _check(page, "goal-delete", form=False)  # a confirmation: only the button
    page.get_by_role("button", name="Doel verwijderen").click()
    page.wait_for_url(re.compile(rf"/plannen/{plan.pk}/#doelen$"))
    assert not Goal.objects.filter(pk=goal.pk).exists()
    history = page.locator("#geschiedenis ~ .utrecht-table-container").first.inner_text()
    assert "Doel verwijderd" in history and goal.title in history

    assert page.errors == [], "the browser console reported errors"
    assert page.foreign == [], "the pages loaded something from another site"
