"""The rules on hand-checked elections, on the cities' own outcomes, and against exact arithmetic."""

from __future__ import annotations

import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wijkkompas.budgeting import Instance, explain, greedy, method_of_equal_shares, parse_pabulib
from wijkkompas.budgeting.rules.mes import _engine
from wijkkompas.budgeting.rules.result import MESDetails
from wijkkompas.budgeting.rules.support import Utilities, utilities
from wijkkompas.errors import WijkkompasError

from .conftest import STORED, election, real
from .pabulib_layouts import CITY_SIZES, LAYOUTS, WITH_SELECTED, city_sized, write_layout

T = TypeVar("T")


def test_greedy_funds_by_approvals_and_skips_what_no_longer_fits() -> None:
    text = election(
        "approval", "a;6\nb;5\nc;4\nd;1", "1;a,b\n2;a,b\n3;a,c\n4;c,d\n5;b", budget="11"
    )
    result = greedy(parse_pabulib(text))
    assert result.selected == ["a", "b"]  # c (2 approvals) no longer fits; d (1) fits nothing
    assert result.total_cost == 11
    steps = {s.project: s for s in result.details.steps}  # type: ignore[union-attr]
    assert steps["c"].blocked_by == "budget"
    assert steps["c"].left == 0


def test_greedy_breaks_ties_by_project_id_in_string_order() -> None:
    text = election("approval", "9;1\n10;1\n2;1", "1;9,10,2", budget="2")
    assert greedy(parse_pabulib(text)).selected == ["10", "2"]  # "10" < "2" < "9" as strings


def test_greedy_on_points_orders_by_total_points_not_points_per_cost() -> None:
    text = election("cumulative", "cheap;1\ndear;9", "1;cheap,dear;4,6\n2;dear;10", budget="9")
    assert greedy(parse_pabulib(text)).selected == ["dear"]


def test_greedy_on_ordinal_ballots_uses_positional_points() -> None:
    # max_length 3: ranks score 3, 2, 1 (Pabulib's Borda); b: 2 + 3 = 5 beats a: 3 + 1 = 4
    text = election("ordinal", "a;5\nb;5\nc;5", "1;a,b\n2;b,c,a", "max_length;3", budget="5")
    assert greedy(parse_pabulib(text)).selected == ["b"]
    text = election("ordinal", "a;5\nb;5", "1;a,b", "scoring_fn;1,5", budget="5")
    assert greedy(parse_pabulib(text)).selected == ["b"]


@pytest.mark.realdata(twin="test_greedy_reproduces_the_selected_column_of_each_polish_layout")
@pytest.mark.parametrize(
    "name",
    [
        "Poland_Warszawa_2023_Ochota.pb",
        "Poland_Krakow_2024_Stare_Miasto.pb",
        "Poland_Czestochowa_2024_Tysiaclecie.pb",
    ],
)
def test_greedy_reproduces_the_citys_selected_column(name: str) -> None:
    instance = real(name)
    official = {p.id for p in instance.projects if p.fields["selected"] == "1"}
    assert set(greedy(instance).selected) == official


@pytest.mark.parametrize(
    ("name", "official"),
    [
        ("warszawa_approval.pb", {"451", "132"}),
        ("krakow_ordinal.pb", {"BO.D9.1/24", "BO.D9.2/24", "BO.D9.3/24"}),
        ("czestochowa_cumulative.pb", {"619", "378"}),
    ],
)
def test_greedy_reproduces_the_selected_column_of_each_polish_layout(
    name: str, official: set[str], tmp_path: Path
) -> None:
    """Made-up files in the Warszawa (approval), Kraków (ordinal, a budget with cents) and
    Częstochowa (cumulative) layouts, whose ``selected`` column is the city's greedy rule worked
    out by hand: each skips a project that no longer fits and funds a cheaper one after it."""
    assert name in WITH_SELECTED
    instance = parse_pabulib(write_layout(tmp_path, name).read_bytes(), name=name)
    assert {p.id for p in instance.projects if p.fields["selected"] == "1"} == official
    assert set(greedy(instance).selected) == official


