"""Pabulib files: every vote type, verbatim round trips, and bad files caught with a line number."""

from __future__ import annotations

import contextlib
import random
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wijkkompas.budgeting import Instance, PabulibError, parse_pabulib, write_pabulib
from wijkkompas.budgeting.numbers import format_number, parse_number
from wijkkompas.errors import WijkkompasError

from .conftest import STORED, election, real, real_text
from .pabulib_layouts import LAYOUTS, layout_text, write_layout

WIELICZKA = """META
key; value
description; Municipal PB in Wieliczka
country; Poland
unit; Wieliczka
instance; 2020
num_projects; 5
num_votes; 10
budget; 2500
rule; greedy
vote_type; approval
min_length; 1
max_length; 3
date_begin; 16.09.2023
date_end; 04.10.2023
PROJECTS
project_id; cost; category
1; 600; culture, education
2; 800; sport
4; 1400; culture
5; 1000; health, sport
7; 1200; education
VOTES
voter_id; age; sex; vote
1; 34; f; 1,2,4
2; 51; m; 1,2
3; 23; m; 2,4,5
4; 19; f; 5,7
5; 62; f; 1,4,7
6; 54; m; 1,7
7; 49; m; 5
8; 27; f; 4
9; 39; f; 2,4,5
10; 44; m; 4,5
"""


def test_the_format_pages_example_parses_with_spaces_after_the_semicolons() -> None:
    instance = parse_pabulib(WIELICZKA)
    assert instance.budget == 2500
    assert instance.vote_type == "approval"
    assert [p.id for p in instance.projects] == ["1", "2", "4", "5", "7"]
    assert instance.project_by_id["5"].categories == ("health", "sport")
    assert instance.ballots[0].projects == ("1", "2", "4")
    assert instance.ballots[0].fields == {"age": "34", "sex": "f"}
    assert instance.meta["max_length"] == "3"


@pytest.mark.parametrize(
    ("vote_type", "votes", "expected"),
    [
        ("approval", "1;a,b\n2;", [("a", "b"), ()]),
        ("choose-1", "1;b\n2;a", [("b",), ("a",)]),
        ("ordinal", "1;b,a\n2;a", [("b", "a"), ("a",)]),
        ("cumulative", "1;a,b;3,7\n2;b;10", [("a", "b"), ("b",)]),
        ("scoring", "1;a,b;-1,2.5\n2;a;0", [("a", "b"), ("a",)]),
    ],
)
def test_every_vote_type_parses_and_round_trips(
    vote_type: str, votes: str, expected: list[tuple[str, ...]]
) -> None:
    instance = parse_pabulib(election(vote_type, "a;4\nb;6", votes))
    assert [b.projects for b in instance.ballots] == expected
    if vote_type == "scoring":
        assert instance.ballots[0].points == (Fraction(-1), Fraction(5, 2))
    assert parse_pabulib(write_pabulib(instance)) == instance


def test_quoted_fields_bom_and_crlf_are_read_and_written_back() -> None:
    text = election("approval", "a;4\nb;6", "1;a\n2;a,b").replace("\n", "\r\n")
    text = "\ufeff" + text.replace("project_id;cost", "project_id;cost;name")
    text = text.replace("a;4\r\n", 'a;4;"Plein; ""groen"" en veilig"\r\n').replace(
        "b;6\r\n", "b;6;\r\n"
    )
    instance = parse_pabulib(text.encode("utf-8"))
    assert instance.project_by_id["a"].name == 'Plein; "groen" en veilig'
    written = write_pabulib(instance)
    assert '"Plein; ""groen"" en veilig"' in written
    assert parse_pabulib(written) == instance


def test_optional_fields_are_kept_verbatim_and_written_back() -> None:
    extra = "\n".join(
        [
            "max_sum_cost;8",
            "min_length;1",
            "max_length;2",
            "min_sum_points;1",
            "max_sum_points;10",
            "scoring_fn;Borda",
            "categories;green,sport",
            "budget_per_category;5,5",
            "comment;#1: made up",
        ]
    )
    text = election("approval", "a;4\nb;6", "1;a\n2;a,b", extra_meta=extra)
    text = text.replace(
        "project_id;cost\na;4\nb;6",
        "project_id;cost;category;beneficiaries;selected\n"
        "a;4;green;children,seniors;1\nb;6;sport;;0",
    )
    text = text.replace("voter_id;vote\n1;a\n2;a,b", "voter_id;vote;age;sex\n1;a;34;F\n2;a,b;;M")
    instance = parse_pabulib(text)
    assert instance.meta["budget_per_category"] == "5,5"
    assert instance.category_budgets == {"green": 5, "sport": 5}
    assert instance.project_by_id["a"].fields == {
        "category": "green",
        "beneficiaries": "children,seniors",
        "selected": "1",
    }
    assert instance.ballots[1].fields == {"age": "", "sex": "M"}
    written = write_pabulib(instance)
    for line in ("max_sum_cost;8", "scoring_fn;Borda", "a;4;green;children,seniors;1", "2;a,b;;M"):
        assert line in written.splitlines()
    assert parse_pabulib(written) == instance


