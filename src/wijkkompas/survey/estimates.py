"""From anonymous answers to weighted survey indicators per buurt, wijk and gemeente.

Each indicator is either a share (percent of respondents with a favourable answer, e.g. "eens"
or "helemaal eens") or a mean (the 1–10 mark). Respondents are raked to the area's age and sex
structure from the KWB (:mod:`wijkkompas.survey.weighting`); at wijk and gemeente level also to
the population share of each buurt (or wijk) that has respondents, so a buurt that answered
eagerly does not dominate its wijk. Each figure carries a 95% margin of error based on Kish's
effective sample size, optionally with a finite-population correction, and figures about fewer
than ``min_respondents`` people are suppressed (:mod:`wijkkompas.survey.result`).

A respondent counts in their own area and in every area above it, as the region code says:
a buurt answer counts for its wijk and gemeente, an answer given for a wijk (an open link that
only asked for the wijk) counts for the wijk and the gemeente only.
"""

from __future__ import annotations

import csv
import math
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TextIO

import numpy as np

from wijkkompas.regions import parse_region_code
from wijkkompas.survey.questionnaire import (
    AGE_GROUPS,
    SEXES,
    STANDARD,
    InvalidAnswers,
    Question,
)
from wijkkompas.survey.result import (
    MIN_RESPONDENTS,
    SurveyEstimate,
    ancestors,
    complementary_suppression,
    parent_of,
    suppress_small,
)
from wijkkompas.survey.weighting import Margin, kish_effective_n, rake

Z95 = 1.959963984540054
"""1.96: the normal quantile for a two-sided 95% interval. ``scipy.stats.norm.ppf(0.975)`` to
the last digit, written out: importing scipy.stats cost every command that loads the survey
reader (every ``wijkkompas import``) 1.5 s."""

RESULTS_COLUMNS = (
    "source",
    "region_code",
    "region_year",
    "indicator_id",
    "period",
    "value",
    "margin_of_error",
    "respondents",
    "effective_n",
    "suppressed",
)
"""The results file (``write_results_csv``), one row per region, indicator and period:

``source``           the source name the figures are stored under (``enquete``, ``participatie``)
``region_code``      GM/WK/BU code
``region_year``      the boundary year of the region (the year of the gebiedsindeling)
``indicator_id``     a catalogue indicator tagged ``survey`` or ``participation``
``period``           the reference period, a year such as ``2025``
``value``            decimal point; empty when suppressed
``margin_of_error``  95% half-width in the unit of the value; empty for counts and suppressed rows
``respondents``      people behind the figure (answered the question / distinct participants)
``effective_n``      Kish effective sample size; empty for counts
``suppressed``       ``true`` or ``false``

UTF-8, comma-separated, with this header. ``wijkkompas import`` recognises it by the header.
"""
SOURCE_NAME = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
PERIOD = re.compile(r"^(19|20)\d{2}$")


@dataclass(frozen=True)
class Response:
    """One anonymous questionnaire: where, a coarse background, and the answers."""

    area_code: str
    """A buurt code (BU...) or, for an open link that only asked for the wijk, a wijk code."""
    age_group: str | None
    sex: str | None
    answers: Mapping[str, int | None]
    """Question id → answer (None = not answered)."""


@dataclass(frozen=True)
class PopulationMargins:
    """The area's residents from the KWB, for weighting."""

    age: Mapping[str, float]
    """``AGE_GROUPS`` → persons (residents from 15 on)."""
    sex: Mapping[str, float] = field(default_factory=dict)
    """``SEXES`` → persons (the KWB counts all ages; only the shares are used)."""

    @property
    def adults(self) -> float:
        """Residents aged 15 and over: the population the survey describes (NaN if unknown)."""
        values = [float(self.age.get(g, math.nan)) for g in AGE_GROUPS]
        return float(sum(values)) if all(math.isfinite(v) for v in values) else math.nan