def test_mes_gives_equal_shares_and_buys_the_lowest_price_first() -> None:
    # shares of 2: a costs 4 and its two supporters pay 2 each (rho 1/2); then c (rho 1)
    text = election("approval", "a;4\nb;2\nc;2", "1;a\n2;a,b\n3;c", budget="6")
    result = method_of_equal_shares(parse_pabulib(text))
    assert result.selected == ["a", "c"]
    details = result.details
    assert isinstance(details, MESDetails)
    assert details.increments == 0
    assert [r.rho for r in details.rounds] == [Fraction(1, 2), Fraction(1)]
    assert details.rounds[0].payments == {"1": 2, "2": 2}
    assert details.left_money == {"b": 0}


def test_mes_add1_raises_the_shares_until_the_outcome_is_exhaustive() -> None:
    # shares of 5 cannot pay a (6): b alone is not exhaustive; at 6, a and b tie at rho 1
    text = election("approval", "a;6\nb;4", "1;a\n2;b", budget="10")
    result = method_of_equal_shares(parse_pabulib(text))
    assert result.selected == ["a", "b"]
    details = result.details
    assert isinstance(details, MESDetails)
    assert (details.initial_budget_per_voter, details.budget_per_voter) == (5, 6)
    assert details.increments == 1
    assert details.rounds[0].payments == {"1": 6}


def test_mes_keeps_the_last_outcome_within_budget_then_completes_greedily() -> None:
    # raising the shares to 4 would buy a and b (10 > 9); completion then funds c
    text = election("approval", "a;5\nb;5\nc;1", "1;a\n2;a\n3;b\n4;b,c", budget="9")
    result = method_of_equal_shares(parse_pabulib(text))
    details = result.details
    assert isinstance(details, MESDetails)
    assert "overspend" in details.stop_reason
    assert result.total_cost <= 9
    assert details.completion is not None


def test_category_budgets_cap_each_category() -> None:
    extra = "categories;green,play\nbudget_per_category;5,10"
    text = election("approval", "g1;4\ng2;3\np1;6", "1;g1,g2,p1\n2;g1,g2\n3;g2", extra, budget="13")
    text = text.replace(
        "project_id;cost\ng1;4\ng2;3\np1;6",
        "project_id;cost;category\ng1;4;green\ng2;3;green\np1;6;play",
    )
    instance = parse_pabulib(text)
    assert greedy(instance).selected == ["g2", "g1", "p1"]
    capped = greedy(instance, category_budgets=True)
    assert capped.selected == ["g2", "p1"]
    step = next(s for s in capped.details.steps if s.project == "g1")  # type: ignore[union-attr]
    assert step.blocked_by == "category:green"
    assert step.left == 2
    mes = method_of_equal_shares(instance, category_budgets=True)
    assert sum(instance.project_by_id[p].cost for p in mes.selected if p.startswith("g")) <= 5


@pytest.mark.realdata(twin="test_an_amsterdam_layout_respects_its_category_budgets_when_asked")
@pytest.mark.parametrize("rule", [greedy, method_of_equal_shares])
def test_amsterdam_166_respects_its_category_budgets_when_asked(rule: object) -> None:
    instance = real("Netherlands_Amsterdam_166.pb")
    result = rule(instance, category_budgets=True)  # type: ignore[operator]
    caps = instance.category_budgets
    assert len(caps) == 6
    for category, cap in caps.items():
        spent = sum(
            instance.project_by_id[p].cost
            for p in result.selected
            if category in instance.project_by_id[p].categories
        )
        assert spent <= cap, category
    assert result.total_cost <= instance.budget


