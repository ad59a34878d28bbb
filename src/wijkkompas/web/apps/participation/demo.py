"""The fictional demo's participation: codes, initiatives, two neighbourhood budgets.

Only ever on the demo municipality (``prepare_participation_demo`` checks), like the demo plan.
A handful of codes is *published* (README, code page) so anyone trying the demo can take part;
the other demo residents' codes are random and thrown away after they voted.
"""

from __future__ import annotations

import logging
import random
from itertools import pairwise
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from wijkkompas.web.apps.participation.models import (
    BudgetProject,
    NeighbourhoodBudget,
    ResidentCode,
)
from wijkkompas.web.apps.participation.selectors.areas import buurten_within
from wijkkompas.web.apps.participation.services import budgets, codes, initiatives
from wijkkompas.web.apps.plans.demo import DEMO_KEY
from wijkkompas.web.apps.plans.models import Plan
from wijkkompas.web.common.store import site_store

log = logging.getLogger(__name__)

DEMO_CODES: tuple[str, ...] = tuple(f"DEMO-2026-{n:04d}" for n in range(1, 13))
"""Published demo codes (README): each opens a resident session in a buurt of the demo wijk."""

PROJECTS_2026 = [
    (
        "Speeltuin Merelplein opknappen",
        "Nieuwe toestellen en zachte ondergrond voor kinderen tot 12 jaar.",
        18_000,
        "spelen",
    ),
    (
        "Moestuin achter de huiskamer",
        "Bakken, gereedschap en een waterton. Buren zorgen samen voor de tuin.",
        6_000,
        "groen",
    ),
    (
        "Betere verlichting in het Poortpad",
        "Zes lantaarns erbij, zodat mensen zich 's avonds veiliger voelen.",
        14_000,
        "veiligheid",
    ),
    (
        "Taalcafé elke week",
        "Een jaar lang elke woensdag samen Nederlands oefenen, met koffie.",
        4_500,
        "meedoen",
    ),
    (
        "Bankjes en schaduw bij het water",
        "Vier bankjes en twee bomen, zodat ouderen onderweg kunnen rusten.",
        9_000,
        "groen",
    ),
    (
        "Huiswerkklas voor de basisschool",
        "Twee middagen per week hulp bij huiswerk door vrijwilligers.",
        7_500,
        "jeugd",
    ),
    (
        "Buurtfeest met alle culturen",
        "Eén groot feest op het plein, georganiseerd door bewoners.",
        3_000,
        "meedoen",
    ),
    (
        "Opruimdag met containers",
        "Vier keer per jaar containers en prikkers voor grofvuil en zwerfafval.",
        5_000,
        "schoon",
    ),
]
BUDGET_2026 = 50_000
"""Euros to share in the open demo vote."""
REFUSED_2026 = (
    "Parkeergarage onder het plein",
    "Een garage voor 80 auto's.",
    45_000,
    "verkeer",
    "Vraagt bijna het hele budget voor één plek en een bouwvergunning; dat past niet bij een "
    "buurtbudget.",
)
PROJECTS_2025 = [
    (
        "Jongerenruimte op vrijdagavond",
        "Een plek voor jongeren van 12 tot 18 met een jongerenwerker.",
        12_000,
        "jeugd",
    ),
    (
        "Geveltuintjes voor iedereen",
        "Tegels eruit, planten erin: 60 geveltuintjes met hulp.",
        6_000,
        "groen",
    ),
    (
        "Cursus 'geld op orde'",
        "Tien avonden over rekeningen, schulden en toeslagen.",
        4_000,
        "bestaanszekerheid",
    ),
    ("Hondenuitlaatplaats", "Een omheinde plek met afvalbakken.", 8_000, "schoon"),
    ("Repair café", "Elke maand spullen samen repareren.", 2_500, "meedoen"),
    (
        "Kunst op de flat",
        "Een muurschildering op de kopgevel, ontworpen door bewoners.",
        15_000,
        "groen",
    ),
    (
        "Voorleesochtend in de bibliotheek",
        "Elke zaterdag voorlezen voor peuters en hun ouders.",
        1_500,
        "jeugd",
    ),
]


def prepare_participation_demo() -> None:
    """Idempotent; nothing happens without the demo plan (which checks the demo store)."""
    plan = Plan.objects.filter(demo_key=DEMO_KEY).first()
    if plan is None:
        return
    if not NeighbourhoodBudget.objects.filter(is_demo=True).exists():
        _create(plan)
    _publish_survey()


def _publish_survey() -> None:
    """Put the demo survey's outcomes in the demo store, as its organiser would, so that "Gevoeld
    en gemeten" compares felt and measured on the demo at once. Again after the demo store was
    built anew (the app database keeps the survey, a new store has no outcomes)."""
    from wijkkompas.services.felt import FELT_INDICATOR
    from wijkkompas.web.apps.participation.models import Survey
    from wijkkompas.web.apps.participation.services import surveys

    survey = Survey.objects.filter(is_demo=True).order_by("pk").first()
    if survey is None or not survey.results_public:
        return
    store = site_store()
    if store.exists():
        with store.reader() as reader:
            published = reader.observations(indicator_ids=[FELT_INDICATOR])
        if not published.empty:
            return
    surveys.publish_to_monitor(survey, None)


