"""What can be mapped and profiled: the total, the four dimensions, the four conditions.

Only the total has a class in a saved run. Dimensions and conditions get classes here with the
same fixed offsets (in standard deviations) around the mean of their earliest year, so a map of
any measure reads the same way and stays comparable over years, as the total's classes do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from wijkkompas.catalogue.score_groups import SCORE_GROUPS, TOTAL
from wijkkompas.index.classify import CLASS_LABELS_NL, classify, cut_points
from wijkkompas.index.exposure import FLAGS, MIN_RESIDENTS
from wijkkompas.reports.deferred import gettext

if TYPE_CHECKING:
    from django.utils.functional import Promise


@dataclass(frozen=True)
class Measure:
    key: str
    label: str | Promise
    group: str
    """``total``, ``dimension`` or ``condition`` (social quality)."""


MEASURE_KEYS = tuple(g.key for g in (TOTAL, *SCORE_GROUPS))

PALETTE: dict[int, str] = {
    1: "#a50026",
    2: "#d73027",
    3: "#f46d43",
    4: "#fdae61",
    5: "#fee090",
    6: "#abd9e9",
    7: "#74add1",
    8: "#4575b4",
    9: "#313695",
}
"""ColorBrewer RdYlBu without its pale middle: red (worst) to blue (best).

Red–blue stays distinguishable for protan, deutan and tritan vision (ColorBrewer marks RdYlBu
colour-blind safe), unlike the Leefbaarometer's red–green; the classes are also labelled in
text in the legend and the table, so colour is never the only carrier."""


@dataclass(frozen=True)
class _Labels:
    measures: tuple[Measure, ...]
    by_key: dict[str, Measure]
    domain_labels: dict[str, str | Promise]
    class_labels: dict[int, str | Promise]


@cache
def _labels() -> _Labels:
    """The names a reader sees, as Django's lazy translations (each is said in the language
    active where it is shown), made once on first use: ``gettext_lazy`` imports Django, which
    this module does not do when it is imported (:mod:`wijkkompas.reports.deferred`)."""
    from django.utils.translation import gettext_lazy as _

    measures = tuple(Measure(g.key, _(g.label_nl), g.kind) for g in (TOTAL, *SCORE_GROUPS))
    return _Labels(
        measures=measures,
        by_key={m.key: m for m in measures},
        # The five cumulation domains (``index.spec.DOMAINS``), as a reader calls them.
        domain_labels={
            "growing_up_education": _("Opgroeien en onderwijs"),
            "work_poverty_inclusion": _("Werk, armoede en meedoen"),
            "safety_undermining": _("Veiligheid en ondermijning"),
            "housing": _("Wonen"),
            "health": _("Gezondheid"),
        },
        class_labels={
            1: _("zeer onvoldoende"),
            2: _("ruim onvoldoende"),
            3: _("onvoldoende"),
            4: _("zwak"),
            5: _("voldoende"),
            6: _("ruim voldoende"),
            7: _("goed"),
            8: _("zeer goed"),
            9: _("uitstekend"),
        },
    )


_LAZY = {
    "MEASURES": "measures",
    "BY_KEY": "by_key",
    "DOMAIN_LABELS": "domain_labels",
    "CLASS_LABELS": "class_labels",
}

if TYPE_CHECKING:
    MEASURES: tuple[Measure, ...]
    """The total, the four dimensions and the four conditions, in that order."""
    BY_KEY: dict[str, Measure]
    DOMAIN_LABELS: dict[str, str | Promise]
    """The five cumulation domains (``index.spec.DOMAINS``), as a reader calls them."""
    CLASS_LABELS: dict[int, str | Promise]
    """Class 1–9 in words."""


def __getattr__(name: str) -> Any:
    """``MEASURES``, ``BY_KEY``, ``DOMAIN_LABELS`` and ``CLASS_LABELS`` (PEP 562): made on first
    use (:func:`_labels`) and from then on plain attributes of this module."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    labels = _labels()
    globals().update({key: getattr(labels, field) for key, field in _LAZY.items()})
    return globals()[name]


