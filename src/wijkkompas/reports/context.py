"""The template context of a profile, shared by the page and the PDF so they show the same."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pandas as pd

from wijkkompas.reports.charts import indicator_svg, trend_svg
from wijkkompas.reports.deferred import date_format, number_format
from wijkkompas.reports.deferred import gettext as _
from wijkkompas.reports.figures import LEEFBAAROMETER_IDS, ROLES, FigureRow
from wijkkompas.reports.measures import PALETTE, caveats, is_set
from wijkkompas.reports.profile import Profile, _catalogue, basket_names, indicator_name


def level_label(level: str) -> str:
    return {"buurt": _("buurt"), "wijk": _("wijk"), "gemeente": _("gemeente")}.get(level, level)


def trend_word(trend: object) -> str:
    return {
        "climbing": _("stijgend"),
        "sliding": _("dalend"),
        "stable": _("stabiel"),
    }.get(str(trend), _("onbekend"))


def role_label(role: str) -> str:
    return {
        "self": _("deze regio"),
        "wijk": _("de wijk"),
        "gemeente": _("de gemeente"),
        "peer": _("vergelijkbaar"),
    }[role]


UNIT_SUFFIX = {"percent": "%", "km": " km"}
"""Unit marks for table cells where the indicator's name does not already say the unit."""


def _decimals(value: float, unit: str) -> int:
    """One decimal for shares, distances and money; otherwise fewer as numbers grow."""
    if unit in ("percent", "km", "euro_x1000", "per_1000"):
        return 1
    size = abs(value)
    return 0 if size >= 100 else 1 if size >= 10 else 2


def figure_text(value: float | None, unit: str, suppressed: bool = False) -> str:
    """A figure as a person reads it: decimal comma in Dutch, unit mark, secret or unknown."""
    if suppressed:
        return _("onbekend of geheim")
    if value is None:
        return "–"
    decimals = _decimals(value, unit)
    text = number_format(round(value, decimals), decimal_pos=decimals, use_l10n=True)
    if unit == "euro_x1000":
        return _("€ %(bedrag)s dzd.") % {"bedrag": text}
    return f"{text}{UNIT_SUFFIX.get(unit, '')}"


def shown_roles(profile: Profile) -> list[str]:
    """The region, the wijk and gemeente it lies in (a gemeente has neither), and the country."""
    return [r for r in ROLES if r in ("self", "land") or r in profile.parent_names]


def figure_columns(profile: Profile) -> list[str]:
    """Column heads of the comparison tables: the region and the areas it is compared with."""
    names = {"self": profile.name, "land": _("Nederland"), **profile.parent_names}
    return [names[r] for r in shown_roles(profile)]


def figure_cells(row: FigureRow, roles: list[str]) -> dict[str, Any]:
    """One comparison row, its values written out for the roles shown."""
    return {
        "row": row,
        "period": period_label(row.period),
        "cells": [
            figure_text(row.values.get(r), row.unit, row.suppressed.get(r, False)) for r in roles
        ],
    }


def profile_context(profile: Profile) -> dict[str, Any]:
    row = profile.row
    change = row.get("change")
    change_se = row.get("change_se")
    has_change = isinstance(change, float) and change == change
    low = high = None
    if isinstance(change, float) and isinstance(change_se, float) and change_se == change_se:
        low, high = change - 1.96 * change_se, change + 1.96 * change_se
    first, last = (profile.trend[0], profile.trend[-1]) if profile.trend else (None, None)
    roles = shown_roles(profile)
    basket, missing_groups = basket_names(pd.Series(row))
    description = (
        _("De totaalscore van %(naam)s van %(van)s tot %(tot)s, met een band van 95%% zekerheid.")
        % {"naam": profile.name, "van": first.year, "tot": last.year}
        if first and last
        else ""
    )
    return {
        "profile": profile,
        "basket": basket,
        "missing_groups": missing_groups,
        "has_model_estimates": any(
            c.model_estimate for m in profile.measures for c in m.contributions
        )
        or any(f.model_estimate for f in profile.figures),
        "is_demo": profile.is_demo,
        "level_label": level_label(profile.level),
        "caveats": caveats(row),
        "non_residential": is_set(row.get("non_residential")),
        "trend_label": trend_word(row.get("trend")),
        "change": change if has_change else None,
        "change_low": low,
        "change_high": high,
        "change_significant": low is not None and (low > 0 or (high or 0) < 0),
        "trend_chart": trend_svg(
            profile.trend, _("Totaalscore per jaar: %(naam)s") % {"naam": profile.name}, description
        ),
        "indicator_trends": indicator_trends(profile),
        "comparisons": [(role_label(c.role), c) for c in profile.comparisons],
        "palette": PALETTE,
        "observations": [
            _with_source_name(
                {str(k): (None if isinstance(v, float) and v != v else v) for k, v in rec.items()}
            )
            for rec in profile.latest_observations.to_dict("records")
        ],
        "run_date": run_date(profile.run_id),
        "figure_columns": figure_columns(profile),
        "figures": [
            figure_cells(f, roles)
            for f in profile.figures
            if f.indicator_id not in LEEFBAAROMETER_IDS
        ],
        "distributions": [
            {
                "mean": figure_cells(d.mean, roles),
                "spread": [figure_cells(s, roles) for s in d.spread],
            }
            for d in profile.distributions
        ],
        "leefbaarometer": profile.leefbaarometer,
        "leefbaarometer_period": period_label(
            profile.leefbaarometer.period if profile.leefbaarometer else None
        ),
        "leefbaarometer_parts": [
            figure_cells(p, roles)
            for p in (profile.leefbaarometer.parts if profile.leefbaarometer else [])
        ],
        "cumulation_count": row.get("cumulation_count"),
        "cumulation_known": _count(row.get("cumulation_known"), default=5),
        "under_pressure": _flag(row.get("structureel_onder_druk")),
        "pressure_known": _flag(
            row.get("structureel_onder_druk_known"),
            default=_count(row.get("cumulation_known"), default=5) >= 3,
        ),
        "averages_hide": _flag(row.get("averages_hide")),
        "averages_known": _flag(row.get("averages_hide_known"), default=True),
    }


