"""Our rules against pabutools, the reference implementation, on every stored file and at random.

pabutools is the oracle only (GPL-3, a test dependency): the winners must be identical, in the
same order. Its MES takes minutes on the larger files, so those comparisons are marked slow; CI
still runs them.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from wijkkompas.budgeting import greedy, method_of_equal_shares, parse_pabulib

from .conftest import real_text
from .oracle import pabutools_greedy, pabutools_mes
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


def _same_mes_winners(name: str) -> None:
    text = real_text(name)
    instance = parse_pabulib(text, name=name)
    assert method_of_equal_shares(instance).selected == pabutools_mes(text, instance)


@pytest.mark.realdata
@pytest.mark.parametrize("name", FAST)
def test_mes_winners_equal_pabutools(name: str) -> None:
    _same_mes_winners(name)


@pytest.mark.slow
@pytest.mark.realdata
@pytest.mark.parametrize("name", SLOW)
def test_mes_winners_equal_pabutools_on_the_large_files(name: str) -> None:
    _same_mes_winners(name)


@pytest.mark.realdata
@pytest.mark.parametrize("name", FAST + SLOW)
def test_greedy_winners_equal_pabutools(name: str) -> None:
    text = real_text(name)
    instance = parse_pabulib(text, name=name)
    assert greedy(instance).selected == pabutools_greedy(text, instance)


@settings(max_examples=150, deadline=None)
@given(small_elections())
def test_random_elections_give_pabutools_winners(text: str) -> None:
    instance = parse_pabulib(text)
    assert greedy(instance).selected == pabutools_greedy(text, instance)
    assert method_of_equal_shares(instance).selected == pabutools_mes(text, instance)
