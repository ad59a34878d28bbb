"""Survey and participation results: the CSV that ``wijkkompas.survey`` writes.

Felt livability reaches the analytic store the way every other figure does: as a file that
``wijkkompas import`` reads (ARCHITECTURE.md: no side door). The format is documented at
:data:`wijkkompas.survey.estimates.RESULTS_COLUMNS`; it is recognised by its header. The loader
trusts nothing: every row must name a known region code, a catalogue indicator tagged
``survey`` or ``participation`` and a year, and a published figure from fewer than 10 people is
refused outright (the privacy floor is checked again here, not only where the file was made).
Suppressed figures are stored as suppressed observations without a value; margins of error
go to the store's ``observation_margins``. Regions must already be in the store (import the KWB
first): a survey cannot invent a buurt.
"""

from __future__ import annotations

import csv
import io
import math

import pandas as pd

from wijkkompas.catalogue import Catalogue
from wijkkompas.errors import InvalidRegionCode
from wijkkompas.regions import parse_region_code
from wijkkompas.sources import reading
from wijkkompas.sources import tabular as tab
from wijkkompas.sources.base import LoadOptions, SourceError
from wijkkompas.sources.textfile import decode_or_refuse
from wijkkompas.store.batch import MARGIN_COLUMNS, OBSERVATION_COLUMNS, ImportBatch
from wijkkompas.survey.estimates import PERIOD, RESULTS_COLUMNS, SOURCE_NAME
from wijkkompas.survey.result import MIN_RESPONDENTS

RESERVED_SOURCES = frozenset({"demo", "auto", "cbs-kwb"})
"""Besides the loader keys: a results file may not file its figures under another source."""
_SIGNATURE = frozenset({"indicator_id", "margin_of_error", "respondents", "effective_n"})


class SurveyResultsLoader:
    key = "survey"
    description = "wijkkompas survey or participation results (CSV from `wijkkompas survey`)"

    def sniff(self, name: str, head: bytes) -> bool:
        line = reading.first_line(head)
        columns = {c.strip().strip('"').lower() for c in line.split(",")}
        return columns >= _SIGNATURE

    def load(
        self, data: bytes, name: str, catalogue: Catalogue, options: LoadOptions
    ) -> ImportBatch:
        from wijkkompas.sources.registry import LOADER_MODULES

        text, encoding = decode_or_refuse(data, name)
        rows = list(csv.reader(io.StringIO(text)))
        if not rows:
            raise SourceError(f"{name}: the file is empty.")
        header = [c.strip() for c in rows[0]]
        if header != list(RESULTS_COLUMNS):
            raise SourceError(
                f"{name}, line 1: the header must be exactly {','.join(RESULTS_COLUMNS)} "
                f"(found {','.join(header)}). Write the file with `wijkkompas survey estimate` "
                "or wijkkompas.survey.write_results_csv."
            )
        release = tab.resolve_release(name, options)
        reserved = RESERVED_SOURCES | set(LOADER_MODULES)
        observations: list[tuple[object, ...]] = []
        margins: list[tuple[object, ...]] = []
        seen: dict[tuple[str, int, str, str], int] = {}
        sources: set[str] = set()
        for line, row in enumerate(rows[1:], start=2):
            if not any(cell.strip() for cell in row):
                continue
            record = _Row.parse(row, name, line, catalogue, options)
            if record.source in reserved:
                raise SourceError(
                    f"{name}, line {line}: source '{record.source}' is the name of another "
                    "source; survey figures must be filed under their own name, such as "
                    "'enquete' or 'participatie'."
                )
            sources.add(record.source)
            if len(sources) > 1:
                raise SourceError(
                    f"{name}, line {line}: the file mixes sources ({', '.join(sorted(sources))}); "
                    "write one file per source."
                )
            key = (record.code, record.year, record.indicator_id, record.period)
            if key in seen:
                raise SourceError(
                    f"{name}, line {line}: {record.indicator_id} for {record.code} "
                    f"({record.period}) was already given on line {seen[key]}."
                )
            seen[key] = line
            observations.append(
                (record.code, record.year, record.indicator_id, record.period, record.value,
                 record.suppressed, record.indicator_id, release)
            )  # fmt: skip
            margins.append(
                (record.code, record.year, record.indicator_id, record.period, release,
                 record.margin, record.respondents, record.effective_n)
            )  # fmt: skip
        if not observations:
            raise SourceError(f"{name}: the file has a header but no rows.")
        (source,) = sources
        obs = pd.DataFrame(observations, columns=OBSERVATION_COLUMNS).astype(
            {"value": "float64", "suppressed": "bool", "region_year": "int64"}
        )
        return tab.build_batch(
            tab.ReadFile(name, data, {"encoding": encoding}),
            source,
            f"{self.description}: {name}",
            observations=obs,
            margins=pd.DataFrame(margins, columns=MARGIN_COLUMNS),
            provenance={
                "format": "wijkkompas survey results",
                "periods": sorted({k[3] for k in seen}),
                "years": sorted({k[1] for k in seen}),
                "suppressed": int(obs["suppressed"].sum()),
                "min_respondents": MIN_RESPONDENTS,
                "implausible": tab.implausible_counts(obs, catalogue),
            },
        )


