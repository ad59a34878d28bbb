"""Signals, comparison and the accessibility statement."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from wijkkompas.errors import InvalidRegionCode
from wijkkompas.regions import parse_region_code
from wijkkompas.reports import MEASURES, RegionNotFound, build_profile
from wijkkompas.reports.context import figure_text, level_label, period_label
from wijkkompas.reports.measures import caveats, class_label
from wijkkompas.reports.signals import signals
from wijkkompas.services.scoring import latest_run_scores
from wijkkompas.web.apps.accounts.permissions import permission
from wijkkompas.web.apps.monitor.selectors import data, search
from wijkkompas.web.apps.monitor.selectors.method import current_catalogue as _catalogue
from wijkkompas.web.apps.monitor.views.maps import _requested_gemeente
from wijkkompas.web.common.store import site_store

MIN_COMPARE, MAX_COMPARE = 2, 5
KEY_INDICATORS = (
    "population",
    "income_per_inhabitant",
    "low_income_households",
    "labour_participation",
    "woz_value",
    "vacant_dwellings",
    "registered_crime_per_1000",
    "distance_gp",
    "youth_care_share",
)


@permission("monitor.view")
@require_safe
def signals_page(request: HttpRequest) -> HttpResponse:
    """Where a council should look first, for one gemeente."""
    store = site_store()
    with store.reader() as reader:
        available = data.gemeenten(reader)
    code = _requested_gemeente(request) or (available[0].code if available else "GM9999")
    result = signals(latest_run_scores(store), code)
    chosen = next((g for g in available if g.code == code), None)
    return render(
        request,
        "monitor/signalen.html",
        {
            "signals": result,
            "gemeente": chosen,
            "gemeenten": available,
            "is_demo": code == data.DEMO_GEMEENTE_CODE,
            "under_pressure": _records(result.under_pressure),
            "sliding": _records(result.sliding),
            "hiding": _records(result.averages_hide),
        },
    )


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Rows for a template, with the class named in the reader's language (the engine's
    ``class_label`` is the Dutch name that goes into files)."""
    records = [
        {str(k): (None if isinstance(v, float) and v != v else v) for k, v in rec.items()}
        for rec in frame.to_dict("records")
    ]
    for rec in records:
        if "class" in rec:
            rec["class_label"] = class_label(rec["class"])
        rec["caveats"] = caveats(rec)
    return records


@dataclass(frozen=True)
class PickerGroup:
    """One fieldset of the picker: a wijk (or the gemeente itself) and the regions in it."""

    legend: str
    regions: list[search.Entry]


def _picker(
    request: HttpRequest, chosen: list[str], message: str | None = None, status: int = 200
) -> HttpResponse:
    """Choose two to five regions of one gemeente: a plain GET form of checkboxes."""
    store = site_store()
    with store.reader() as reader:
        available = data.gemeenten(reader)
    entries = search.region_index(store)
    by_code = {e.code: e for e in entries}
    requested = _requested_gemeente(request)
    first = next((by_code[c] for c in chosen if c in by_code), None)
    code = requested or (first.gemeente_code if first else None)
    code = code or (available[0].code if available else data.DEMO_GEMEENTE_CODE)
    mine = [e for e in entries if e.gemeente_code == code]
    groups = [PickerGroup(_("Gemeente"), [e for e in mine if e.level == "gemeente"])]
    for wijk in sorted((e for e in mine if e.level == "wijk"), key=lambda e: e.code):
        buurten = sorted(
            (e for e in mine if e.level == "buurt" and e.wijk_code == wijk.code),
            key=lambda e: e.name,
        )
        groups.append(PickerGroup(wijk.name, [wijk, *buurten]))
    loose = [e for e in mine if e.level == "buurt" and not e.wijk_code]
    if loose:
        groups.append(PickerGroup(_("Buurten zonder wijk"), loose))
    gemeente = next((g for g in available if g.code == code), None)
    return render(
        request,
        "monitor/vergelijk_kies.html",
        {
            "message": message,
            "chosen": set(chosen),
            "chosen_elsewhere": [
                by_code[c] for c in chosen if c in by_code and c not in {e.code for e in mine}
            ],
            "groups": [g for g in groups if g.regions],
            "gemeente": gemeente,
            "gemeenten": available,
            "is_demo": code == data.DEMO_GEMEENTE_CODE,
            "minimum": MIN_COMPARE,
            "maximum": MAX_COMPARE,
        },
        status=status,
    )


def _codes(request: HttpRequest, name: str) -> list[str]:
    return list(dict.fromkeys(c.strip() for c in request.GET.getlist(name) if c.strip()))


def unit_label(unit: str) -> str:
    """What the figures of an indicator are counted in, for a column of its own."""
    return {
        "percent": _("procent"),
        "count": _("aantal"),
        "per_1000": _("per 1000"),
        "euro_x1000": _("× € 1000"),
        "euro": _("euro"),
        "km": _("kilometer"),
        "number": _("getal"),
        "per_km2": _("per km²"),
        "ha": _("hectare"),
    }.get(unit, unit)


@permission("monitor.view")
@require_safe
def compare_page(request: HttpRequest) -> HttpResponse:
    """Two to five regions side by side. Without a choice yet (or with ``met``: the regions to
    start from) it is the picker; a choice of one, more than five or an unknown code is the
    picker again with a 400 that says why."""
    codes = _codes(request, "codes")
    if not codes:
        return _picker(request, _codes(request, "met"))
    if not MIN_COMPARE <= len(codes) <= MAX_COMPARE:
        message = _("Kies twee tot vijf regio's om te vergelijken.")
        return _picker(request, codes, message, status=400)
    store = site_store()
    profiles = []
    for code in codes:
        try:
            parse_region_code(code)
            profiles.append(build_profile(store, code))
        except (RegionNotFound, InvalidRegionCode):
            known = [c for c in codes if c != code]
            message = _("Onbekende regiocode: %(code)s") % {"code": code}
            return _picker(request, known, message, status=400)
    units = {i.id: i.unit for i in _catalogue().indicators}
    indicator_rows = []
    for indicator_id in KEY_INDICATORS:
        cells: list[str | None] = []
        name = indicator_id
        unit = units.get(indicator_id, "number")
        for profile in profiles:
            latest = profile.latest_observations
            match = latest[latest["indicator_id"] == indicator_id]
            if len(match):
                name = str(match["name"].iloc[0])
                row = match.iloc[0]
                value = row["value"]
                text = figure_text(
                    None if value is None or value != value else float(value),
                    unit,
                    bool(row.get("suppressed", False)),
                )
                period = period_label(row["period"])
                provisional = str(row.get("release")) == "voorlopig"
                cells.append(f"{text} ({period}{', ' + _('voorlopig') if provisional else ''})")
            else:
                cells.append(None)
        if any(cells):
            indicator_rows.append((name, unit_label(unit), cells))
    measure_rows = [
        (m, [next(s for s in p.measures if s.measure.key == m.key) for p in profiles])
        for m in MEASURES
    ]
    return render(
        request,
        "monitor/vergelijk.html",
        {
            "profiles": [(p, level_label(p.level)) for p in profiles],
            "codes": codes,
            "measure_rows": measure_rows,
            "indicator_rows": indicator_rows,
            "is_demo": all(p.is_demo for p in profiles),
        },
    )


@permission("site.view")
@require_safe
def accessibility_page(request: HttpRequest) -> HttpResponse:
    """The accessibility statement: what we test, what we know falls short."""
    return render(request, "monitor/toegankelijkheid.html")