def indicator_trends(profile: Profile) -> list[dict[str, Any]]:
    """A small chart per scored indicator with figures of at least two years, in catalogue
    order: how each figure behind the score moved, not only the total."""
    frame = profile.observations
    if frame.empty:
        return []
    frame = frame[frame["value"].notna() & ~frame["suppressed"].fillna(False).astype(bool)]
    year_of = pd.Series([_year(p) for p in frame["period"]], index=frame.index, dtype="Int64")
    frame = frame.assign(year=year_of).dropna(subset=["year"])
    frame = frame.sort_values("region_year").drop_duplicates(["indicator_id", "year"], keep="last")
    charts = []
    for indicator in _catalogue().scored():
        rows = frame[frame["indicator_id"] == indicator.id].sort_values("year")
        if rows["year"].nunique() < 2:
            continue
        years = [int(y) for y in rows["year"]]
        values = [float(v) for v in rows["value"]]
        name = indicator_name(indicator.id)
        series = "; ".join(
            f"{y}: {figure_text(v, indicator.unit)}" for y, v in zip(years, values, strict=True)
        )
        direction = (
            _("hoger is beter")
            if indicator.direction == "higher_is_better"
            else _("hoger is slechter")
        )
        description = _("%(naam)s per jaar (%(richting)s): %(reeks)s.") % {
            "naam": name,
            "richting": direction,
            "reeks": series,
        }
        charts.append(
            {
                "id": indicator.id,
                "name": name,
                "direction": direction,
                "first": f"{years[0]}: {figure_text(values[0], indicator.unit)}",
                "last": f"{years[-1]}: {figure_text(values[-1], indicator.unit)}",
                "chart": indicator_svg(years, values, name, description, f"reeks-{indicator.id}"),
            }
        )
    return charts


def _year(period: object) -> int | None:
    """The year a period is about: ``2022``, ``2024-01-01`` (a date) or ``2020-2022`` (its end)."""
    text = str(period or "")
    if len(text) >= 9 and text[4] == "-" and text[5:9].isdigit():
        return int(text[5:9])
    return int(text[:4]) if text[:4].isdigit() else None


def source_names() -> dict[str, str]:
    """What a reader calls each source (the store keeps the loader's short key)."""
    kwb = _("CBS Kerncijfers wijken en buurten")
    return {
        "kwb": kwb,
        "statline": kwb,
        "kwb-series": kwb,
        "nabijheid": _("CBS Nabijheid voorzieningen"),
        "crime": _("Politie, geregistreerde misdrijven"),
        "ses-woa": _("CBS sociaal-economische status (SES-WOA)"),
        "rivm": _("RIVM Gezondheidsmonitor"),
        "leefbaarometer": _("Leefbaarometer"),
        "survey": _("Bewonersenquête"),
        "demo": _("Fictieve demogegevens"),
    }


def _with_source_name(record: dict[str, Any]) -> dict[str, Any]:
    """The source by name, and its column only where the file had one (not "None")."""
    source = str(record.get("source") or "")
    column = record.get("source_column")
    record["source_name"] = source_names().get(source, source)
    record["period"] = period_label(record.get("period"))
    record["source_column"] = column if column and str(column) not in ("None", "nan") else None
    return record


def period_label(period: object) -> str:
    """A reference period as readers write it: ``1 januari 2024`` for a CBS peildatum
    (``2024-01-01``), the text as it is otherwise (``2022``, ``2020-2022``)."""
    text = "" if period is None else str(period)
    try:
        day = datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        return text
    return date_format(day, "j F Y")


def run_date(run_id: str) -> date | None:
    """The day a run was computed, read from its id (``20261204T180000-a1b2c3``): the public
    sees when the scores were made, not an internal identifier."""
    try:
        return datetime.strptime(run_id[:8], "%Y%m%d").date()
    except ValueError:
        return None


def _flag(value: object, default: bool = False) -> bool:
    """A yes/no from a saved run's row. Missing (a run saved before the field existed) or NaN
    is ``default``; ``bool(nan)`` would be True, so it is never used on such a value."""
    if value is None or (isinstance(value, float) and value != value):
        return default
    return bool(value)


def _count(value: object, default: int) -> int:
    """A whole number from a saved run's row; runs saved before the field existed say nothing,
    so ``default`` stands in for them."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
    return default if number != number else int(number)