class _Row:
    """One checked line of a results file."""

    __slots__ = (
        "code", "effective_n", "indicator_id", "margin", "period", "respondents", "source",
        "suppressed", "value", "year",
    )  # fmt: skip

    source: str
    code: str
    year: int
    indicator_id: str
    period: str
    value: float
    margin: float
    respondents: int
    effective_n: float
    suppressed: bool

    @classmethod
    def parse(
        cls, row: list[str], name: str, line: int, catalogue: Catalogue, options: LoadOptions
    ) -> _Row:
        where = f"{name}, line {line}"
        if len(row) != len(RESULTS_COLUMNS):
            raise SourceError(
                f"{where}: {len(row)} cells where the header has {len(RESULTS_COLUMNS)}."
            )
        cell = dict(zip(RESULTS_COLUMNS, (c.strip() for c in row), strict=True))
        out = cls()
        out.source = cell["source"]
        if not SOURCE_NAME.match(out.source):
            raise SourceError(
                f"{where}: source '{out.source}' must be lower-case letters, digits or "
                "hyphens, such as 'enquete'."
            )
        try:
            out.code = parse_region_code(cell["region_code"]).code
        except InvalidRegionCode as exc:
            raise SourceError(f"{where}: {exc}") from None
        out.year = _integer(cell["region_year"], where, "region_year")
        if options.year is not None and options.year != out.year:
            raise SourceError(
                f"{where}: the file says boundary year {out.year}, but --year says "
                f"{options.year}. Leave out --year or correct the file."
            )
        out.indicator_id = cell["indicator_id"]
        indicator = next((i for i in catalogue.indicators if i.id == out.indicator_id), None)
        if indicator is None or not indicator.tags:
            raise SourceError(
                f"{where}: '{out.indicator_id}' is not a survey or participation indicator of "
                f"catalogue {catalogue.version}. Run `wijkkompas catalogue` for the list."
            )
        out.period = cell["period"]
        if not PERIOD.match(out.period):
            raise SourceError(f"{where}: period '{out.period}' is not a year such as 2025.")
        flag = cell["suppressed"].lower()
        if flag not in ("true", "false"):
            raise SourceError(f"{where}: suppressed must be 'true' or 'false', not '{flag}'.")
        out.suppressed = flag == "true"
        out.respondents = _integer(cell["respondents"], where, "respondents")
        out.value = _number(cell["value"], where, "value")
        out.margin = _number(cell["margin_of_error"], where, "margin_of_error")
        out.effective_n = _number(cell["effective_n"], where, "effective_n")
        if out.suppressed and not (math.isnan(out.value) and math.isnan(out.margin)):
            raise SourceError(
                f"{where}: a suppressed figure must have an empty value and margin_of_error."
            )
        if not out.suppressed:
            if math.isnan(out.value):
                raise SourceError(f"{where}: the value is empty but the figure is not suppressed.")
            if out.respondents < MIN_RESPONDENTS:
                raise SourceError(
                    f"{where}: a figure from {out.respondents} people is published; figures "
                    f"from fewer than {MIN_RESPONDENTS} must be suppressed. Nothing was imported."
                )
        if out.margin < 0 or out.effective_n <= 0 or out.respondents < 0:
            raise SourceError(
                f"{where}: margin_of_error, respondents and effective_n cannot be negative."
            )
        return out


def _integer(text: str, where: str, column: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise SourceError(f"{where}: {column} '{text}' is not a whole number.") from None


def _number(text: str, where: str, column: str) -> float:
    """A number with a decimal point, or NaN for an empty cell."""
    if text == "":
        return math.nan
    try:
        value = float(text)
    except ValueError:
        raise SourceError(
            f"{where}: {column} '{text}' is not a number (use a decimal point)."
        ) from None
    if not math.isfinite(value):
        raise SourceError(f"{where}: {column} '{text}' is not a finite number.")
    return value


LOADER = SurveyResultsLoader()
