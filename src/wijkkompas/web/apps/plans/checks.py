"""Checks that need the plan or the monitor, for :mod:`.services` (generic ones: validation)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from wijkkompas.catalogue import Catalogue, UnknownIndicator
from wijkkompas.plans.areas import AreaIndex, PlanArea
from wijkkompas.plans.progress import GoalMeasure, MeasureNotAvailable, ProgressSource
from wijkkompas.web.apps.accounts.models import Organisation
from wijkkompas.web.apps.accounts.permissions import acting_organisations
from wijkkompas.web.apps.plans import validation as v
from wijkkompas.web.apps.plans.models import Goal, Plan
from wijkkompas.web.apps.plans.validation import Problems


@dataclass(frozen=True)
class Monitor:
    """What the services need from the monitor: its regions, figures and catalogue."""

    areas: AreaIndex | None
    source: ProgressSource | None
    catalogue: Catalogue


def check_plan(problems: Problems, values: dict[str, Any], monitor: Monitor) -> str | None:
    """Check a plan's fields; return the gemeente its area lies in."""
    v.check_text(problems, "title", values["title"], _("Geef de aanpak een naam."))
    v.check_text(
        problems,
        "vision",
        values["vision"],
        _("Schrijf in gewone woorden wat u samen wilt bereiken."),
    )
    v.check_years(problems, values["start_year"], values["end_year"], "start_year", "end_year")
    return v.check_area(problems, "area_codes", values["area_codes"], monitor.areas)


def check_acting(problems: Problems, user: Any, action: str, field: str, org: Organisation) -> None:
    """A partner acts for its own organisation only; coordinators for any partner."""
    allowed = acting_organisations(user, action)
    if allowed is not None and org.pk not in allowed:
        problems.add(field, _("U kunt dit alleen namens uw eigen organisatie doen."))


def check_partners(problems: Problems, plan: Plan, field: str, *orgs: Organisation) -> None:
    partner_ids = set(plan.partners.values_list("organisation_id", flat=True))
    for org in orgs:
        if org.pk not in partner_ids:
            problems.add(
                field,
                _(
                    "%(name)s is geen partner in dit plan. Voeg de organisatie eerst toe als partner."
                )
                % {"name": org},
            )


def check_dates(problems: Problems, start: date | None, end: date | None) -> None:
    if start and end and end < start:
        problems.add(
            "end_date", _("De einddatum ligt vóór de startdatum. Kies een latere einddatum.")
        )


def check_target_year(problems: Problems, target: int, baseline: int | None) -> None:
    if not v.MIN_YEAR <= target <= v.MAX_YEAR:
        problems.add(
            "target_year",
            _("Kies een jaar tussen %(min)s en %(max)s.") % {"min": v.MIN_YEAR, "max": v.MAX_YEAR},
        )
    elif baseline is not None and target <= baseline:
        problems.add(
            "target_year",
            _(
                "Het doeljaar (%(target)s) ligt niet na het basisjaar (%(base)s). Kies een doeljaar na %(base)s."
            )
            % {"target": target, "base": baseline},
        )


def baseline(
    problems: Problems, plan: Plan, measure: GoalMeasure, year: int | None, monitor: Monitor
) -> tuple[int | None, float | None]:
    """The monitor's value for the plan area in ``year`` (default: the last year before the
    plan starts), or a message saying which years do have figures."""
    if monitor.source is None:
        problems.add(
            "indicator_id",
            _(
                "De monitor heeft nog geen gegevens, dus er is geen beginwaarde. Bouw eerst de gegevens."
            ),
        )
        return None, None
    try:
        series = monitor.source.series(measure, PlanArea.of(plan.area_codes))
    except MeasureNotAvailable:
        problems.add(
            "kind",
            _(
                "Voor een doel op een dimensie of conditie is een indexrun nodig; die is er nog niet. Kies een indicator met die conditie."
            ),
        )
        return None, None
    if year is None:
        earlier = [y for y in series if y < plan.start_year]
        year = max(earlier) if earlier else None
    if year is None or year not in series:
        available = ", ".join(str(y) for y in sorted(series)) or _("geen")
        problems.add(
            "baseline_year",
            _(
                "Er is geen cijfer voor dit gebied in %(year)s. Kies een basisjaar met cijfers (%(years)s)."
            )
            % {"year": year or "–", "years": available},
        )
        return year, None
    return year, series[year]


def check_goal(
    problems: Problems, plan: Plan, values: dict[str, Any], monitor: Monitor
) -> dict[str, Any]:
    """Check a new goal; return its baseline fields (read from the monitor, never typed in)."""
    v.check_text(
        problems, "title", values.get("title", ""), _("Beschrijf het doel in gewone woorden.")
    )
    kind = values["kind"]
    result: dict[str, Any] = {
        "baseline_year": values.get("baseline_year"),
        "baseline_value": None,
        "baseline_source": "",
    }
    if kind == Goal.Kind.INDICATOR:
        ident = values.get("indicator_id") or ""
        try:
            indicator = monitor.catalogue.by_id(ident)
        except UnknownIndicator:
            problems.add(
                "indicator_id",
                _("De monitor kent de indicator '%(id)s' niet. Kies een indicator uit de lijst.")
                % {"id": ident},
            )
        else:
            result["social_quality"] = indicator.social_quality or ""
            result["dimension"] = indicator.dimension or ""
            if not indicator.scored:
                problems.add(
                    "indicator_id",
                    _(
                        "'%(name)s' is een achtergrondcijfer, geen maat voor leefbaarheid. Kies een andere indicator."
                    )
                    % {"name": indicator.name_nl},
                )
            else:
                measure = GoalMeasure("indicator", indicator.id)
                year, value = baseline(problems, plan, measure, result["baseline_year"], monitor)
                result["baseline_year"], result["baseline_value"] = year, value
                result["baseline_source"] = monitor.source.source_id if monitor.source else ""
        if values.get("target_value") is None:
            problems.add("target_value", _("Vul de waarde in die u in het doeljaar wilt bereiken."))
    elif kind in (Goal.Kind.DIMENSION, Goal.Kind.SOCIAL_QUALITY):
        measure = (
            GoalMeasure("dimension", values.get("dimension") or "")
            if kind == Goal.Kind.DIMENSION
            else GoalMeasure("social_quality", values.get("social_quality") or "")
        )
        baseline(problems, plan, measure, result["baseline_year"], monitor)
    else:
        v.check_text(
            problems,
            "resident_measure",
            values.get("resident_measure", ""),
            _("Beschrijf hoe bewoners beoordelen of het doel gehaald is."),
        )
    check_target_year(problems, values["target_year"], result["baseline_year"])
    return result
