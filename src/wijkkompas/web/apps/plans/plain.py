"""Goals in plain language, for everyone who reads a plan (issue 16).

A goal is told as what its figure measures, which way it should move and which way is better,
in the measure's own words: a goal on the share of low-educated residents says that share goes
*down*, whatever the coordinator titled it. A score is never shown as a bare number such as
"−1,0": it is a class (1–9, with the index's own labels) and a distance from the national
midpoint ("0,6 onder het landelijk midden").
"""

from __future__ import annotations

import math

from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from wijkkompas.index.classify import CLASS_LABELS_EN, CLASS_LABELS_NL
from wijkkompas.plans import ScoreScale

MIDPOINT_BAND = 0.05
"""A score this close to 0 rounds to 0,0: it is *at* the national midpoint."""


def number(value: float, digits: int = 1) -> str:
    """A figure with the active language's decimal mark, without a "-0,0"."""
    rounded = round(value, digits)
    return number_format(0.0 if rounded == 0 else rounded, digits)


def amount(value: float, unit: str) -> str:
    """A figure and its unit ("34,0 %", "76,7 per 1000 inwoners")."""
    return f"{number(value)} {unit}".strip()


def better(higher_is_better: bool | None) -> str:
    if higher_is_better is None:
        return ""
    return _("Hoger is beter.") if higher_is_better else _("Lager is beter.")


def direction(baseline: float, target: float) -> str:
    return _("omhoog") if target > baseline else _("omlaag")


def class_text(klass: int) -> str:
    """The index's own label of a class: "klasse 3 (onvoldoende)"."""
    english = (get_language() or "nl").startswith("en")
    label = (CLASS_LABELS_EN if english else CLASS_LABELS_NL)[klass]
    return _("klasse %(n)s (%(label)s)") % {"n": klass, "label": label}


def midpoint(value: float, *, after: float | None = None) -> str:
    """Where a score lies from the national midpoint; ``after`` is the figure just named, so a
    second one on the same side reads "0,3 eronder" rather than repeating the midpoint."""
    if abs(value) < MIDPOINT_BAND:
        return _("op het landelijk midden")
    size = number(abs(value))
    same_side = after is not None and abs(after) >= MIDPOINT_BAND and (after < 0) == (value < 0)
    if value < 0:
        if same_side:
            return _("%(n)s eronder") % {"n": size}
        return _("%(n)s onder het landelijk midden") % {"n": size}
    if same_side:
        return _("%(n)s erboven") % {"n": size}
    return _("%(n)s boven het landelijk midden") % {"n": size}


def score(value: float, scale: ScoreScale | None) -> str:
    """One score in words: its class (when the reference has one) and where it lies."""
    place = midpoint(value)
    if scale is None:
        return place
    return _("%(class)s, %(place)s") % {"class": class_text(scale.class_of(value)), "place": place}


def indicator_goal(
    *,
    name: str,
    unit: str,
    baseline_year: int | None,
    baseline: float | None,
    target_year: int,
    target: float,
    higher_is_better: bool | None,
) -> str:
    """ "Aandeel laag opgeleiden omlaag van 34,0 % in 2020 naar 30,0 % in 2030. Lager is beter."
    The measure is named as the catalogue names it, and the direction follows the figures."""
    values = {"name": name, "target": amount(target, unit), "target_year": target_year}
    if baseline is None or baseline_year is None:
        text = _("%(name)s: %(target)s in %(target_year)s.") % values
        return _join(text, better(higher_is_better))
    if _same(baseline, target):
        text = _("%(name)s blijft %(target)s tot en met %(target_year)s.") % values
        return _join(text, better(higher_is_better))
    text = _(
        "%(name)s %(direction)s van %(base)s in %(base_year)s naar %(target)s in %(target_year)s."
    ) % {
        **values,
        "direction": direction(baseline, target),
        "base": amount(baseline, unit),
        "base_year": baseline_year,
    }
    return _join(text, better(higher_is_better), _worse(baseline, target, higher_is_better))


def score_goal(
    *,
    name: str,
    scale: ScoreScale | None,
    baseline_year: int | None,
    baseline: float | None,
    target_year: int,
    target: float,
) -> str:
    """ "Sociale samenhang omhoog van klasse 3 (onvoldoende) in 2020 naar klasse 4 (zwak) in
    2030: van 0,6 onder het landelijk midden naar 0,3 eronder. Hoger is beter." Higher is
    better for every score of the index."""
    values = {"name": name, "target_year": target_year}
    if baseline is None or baseline_year is None:
        text = _("%(name)s: %(target)s in %(target_year)s.") % {
            **values,
            "target": score(target, scale),
        }
        return _join(text, better(True))
    if _same(baseline, target):
        text = _("%(name)s blijft %(target)s tot en met %(target_year)s.") % {
            **values,
            "target": score(target, scale),
        }
        return _join(text, better(True))
    values |= {
        "direction": direction(baseline, target),
        "base_year": baseline_year,
        "base": midpoint(baseline),
        "target": midpoint(target, after=baseline),
    }
    if scale is None:
        text = _(
            "%(name)s %(direction)s van %(base)s in %(base_year)s naar %(target)s in "
            "%(target_year)s."
        )
    elif scale.class_of(baseline) == scale.class_of(target):
        values["class"] = class_text(scale.class_of(baseline))
        text = _(
            "%(name)s %(direction)s binnen %(class)s: van %(base)s in %(base_year)s naar "
            "%(target)s in %(target_year)s."
        )
    else:
        values["from_class"] = class_text(scale.class_of(baseline))
        values["to_class"] = class_text(scale.class_of(target))
        text = _(
            "%(name)s %(direction)s van %(from_class)s in %(base_year)s naar %(to_class)s in "
            "%(target_year)s: van %(base)s naar %(target)s."
        )
    return _join(text % values, better(True), _worse(baseline, target, True))


def _same(baseline: float, target: float) -> bool:
    return math.isclose(baseline, target, rel_tol=0, abs_tol=1e-9)


def _worse(baseline: float, target: float, higher_is_better: bool | None) -> str:
    """Said out loud, so that a goal that accepts decline cannot read as an improvement."""
    if higher_is_better is None or (target > baseline) == higher_is_better:
        return ""
    return _("Let op: dit doel is een verslechtering.")


def _join(*sentences: str) -> str:
    return " ".join(s for s in sentences if s)