def _buurten(wijk: str) -> list[str]:
    return [code for code, _name in buurten_within(wijk)]


def _resident(code: str) -> tuple[ResidentCode, Any]:
    redeemed = codes.redeem(code)
    assert redeemed is not None
    return redeemed.code, redeemed.user


@transaction.atomic
def _create(plan: Plan) -> None:
    rng = random.Random(2026)
    wijk = str(plan.area_codes[0])
    buurten = _buurten(wijk) or [wijk]
    for n, code in enumerate(DEMO_CODES):
        codes.add_known_code(
            code=code, area_code=buurten[n % len(buurten)], batch="Demo (openbaar)", is_demo=True
        )
    _link_demo_resident(buurten[0])
    hidden = [
        codes.add_known_code(
            code=codes.new_code(), area_code=rng.choice(buurten), batch="Demo", is_demo=True
        )
        for _ in range(160)
    ]
    _initiatives(plan, wijk, buurten, rng)
    _budget_2025(wijk, hidden[:120], rng)
    _budget_2026(wijk, hidden[120:], rng)
    _survey(wijk, buurten, rng)
    log.info("demo participation created for %s", wijk)


def _link_demo_resident(buurt: str) -> None:
    """The demo account "bewoner" gets a code too, so it can vote like any resident."""
    user = get_user_model().objects.filter(username="bewoner").first()
    if user is None or ResidentCode.objects.filter(user=user).exists():
        return
    code = codes.add_known_code(
        code=codes.new_code(), area_code=buurt, batch="Demo-account", is_demo=True
    )
    code.user = user
    code.save(update_fields=["user"])


def _demo_coordinator() -> Any:
    """The demo's coordinator moves initiatives along, as the organiser does: a resident may
    not (the services check). None when the account is gone (erased on request)."""
    from wijkkompas.web.apps.accounts.demo import DEMO_USERS
    from wijkkompas.web.apps.accounts.roles import COORDINATOR

    username = next(d.username for d in DEMO_USERS if d.role == COORDINATOR)
    return get_user_model().objects.filter(username=username, is_active=True).first()


def _initiatives(plan: Plan, wijk: str, buurten: list[str], rng: random.Random) -> None:
    supporters = []
    for _ in range(24):
        plain = codes.new_code()
        codes.add_known_code(code=plain, area_code=rng.choice(buurten), batch="Demo", is_demo=True)
        supporters.append(_resident(plain))
    goal = plan.goals.first()
    ideas = [
        (
            "Samen koken op donderdag",
            "Elke donderdag koken buren samen in de huiskamer. Iedereen is welkom, ook als je weinig geld hebt.",
            1_200,
            True,
        ),
        (
            "Bloembakken langs de Kadelaan",
            "Wij willen bloembakken neerzetten en zelf onderhouden.",
            2_000,
            False,
        ),
        (
            "Buurtapp voor hulp bij klusjes",
            "Een groepsapp waarin buren elkaar helpen met kleine klusjes.",
            None,
            True,
        ),
        (
            "Zomerschool voor kinderen",
            "Twee weken in de zomer spelen en leren op het schoolplein.",
            5_500,
            True,
        ),
        (
            "Wandelgroep voor ouderen",
            "Elke dinsdag samen een uur wandelen door het park.",
            0,
            False,
        ),
    ]
    statuses = ["in_progress", "checked", "idea", "idea", "done"]
    organiser = _demo_coordinator()
    for n, (title, text, cost, linked) in enumerate(ideas):
        author_code, author = supporters[n]
        initiative = initiatives.submit(
            user=author, code=author_code, title=title, text=text,
            area_code=author_code.area_code, estimated_cost=cost,
            goal=goal if linked else None, is_demo=True,
        )  # fmt: skip
        for code, user in rng.sample(supporters, rng.randint(3, 18)):
            if initiatives.may_act_in(code, initiative.area_code):
                initiatives.support(initiative=initiative, user=user, code=code)
        if statuses[n] != "idea" and organiser is not None:
            initiatives.set_status(
                initiative=initiative, status=statuses[n], actor=organiser,
                reason="Besproken met de wijkcoördinator; de gemeente helpt met materiaal.",
            )  # fmt: skip
        if n == 0:
            initiatives.comment(
                initiative=initiative, user=supporters[5][1], code=supporters[5][0],
                text="Goed plan! Ik kan helpen met boodschappen doen.",
            )  # fmt: skip


def _budget(wijk: str, name: str, year: int, amount: int, **kwargs: Any) -> NeighbourhoodBudget:
    return NeighbourhoodBudget.objects.create(
        name=name, area_code=wijk, year=year, amount=amount, is_demo=True, phase="submit", **kwargs
    )