def estimate(
    responses: Sequence[Response],
    population: Mapping[str, PopulationMargins],
    period: str,
    *,
    min_respondents: int = MIN_RESPONDENTS,
    questions: Sequence[Question] = STANDARD,
    finite_population_correction: bool = True,
) -> list[SurveyEstimate]:
    """Weighted estimates for every area with respondents, at its own level and above.

    Parameters
    ----------
    responses
        Anonymous responses (area code, optional age group and sex, answers).
    population
        Region code → its residents by age band and sex (see
        :func:`wijkkompas.services.survey.margins_from_store`). A region without margins is
        estimated unweighted (``weighted`` False).
    period
        The reference period (a year, ``"2025"``).
    min_respondents
        Figures from fewer respondents to a question are suppressed; never below 10.
    questions
        The questionnaire (default: the standard one).
    finite_population_correction
        Shrink margins of error when the respondents are a sizeable part of the residents
        aged 15 and over (``(N - n) / (N - 1)``).

    Returns
    -------
    list[SurveyEstimate]
        Sorted by region code and indicator, complementary suppression applied.

    Raises
    ------
    InvalidAnswers
        For a bad region code, age group, sex or answer, naming the response (1-based).
    """
    if min_respondents < MIN_RESPONDENTS:
        raise InvalidAnswers(
            f"min_respondents={min_respondents} is below the floor of {MIN_RESPONDENTS}: "
            "figures about so few people are never published."
        )
    if not PERIOD.match(str(period)):
        raise InvalidAnswers(f"Period '{period}' is not a year such as 2025.")
    _check(responses, questions)
    members: dict[str, list[int]] = defaultdict(list)
    for k, response in enumerate(responses):
        for code in ancestors(response.area_code):
            members[code].append(k)
    results: list[SurveyEstimate] = []
    for code in sorted(members):
        group = [responses[k] for k in members[code]]
        weights, weighted = _weights(code, group, population)
        adults = population[code].adults if code in population else math.nan
        fpc_total = adults if finite_population_correction else math.nan
        for question in questions:
            results.append(_one(code, question, group, weights, weighted, str(period), fpc_total))
    results = [suppress_small(e, min_respondents) for e in results]
    return complementary_suppression(results)


def _check(responses: Sequence[Response], questions: Sequence[Question]) -> None:
    problems: list[str] = []
    for k, response in enumerate(responses, start=1):
        where = f"response {k}"
        try:
            level = parse_region_code(response.area_code).level
        except Exception as exc:  # InvalidRegionCode: say which response
            problems.append(f"{where}: {exc}")
            continue
        if level == "gemeente":
            problems.append(f"{where}: give a buurt or wijk code, not a gemeente code")
        if response.age_group is not None and response.age_group not in AGE_GROUPS:
            problems.append(f"{where}: age group '{response.age_group}' is not one of {AGE_GROUPS}")
        if response.sex is not None and response.sex not in SEXES:
            problems.append(f"{where}: sex '{response.sex}' is not one of {SEXES}")
        for question in questions:
            value = response.answers.get(question.id)
            if value is not None and value not in question.scale.values:
                problems.append(f"{where}: {question.id} = {value!r} is not on its scale")
        if len(problems) >= 10:
            break
    if problems:
        raise InvalidAnswers("Some responses cannot be used: " + "; ".join(problems[:10]) + ".")


def _weights(
    code: str, group: Sequence[Response], population: Mapping[str, PopulationMargins]
) -> tuple[np.ndarray, bool]:
    """Raked weights for the respondents of one area (ones when its structure is unknown)."""
    n = len(group)
    margins_of = population.get(code)
    if margins_of is None:
        return np.ones(n), False
    margins = [
        Margin(
            np.array([AGE_GROUPS.index(r.age_group) if r.age_group else -1 for r in group]),
            np.array([float(margins_of.age.get(g, 0.0)) for g in AGE_GROUPS]),
        ),
        Margin(
            np.array([SEXES.index(r.sex) if r.sex else -1 for r in group]),
            np.array([float(margins_of.sex.get(s, 0.0)) for s in SEXES]),
        ),
    ]
    level = parse_region_code(code).level
    if level != "buurt":
        # The share of each lower area with respondents (buurten in a wijk, wijken in a
        # gemeente); respondents coded at the area itself stay out of this margin.
        child = [_child_of(r.area_code, code) for r in group]
        known = sorted({c for c in child if c is not None})
        sizes = [population[c].adults if c in population else math.nan for c in known]
        if known and all(math.isfinite(s) for s in sizes):
            margins.append(
                Margin(np.array([known.index(c) if c else -1 for c in child]), np.array(sizes))
            )
    return rake(margins, n), True


