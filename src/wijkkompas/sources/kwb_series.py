"""KWB time series per region as a dashboard exports them (JSON): the ``kwb-series`` source.

A small dashboard (LocalDashboard, Baarn) saves the KWB figures it shows as one JSON document::

    {"metadata": {"gemeente_code": "GM0308", "jaren": [2016, …],
                  "indicatoren": {"huishoudens_laag_inkomen": {"label": …, "eenheid": "%"}, …}},
     "gemeente": {"naam": "Baarn", "code": "GM0308", "tijdreeksen": {series: {year: value}}},
     "buurten": {"BU03080000": {"naam": "Centrum", "wijkcode": "WK030800",
                                "tijdreeksen": {…}}, …}}

Each series is keyed by the KWB table year it was taken from; ``null`` means CBS did not
publish the figure that year. So a figure gets the table year as its region year and the
reference period of its catalogue indicator (income lags the table year by two years:
:meth:`~wijkkompas.catalogue.Indicator.period_label`).

The documented series map to catalogue indicators, and the metadata's unit decides which one:
an education series in persons is a count, in ``%`` it would be a share. Where the values
contradict the stated unit (a '%' series running into the thousands), the series is kept
unmatched with a note, never stored under a unit it does not have. Unknown series are kept
unmatched too. A document of another shape is refused, saying what was expected.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import numpy as np
import pandas as pd

from wijkkompas.catalogue import Catalogue, Indicator
from wijkkompas.errors import InvalidRegionCode
from wijkkompas.regions import parse_region_code
from wijkkompas.sources.base import LoadOptions, SourceError
from wijkkompas.sources.tabular import (
    ReadFile,
    build_batch,
    implausible_counts,
    observations_frame,
    regions_frame,
    resolve_release,
)
from wijkkompas.sources.textfile import as_source_error
from wijkkompas.store.batch import UNMATCHED_COLUMNS, ImportBatch

SERIES: dict[str, dict[str, str]] = {
    "huishoudens_laag_inkomen": {"percent": "low_income_households"},
    "huishoudens_sociaal_minimum": {"percent": "social_minimum_households"},
    "gem_inkomen_huishoudens": {"euro_x1000": "household_income_standardised"},
    "bijstandsontvangers": {"count": "social_assistance_recipients"},
    "arbeidsparticipatie": {"percent": "labour_participation"},
    "opleiding_laag": {"count": "education_low_persons", "percent": "low_education_share"},
    "opleiding_middelbaar": {"count": "education_mid_persons"},
    "opleiding_hoog": {"count": "education_high_persons"},
    "jongeren_jeugdzorg": {"percent": "youth_care_share"},
    "aantal_inwoners": {"count": "population"},
}
"""Series key → {unit the metadata states → catalogue indicator id}. A unit not listed for a
series leaves it unmatched: the same words in another unit are another figure."""

UNITS: dict[str, str] = {
    "%": "percent",
    "procent": "percent",
    "percentage": "percent",
    "personen": "count",
    "aantal": "count",
    "inwoners": "count",
    "huishoudens": "count",
    "x€1000": "euro_x1000",
    "x1000euro": "euro_x1000",
    "€x1000": "euro_x1000",
    "euro_x1000": "euro_x1000",
}
"""The metadata's ``eenheid`` (lower case, without spaces and dots) → catalogue unit."""
YEAR_KEY = re.compile(r"^(?:19|20)\d{2}$")


def _unit(raw: object) -> str | None:
    text = re.sub(r"[\s.]", "", str(raw or "")).lower()
    return UNITS.get(text)


class KwbSeriesLoader:
    """The ``kwb-series`` source: see the module docstring."""

    key = "kwb-series"
    description = "KWB time series per region exported by a dashboard (JSON with 'tijdreeksen')"

    def sniff(self, name: str, head: bytes) -> bool:
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        return (
            start == b"{"
            and b'"indicatoren"' in head
            and (b'"tijdreeksen"' in head or b'"buurten"' in head)
        )

    def load(
        self, data: bytes, name: str, catalogue: Catalogue, options: LoadOptions
    ) -> ImportBatch:
        with as_source_error(name, "a KWB series export (JSON)"):
            return _load(data, name, catalogue, options)


def _refuse(name: str, what: str) -> SourceError:
    return SourceError(
        f"{name}: not a KWB series export as wijkkompas reads it ({what}). Expected a JSON "
        'object {"metadata": {"indicatoren": {series: {"eenheid": …}}}, "gemeente": {"code": '
        '"GM0308", "tijdreeksen": {series: {year: value}}}, "buurten": {"BU03080000": {"naam": '
        '…, "tijdreeksen": {…}}}}. For a StatLine download use --source statline.'
    )


