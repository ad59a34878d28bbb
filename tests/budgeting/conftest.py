"""Shared fixtures: the real Pabulib files (never copied into the repo) and small elections."""

from __future__ import annotations

from pathlib import Path

import pytest

from wijkkompas.budgeting import Instance, parse_pabulib

PABULIB = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "pabulib"
"""``<repo>/../shared/data/pabulib``: seven real instances, see PROVENANCE.md there."""

STORED = [
    "Netherlands_Amsterdam_166.pb",
    "Netherlands_Amsterdam_212.pb",
    "Netherlands_Amsterdam_288.pb",
    "Netherlands_Amsterdam_643.pb",
    "Poland_Warszawa_2023_Ochota.pb",
    "Poland_Krakow_2024_Stare_Miasto.pb",
    "Poland_Czestochowa_2024_Tysiaclecie.pb",
]


def real_text(name: str) -> str:
    """The text of a stored file, or a skip with the reason when the data is not there."""
    path = PABULIB / name
    if not path.is_file():
        pytest.skip(f"real Pabulib file not available at {path}")
    return path.read_bytes().decode("utf-8-sig")


def real(name: str) -> Instance:
    return parse_pabulib(real_text(name), name=name)


def election(
    vote_type: str, projects: str, votes: str, extra_meta: str = "", budget: str = "10"
) -> str:
    """A small .pb text: ``projects`` as ``id;cost`` lines, ``votes`` as VOTES rows."""
    votes_header = (
        "voter_id;vote;points" if vote_type in ("cumulative", "scoring") else "voter_id;vote"
    )
    project_lines = [line for line in projects.strip().splitlines()]
    vote_lines = [line for line in votes.strip().splitlines()]
    meta = [
        "description;test",
        "country;Nowhere",
        "unit;Test",
        "instance;1",
        f"num_projects;{len(project_lines)}",
        f"num_votes;{len(vote_lines)}",
        f"budget;{budget}",
        f"vote_type;{vote_type}",
        "rule;greedy",
        *[line for line in extra_meta.strip().splitlines() if line],
    ]
    return "\n".join(
        [
            "META",
            "key;value",
            *meta,
            "PROJECTS",
            "project_id;cost",
            *project_lines,
            "VOTES",
            votes_header,
            *vote_lines,
            "",
        ]
    )