@pytest.mark.parametrize("rule", [greedy, method_of_equal_shares])
def test_an_amsterdam_layout_respects_its_category_budgets_when_asked(
    rule: object, tmp_path: Path
) -> None:
    """A made-up file laid out like Amsterdam 166 (``categories`` + ``budget_per_category`` in
    META, one category per project), whose caps bind: without them Armoede gets 23000 of 20000."""
    path = write_layout(tmp_path, "amsterdam_categories.pb")
    instance = parse_pabulib(path.read_bytes(), name=path.name)
    caps = instance.category_budgets
    assert caps == {
        "Armoede": 20000,
        "Groenonderhoud straten & pleinen": 25000,
        "Jeugdactiviteiten": 15000,
    }

    def spent(selected: list[str], category: str) -> Fraction:
        return sum(
            (instance.project_by_id[p].cost for p in selected
             if category in instance.project_by_id[p].categories),
            Fraction(0),
        )  # fmt: skip

    uncapped = rule(instance)  # type: ignore[operator]
    assert spent(uncapped.selected, "Armoede") > caps["Armoede"]
    result = rule(instance, category_budgets=True)  # type: ignore[operator]
    for category, cap in caps.items():
        assert spent(result.selected, category) <= cap, category
    assert result.total_cost <= instance.budget
    assert "90431" in result.selected


@pytest.mark.realdata(twin="test_every_project_in_a_file_of_each_real_layout_is_explained")
@pytest.mark.parametrize("name", STORED)
def test_every_project_is_explained(name: str) -> None:
    instance = real(name)
    _assert_every_project_is_explained(instance)


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_every_project_in_a_file_of_each_real_layout_is_explained(
    name: str, tmp_path: Path
) -> None:
    instance = parse_pabulib(write_layout(tmp_path, name).read_bytes(), name=name)
    _assert_every_project_is_explained(instance)


def _assert_every_project_is_explained(instance: Instance) -> None:
    for result in (greedy(instance), method_of_equal_shares(instance)):
        explanations = explain(instance, result)
        assert [e.project for e in explanations][: len(result.selected)] == result.selected
        assert sorted(e.project for e in explanations) == sorted(p.id for p in instance.projects)
        assert all(e.reason for e in explanations)
        for e in explanations:
            assert e.selected == (e.project in result.selected)
            if e.stage == "mes":
                assert e.facts["total_payment"] == e.cost
            if not e.selected and isinstance(result.details, MESDetails):
                assert "MES did not buy it" in e.reason or "Nobody" in e.reason


@pytest.mark.realdata(twin="test_mes_with_completion_takes_under_two_seconds_on_a_city_sized_file")
def fastest_of_three(work: Callable[[], T], under: float) -> tuple[float, T]:
    """The least processor time of up to three runs of ``work`` (stopping at the first one
    under ``under`` seconds), and its result. A busy machine only ever adds time, so the fastest
    run is the measure of the code (as ``timeit`` takes the best); code that is really too slow
    still fails all three."""
    best, result = float("inf"), None
    for _attempt in range(3):
        start = time.process_time()
        result = work()
        best = min(best, time.process_time() - start)
        if best < under:
            break
    return best, result  # type: ignore[return-value]


@pytest.mark.parametrize("name", STORED)
def test_mes_with_completion_takes_under_two_seconds(name: str) -> None:
    instance = real(name)
    seconds, _result = fastest_of_three(lambda: method_of_equal_shares(instance), under=2.0)
    assert seconds < 2.0


@pytest.mark.parametrize("layout", sorted(CITY_SIZES))
def test_mes_with_completion_takes_under_two_seconds_on_a_city_sized_file(
    layout: str, tmp_path: Path
) -> None:
    """Made-up elections as large as the real Amsterdam 288, Kraków and Częstochowa files, in
    their layouts; Kraków's and Częstochowa's need hundreds of Add1 raises, as the real ones."""
    path = tmp_path / f"{layout}.pb"
    path.write_bytes(city_sized(layout).encode("utf-8"))
    instance = parse_pabulib(path.read_bytes(), name=path.name)
    assert (len(instance.projects), len(instance.ballots)) == CITY_SIZES[layout]
    seconds, result = fastest_of_three(lambda: method_of_equal_shares(instance), under=2.0)
    assert seconds < 2.0
    assert isinstance(result.details, MESDetails)
    assert result.details.increments > (0 if layout == "amsterdam_approval" else 300)
    assert result.selected and result.total_cost <= instance.budget


