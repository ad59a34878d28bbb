"""One fully worked wijkaanpak for the fictional demo municipality, and its demo accounts.

The plan is written through the same services as a person would, so its history, budgets and
checks are real; it shows what a ten-year integral approach looks like when it is done: partners
with reciprocal agreements, goals on three conditions of social quality measured by the monitor
(indicators, and the social-cohesion score of the demo's saved index run),
interventions on all four pillars, a small resident initiative, money budgeted and spent.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from wijkkompas.demo.names import GEMEENTE_NAME
from wijkkompas.plans.areas import PlanArea
from wijkkompas.plans.progress import GoalMeasure
from wijkkompas.web.apps.accounts import services as accounts
from wijkkompas.web.apps.accounts.demo import DEMO_USERS, create_demo_users
from wijkkompas.web.apps.accounts.models import Organisation
from wijkkompas.web.apps.plans import services
from wijkkompas.web.apps.plans.checks import Monitor
from wijkkompas.web.apps.plans.models import Agreement, Goal, Intervention, Plan, TimelineEntry
from wijkkompas.web.apps.plans.selectors.monitor import open_monitor, store_has_gemeente

log = logging.getLogger(__name__)

DEMO_GEMEENTE = "GM9999"
DEMO_KEY = "demo-voorbeeldstad"
START, END = 2021, 2030
TOWN = GEMEENTE_NAME.split(" (")[0]


def vulnerable_wijk(monitor: Monitor) -> str:
    """The wijk holding most buurten the demo's story makes cumulate problems; failing that,
    the wijk with the highest share of low-income households in the newest year."""
    assert monitor.areas is not None and monitor.source is not None
    regions = monitor.areas.regions
    reader = monitor.source._reader  # type: ignore[attr-defined]
    for raw in reversed(list(reader.imports()["provenance"])):
        narrative = json.loads(raw).get("narrative") or {}
        if narrative.get("cumulating"):
            wijk_of = dict(zip(regions["code"], regions["wijk_code"], strict=True))
            counts = Counter(wijk_of.get(code) for code in narrative["cumulating"])
            return str(counts.most_common(1)[0][0])
    wijken = regions[(regions["level"] == "wijk") & (regions["gemeente_code"] == DEMO_GEMEENTE)]
    scores = {}
    for code in sorted(set(wijken["code"])):
        series = monitor.source.series(
            GoalMeasure("indicator", "low_income_households"), PlanArea.of([code])
        )
        scores[code] = series[max(series)] if series else -1.0
    return max(scores, key=lambda c: scores[c])


def _organisations(wijk_name: str) -> dict[str, Organisation]:
    names = {
        "gemeente": f"Gemeente {TOWN}",
        "woningcorporatie": "Woonstichting Thuis (fictief)",
        "welzijn": f"Welzijn {TOWN}",
        "politie": f"Politie basisteam {TOWN}",
        "bewonersorganisatie": f"Bewonersorganisatie {wijk_name}",
        "onderwijs": "Brede school De Kompas (fictief)",
        "ggz": f"GGZ {TOWN}",
    }
    return {
        kind: accounts.create_organisation(name=name, kind=kind) for kind, name in names.items()
    }


VISION = (
    "Over tien jaar is {wijk} een wijk waar kinderen met kansen opgroeien, waar mensen werk of "
    "een zinvolle dag hebben en waar buren elkaar kennen. De woningen zijn op orde en de straat "
    "is van de bewoners, niet van criminelen. We doen dit samen: gemeente, corporatie, welzijn, "
    "zorg, politie, school en bewoners, met geduld en met geld dat tien jaar blijft."
)
RESIDENTS = (
    '"Dat mijn kinderen hier veilig naar school kunnen lopen."\n'
    '"Een plek in de buurt waar je binnen kunt lopen met je vragen."\n'
    '"Dat de portiekflats eindelijk worden opgeknapt, en dat wij meepraten over hoe."'
)


def _goals(user: Any, plan: Plan, monitor: Monitor) -> list[Goal]:
    specs = [
        ("low_income_households", -4.0, "Minder huishoudens met een laag inkomen"),
        ("labour_participation", 4.0, "Meer mensen aan het werk"),
        ("low_education_share", -4.0, "Minder inwoners met een laag onderwijsniveau"),
        ("registered_crime_per_1000", -15.0, "Minder misdrijven in de wijk"),
    ]
    goals = []
    area = PlanArea.of(plan.area_codes)
    assert monitor.source is not None
    for indicator, delta, title in specs:
        series = monitor.source.series(GoalMeasure("indicator", indicator), area)
        base = series[max(y for y in series if y < START)]
        goals.append(
            services.add_goal(
                user=user, plan=plan, monitor=monitor, kind=Goal.Kind.INDICATOR, title=title,
                indicator_id=indicator, target_year=END, target_value=round(base + delta, 1),
            )
        )  # fmt: skip
    cohesion = _cohesion_score_goal(user, plan, monitor)
    if cohesion is not None:
        goals.append(cohesion)
    goals.append(
        services.add_goal(
            user=user, plan=plan, monitor=monitor, kind=Goal.Kind.QUALITATIVE,
            title="Buren kennen en helpen elkaar", social_quality="social_cohesion",
            target_year=END,
            resident_measure=(
                "Het bewonerspanel geeft elk najaar een rapportcijfer voor 'ik ken mijn buren en "
                "kan op ze rekenen'. Doel: van een 5,5 naar een 7."
            ),
        )
    )  # fmt: skip
    return goals


COHESION_GAIN = 0.3
"""Target rise of the wijk's social-cohesion score over the plan: a modest step on the index
scale, since cohesion moves slowly and ten years is one generation of neighbours."""


def _cohesion_score_goal(user: Any, plan: Plan, monitor: Monitor) -> Goal | None:
    """A goal on the social-cohesion score itself, its baseline from the demo's saved index
    run; skipped (not faked) when the store has no run, e.g. a demo built without the index."""
    if monitor.index is None or monitor.index.newest is None:
        log.warning("demo plan: no saved index run, so no goal on the social-cohesion score")
        return None
    source = monitor.index.source()
    series = source.series(
        GoalMeasure("social_quality", "social_cohesion"), PlanArea.of(plan.area_codes)
    )
    earlier = [y for y in series if y < START]
    if not earlier:
        return None
    base = series[max(earlier)]
    return services.add_goal(
        user=user, plan=plan, monitor=monitor, kind=Goal.Kind.SOCIAL_QUALITY,
        title="Meer samenhang in de wijk: buren doen mee en voelen zich thuis",
        social_quality="social_cohesion", index_run=source.run_id, target_year=END,
        target_value=round(base + COHESION_GAIN, 2),
    )  # fmt: skip


def _agreements(user: Any, plan: Plan, orgs: dict[str, Organisation]) -> None:
    rows = [
        ("woningcorporatie", Agreement.Kind.HOUSING, "240 portiekwoningen renoveren en verduurzamen, met bewoners in de klankbordgroep.", Decimal(48), "gemeente", "De gemeente richt de openbare ruimte rond de flats opnieuw in en versnelt de vergunningen.", 2022, 2026),
        ("welzijn", Agreement.Kind.PEOPLE, "Drie opbouwwerkers en een huiskamer die vijf dagen per week open is.", Decimal(3), "gemeente", "De gemeente subsidieert dit tien jaar lang, zonder jaarlijkse aanbesteding.", 2021, 2030),
        ("gemeente", Agreement.Kind.MONEY, "Een wijkbudget voor bewonersinitiatieven.", Decimal(50000), "bewonersorganisatie", "De bewonersorganisatie organiseert het bewonerspanel en legt elk jaar verantwoording af.", 2021, 2030),
        ("politie", Agreement.Kind.SERVICES, "Een vaste wijkagent met twee dagdelen per week spreekuur in de huiskamer.", None, "gemeente", "De gemeente en de corporatie delen signalen van ondermijning binnen een week.", 2021, 2030),
    ]  # fmt: skip
    statuses = {2021: "nagekomen", 2022: "nagekomen", 2023: "deels", 2024: "bezig"}
    for giver, kind, commitment, quantity, receiver, in_return, first, last in rows:
        agreement = services.add_agreement(
            user=user, plan=plan, giver=orgs[giver], kind=kind, commitment=commitment,
            quantity=quantity, receiver=orgs[receiver], in_return=in_return,
            start_year=first, end_year=last,
        )  # fmt: skip
        for year, status in statuses.items():
            if year in agreement.years:
                services.record_agreement_status(
                    user=user, agreement=agreement, year=year, status=status
                )


def _interventions(user: Any, plan: Plan, orgs: dict[str, Organisation], goals: list[Goal]) -> None:
    by_indicator = {g.indicator_id: g for g in goals}
    cohesion = [g for g in goals if g.social_quality == "social_cohesion"]
    rows = [
        ("Huiskamer van de wijk", Intervention.Pillar.SOCIAL_BASE, "welzijn", ["gemeente", "ggz"], "Een open huiskamer waar bewoners terechtkunnen met vragen over geld, zorg en opvoeding, en waar activiteiten ontstaan.", cohesion, 120000, date(2021, 3, 1), False),
        ("Werk en schulden aan de keukentafel", Intervention.Pillar.SOCIAL_MOBILITY, "gemeente", ["welzijn"], "Werkcoaches en schuldhulp komen thuis, vroeg, voordat schulden oplopen.", [by_indicator["low_income_households"], by_indicator["labour_participation"]], 180000, date(2021, 9, 1), False),
        ("Brede school: verlengde schooldag", Intervention.Pillar.SOCIAL_MOBILITY, "onderwijs", ["welzijn"], "Huiswerkbegeleiding, sport en cultuur na schooltijd; ouders leren Nederlands op school.", [by_indicator["low_education_share"]], 90000, date(2022, 1, 10), False),
        ("Samen tegen ondermijning", Intervention.Pillar.SOCIAL_RECLAIM, "politie", ["gemeente", "woningcorporatie"], "Signalen van drugshandel en woonfraude worden gedeeld en opgevolgd; panden worden teruggewonnen voor bewoners.", [by_indicator["registered_crime_per_1000"]], 60000, date(2021, 6, 1), False),
        ("Renovatie portiekflats", Intervention.Pillar.PHYSICAL, "woningcorporatie", ["gemeente"], "240 woningen worden gerenoveerd en verduurzaamd; de binnenterreinen worden groen en veilig.", cohesion, 2400000, date(2022, 4, 1), False),
        ("Moestuin achter de flats", Intervention.Pillar.SOCIAL_BASE, "bewonersorganisatie", [], "Bewoners beginnen een moestuin op een braakliggend stuk grond; de corporatie zorgt voor water en een hek.", cohesion, 4000, date(2022, 5, 15), True),
    ]  # fmt: skip
    timeline = [
        (0, "gepland"), (1, "gestart"), (2, "loopt"), (3, "vertraagd"), (4, "loopt"),
    ]  # fmt: skip
    for n, (
        title,
        pillar,
        lead,
        others,
        description,
        linked,
        yearly,
        start,
        initiative,
    ) in enumerate(rows):
        first = max(start.year, START)
        budget = [(orgs[lead], year, Decimal(yearly)) for year in range(first, END + 1)]
        if initiative:
            budget = [(orgs[lead], year, Decimal(yearly)) for year in range(first, 2025)]
        intervention = services.add_intervention(
            user=user, plan=plan, title=title, description=description, pillar=pillar,
            lead=orgs[lead], partners=[orgs[o] for o in others], goals=linked,
            area_codes=[], start_date=start, end_date=None if not initiative else date(2024, 10, 31),
            resident_initiative=initiative, budget=budget,
        )  # fmt: skip
        for year in range(first, 2025):
            share = Decimal("0.92") if year < 2024 else Decimal("0.55")
            services.record_spending(
                user=user, intervention=intervention, organisation=orgs[lead], year=year,
                amount=(Decimal(yearly) * share).quantize(Decimal(1)),
            )  # fmt: skip
        for offset, status in timeline[: 3 + n % 3]:
            when = date(start.year + offset, start.month, min(start.day, 28))
            if when.year > 2024:
                break
            note = "" if offset else "Afgesproken met de partners en de bewonersorganisatie."
            services.add_timeline_entry(
                user=user, intervention=intervention, date=when, status=status, note=note
            )
        if initiative:
            services.add_timeline_entry(
                user=user, intervention=intervention, date=date(2024, 10, 31),
                status=TimelineEntry.Status.DONE, note="Drie seizoenen geoogst; de bewoners gaan zelfstandig verder.",
            )  # fmt: skip


CORRECTED_TITLES = {
    "Meer jongeren en volwassenen met een diploma": "Minder inwoners met een laag onderwijsniveau",
}
"""Goal titles of earlier demo plans that said the opposite of their figure (issue 16: the
low-education share goes *down*); an existing demo plan is corrected, in its history."""


def _correct_titles(plan: Plan) -> None:
    goals = list(plan.goals.filter(title__in=CORRECTED_TITLES))
    if not goals:
        return
    coordinator = next(d.username for d in DEMO_USERS if d.role == "coordinator")
    user = get_user_model().objects.filter(username=coordinator).first()
    if user is None:
        return
    for goal in goals:
        services.update_goal(user=user, goal=goal, title=CORRECTED_TITLES[goal.title])


@transaction.atomic
def create_demo_plan() -> Plan | None:
    """The demo plan (and demo accounts); idempotent. None when the store has no demo."""
    existing = Plan.objects.filter(demo_key=DEMO_KEY).first()
    if existing is not None:
        _correct_titles(existing)
        return existing
    with open_monitor() as monitor:
        if monitor.areas is None or monitor.source is None:
            return None
        wijk = vulnerable_wijk(monitor)
        wijk_name = monitor.areas.name(wijk)
        orgs = _organisations(wijk_name)
        people = {p.user.username: p.user for p in create_demo_users(wijk, orgs)}
        if settings.WIJKKOMPAS_ENV == "production":
            for user in people.values():
                user.set_unusable_password()
                user.save(update_fields=["password"])
        coordinator = people[next(d.username for d in DEMO_USERS if d.role == "coordinator")]
        plan = services.create_plan(
            user=coordinator, monitor=monitor,
            title=f"Wijkaanpak {wijk_name} {START}–{END}", area_codes=[wijk],
            start_year=START, end_year=END, vision=VISION.format(wijk=wijk_name),
            residents_goals=RESIDENTS,
        )  # fmt: skip
        Plan.objects.filter(pk=plan.pk).update(demo_key=DEMO_KEY)
        contributions = {
            "gemeente": "Regie, geld voor tien jaar, openbare ruimte.",
            "woningcorporatie": "Renovatie, wijkbeheer, signalen achter de voordeur.",
            "welzijn": "Opbouwwerk en de huiskamer van de wijk.",
            "politie": "Een vaste wijkagent en aanpak van ondermijning.",
            "bewonersorganisatie": "Het bewonerspanel en de stem van de wijk.",
            "onderwijs": "De verlengde schooldag en ouders op school.",
            "ggz": "Spreekuur in de huiskamer; snelle hulp bij verward gedrag.",
        }
        for kind, org in orgs.items():
            services.add_partner(
                user=coordinator, plan=plan, organisation=org, contribution=contributions[kind]
            )
        _agreements(coordinator, plan, orgs)
        goals = _goals(coordinator, plan, monitor)
        _interventions(coordinator, plan, orgs, goals)
    log.info("demo plan %s created for %s", plan.pk, wijk)
    return Plan.objects.get(pk=plan.pk)


def prepare_demo(store: Path | None = None) -> Plan | None:
    """For ``wijkkompas.web.serve.prepare``: the demo plan, only on a store with the demo."""
    if not store_has_gemeente(DEMO_GEMEENTE, store):
        return None
    return create_demo_plan()