def _child_of(area_code: str, code: str) -> str | None:
    """The region directly below ``code`` that a response's area lies in (None: at ``code``)."""
    chain = ancestors(area_code)
    position = chain.index(code)
    return chain[position - 1] if position > 0 else None


def _one(
    code: str,
    question: Question,
    group: Sequence[Response],
    weights: np.ndarray,
    weighted: bool,
    period: str,
    population_total: float,
) -> SurveyEstimate:
    answers = [r.answers.get(question.id) for r in group]
    answered = np.array([a is not None for a in answers], dtype=bool)
    n = int(answered.sum())
    if n == 0:
        return SurveyEstimate(code, question.indicator_id, period, None, None, 0, None, True)
    x = np.array([float(a) for a in answers if a is not None])
    favourable = question.scale.favourable
    if favourable is not None:
        x = np.isin(x, list(favourable)).astype(float)
    w = weights[answered]
    mean = float(np.average(x, weights=w))
    n_eff = kish_effective_n(w)
    spread = float(np.average((x - mean) ** 2, weights=w))
    variance = spread * n / (n - 1) / n_eff if n > 1 and n_eff > 0 else math.nan
    if math.isfinite(population_total) and population_total > 1:
        variance *= max(population_total - n, 0.0) / (population_total - 1)
    moe = Z95 * math.sqrt(variance) if math.isfinite(variance) else None
    scale = 100.0 if favourable is not None else 1.0
    return SurveyEstimate(
        region_code=code,
        indicator_id=question.indicator_id,
        period=period,
        value=mean * scale,
        margin_of_error=None if moe is None else moe * scale,
        respondents=n,
        effective_n=n_eff,
        suppressed=False,
        weighted=weighted,
    )


def write_results_csv(
    estimates: Sequence[SurveyEstimate],
    out: TextIO,
    *,
    source_name: str,
    region_year: int | None = None,
) -> None:
    """Write estimates as the documented results file (see ``RESULTS_COLUMNS``).

    ``region_year`` is the boundary year of the regions (default: the year of each figure's
    period). ``source_name`` is what the store files the figures under, e.g. ``enquete``.
    """
    if not SOURCE_NAME.match(source_name):
        raise InvalidAnswers(
            f"Source name '{source_name}' must be 2-40 lower-case letters, digits or hyphens, "
            "starting with a letter (for example 'enquete')."
        )
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(RESULTS_COLUMNS)
    for e in estimates:
        year = region_year if region_year is not None else int(str(e.period)[:4])
        writer.writerow(
            [
                source_name,
                e.region_code,
                year,
                e.indicator_id,
                e.period,
                _number(None if e.suppressed else e.value),
                _number(None if e.suppressed else e.margin_of_error),
                e.respondents,
                _number(e.effective_n),
                "true" if e.suppressed else "false",
            ]
        )


def _number(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return ""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def levels_of(estimates: Sequence[SurveyEstimate]) -> dict[str, int]:
    """How many regions per level the estimates cover (for a summary line)."""
    seen: dict[str, set[str]] = defaultdict(set)
    for e in estimates:
        seen[parse_region_code(e.region_code).level].add(e.region_code)
    return {level: len(codes) for level, codes in seen.items()}


__all__ = [
    "RESULTS_COLUMNS",
    "PopulationMargins",
    "Response",
    "SurveyEstimate",
    "estimate",
    "levels_of",
    "parent_of",
    "write_results_csv",
]
