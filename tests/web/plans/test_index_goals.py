"""Goals on a dimension or social-quality condition: baseline from a named saved index run."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from wijkkompas.catalogue import load_catalogue
from wijkkompas.index import Reference, score_custom_areas
from wijkkompas.plans import (
    GoalMeasure,
    MeasureNotAvailable,
    NoIndexRun,
    PlanArea,
    UnknownIndexRun,
    assess,
)
from wijkkompas.services.panel import read_panel
from wijkkompas.services.plan_progress import IndexRuns
from wijkkompas.store import AnalyticStore
from wijkkompas.web.apps.accounts import roles
from wijkkompas.web.apps.plans import services
from wijkkompas.web.apps.plans.models import Goal
from wijkkompas.web.apps.plans.selectors.monitor import open_monitor
from wijkkompas.web.apps.plans.selectors.progress import goal_progress
from wijkkompas.web.common.errors import InvalidInput

from .test_changes import counts, errors_on
from .world import AREA, World

COHESION = GoalMeasure("social_quality", "social_cohesion")
BUURTEN = ["BU99990100", "BU99990101", "BU99990102"]


@pytest.fixture(scope="module")
def runs(demo_store: Path) -> Iterator[IndexRuns]:
    store = AnalyticStore(demo_store)
    with store.reader() as reader:
        yield IndexRuns(reader, load_catalogue(), store)


@pytest.fixture
def store_without_runs(tmp_path: Path, demo_store: Path, settings) -> Path:
    """The demo store as it is before `wijkkompas index` ran: figures, no saved run."""
    path = tmp_path / "no-runs.duckdb"
    shutil.copy2(demo_store, path)
    with duckdb.connect(str(path)) as con:
        con.execute("DELETE FROM index_scores")
        con.execute("DELETE FROM index_runs")
    settings.WIJKKOMPAS_STORE = path
    return path


def _run_scores(runs: IndexRuns, code: str, column: str) -> dict[int, float]:
    scores = runs.source().scores
    rows = scores[scores["code"] == code].dropna(subset=[column])
    return dict(zip(rows["year"].astype(int), rows[column].astype(float), strict=True))


# The source itself (no database)


def test_a_single_wijk_gets_the_runs_own_score(runs: IndexRuns) -> None:
    source = runs.source()
    assert source.source_id == f"index-run:{runs.newest}"
    series = source.series(COHESION, PlanArea.of([AREA]))
    assert series == pytest.approx(_run_scores(runs, AREA, "social_cohesion"))
    assert min(series) < 2021 <= max(series)


def test_a_custom_area_is_scored_from_summed_parts_not_averaged(
    runs: IndexRuns, demo_store: Path
) -> None:
    store = AnalyticStore(demo_store)
    with store.reader() as reader:
        stored = reader.index_run_reference(runs.source().run_id)
    assert stored is not None
    reference = Reference.from_json(stored)
    panel, _, _ = read_panel(store, "GM9999")
    scores = score_custom_areas(panel, load_catalogue(), reference, {"eigen": BUURTEN}).scores
    rows = scores[scores["region_code"] == "eigen"].dropna(subset=["social_cohesion"])
    direct = dict(zip(rows["year"].astype(int), rows["social_cohesion"].astype(float), strict=True))
    series = runs.source().series(COHESION, PlanArea.of(BUURTEN))
    assert series == pytest.approx(direct)
    per_buurt = [_run_scores(runs, code, "social_cohesion")[2020] for code in BUURTEN]
    assert series[2020] != pytest.approx(sum(per_buurt) / len(per_buurt), abs=1e-6)


def test_the_dimension_key_of_the_catalogue_maps_to_the_score_column(runs: IndexRuns) -> None:
    series = runs.source().series(GoalMeasure("dimension", "nuisance_safety"), PlanArea.of([AREA]))
    assert series == pytest.approx(_run_scores(runs, AREA, "safety"))


def test_the_comparison_is_the_runs_buurten_outside_the_plan(runs: IndexRuns) -> None:
    comparison = runs.source().comparison(COHESION, PlanArea.of([AREA]))
    assert list(comparison.columns) == ["unit", "year", "value"]
    assert comparison["unit"].str.startswith("BU9999").all()
    assert not comparison["unit"].str.startswith("BU999901").any()
    assert comparison["unit"].nunique() > 50


def test_unknown_runs_and_indicators_are_refused(runs: IndexRuns) -> None:
    with pytest.raises(UnknownIndexRun):
        runs.source("19990101T000000-nope")
    with pytest.raises(MeasureNotAvailable):
        runs.source().series(GoalMeasure("indicator", "population"), PlanArea.of([AREA]))
    assert runs.choices()[0][0] == runs.newest
    assert runs.comparable(runs.newest, runs.newest)


# Goals through the services and pages


def _cohesion_goal(world: World, monitor, **extra) -> Goal:
    values = {
        "kind": "social_quality",
        "title": "Meer samenhang",
        "social_quality": "social_cohesion",
        "target_year": 2030,
        "target_value": -1.0,
        **extra,
    }
    return services.add_goal(
        user=world.users[roles.COORDINATOR], plan=world.plan, monitor=monitor, **values
    )


@pytest.mark.django_db
def test_the_baseline_comes_from_the_named_run(world: World, runs: IndexRuns) -> None:
    with open_monitor() as monitor:
        goal = _cohesion_goal(world, monitor, index_run=runs.newest)
    assert goal.index_run_id == runs.newest
    assert goal.baseline_source == f"index-run:{runs.newest}"
    assert goal.baseline_year == 2020
    expected = _run_scores(runs, AREA, "social_cohesion")[2020]
    assert goal.baseline_value == pytest.approx(expected)
    entry = world.plan.history.filter(action="goal.add").order_by("-pk").first()
    assert entry is not None and "baseline_source" in entry.changes


@pytest.mark.django_db
def test_a_custom_area_goal_has_the_summed_baseline(world: World, runs: IndexRuns) -> None:
    coordinator = world.users[roles.COORDINATOR]
    with open_monitor() as monitor:
        plan = services.create_plan(
            user=coordinator, monitor=monitor, title="Drie buurten", area_codes=BUURTEN,
            start_year=2021, end_year=2030, vision="Samen.", residents_goals="",
        )  # fmt: skip
        goal = services.add_goal(
            user=coordinator, plan=plan, monitor=monitor, kind="social_quality", title="Samen",
            social_quality="social_cohesion", target_year=2030, target_value=-2.0,
        )  # fmt: skip
        progress = goal_progress(goal, plan, monitor)
    expected = runs.source().series(COHESION, PlanArea.of(BUURTEN))
    assert goal.baseline_value == pytest.approx(expected[2020])
    assert progress.series[0] == (2020, pytest.approx(expected[2020]))
    assert progress.did is not None
    assert not set(progress.did.comparison_units) & set(BUURTEN)


@pytest.mark.django_db
def test_status_and_comparison_for_a_condition_goal(world: World, runs: IndexRuns) -> None:
    with open_monitor() as monitor:
        goal = _cohesion_goal(world, monitor)
        progress = goal_progress(goal, world.plan, monitor)
    actuals = _run_scores(runs, AREA, "social_cohesion")
    expected = assess(
        baseline_year=2020,
        baseline_value=actuals[2020],
        target_year=2030,
        target_value=-1.0,
        actuals=actuals,
        higher_is_better=True,
    )
    assert progress.missing == ""
    assert progress.assessment == expected
    assert progress.status in {"achieved", "on_track", "behind", "unknown"}
    assert progress.latest == (2024, pytest.approx(actuals[2024]))
    did = progress.did
    assert did is not None and did.pre_years and did.post_years == (2021, 2022, 2023, 2024)
    assert did.verdict in {"better", "worse", "cannot_tell"}
    assert did.ci_low is not None and did.ci_high is not None and did.ci_low < did.ci_high
    assert len(did.comparison_units) == 20
    assert progress.source_label.startswith("demo (")


@pytest.mark.django_db
def test_the_public_page_shows_a_condition_goals_progress(
    world: World, runs: IndexRuns, client
) -> None:
    with open_monitor() as monitor:
        goal = _cohesion_goal(world, monitor)
    page = client.get(f"/plannen/{world.plan.pk}/verantwoording/").content.decode()
    assert goal.title in page
    assert "Dit is een score van de monitor: hoger is beter." in page
    assert "indexrun" not in page  # an internal word and id, not for the public (issue 16)


@pytest.mark.django_db
def test_a_goal_whose_run_is_gone_says_so(world: World) -> None:
    with open_monitor() as monitor:
        goal = _cohesion_goal(world, monitor)
        Goal.objects.filter(pk=goal.pk).update(baseline_source="index-run:gone")
        goal.refresh_from_db()
        assert goal_progress(goal, world.plan, monitor).missing == "run_gone"


@pytest.mark.django_db
def test_an_unknown_run_is_a_form_error(world: World, as_role) -> None:
    before = counts()
    with open_monitor() as monitor, pytest.raises(InvalidInput) as raised:
        _cohesion_goal(world, monitor, index_run="19990101T000000-nope")
    assert "Kies een indexrun uit de lijst" in raised.value.errors["index_run"][0]
    response = as_role(roles.COORDINATOR).post(
        f"/plannen/{world.plan.pk}/doelen/nieuw/",
        {
            "kind": "social_quality",
            "title": "Samen",
            "social_quality": "social_cohesion",
            "index_run": "19990101T000000-nope",
            "target_year": "2030",
            "target_value": "-1",
        },
    )
    assert "De monitor heeft deze indexrun niet. Kies een indexrun uit de lijst." in errors_on(
        response
    )
    assert counts() == before


@pytest.mark.django_db
def test_without_an_index_run_the_form_says_to_run_the_index(
    world: World, as_role, store_without_runs: Path
) -> None:
    before = counts()
    response = as_role(roles.COORDINATOR).post(
        f"/plannen/{world.plan.pk}/doelen/nieuw/",
        {
            "kind": "dimension",
            "title": "Veiliger",
            "dimension": "nuisance_safety",
            "target_year": "2030",
            "target_value": "0",
        },
    )
    assert "Laat een analist eerst `wijkkompas index` draaien" in errors_on(response)
    assert counts() == before
    with open_monitor() as monitor:
        assert monitor.index is not None and monitor.index.newest is None
        with pytest.raises(NoIndexRun):
            monitor.index.source()
        goal = world.goal
        assert goal is not None and goal_progress(goal, world.plan, monitor).assessment


@pytest.mark.django_db
def test_a_condition_goal_needs_a_known_condition_and_a_target(world: World) -> None:
    with open_monitor() as monitor, pytest.raises(InvalidInput) as raised:
        _cohesion_goal(world, monitor, social_quality="happiness", target_value=None)
    assert set(raised.value.errors) == {"social_quality", "target_value"}


@pytest.mark.django_db
def test_the_api_takes_the_run_and_reports_it(world: World, as_role, runs: IndexRuns) -> None:
    response = as_role(roles.COORDINATOR).post(
        f"/api/v1/plannen/{world.plan.pk}/doelen",
        {
            "soort": "social_quality",
            "titel": "Samen",
            "conditie": "social_cohesion",
            "indexrun": runs.newest,
            "doeljaar": 2030,
            "streefwaarde": -1.0,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["indexrun"] == runs.newest
    bad = as_role(roles.COORDINATOR).post(
        f"/api/v1/plannen/{world.plan.pk}/doelen",
        {"soort": "dimension", "titel": "X", "dimensie": "housing", "indexrun": "nope",
         "doeljaar": 2030, "streefwaarde": 0.0},
        content_type="application/json",
    )  # fmt: skip
    assert bad.status_code == 400
    assert "indexrun" in bad.content.decode()


@pytest.mark.django_db
def test_a_condition_goal_keeps_a_target_when_edited(world: World) -> None:
    with open_monitor() as monitor:
        goal = _cohesion_goal(world, monitor)
    user = world.users[roles.COORDINATOR]
    with pytest.raises(InvalidInput) as raised:
        services.update_goal(user=user, goal=goal, target_value=None)
    assert set(raised.value.errors) == {"target_value"}
    edited = services.update_goal(user=user, goal=goal, target_value=-0.5)
    assert edited.target_value == -0.5 and edited.baseline_source == goal.baseline_source


@pytest.mark.django_db
def test_a_goal_on_a_model_estimate_gets_no_comparison_and_says_why(world: World, client) -> None:
    """The RIVM monitor's figures are predicted from registers: they cannot show what a plan
    did, so an indicator goal on them has no difference-in-differences, and a condition goal
    that rests partly on them says so."""
    with open_monitor() as monitor:
        goal = services.add_goal(
            user=world.users[roles.COORDINATOR], plan=world.plan, monitor=monitor,
            kind="indicator", title="Minder eenzaamheid", indicator_id="loneliness_share",
            target_year=2030, target_value=40.0,
        )  # fmt: skip
        progress = goal_progress(goal, world.plan, monitor)
        cohesion = goal_progress(_cohesion_goal(world, monitor), world.plan, monitor)
    assert progress.model_based and progress.did is None and progress.series
    assert cohesion.model_based and cohesion.did is not None
    page = client.get(f"/plannen/{world.plan.pk}/verantwoording/").content.decode()
    assert "modelschatting van de RIVM-gezondheidsmonitor" in page
    assert "rust deels op modelschattingen" in page
