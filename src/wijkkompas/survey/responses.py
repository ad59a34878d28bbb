"""Reading anonymous responses and participation events from CSV (for the command line).

Responses file, UTF-8, comma-separated, one row per questionnaire::

    area_code,age_group,sex,feels_safe,safe_after_dark,...,buurt_mark
    BU99990101,25-44,vrouw,4,3,...,7

``area_code`` is a buurt (or wijk) code; ``age_group`` one of 15-24, 25-44, 45-64, 65+ and
``sex`` man or vrouw, both may be empty. Then one column per question id of the standard
questionnaire (any subset, any order); an empty cell is "no answer". No names, no resident
codes, no free text: the file must be anonymous before it gets here.

Participation events file::

    area_code,kind,participant
    BU99990101,initiative,p-7f3a

``kind`` is initiative, support, comment, ballot or survey; ``participant`` an opaque pseudonym.
Every error names the line, so the person exporting the file can find it.
"""

from __future__ import annotations

import csv
import io
from typing import cast

from wijkkompas.errors import InvalidRegionCode
from wijkkompas.regions import parse_region_code
from wijkkompas.survey.estimates import Response
from wijkkompas.survey.participation import EVENT_KINDS, EventKind, ParticipationEvent
from wijkkompas.survey.questionnaire import AGE_GROUPS, QUESTIONS, SEXES, InvalidAnswers

BACKGROUND = ("area_code", "age_group", "sex")
EVENT_COLUMNS = ("area_code", "kind", "participant")


def _rows(
    text: str, name: str, required: tuple[str, ...]
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows:
        raise InvalidAnswers(f"{name}: the file is empty.")
    header = [c.strip() for c in rows[0]]
    missing = [c for c in required if c not in header]
    if missing:
        raise InvalidAnswers(
            f"{name}, line 1: the header lacks the column(s) {', '.join(missing)}; it needs "
            f"{','.join(required)} first."
        )
    body = [(k, r) for k, r in enumerate(rows[1:], start=2) if any(c.strip() for c in r)]
    if not body:
        raise InvalidAnswers(f"{name}: the file has a header but no rows.")
    for line, row in body:
        if len(row) != len(header):
            raise InvalidAnswers(
                f"{name}, line {line}: {len(row)} cells where the header has {len(header)}."
            )
    return header, body


def _area(raw: str, where: str) -> str:
    try:
        region = parse_region_code(raw)
    except InvalidRegionCode as exc:
        raise InvalidAnswers(f"{where}: {exc}") from None
    if region.level == "gemeente":
        raise InvalidAnswers(f"{where}: give a buurt or wijk code, not a gemeente code.")
    return region.code


def read_responses(text: str, name: str = "responses") -> list[Response]:
    """Responses from the documented CSV; raises :class:`InvalidAnswers` naming the line."""
    header, body = _rows(text, name, BACKGROUND)
    questions = [c for c in header if c not in BACKGROUND]
    unknown = [c for c in questions if c not in QUESTIONS]
    if unknown:
        raise InvalidAnswers(
            f"{name}, line 1: {', '.join(unknown)} is not a question id of the standard "
            f"questionnaire ({', '.join(QUESTIONS)})."
        )
    responses = []
    for line, row in body:
        cell = dict(zip(header, (c.strip() for c in row), strict=True))
        where = f"{name}, line {line}"
        age = cell["age_group"] or None
        sex = (cell["sex"] or "").lower() or None
        if age is not None and age not in AGE_GROUPS:
            raise InvalidAnswers(
                f"{where}: age group '{age}' is not one of {', '.join(AGE_GROUPS)}."
            )
        if sex is not None and sex not in SEXES:
            raise InvalidAnswers(f"{where}: sex '{sex}' is not one of {', '.join(SEXES)}.")
        answers: dict[str, int | None] = {}
        for question_id in questions:
            raw = cell[question_id]
            if raw == "":
                answers[question_id] = None
                continue
            scale = QUESTIONS[question_id].scale
            try:
                value = int(raw)
            except ValueError:
                value = None
            if value is None or value not in scale.values:
                raise InvalidAnswers(
                    f"{where}: {question_id} = '{raw}' is not an answer on its scale "
                    f"({scale.values[0]} to {scale.values[-1]})."
                )
            answers[question_id] = value
        responses.append(Response(_area(cell["area_code"], where), age, sex, answers))
    return responses


def read_events(text: str, name: str = "events") -> list[ParticipationEvent]:
    """Participation events from the documented CSV; raises naming the line."""
    header, body = _rows(text, name, EVENT_COLUMNS)
    events = []
    for line, row in body:
        cell = dict(zip(header, (c.strip() for c in row), strict=True))
        where = f"{name}, line {line}"
        kind = cell["kind"].lower()
        if kind not in EVENT_KINDS:
            raise InvalidAnswers(f"{where}: kind '{kind}' is not one of {', '.join(EVENT_KINDS)}.")
        if not cell["participant"]:
            raise InvalidAnswers(f"{where}: the participant pseudonym is empty.")
        area = _area(cell["area_code"], where)
        events.append(ParticipationEvent(area, cast(EventKind, kind), cell["participant"]))
    return events
