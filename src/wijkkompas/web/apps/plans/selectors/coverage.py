"""The plans (wijkaanpak) that cover an area: what the council report says the plan does about it.

Read from the app database when there is one. The command line renders reports without the
web app, often on a machine where its database was never made: then the report says so plainly
("not known here") instead of failing, or of claiming there is no plan.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from django.db import DatabaseError, connection
from django.utils.translation import gettext as _

from wijkkompas.web.apps.plans.models import Intervention, Plan


@dataclass(frozen=True)
class PillarSummary:
    label: str
    interventions: list[str]


@dataclass(frozen=True)
class PlanSummary:
    pk: int
    title: str
    start_year: int
    end_year: int
    area: list[str]
    """The plan's areas (wijken and buurten): codes, or names once :meth:`PlanCoverage.named`."""
    partial: bool
    """The plan covers only part of the area the report is about."""
    goals: list[str]
    pillars: list[PillarSummary]


@dataclass(frozen=True)
class PlanCoverage:
    available: bool
    """False when there is no app database to ask (the report then says "onbekend")."""
    plans: list[PlanSummary] = field(default_factory=list)

    def named(self, names: dict[str, str]) -> PlanCoverage:
        """The same plans with their areas by name (the store knows the names, not the app)."""
        return replace(
            self,
            plans=[replace(p, area=[names.get(a, a) for a in p.area]) for p in self.plans],
        )

    def key(self) -> str:
        """A short fingerprint: a cached report is made anew when a plan changes."""
        text = json.dumps(asdict(self), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _digits(code: str) -> str:
    return code[2:]


def contains(outer: str, inner: str) -> bool:
    """Whether CBS area ``outer`` is ``inner`` or lies around it (GM gggg ⊃ WK ggggww ⊃ BU
    ggggwwbb: a code's digits start with those of the areas it lies in)."""
    return _digits(inner).startswith(_digits(outer))


def overlaps(a: str, b: str) -> bool:
    return contains(a, b) or contains(b, a)


def database_available() -> bool:
    """An app database exists to ask. A SQLite file that is not there is not made here (the
    driver would create an empty one just by connecting)."""
    settings = connection.settings_dict
    if connection.vendor != "sqlite":
        return True
    name = str(settings.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return True
    return Path(name).is_file()


def plans_covering(code: str) -> PlanCoverage:
    """The plans whose area overlaps ``code``, with their goals and, per pillar, the
    interventions that reach the area; ``available=False`` without an app database."""
    if not database_available():
        return PlanCoverage(available=False)
    try:
        plans = [
            p
            for p in Plan.objects.filter(gemeente_code="GM" + code[2:6]).prefetch_related(
                "goals", "interventions"
            )
            if any(overlaps(a, code) for a in p.area_codes)
        ]
        return PlanCoverage(True, [_summary(p, code) for p in plans])
    except DatabaseError:
        return PlanCoverage(available=False)


def _summary(plan: Plan, code: str) -> PlanSummary:
    reaching = [
        i
        for i in plan.interventions.all()
        if any(overlaps(a, code) for a in (i.area_codes or plan.area_codes))
    ]
    pillars = [
        PillarSummary(
            str(label),
            [
                str(i.title) + (f" ({_('bewonersinitiatief')})" if i.resident_initiative else "")
                for i in reaching
                if i.pillar == value
            ],
        )
        for value, label in Intervention.Pillar.choices
    ]
    return PlanSummary(
        pk=plan.pk,
        title=plan.title,
        start_year=plan.start_year,
        end_year=plan.end_year,
        area=list(plan.area_codes),
        partial=not any(contains(a, code) for a in plan.area_codes),
        goals=[g.title for g in plan.goals.all()],
        pillars=pillars,
    )
