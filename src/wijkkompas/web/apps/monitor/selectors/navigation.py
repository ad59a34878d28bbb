"""Finding the way from one region: the areas it lies in, the buurten in it, its wijkaanpak.

A wijk lists its buurten weakest first (by total), so the buurten that need a look come first;
a buurt without a total comes last, marked unknown with the reason the index gave.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.translation import gettext as _

from wijkkompas.reports.measures import caveats, class_label, unknown_reason
from wijkkompas.services.scoring import latest_run_scores
from wijkkompas.store import AnalyticStore
from wijkkompas.web.apps.monitor.selectors.search import Entry, region_index


@dataclass(frozen=True)
class Area:
    code: str
    name: str


@dataclass(frozen=True)
class BuurtRow:
    code: str
    name: str
    total: float | None
    klass: int | None
    label: str
    why_unknown: str
    """Why there is no total (empty when there is one)."""
    caveats: str = ""
    """What to know before comparing it (few inhabitants, mainly no housing, rural)."""


@dataclass(frozen=True)
class PlanLink:
    id: int
    title: str
    years: str


@dataclass(frozen=True)
class Surroundings:
    wijk: Area | None
    gemeente: Area | None
    buurten: list[BuurtRow]
    plans: list[PlanLink]


def surroundings(store: AnalyticStore, code: str, level: str, year: int) -> Surroundings:
    entries = region_index(store)
    by_code = {e.code: e for e in entries}
    me = by_code.get(code)
    wijk = gemeente = None
    if me is not None and level == "buurt" and me.wijk_code:
        wijk = Area(me.wijk_code, me.wijk_name or me.wijk_code)
    if me is not None and level != "gemeente":
        gemeente = Area(me.gemeente_code, me.gemeente_name)
    buurten = _buurten(
        store, [e for e in entries if e.level == "buurt" and e.wijk_code == code], year
    )
    return Surroundings(
        wijk=wijk,
        gemeente=gemeente,
        buurten=buurten if level == "wijk" else [],
        plans=plans_for(me, code, [b.code for b in buurten] if level == "wijk" else []),
    )


def _buurten(store: AnalyticStore, members: list[Entry], year: int) -> list[BuurtRow]:
    """The buurten of a wijk in ``year``, weakest total first, those without one last."""
    if not members:
        return []
    scores = latest_run_scores(store)
    rows: dict[str, dict[str, object]] = {}
    if scores is not None:
        mine = scores[(scores["year"] == year) & scores["code"].isin([m.code for m in members])]
        rows = {str(r["code"]): {str(k): v for k, v in r.items()} for r in mine.to_dict("records")}
    out = []
    for member in members:
        row = rows.get(member.code)
        total = _number(row.get("total")) if row else None
        klass = _number(row.get("class")) if row else None
        out.append(
            BuurtRow(
                code=member.code,
                name=member.name,
                total=total,
                klass=int(klass) if klass is not None else None,
                label=class_label(klass) if klass is not None else "",
                why_unknown=""
                if total is not None
                else unknown_reason(row.get("reason"))
                if row
                else _("geen score in %(jaar)s") % {"jaar": year},
                caveats=caveats(row) if row else "",
            )
        )
    return sorted(
        out, key=lambda b: (b.total is None, b.total if b.total is not None else 0.0, b.name)
    )


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def plans_for(entry: Entry | None, code: str, buurten: list[str]) -> list[PlanLink]:
    """The wijkaanpakken whose area holds this region, the wijk it lies in, or one of its
    buurten (a wijk's plan may name its buurten one by one)."""
    from wijkkompas.web.apps.plans.models import Plan

    wanted = {code, *buurten}
    if entry is not None and entry.level == "buurt" and entry.wijk_code:
        wanted.add(entry.wijk_code)
    gemeente = entry.gemeente_code if entry is not None else f"GM{code[2:6]}"
    candidates = Plan.objects.filter(gemeente_code=gemeente)
    return [
        PlanLink(p.id, p.title, f"{p.start_year}–{p.end_year}")
        for p in candidates
        if code.startswith("GM") or wanted & set(p.area_codes or [])
    ]