def all_measures() -> tuple[Measure, ...]:
    """:data:`MEASURES`: the total, the four dimensions and the four conditions, in that order."""
    return _labels().measures


def class_labels() -> dict[int, str | Promise]:
    """:data:`CLASS_LABELS`: class 1–9 in words."""
    return _labels().class_labels


def domain_labels() -> dict[str, str | Promise]:
    """:data:`DOMAIN_LABELS`: the five cumulation domains as a reader calls them."""
    return _labels().domain_labels


def class_label(value: object) -> str:
    """The class's name in the active language, or an empty string without a class."""
    number = _as_class(value)
    return "" if number is None else str(class_labels()[number])


def caveats(row: Mapping[Any, object]) -> str:
    """What a reader must know before comparing a region's score with others (few inhabitants,
    mainly something other than housing, rural surroundings; see ``index.exposure``), in
    the active language; empty when nothing needs saying. One wording for every list that
    ranks buurten: the wijk's buurten, the report and the signals."""
    words = {
        "small_population": gettext("minder dan %(aantal)s inwoners") % {"aantal": MIN_RESIDENTS},
        "non_residential": gettext("vooral geen woongebied"),
        "rural": gettext("landelijke omgeving"),
    }
    return ", ".join(str(words[flag]) for flag in FLAGS if is_set(row.get(flag)))


def is_set(value: object) -> bool:
    """A flag from a run's table: bool, numpy bool, "True" from a CSV; NA and NaN are not."""
    if isinstance(value, str):
        return value.strip().lower() == "true"
    try:
        return bool(value) and value == value  # NaN != NaN
    except (TypeError, ValueError):  # pd.NA
        return False


def unknown_reason(engine_reason: object, measure: str = "total") -> str:
    """Why a region has no score, in words a reader can act on: the one translation of the
    engine's reasons (it writes them in English for the run's record, "suppressed: fewer than
    50 inhabitants", …), for the map, the wijk's list of buurten and the report alike."""
    text = "" if engine_reason is None or engine_reason != engine_reason else str(engine_reason)
    if text.startswith("suppressed: fewer than"):
        number = text.removeprefix("suppressed: fewer than").split()[0]
        return str(gettext("minder dan %(aantal)s inwoners: geen score") % {"aantal": number})
    if text.startswith("not scored: the number of inhabitants is unknown"):
        return str(gettext("het aantal inwoners is dat jaar onbekend"))
    if text.startswith("fewer than") and "groups" in text:
        number = text.removeprefix("fewer than").split()[0]
        too_few = gettext("te weinig cijfers: minder dan %(aantal)s groepen met een eigen cijfer")
        hint = gettext(
            "importeer meer bronnen (zoals de KWB met inkomen en de RIVM-gezondheidsmonitor)"
        )
        return f"{too_few % {'aantal': number}}; {hint}"
    if text:
        return text
    if measure != "total":
        return str(
            gettext("geen eigen cijfers voor deze maat in dit jaar; zie de bronnen in het profiel")
        )
    return str(gettext("geen score in dit jaar"))


def _as_class(value: object) -> int | None:
    try:
        number = int(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if number in CLASS_LABELS_NL else None


def with_classes(scores: pd.DataFrame, measure: str) -> pd.Series:
    """Class 1–9 (NaN without a score) of ``measure`` for every row of ``scores``."""
    if measure == "total":
        return scores["class"].astype(float)
    out = pd.Series(np.nan, index=scores.index)
    for _level, rows in scores.groupby("level"):
        first = rows[rows["year"] == rows["year"].min()][measure].astype(float).dropna()
        if len(first) < 2 or not np.isfinite(first.std()) or first.std() == 0:
            continue
        cuts = cut_points(float(first.mean()), float(first.std()))
        values = rows[measure].astype(float).to_numpy()
        out.loc[rows.index] = classify(values, cuts)
    return out
