"""A small plan world for the role tests: every role, the organisations, one plan with a
partner, an agreement, a goal on an indicator and an intervention with a budget.

Built through the services (so it has history), on the demo store's wijk WK999901.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from wijkkompas.web.apps.accounts import roles
from wijkkompas.web.apps.accounts import services as accounts
from wijkkompas.web.apps.accounts.models import Organisation
from wijkkompas.web.apps.plans import services
from wijkkompas.web.apps.plans.models import Agreement, Goal, Intervention, Plan
from wijkkompas.web.apps.plans.selectors.monitor import open_monitor

PASSWORD = "test-password-123"
AREA = "WK999901"
GEMEENTE = "GM9999"

ANONYMOUS = "anonymous"
NO_ROLE = "no_role"
PARTNER_ELSEWHERE = "partner_elsewhere"
COORDINATOR_ELSEWHERE = "coordinator_elsewhere"
ROLES = [
    ANONYMOUS,
    NO_ROLE,
    roles.RESIDENT,
    roles.FRONTLINE_WORKER,
    roles.PARTNER,
    PARTNER_ELSEWHERE,
    roles.COORDINATOR,
    COORDINATOR_ELSEWHERE,
    roles.ANALYST,
    roles.ADMIN,
]
EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {ANONYMOUS}
ROLE_HOLDERS = SIGNED_IN - {NO_ROLE}
EDITORS = frozenset({roles.COORDINATOR, roles.ADMIN})
WITH_PARTNERS = EDITORS | {roles.PARTNER}
TIMELINE = WITH_PARTNERS | {roles.FRONTLINE_WORKER}
ADMINS = frozenset({roles.ADMIN})


@dataclass
class World:
    plan: Plan
    orgs: dict[str, Organisation]
    users: dict[str, Any] = field(default_factory=dict)
    agreement: Agreement | None = None
    goal: Goal | None = None
    intervention: Intervention | None = None
    participation: dict[str, Any] = field(default_factory=dict)


def _person(username: str, role: str | None, **grant: Any) -> Any:
    person = accounts.create_person(
        username=username,
        password=PASSWORD,
        name=f"Naam van {username}",
        email=f"{username}@example.org",
    )
    if role:
        accounts.grant_role(user=person.user, role=role, **grant)
    return person.user


def build_world() -> World:
    orgs = {
        "gemeente": accounts.create_organisation(name="Gemeente Test", kind="gemeente"),
        "corporatie": accounts.create_organisation(name="Corporatie Test", kind="woningcorporatie"),
        "welzijn": accounts.create_organisation(name="Welzijn Test", kind="welzijn"),
        "buiten": accounts.create_organisation(name="Buiten het plan", kind="other"),
    }
    users = {
        NO_ROLE: _person("zonderrol", None),
        roles.RESIDENT: _person("bewoner", roles.RESIDENT, area_code=AREA),
        roles.FRONTLINE_WORKER: _person("wijkwerker", roles.FRONTLINE_WORKER, area_code=AREA),
        roles.PARTNER: _person("partner", roles.PARTNER, organisation=orgs["corporatie"]),
        PARTNER_ELSEWHERE: _person("partner2", roles.PARTNER, organisation=orgs["buiten"]),
        roles.COORDINATOR: _person("coordinator", roles.COORDINATOR, area_code=GEMEENTE),
        COORDINATOR_ELSEWHERE: _person("coordinator2", roles.COORDINATOR, area_code="GM0363"),
        roles.ANALYST: _person("analist", roles.ANALYST),
        roles.ADMIN: _person("admin", roles.ADMIN),
    }
    coordinator = users[roles.COORDINATOR]
    with open_monitor() as monitor:
        plan = services.create_plan(
            user=coordinator,
            monitor=monitor,
            title="Testaanpak",
            area_codes=[AREA],
            start_year=2021,
            end_year=2030,
            vision="Samen een betere wijk.",
            residents_goals="Veilig over straat.",
        )
        for key in ("gemeente", "corporatie", "welzijn"):
            services.add_partner(user=coordinator, plan=plan, organisation=orgs[key])
        agreement = services.add_agreement(
            user=coordinator,
            plan=plan,
            giver=orgs["corporatie"],
            kind="woningen",
            commitment="100 woningen renoveren",
            quantity=Decimal(100),
            receiver=orgs["gemeente"],
            in_return="Nieuwe openbare ruimte",
            start_year=2022,
            end_year=2025,
        )
        goal = services.add_goal(
            user=coordinator,
            plan=plan,
            monitor=monitor,
            kind="indicator",
            title="Minder huishoudens met een laag inkomen",
            indicator_id="low_income_households",
            target_year=2030,
            target_value=10.0,
        )
    intervention = services.add_intervention(
        user=coordinator,
        plan=plan,
        title="Renovatie",
        description="Woningen opknappen",
        pillar="fysiek",
        lead=orgs["corporatie"],
        partners=[orgs["gemeente"]],
        goals=[goal],
        area_codes=[],
        start_date=date(2022, 1, 1),
        end_date=None,
        resident_initiative=False,
        budget=[(orgs["corporatie"], 2022, Decimal(100000))],
    )
    world = World(plan, orgs, users, agreement, goal, intervention)
    world.participation = build_participation(users)
    return world


RESIDENT_CODE = "TEST-CODE-0001"
"""The world's resident signed in with this code (area: the wijk)."""


def build_participation(users: dict[str, Any]) -> dict[str, Any]:
    """An initiative, a budget open for voting and one with its result, for the role tests."""
    from wijkkompas.web.apps.participation.services import budgets, codes, initiatives

    code = codes.add_known_code(code=RESIDENT_CODE, area_code=AREA, batch="test")
    code.user = users[roles.RESIDENT]
    code.save(update_fields=["user"])
    voters = [
        codes.add_known_code(code=f"TEST-VOTE-{n:04d}", area_code=AREA, batch="test")
        for n in range(5)
    ]
    initiative = initiatives.submit(
        user=users[roles.RESIDENT], code=code, title="Moestuin", text="Samen tuinieren.",
        area_code=AREA, estimated_cost=500,
    )  # fmt: skip
    made = {}
    for phase in ("vote", "result"):
        budget = budgets.NeighbourhoodBudget.objects.create(
            name=f"Budget {phase}", area_code=AREA, year=2026, amount=10_000, phase="submit",
            max_sum_cost=10_000,
        )  # fmt: skip
        for title, cost in (("Bankjes", 4_000), ("Speeltuin", 7_000), ("Feest", 1_000)):
            project = budgets.propose_project(
                budget=budget, user=None, title=title, description=title, cost=cost
            )
            budgets.set_feasibility(project=project, feasible=True, reason="", actor=None)
        budgets.set_phase(budget=budget, phase="vote", actor=None)
        if phase == "result":
            for n, voter in enumerate(voters):
                chosen = (1, 3) if n % 2 else (2,)
                budgets.cast_ballot(
                    budget=budget, code=voter, choice=budgets.Choice(chosen), channel="online"
                )
            budgets.set_phase(budget=budget, phase="result", actor=None)
        made[phase] = budget
    from wijkkompas.web.apps.participation.models import Survey

    survey = Survey.objects.create(
        title="Enquête", area_code=AREA, year=2026, is_open=True, open_link=True
    )
    return {
        "code": code,
        "initiative": initiative,
        "vote": made["vote"],
        "result": made["result"],
        "survey": survey,
    }