def assert_round_trips_exactly(instance: Instance, name: str) -> None:
    """Every project and ballot its META counts, and written back (twice) the same election."""
    assert len(instance.projects) == int(instance.meta["num_projects"])
    assert len(instance.ballots) == int(instance.meta["num_votes"])
    again = parse_pabulib(write_pabulib(instance), name=name)
    assert again == instance
    assert parse_pabulib(write_pabulib(again), name=name) == instance


def pabutools_reads_the_same(text: str, instance: Instance) -> dict[str, Any]:
    """pabutools reads what we write of ``instance`` as it reads the original ``text``; returns
    its view of the original."""
    from pabutools.election.pabulib import parse_pabulib_from_string

    original = parse_pabulib_from_string(text)
    rewritten = parse_pabulib_from_string(write_pabulib(instance))
    view = _pabutools_view(*original)
    assert _pabutools_view(*rewritten) == view
    return view


def assert_scores_are_positional_points(instance: Instance) -> None:
    """Pabulib's default (Borda: 3/2/1 for three ranks) is what the rules count: each project's
    support is its ``score`` column."""
    from wijkkompas.budgeting.rules import utilities

    assert "scoring_fn" not in instance.meta  # Pabulib's default: Borda
    assert instance.positional_points(3) == (3, 2, 1)
    util = utilities(instance)
    for project, support in zip(instance.projects, util.support, strict=True):
        assert support == int(project.fields["score"]), project.id


@pytest.mark.realdata(twin="test_files_in_each_real_layout_round_trip_exactly")
@pytest.mark.parametrize("name", STORED)
def test_stored_files_round_trip_exactly(name: str) -> None:
    assert_round_trips_exactly(real(name), name)


FIRST_OF_LAYOUT = {
    "amsterdam_categories.pb": ("90431", "Armoede bestrijden", {"category": "Armoede"}),
    "amsterdam_lengths.pb": ("16567", "Verander het plein in een aantrekkelijk, veilig en "
                             "groen plein!", {"votes": "5"}),
    "amsterdam_choose_1.pb": ("44251", "Bloementuinen rondom afvalbakken", {"category": "Groen"}),
    "warszawa_approval.pb": ("451", "Zielone wejście do parku - ogrody bylinowe",
                             {"selected": "1", "latitude": "52.2085"}),
    "krakow_ordinal.pb": ("BO.D9.1/24", "PROEFMIASTO ZRYWA Z BETONEM", {"score": "11"}),
    "czestochowa_cumulative.pb": ("619", "Doposażenie placu zabaw przy ulicy Żółkiewskiego",
                                  {"score": "19"}),
}  # fmt: skip
"""Per made-up file: its first project's id, name and a few of its other columns."""


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_files_in_each_real_layout_round_trip_exactly(name: str, tmp_path: Path) -> None:
    """A made-up file in each real layout (CRLF or LF, UTF-8 names, extra columns) is read
    whole, every column kept, and written back to the same election."""
    instance = parse_pabulib(write_layout(tmp_path, name).read_bytes(), name=name)
    project_id, project_name, fields = FIRST_OF_LAYOUT[name]
    first = instance.projects[0]
    assert (first.id, first.name) == (project_id, project_name)
    assert fields.items() <= first.fields.items()
    assert list(instance.meta)[:2] == ["description", "country"]
    assert_round_trips_exactly(instance, name)


@pytest.mark.realdata(twin="test_written_text_of_each_real_layout_reads_the_same_in_pabutools")
@pytest.mark.parametrize("name", STORED)
def test_written_text_reads_the_same_in_pabutools(name: str) -> None:
    pabutools_reads_the_same(real_text(name), real(name))


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_written_text_of_each_real_layout_reads_the_same_in_pabutools(
    name: str, tmp_path: Path
) -> None:
    text = write_layout(tmp_path, name).read_bytes().decode("utf-8-sig")
    view = pabutools_reads_the_same(text, parse_pabulib(text, name=name))
    assert len(view["projects"]) == int(view["meta"]["num_projects"])
    assert len(view["ballots"]) == int(view["meta"]["num_votes"])


