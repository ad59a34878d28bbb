"""Checks that need the plan or the monitor, for :mod:`.services` (generic ones: validation)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from wijkkompas.catalogue import DIMENSIONS, SOCIAL_QUALITY, Catalogue, UnknownIndicator
from wijkkompas.plans.areas import AreaIndex, PlanArea
from wijkkompas.plans.progress import (
    GoalMeasure,
    MeasureNotAvailable,
    ProgressSource,
)
from wijkkompas.services.plan_progress import IndexRuns
from wijkkompas.web.apps.accounts.models import Organisation
from wijkkompas.web.apps.accounts.permissions import acting_organisations
from wijkkompas.web.apps.plans import validation as v
from wijkkompas.web.apps.plans.models import Goal, Plan
from wijkkompas.web.common.errors import Problems


@dataclass(frozen=True)
class Monitor:
    """What the services need from the monitor: its regions, figures, saved runs, catalogue."""

    areas: AreaIndex | None
    source: ProgressSource | None
    catalogue: Catalogue
    index: IndexRuns | None = None
    """Saved index runs (dimension and condition scores); None without a usable store."""


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


def check_target_year(
    problems: Problems, target: int, baseline: int | None, plan: Plan | None = None
) -> None:
    """A target year the plan can answer for: inside its period, after the baseline."""
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
    elif plan is not None and not plan.start_year <= target <= plan.end_year:
        problems.add(
            "target_year",
            _(
                "Het doeljaar (%(target)s) valt buiten de looptijd van het plan "
                "(%(start)s–%(end)s). Kies een jaar in die periode."
            )
            % {"target": target, "start": plan.start_year, "end": plan.end_year},
        )


def baseline(
    problems: Problems,
    plan: Plan,
    measure: GoalMeasure,
    year: int | None,
    source: ProgressSource | None,
    field: str = "indicator_id",
) -> tuple[int | None, float | None]:
    """The monitor's value for the plan area in ``year`` (default: the last year before the
    plan starts), or a message saying which years do have figures."""
    if source is None:
        problems.add(
            field,
            _(
                "De monitor heeft nog geen gegevens, dus er is geen beginwaarde. Bouw eerst de gegevens."
            ),
        )
        return None, None
    try:
        series = source.series(measure, PlanArea.of(plan.area_codes))
    except MeasureNotAvailable:
        problems.add(
            field,
            _(
                "De monitor kan dit niet meten voor het gebied van het plan. Kies een indicator, of een gebied binnen één gemeente."
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
                year, value = baseline(
                    problems, plan, measure, result["baseline_year"], monitor.source
                )
                result["baseline_year"], result["baseline_value"] = year, value
                result["baseline_source"] = monitor.source.source_id if monitor.source else ""
        if values.get("target_value") is None:
            problems.add("target_value", _("Vul de waarde in die u in het doeljaar wilt bereiken."))
    elif kind in (Goal.Kind.DIMENSION, Goal.Kind.SOCIAL_QUALITY):
        result.update(check_score_goal(problems, plan, values, monitor, result["baseline_year"]))
    else:
        v.check_text(
            problems,
            "resident_measure",
            values.get("resident_measure", ""),
            _("Beschrijf hoe bewoners beoordelen of het doel gehaald is."),
        )
    check_target_year(problems, values["target_year"], result["baseline_year"], plan)
    return result


def check_score_goal(
    problems: Problems,
    plan: Plan,
    values: dict[str, Any],
    monitor: Monitor,
    year: int | None,
) -> dict[str, Any]:
    """A goal on a dimension or condition score: its baseline comes from a named index run.

    The run is named (not "whatever is newest when the page is viewed") because each run may
    be scored against another reference: a baseline must stay traceable to the run it came from.
    """
    result: dict[str, Any] = {"baseline_year": year}
    if values["kind"] == Goal.Kind.DIMENSION:
        field, key, allowed = "dimension", values.get("dimension") or "", DIMENSIONS
        measure = GoalMeasure("dimension", key)
    else:
        field, key, allowed = "social_quality", values.get("social_quality") or "", SOCIAL_QUALITY
        measure = GoalMeasure("social_quality", key)
    if key not in allowed:
        problems.add(
            field,
            _("Kies een dimensie uit de lijst.")
            if field == "dimension"
            else _("Kies een conditie van sociale kwaliteit uit de lijst."),
        )
    if values.get("target_value") is None:
        problems.add("target_value", _("Vul de score in die u in het doeljaar wilt bereiken."))
    run_id = values.get("index_run") or None
    runs = monitor.index
    if runs is None or runs.newest is None:
        problems.add(
            "index_run",
            _(
                "Er is nog geen indexrun, dus er is geen beginwaarde voor een dimensie of conditie. Laat een analist eerst `wijkkompas index` draaien, of kies een doel op een indicator."
            ),
        )
        return result
    if run_id is not None and not runs.exists(run_id):
        problems.add(
            "index_run",
            _("De monitor heeft geen indexrun '%(run)s'. Kies een indexrun uit de lijst.")
            % {"run": run_id},
        )
        return result
    if key not in allowed:
        return result
    source = runs.source(run_id)
    result["baseline_year"], result["baseline_value"] = baseline(
        problems, plan, measure, year, source, field="index_run"
    )
    result["baseline_source"] = source.source_id
    return result