def _projects(
    budget: NeighbourhoodBudget, rows: list[tuple[str, str, int, str]]
) -> list[BudgetProject]:
    made = []
    for title, description, cost, category in rows:
        project = budgets.propose_project(
            budget=budget, user=None, title=title, description=description, cost=cost,
            category=category,
        )  # fmt: skip
        budgets.set_feasibility(project=project, feasible=True, reason="", actor=None)
        made.append(project)
    return made


def _budget_2025(wijk: str, voters: list[ResidentCode], rng: random.Random) -> None:
    budget = _budget(
        wijk, "Buurtbudget 2025", 2025, 40_000,
        description="Het eerste buurtbudget: bewoners verdeelden 40.000 euro met punten.",
        vote_type="cumulative", max_sum_points=10, max_points=10, rule="mes",
    )  # fmt: skip
    projects = _projects(budget, PROJECTS_2025)
    budgets.set_phase(budget=budget, phase="check", actor=None)
    budgets.set_phase(budget=budget, phase="vote", actor=None)
    weights = [5, 3, 4, 2, 2, 3, 4]
    for code in voters:
        chosen = sorted(
            set(rng.choices(range(len(projects)), weights=weights, k=rng.randint(1, 3)))
        )
        split = _split(10, len(chosen), rng)
        budgets.cast_ballot(
            budget=budget, code=code,
            choice=budgets.Choice(tuple(projects[i].number for i in chosen), tuple(split)),
            channel="paper" if rng.random() < 0.15 else "online",
        )  # fmt: skip
    budgets.set_phase(budget=budget, phase="result", actor=None)


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    cuts = sorted(rng.sample(range(1, total), parts - 1)) if parts > 1 else []
    edges = [0, *cuts, total]
    return [b - a for a, b in pairwise(edges)]


def _budget_2026(wijk: str, voters: list[ResidentCode], rng: random.Random) -> None:
    budget = _budget(
        wijk, "Buurtbudget 2026", 2026, BUDGET_2026,
        description="Vink de projecten aan die u goed vindt. Samen mogen ze hoogstens 50.000 euro kosten.",
        vote_type="approval", max_sum_cost=BUDGET_2026, rule="mes",
    )  # fmt: skip
    projects = _projects(budget, PROJECTS_2026)
    title, description, cost, category, reason = REFUSED_2026
    refused = budgets.propose_project(
        budget=budget, user=None, title=title, description=description, cost=cost,
        category=category,
    )  # fmt: skip
    budgets.set_feasibility(project=refused, feasible=False, reason=reason, actor=None)
    budgets.set_phase(budget=budget, phase="check", actor=None)
    budgets.set_phase(budget=budget, phase="vote", actor=None)
    weights = [6, 3, 5, 2, 3, 4, 2, 3]
    for code in voters:
        chosen: set[int] = set()
        for i in rng.choices(range(len(projects)), weights=weights, k=rng.randint(1, 4)):
            if sum(projects[j].cost for j in chosen | {i}) <= BUDGET_2026:
                chosen.add(i)
        budgets.cast_ballot(
            budget=budget, code=code,
            choice=budgets.Choice(tuple(projects[i].number for i in sorted(chosen))),
            channel="online",
        )  # fmt: skip


def _survey(wijk: str, buurten: list[str], rng: random.Random) -> None:
    """A survey round with answers from 150 demo residents (through the open link), concentrated in three buurten so
    that some buurten pass the threshold of ten respondents and others stay hidden."""
    from wijkkompas.survey.questionnaire import AGE_GROUPS, SEXES, STANDARD
    from wijkkompas.web.apps.participation.models import Survey
    from wijkkompas.web.apps.participation.services import surveys

    # The demo shows its results while it is open, so a visitor sees the results page; a real
    # survey hides them until it closes unless its organiser chooses this too.
    survey = Survey.objects.create(
        title="Bewonersenquête 2026", area_code=wijk, year=2026, is_open=True, open_link=True,
        results_while_open=True, is_demo=True,
    )  # fmt: skip
    busy = buurten[:3]
    for n in range(150):
        area = busy[n % 3] if n < 132 else rng.choice(buurten)
        mood = {busy[0]: 1, busy[1]: 0, busy[2]: -1}.get(area, 0)
        answers: dict[str, int | None] = {}
        for q in STANDARD:
            values = q.scale.values
            if len(values) == 2:  # yes/no: about a third did something for their buurt
                pick = int(rng.random() < 0.3 + 0.1 * mood)
            else:
                middle = (len(values) - 1) / 2 + mood * len(values) / 10
                pick = round(min(max(rng.gauss(middle, len(values) / 5), 0), len(values) - 1))
            answers[q.id] = None if rng.random() < 0.05 else values[pick]
        surveys.answer(
            survey=survey, code=None, area_code=area,
            age_group=rng.choice([*AGE_GROUPS, None]), sex=rng.choice([*SEXES, None]),
            answers=answers,
        )  # fmt: skip
