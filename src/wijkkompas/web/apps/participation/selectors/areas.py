"""The areas residents and organisers choose from: codes, names and levels as the monitor (the
analytic store) has them, and which of them a visitor may act in.

The app database keeps area codes only; every page names them through here, so a buurt is
called the same on every page and as soon as the store knows it.
"""

from __future__ import annotations

from typing import Any

from wijkkompas.regions import within
from wijkkompas.web.apps.participation.models import ResidentCode
from wijkkompas.web.apps.participation.services.initiatives import reaches
from wijkkompas.web.apps.plans.selectors.monitor import open_monitor


def area_options() -> list[tuple[str, str, str]]:
    """(code, name, level) of every area in the monitor; none without a store."""
    with open_monitor() as monitor:
        return monitor.areas.options() if monitor.areas else []


def area_names() -> dict[str, str]:
    """Code → name of every area in the monitor."""
    return {code: name for code, name, _level in area_options()}


def area_choices(user: Any, code: ResidentCode | None) -> list[tuple[str, str]]:
    """Areas the visitor may submit an initiative for: a resident's own buurt, the ones around
    it and within it; staff the areas of their role. Never the ones they would be refused (the
    rule the initiative services check, :func:`~..services.initiatives.reaches`)."""
    options = [
        o
        for o in area_options()
        if o[2] != "gemeente" and reaches(user, code, "initiative.submit", o[0])
    ]
    return [(c, f"{name} ({c})") for c, name, _level in options]


def buurten_within(area_code: str) -> list[tuple[str, str]]:
    """(code, name) of the buurten in ``area_code``: where a survey's respondents can live."""
    return [(c, n) for c, n, level in area_options() if level == "buurt" and within(c, area_code)]