def _load(data: bytes, name: str, catalogue: Catalogue, options: LoadOptions) -> ImportBatch:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _refuse(name, f"it is not valid JSON: {exc}") from None
    if not isinstance(document, dict):
        raise _refuse(name, "the top level is not an object")
    metadata = document.get("metadata")
    meta = metadata.get("indicatoren") if isinstance(metadata, dict) else None
    if not isinstance(meta, dict) or not all(isinstance(v, dict) for v in meta.values()):
        raise _refuse(name, "no 'metadata' with an 'indicatoren' object")
    regions = _regions(document, name)
    release = resolve_release(name, options)
    known = {i.id: i for i in catalogue.indicators}
    series_keys = sorted({s for _, _, series in regions for s in series})
    decisions = {s: _decide(s, meta.get(s), regions, known) for s in series_keys}

    found_regions: dict[tuple[str, int], str] = {}
    parts: list[pd.DataFrame] = []
    unmatched_rows: list[tuple[str, int, None, str, str | None]] = []
    for code, region_name, series in regions:
        for key, by_year in series.items():
            indicator, _ = decisions[key]
            years = [int(y) for y in by_year]
            values = [_value(v, name, code, key, y) for y, v in by_year.items()]
            for year in years:
                found_regions[(code, year)] = region_name
            if indicator is None:
                unmatched_rows += [
                    (code, year, None, key, _text(v)) for year, v in zip(years, values, strict=True)
                ]
                continue
            parts.append(
                pd.DataFrame(
                    {
                        "region_code": code,
                        "region_year": np.array(years, dtype="int64"),
                        "indicator_id": indicator.id,
                        "period": [indicator.period_label(y) for y in years],
                        "value": np.array(values, dtype="float64"),
                        "suppressed": False,
                        "source_column": key,
                        "release": release,
                    }
                )
            )
    observations = observations_frame(parts)
    years = sorted({y for _, y in found_regions})
    provenance: dict[str, Any] = {
        "layout": "kwb-series JSON (metadata, gemeente, buurten with tijdreeksen)",
        "publisher_note": metadata.get("bron") if isinstance(metadata, dict) else None,
        "generated": metadata.get("gegenereerd_op") if isinstance(metadata, dict) else None,
        "table_years": years,
        "region_year_is": "the KWB table year the series is keyed by",
        "period_is": "table year minus the indicator's reference_lag_years",
        "release": release,
        "matched_series": {k: d[0].id for k, d in decisions.items() if d[0] is not None},
        "unmatched_series": {k: d[1] for k, d in decisions.items() if d[0] is None},
        "null_is": "not published by CBS that year (missing, not suppressed)",
        "implausible_by_indicator": implausible_counts(observations, catalogue),
    }
    return build_batch(
        ReadFile(name, data, {}),
        LOADER.key,
        f"KWB series {years[0] if years else ''}–{years[-1] if years else ''} ({name})",
        regions=regions_frame(found_regions),
        observations=observations,
        unmatched=pd.DataFrame(unmatched_rows, columns=UNMATCHED_COLUMNS),
        provenance=provenance,
    )


def _regions(document: dict[str, Any], name: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(code, name, series) of the gemeente and every buurt, checked for shape and codes."""
    gemeente = document.get("gemeente")
    buurten = document.get("buurten", {})
    if not isinstance(gemeente, dict) or not isinstance(buurten, dict):
        raise _refuse(name, "no 'gemeente' object, or 'buurten' is not an object")
    entries = [(gemeente.get("code"), gemeente), *buurten.items()]
    regions = []
    gemeente_code = None
    for raw_code, entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("tijdreeksen"), dict):
            raise _refuse(name, f"region {raw_code!r} has no 'tijdreeksen' object")
        try:
            code = parse_region_code(str(raw_code))
        except InvalidRegionCode as exc:
            raise SourceError(f"{name}: region {raw_code!r}: {exc}") from None
        if gemeente_code is None:
            if code.level != "gemeente":
                raise _refuse(name, f"the 'gemeente' code {code.code} is not a gemeente code")
            gemeente_code = code.code
        elif code.gemeente_code != gemeente_code or code.level == "gemeente":
            raise SourceError(
                f"{name}: buurt {code.code} does not lie in gemeente {gemeente_code}. One "
                "export holds one gemeente and its buurten; check the file."
            )
        series = entry["tijdreeksen"]
        for key, by_year in series.items():
            if not isinstance(by_year, dict) or not all(YEAR_KEY.match(str(y)) for y in by_year):
                raise _refuse(name, f"series {key!r} of {code.code} is not keyed by years")
        regions.append((code.code, str(entry.get("naam") or code.code).strip(), series))
    return regions


def _value(raw: object, name: str, code: str, key: str, year: str) -> float:
    if raw is None:
        return math.nan
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        raise SourceError(
            f"{name}: {code}, series {key!r}, year {year}: {raw!r} is not a number or null."
        )
    return float(raw)


def _text(value: float) -> str | None:
    """A value as the file wrote it (``360`` for ``360.0``), None for null."""
    if math.isnan(value):
        return None
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _decide(
    key: str,
    meta: object,
    regions: list[tuple[str, str, dict[str, Any]]],
    known: dict[str, Indicator],
) -> tuple[Indicator | None, str]:
    """The indicator a series feeds, or None and why it is kept unmatched."""
    if key not in SERIES:
        return None, "not a series wijkkompas knows"
    if not isinstance(meta, dict):
        return None, "the metadata does not describe it, so its unit is unknown"
    stated = meta.get("eenheid")
    unit = _unit(stated)
    values = [
        float(v)
        for _, _, series in regions
        for v in (series.get(key) or {}).values()
        if isinstance(v, int | float) and not isinstance(v, bool)
    ]
    if unit == "percent" and values and (min(values) < 0 or max(values) > 100):
        return None, (
            f"the metadata gives the unit {stated!r}, but its values run from {min(values):g} "
            f"to {max(values):g}, so they are no percentages: kept unmatched rather than stored "
            "under the wrong unit"
        )
    target = SERIES[key].get(unit or "")
    if target is None:
        return None, f"unit {stated!r} in the metadata is not one this series is known in"
    indicator = known.get(target)
    if indicator is None:
        return None, f"the catalogue has no indicator {target}"
    return indicator, ""


LOADER = KwbSeriesLoader()
