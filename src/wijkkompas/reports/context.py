"""The template context of a profile, shared by the page and the PDF so they show the same."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from wijkkompas.reports.charts import trend_svg
from wijkkompas.reports.measures import PALETTE
from wijkkompas.reports.profile import Profile


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


def profile_context(profile: Profile) -> dict[str, Any]:
    row = profile.row
    change = row.get("change")
    change_se = row.get("change_se")
    has_change = isinstance(change, float) and change == change
    low = high = None
    if isinstance(change, float) and isinstance(change_se, float) and change_se == change_se:
        low, high = change - 1.96 * change_se, change + 1.96 * change_se
    first, last = (profile.trend[0], profile.trend[-1]) if profile.trend else (None, None)
    description = (
        _("De totaalscore van %(naam)s van %(van)s tot %(tot)s, met een band van 95%% zekerheid.")
        % {"naam": profile.name, "van": first.year, "tot": last.year}
        if first and last
        else ""
    )
    return {
        "profile": profile,
        "is_demo": profile.is_demo,
        "level_label": level_label(profile.level),
        "trend_label": trend_word(row.get("trend")),
        "change": change if has_change else None,
        "change_low": low,
        "change_high": high,
        "change_significant": low is not None and (low > 0 or (high or 0) < 0),
        "trend_chart": trend_svg(
            profile.trend, _("Totaalscore per jaar: %(naam)s") % {"naam": profile.name}, description
        ),
        "comparisons": [(role_label(c.role), c) for c in profile.comparisons],
        "palette": PALETTE,
        "observations": [
            {k: (None if isinstance(v, float) and v != v else v) for k, v in rec.items()}
            for rec in profile.latest_observations.to_dict("records")
        ],
        "cumulation_count": row.get("cumulation_count"),
        "under_pressure": bool(row.get("structureel_onder_druk")),
        "averages_hide": bool(row.get("averages_hide")),
    }