def _pabutools_view(instance: Any, profile: Any) -> dict[str, Any]:
    projects = sorted(instance, key=lambda p: p.name)
    return {
        "meta": instance.meta,
        "budget": instance.budget_limit,
        "projects": [(p.name, p.cost, sorted(p.categories)) for p in projects],
        "project_meta": [instance.project_meta[p] for p in projects],
        "ballots": [(_ballot_content(b), b.meta) for b in profile],
    }


def _ballot_content(ballot: Any) -> object:
    if hasattr(ballot, "items"):  # cumulative and scoring ballots map projects to points
        return sorted((p.name, v) for p, v in ballot.items())
    if isinstance(ballot, list):  # ordinal ballots keep their order
        return [p.name for p in ballot]
    return sorted(p.name for p in ballot)


@pytest.mark.realdata(twin="test_krakow_layout_scores_are_the_positional_points_of_the_votes")
def test_krakow_scores_are_the_positional_points_of_the_votes() -> None:
    assert_scores_are_positional_points(real("Poland_Krakow_2024_Stare_Miasto.pb"))


def test_krakow_layout_scores_are_the_positional_points_of_the_votes(tmp_path: Path) -> None:
    """The ``score`` column of a made-up file in Kraków's layout (3/2/1 per rank, summed by
    hand) is what the rules count as each project's support."""
    path = write_layout(tmp_path, "krakow_ordinal.pb")
    instance = parse_pabulib(path.read_bytes(), name=path.name)
    scores = {p.id: int(p.fields["score"]) for p in instance.projects}
    assert scores == {"BO.D9.1/24": 11, "BO.D9.2/24": 8, "BO.D9.4/24": 6, "BO.D9.3/24": 5}
    assert_scores_are_positional_points(instance)


BAD = [
    ("", 1, "META section is missing"),
    ("PROJECTS\nproject_id;cost\n", 1, "expected META"),
    (election("approval", "a;1", "1;a").split("VOTES")[0], 14, "VOTES section is missing"),
    (election("approval", "a;1", "1;a").replace("num_votes;1", "num_votes;2"), 8, "num_votes is 2"),
    (
        election("approval", "a;1", "1;a").replace("num_projects;1", "num_projects;3"),
        7,
        "num_projects",
    ),
    (election("approval", "a;1\nb;2", "1;a,c"), 18, "unknown project 'c'"),
    (election("approval", "a;1\nb;x", "1;a"), 15, "cost 'x'"),
    (election("approval", "a;1\nb;-2", "1;a"), 15, "cost '-2'"),
    (election("approval", "a;1\na;2", "1;a"), 15, "project_id 'a' repeated (first on line 14)"),
    (election("approval", "a;1", "1;a\n1;a"), 18, "voter_id '1' repeated"),
    (election("approval", "a;1", "1;a").replace("unit;Test", "unit;Test;x"), 5, "2 fields"),
    (
        election("approval", "a;1", "1;a").replace("unit;Test", "unit;x\nunit;y"),
        6,
        "'unit' repeated",
    ),
    (election("approval", "a;1", "1;a").replace("budget;10", "budget;ten"), 9, "budget 'ten'"),
    (election("approval", "a;1", "1;a").replace("budget;10\n", ""), 10, "no 'budget'"),
    (
        election("approval", "a;1", "1;a").replace("vote_type;approval", "vote_type;magic"),
        10,
        "magic",
    ),
    (election("approval", "a;1", "1;a").replace("num_votes;1", "num_votes;one"), 8, "whole number"),
    (election("approval", "a;1", "1;a;x"), 17, "2 fields, this one has 3"),
    (election("approval", "a;1", "1;a,a"), 17, "more than once"),
    (election("approval", "a;1", "1;a,,"), 17, "empty project id"),
    (election("choose-1", "a;1\nb;1", "1;a,b"), 18, "choose-1 vote names 2"),
    (election("cumulative", "a;1\nb;1", "1;a,b;1"), 18, "points has 1 values"),
    (election("cumulative", "a;1", "1;a;-1"), 17, ">= 0"),
    (election("scoring", "a;1", "1;a;lots"), 17, "'lots' is not a number"),
    (
        election("approval", "a;1", "1;a").replace("voter_id;vote", "voter;vote"),
        16,
        "no 'voter_id'",
    ),
    (election("approval", "a;1", "1;a").replace("VOTES", "PROJECTS"), 15, "PROJECTS again"),
    (
        election("approval", "a;1", "1;a").replace("project_id;cost", "project_id;cost;cost"),
        13,
        "repeats",
    ),
    (election("approval", "a,b;1", "1;a"), 14, "contains a comma"),
    (
        election("approval", "a;1", "1;a", extra_meta="categories;x\nbudget_per_category;1,y"),
        13,
        "budget_per_category value 'y'",
    ),
]


