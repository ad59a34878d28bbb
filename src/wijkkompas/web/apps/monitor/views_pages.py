"""Signals, comparison and the accessibility statement."""

from __future__ import annotations

import pandas as pd
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from wijkkompas.errors import InvalidRegionCode
from wijkkompas.monitor import latest_run_scores
from wijkkompas.regions import parse_region_code
from wijkkompas.reports import MEASURES, RegionNotFound, build_profile
from wijkkompas.reports.context import level_label
from wijkkompas.reports.measures import class_label
from wijkkompas.reports.signals import signals
from wijkkompas.web.apps.accounts.permissions import permission
from wijkkompas.web.apps.monitor import data
from wijkkompas.web.apps.monitor.views import _requested_gemeente, _store

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
def signalen(request: HttpRequest) -> HttpResponse:
    """Where a council should look first, for one gemeente."""
    store = _store()
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
    return records


def _bad_compare(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "monitor/vergelijk_fout.html", {"message": message}, status=400)


@permission("monitor.view")
@require_safe
def vergelijk(request: HttpRequest) -> HttpResponse:
    """Two to five regions side by side; anything else is a 400 page that says why."""
    codes = list(dict.fromkeys(c.strip() for c in request.GET.getlist("codes") if c.strip()))
    if not MIN_COMPARE <= len(codes) <= MAX_COMPARE:
        return _bad_compare(request, _("Kies twee tot vijf regio's om te vergelijken."))
    store = _store()
    profiles = []
    for code in codes:
        try:
            parse_region_code(code)
            profiles.append(build_profile(store, code))
        except (RegionNotFound, InvalidRegionCode):
            return _bad_compare(request, _("Onbekende regiocode: %(code)s") % {"code": code})
    indicator_rows = []
    for indicator_id in KEY_INDICATORS:
        cells: list[dict[object, object] | None] = []
        name = indicator_id
        for profile in profiles:
            latest = profile.latest_observations
            match = latest[latest["indicator_id"] == indicator_id]
            if len(match):
                name = str(match["name"].iloc[0])
                cells.append(match.iloc[0].to_dict())
            else:
                cells.append(None)
        if any(cells):
            indicator_rows.append((name, cells))
    measure_rows = [
        (m, [next(s for s in p.measures if s.measure.key == m.key) for p in profiles])
        for m in MEASURES
    ]
    return render(
        request,
        "monitor/vergelijk.html",
        {
            "profiles": [(p, level_label(p.level)) for p in profiles],
            "measure_rows": measure_rows,
            "indicator_rows": indicator_rows,
            "is_demo": all(p.is_demo for p in profiles),
        },
    )


@permission("site.view")
@require_safe
def toegankelijkheid(request: HttpRequest) -> HttpResponse:
    """The accessibility statement: what we test, what we know falls short."""
    return render(request, "monitor/toegankelijkheid.html")