def naive_mes(util: Utilities, share: Fraction) -> list[int]:
    """MES straight from the definition, in fractions: the reference for the fast engine."""
    budgets = [share] * util.num_ballots
    totals = util.total_weight()
    remaining = {j for j, t in enumerate(totals) if t > 0 and util.costs[j] > 0}
    bought: list[int] = []
    while True:
        best: tuple[Fraction, str, int, Fraction] | None = None
        for j in remaining:
            voters = [(i, w) for i, b in enumerate(util.ballots) for k, w in b if k == j]
            if sum(budgets[i] for i, _ in voters) < util.costs[j]:
                continue
            voters.sort(key=lambda v: budgets[v[0]] / v[1])
            rest, weight = util.costs[j], sum(w for _, w in voters)
            for i, w in voters:
                pi = rest / weight
                if pi * w <= budgets[i]:
                    break
                rest, weight = rest - budgets[i], weight - w
            key = (pi / util.units[j], util.project_ids[j], j, pi)
            if best is None or key[:2] < best[:2]:
                best = key
        if best is None:
            return bought
        _, _, j, pi = best
        for i, b in enumerate(util.ballots):
            for k, w in b:
                if k == j:
                    budgets[i] -= min(budgets[i], pi * w)
        remaining.discard(j)
        bought.append(j)


@st.composite
def small_elections(draw: st.DrawFn) -> str:
    vote_type = draw(st.sampled_from(["approval", "choose-1", "cumulative", "scoring", "ordinal"]))
    m = draw(st.integers(1, 5))
    ids = [str(i) for i in draw(st.permutations(range(1, 12)))[:m]]
    costs = [draw(st.integers(1, 12)) for _ in ids]
    votes = []
    for voter in range(draw(st.integers(1, 7))):
        # pabutools cannot read an empty points field, so point ballots name a project
        least = 1 if vote_type in ("cumulative", "scoring") else 0
        most = 1 if vote_type == "choose-1" else m
        chosen = draw(st.lists(st.sampled_from(ids), unique=True, min_size=least, max_size=most))
        if vote_type in ("cumulative", "scoring"):
            low = 0 if vote_type == "scoring" else 1
            points = [str(draw(st.integers(low, 3))) for _ in chosen]
            votes.append(f"{voter};{','.join(chosen)};{','.join(points)}")
        else:
            votes.append(f"{voter};{','.join(chosen)}")
    projects = "\n".join(f"{i};{c}" for i, c in zip(ids, costs, strict=True))
    budget = draw(st.integers(1, 30))
    extra = f"max_length;{m}" if vote_type == "ordinal" else ""
    return election(vote_type, projects, "\n".join(votes), extra, budget=str(budget))


@settings(max_examples=300, deadline=None)
@given(small_elections(), st.lists(st.integers(0, 8), min_size=1, max_size=4))
def test_the_fast_engine_decides_exactly_like_plain_fractions(text: str, raises: list[int]) -> None:
    instance = parse_pabulib(text)
    util = utilities(instance)
    totals = util.total_weight()
    eligible = [j for j, t in enumerate(totals) if t > 0 and util.costs[j] > 0]
    if not eligible:
        return
    engine = _engine(util, eligible)  # one engine: later runs start from earlier runs' hints
    for raise_by in raises:
        share = instance.budget / util.num_ballots + raise_by
        fast = [eligible[e] for e, _ in engine.run(share)]
        assert fast == naive_mes(util, share)


def test_meta_the_rules_cannot_use_is_a_user_error() -> None:
    text = election("ordinal", "a;5\nb;5", "1;a,b", "scoring_fn;plurality", budget="5")
    with pytest.raises(WijkkompasError, match="neither Borda nor points per rank"):
        greedy(parse_pabulib(text))
    text = election("approval", "a;5", "1;a", "categories;x,y\nbudget_per_category;5", budget="5")
    with pytest.raises(WijkkompasError, match="budget_per_category has 1 values"):
        greedy(parse_pabulib(text), category_budgets=True)
    assert greedy(parse_pabulib(text)).selected == ["a"]  # caps are only read when asked for