@pytest.mark.parametrize(("text", "line", "fragment"), BAD)
def test_bad_files_name_the_line_and_the_problem(text: str, line: int, fragment: str) -> None:
    with pytest.raises(PabulibError) as caught:
        parse_pabulib(text, name="bad.pb")
    assert caught.value.line == line, str(caught.value)
    assert fragment in str(caught.value)
    assert str(caught.value).startswith(f"bad.pb, line {line}: ")
    assert isinstance(caught.value, WijkkompasError)


def test_bytes_that_are_not_utf8_are_a_pabulib_error_with_the_line() -> None:
    data = election("approval", "a;1", "1;a").encode() + b"2;\xff\n"
    with pytest.raises(PabulibError, match="line 18: the file is not UTF-8"):
        parse_pabulib(data, name="latin1.pb")


def test_numbers_are_exact_and_formatted_back_exactly() -> None:
    assert parse_number("1546168.66") == Fraction(154616866, 100)
    assert parse_number("1,5", decimal_comma=True) == Fraction(3, 2)
    assert parse_number("1,5") is None
    assert parse_number("1e999999") is None
    assert parse_number("nan") is None
    for text in ["0", "7", "-2.5", "1546168.66", "0.125", "1/3"]:
        value = parse_number(text)
        assert value is not None
        assert parse_number(format_number(value)) == value


def _mutations(
    names: tuple[str, ...] = ("Netherlands_Amsterdam_643.pb", "Poland_Krakow_2024_Stare_Miasto.pb"),
) -> st.SearchStrategy[tuple[str, list[tuple[str, int, str]]]]:
    edits = st.tuples(
        st.sampled_from(["insert", "delete", "replace", "dup_line", "drop_line", "swap_lines"]),
        st.integers(min_value=0, max_value=10**9),
        st.sampled_from(
            [";", ",", '"', "\n", "\r", "0", "9", "-", ".", "e", "x", "META", "VOTES", " ", "é"]
        ),
    )
    return st.tuples(st.sampled_from(names), st.lists(edits, min_size=1, max_size=4))


def _apply(text: str, edits: list[tuple[str, int, str]]) -> str:
    for kind, where, piece in edits:
        if kind in ("dup_line", "drop_line", "swap_lines"):
            lines = text.split("\n")
            i, k = where % len(lines), (where // 7) % len(lines)
            if kind == "dup_line":
                lines.insert(i, lines[i])
            elif kind == "drop_line":
                del lines[i]
            else:
                lines[i], lines[k] = lines[k], lines[i]
            text = "\n".join(lines)
        else:
            i = where % (len(text) + 1)
            cut = 0 if kind == "insert" else 1
            text = text[:i] + ("" if kind == "delete" else piece) + text[i + cut :]
    return text


def assert_parses_or_raises_a_pabulib_error(text: str, name: str) -> None:
    """Read (and written back to the same instance), or refused with a PabulibError."""
    try:
        instance = parse_pabulib(text, name=name)
    except PabulibError:
        return
    assert parse_pabulib(write_pabulib(instance)) == instance


@pytest.mark.realdata(twin="test_mutated_files_in_the_real_layouts_parse_or_raise_a_pabulib_error")
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutations())
def test_mutated_real_files_parse_or_raise_a_pabulib_error(
    case: tuple[str, list[tuple[str, int, str]]],
) -> None:
    name, edits = case
    assert_parses_or_raises_a_pabulib_error(_apply(real_text(name), edits), name)


@settings(max_examples=300, deadline=None)
@given(_mutations(tuple(LAYOUTS)))
def test_mutated_files_in_the_real_layouts_parse_or_raise_a_pabulib_error(
    case: tuple[str, list[tuple[str, int, str]]],
) -> None:
    """Made-up files in every real layout (CRLF and LF, extra columns, Polish letters), edited
    at random: read, or refused with a PabulibError, never another exception."""
    name, edits = case
    assert_parses_or_raises_a_pabulib_error(_apply(layout_text(name), edits), name)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_parse_or_raise_a_pabulib_error(data: bytes) -> None:
    prefix = random.Random(len(data)).choice([b"", b"META\nkey;value\n"])
    with contextlib.suppress(PabulibError):
        parse_pabulib(prefix + data)
