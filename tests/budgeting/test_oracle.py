"""Our rules against pabutools, the reference implementation, on every stored file and at random.

pabutools is the oracle only (GPL-3, a test dependency): the winners must be identical, in the
same order. Its MES takes minutes on the larger files, so those comparisons are marked slow; CI
still runs them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings

from wijkkompas.budgeting import (
    Instance,
    RuleResult,
    greedy,
    method_of_equal_shares,
    parse_pabulib,
)

from .conftest import real_text
from .oracle import pabutools_greedy, pabutools_mes
from .pabulib_layouts import LAYOUTS, write_layout
from .test_rules import small_elections

FAST = [
    "Netherlands_Amsterdam_288.pb",
    "Netherlands_Amsterdam_643.pb",
    "Netherlands_Amsterdam_212.pb",
]
SLOW = [  # pabutools' MES: 11 s, 11 s, 24 s and 75-90 s
    "Netherlands_Amsterdam_166.pb",
    "Poland_Czestochowa_2024_Tysiaclecie.pb",
    "Poland_Krakow_2024_Stare_Miasto.pb",
    "Poland_Warszawa_2023_Ochota.pb",
]


def winners_agree_with_pabutools(
    text: str,
    name: str,
    rule: Callable[[Instance], RuleResult],
    oracle: Callable[[str, Instance], list[str]],
) -> list[str]:
    """Our ``rule``'s winners of the file, asserted identical (same order) to pabutools'."""
    instance = parse_pabulib(text, name=name)
    ours = rule(instance).selected
    assert ours == oracle(text, instance)
    return ours


def _same_mes_winners(name: str) -> None:
    winners_agree_with_pabutools(real_text(name), name, method_of_equal_shares, pabutools_mes)


MES_TWIN = "test_mes_winners_equal_pabutools_on_a_file_of_each_real_layout"
GREEDY_TWIN = "test_greedy_winners_equal_pabutools_on_a_file_of_each_real_layout"


@pytest.mark.realdata(twin=MES_TWIN)
@pytest.mark.parametrize("name", FAST)
def test_mes_winners_equal_pabutools(name: str) -> None:
    _same_mes_winners(name)


@pytest.mark.slow
@pytest.mark.realdata(twin=MES_TWIN)
@pytest.mark.parametrize("name", SLOW)
def test_mes_winners_equal_pabutools_on_the_large_files(name: str) -> None:
    _same_mes_winners(name)


@pytest.mark.realdata(twin=GREEDY_TWIN)
@pytest.mark.parametrize("name", FAST + SLOW)
def test_greedy_winners_equal_pabutools(name: str) -> None:
    winners_agree_with_pabutools(real_text(name), name, greedy, pabutools_greedy)


MES_OF_LAYOUT = {
    "amsterdam_categories.pb": ["90431", "90432", "90433", "90435", "90434", "90436"],
    "amsterdam_lengths.pb": ["16567", "16545", "16548"],
    "amsterdam_choose_1.pb": ["44250", "44252"],
    "warszawa_approval.pb": ["451", "132"],
    "krakow_ordinal.pb": ["BO.D9.3/24", "BO.D9.1/24", "BO.D9.4/24"],
    "czestochowa_cumulative.pb": ["619", "354"],
}
"""What both libraries fund with MES + Add1 + greedy completion on each made-up file."""


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_mes_winners_equal_pabutools_on_a_file_of_each_real_layout(
    name: str, tmp_path: Path
) -> None:
    """pabutools reads the same made-up file (extra columns, CRLF or LF, a budget with cents)
    and funds the same projects in the same order."""
    text = write_layout(tmp_path, name).read_bytes().decode("utf-8-sig")
    ours = winners_agree_with_pabutools(text, name, method_of_equal_shares, pabutools_mes)
    assert ours == MES_OF_LAYOUT[name]


GREEDY_OF_LAYOUT = {
    "amsterdam_categories.pb": ["90431", "90432", "90433", "90435", "90434", "90436"],
    "amsterdam_lengths.pb": ["16567", "16545", "16548"],
    "amsterdam_choose_1.pb": ["44251", "44252"],
    "warszawa_approval.pb": ["451", "132"],
    "krakow_ordinal.pb": ["BO.D9.1/24", "BO.D9.2/24", "BO.D9.3/24"],
    "czestochowa_cumulative.pb": ["619", "378"],
}
"""The greedy outcome of each made-up file, worked out by hand (see pabulib_layouts)."""


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_greedy_winners_equal_pabutools_on_a_file_of_each_real_layout(
    name: str, tmp_path: Path
) -> None:
    text = write_layout(tmp_path, name).read_bytes().decode("utf-8-sig")
    ours = winners_agree_with_pabutools(text, name, greedy, pabutools_greedy)
    assert ours == GREEDY_OF_LAYOUT[name]


@settings(max_examples=150, deadline=None)
@given(small_elections())
def test_random_elections_give_pabutools_winners(text: str) -> None:
    instance = parse_pabulib(text)
    assert greedy(instance).selected == pabutools_greedy(text, instance)
    assert method_of_equal_shares(instance).selected == pabutools_mes(text, instance)
