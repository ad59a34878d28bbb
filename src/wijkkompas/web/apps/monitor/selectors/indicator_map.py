"""Maps of a single catalogue indicator: the raw figures, in nine classes of equal size.

A score has fixed classes (standard deviations around a reference mean), but a raw figure has
no reference: the nine classes here are ninths of the regions shown (quantiles), so every
class holds about as many regions and the legend states each class's value range. Colour says
good or bad only where the catalogue does: ``higher_is_better`` and ``higher_is_worse``
indicators use the scores' red-to-blue palette oriented worst-to-best; ``context`` indicators
(population, density, …) have no good end, so they use a sequential single-hue palette
(ColorBrewer Blues, colour-blind safe) running from low to high.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from wijkkompas.catalogue.schema import Indicator
from wijkkompas.reports.measures import PALETTE, Measure
from wijkkompas.web.apps.monitor.selectors.choropleth import (
    BadChoice,
    LegendEntry,
    MapChoice,
    MapRow,
)

CLASSES = 9
SEQUENTIAL: dict[int, str] = {
    1: "#f7fbff",
    2: "#deebf7",
    3: "#c6dbef",
    4: "#9ecae1",
    5: "#6baed6",
    6: "#4292c6",
    7: "#2171b5",
    8: "#08519c",
    9: "#08306b",
}
"""ColorBrewer Blues 9: one hue, lightness carries the order, so it reads for every colour
vision; the lightest classes get a dark outline on the map and a border in the legend."""


def label(indicator: Indicator) -> str:
    """The indicator's name in the active language."""
    english = (get_language() or "nl").startswith("en")
    return indicator.name_en if english else indicator.name_nl


def _latest_per_region(observations: pd.DataFrame, level: str) -> pd.DataFrame:
    """One figure per region and boundary year: the newest period that has a value."""
    rows = observations[(observations["level"] == level) & observations["value"].notna()]
    return rows.sort_values(["region_code", "region_year", "period"]).drop_duplicates(
        ["region_code", "region_year"], keep="last"
    )


def _fmt(value: float) -> str:
    return str(number_format(round(value, 2), decimal_pos=None, use_l10n=True))


def choose_indicator(
    observations: pd.DataFrame,
    names: dict[str, str],
    indicator: Indicator,
    level: str,
    year: str,
) -> MapChoice | None:
    """The indicator's figures of one level and year in nine classes; None without figures.

    ``observations`` are the indicator's figures for one gemeente (``StoreReader.observations``);
    ``names`` maps region codes to names. A year without figures is a :class:`BadChoice`.
    """
    figures = _latest_per_region(observations, level)
    years = sorted(int(y) for y in figures["region_year"].unique())
    if not years:
        return None
    if year:
        if not year.isdigit() or int(year) not in years:
            raise BadChoice(f"no figures for year {year!r}")
        chosen = int(year)
    else:
        chosen = years[-1]
    shown = figures[figures["region_year"] == chosen]
    values = shown["value"].astype(float).to_numpy()
    klass = _quantile_classes(values)
    worse_high = indicator.direction == "higher_is_worse"
    sequential = indicator.direction == "context"
    palette = SEQUENTIAL if sequential else PALETTE
    if worse_high:
        klass = CLASSES + 1 - klass
    rows = [
        MapRow(
            code=str(code),
            name=names.get(str(code), str(code)),
            score=float(value),
            klass=int(k),
            label=_fmt(float(value)),
            colour=palette[int(k)],
        )
        for code, value, k in zip(shown["region_code"], values, klass, strict=True)
    ]
    rows.sort(key=lambda r: r.name)
    measure = Measure(indicator.id, label(indicator), "indicator")
    return MapChoice(
        measure=measure,
        level=level,
        year=chosen,
        years=years,
        rows=rows,
        legend=_legend(values, klass, palette),
        palette=palette,
        swatch="wk-reeks-" if sequential else "wk-klasse-",
        explanation=_explanation(indicator),
    )


def _quantile_classes(values: np.ndarray) -> np.ndarray:
    """Class 1-9 by rank: ties share a class, and fewer than nine regions skip classes evenly."""
    if len(values) == 0:
        return np.array([], dtype=int)
    ranks = pd.Series(values).rank(method="min").to_numpy() - 1
    return np.minimum(CLASSES, 1 + np.floor(ranks * CLASSES / len(values))).astype(int)


def _legend(values: np.ndarray, klass: np.ndarray, palette: dict[int, str]) -> list[LegendEntry]:
    """Each class with the range of the figures in it; classes nobody falls in are left out."""
    entries = []
    for k in range(1, CLASSES + 1):
        members = values[klass == k]
        if len(members) == 0:
            continue
        low, high = float(members.min()), float(members.max())
        label = _fmt(low) if math.isclose(low, high) else f"{_fmt(low)} – {_fmt(high)}"
        entries.append(LegendEntry(k, palette[k], label))
    return entries


def _explanation(indicator: Indicator) -> str:
    if indicator.direction == "context":
        return _(
            "Negen klassen van ongeveer even veel gebieden, van de laagste (1) tot de hoogste "
            "waarden (9). Deze indicator is context: hoog is niet beter of slechter."
        )
    if indicator.direction == "higher_is_worse":
        return _(
            "Negen klassen van ongeveer even veel gebieden. Hier is een hoge waarde ongunstig: "
            "klasse 1 (rood) heeft de hoogste waarden, klasse 9 (blauw) de laagste."
        )
    return _(
        "Negen klassen van ongeveer even veel gebieden. Hier is een hoge waarde gunstig: "
        "klasse 1 (rood) heeft de laagste waarden, klasse 9 (blauw) de hoogste."
    )
