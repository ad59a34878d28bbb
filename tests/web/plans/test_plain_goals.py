"""Goals in plain language for the public (issue 16).

A goal on an index score was shown as a bare z-score ("doel: -0,3"); it now reads as a class
with the index's own labels and a distance from the national midpoint. A goal's figure is
named as the catalogue names it, in the direction it must move ("Aandeel laag opgeleiden
omlaag ..., lager is beter"), never under a title that says the opposite ("Meer … met een
diploma (doel: 30,0 %)").
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from django.utils import translation

from wijkkompas.catalogue import Indicator, load_catalogue
from wijkkompas.index.classify import CLASS_LABELS_NL, classify, cut_points
from wijkkompas.plans import GoalMeasure, PlanArea, ScoreScale
from wijkkompas.services.plan_progress import IndexRuns
from wijkkompas.store import AnalyticStore
from wijkkompas.web.apps.accounts import roles
from wijkkompas.web.apps.plans import plain, services
from wijkkompas.web.apps.plans.labels import UNIT_LABELS
from wijkkompas.web.apps.plans.selectors.monitor import open_monitor
from wijkkompas.web.apps.plans.selectors.progress import goal_progress

from .world import AREA, World

COHESION = ScoreScale(mean=0.23, sd=0.98)
"""Roughly the demo reference's social-cohesion scale: class 3 below −0,50, class 4 up to 0,0."""

SCORED: list[Indicator] = list(load_catalogue().scored())


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# The words (no database)


def test_the_low_education_goal_says_the_share_goes_down() -> None:
    text = plain.indicator_goal(
        name="Aandeel laag opgeleiden", unit="%", baseline_year=2020, baseline=32.5,
        target_year=2030, target=28.5, higher_is_better=False,
    )  # fmt: skip
    assert text == (
        "Aandeel laag opgeleiden omlaag van 32,5 % in 2020 naar 28,5 % in 2030. Lager is beter."
    )


@pytest.mark.parametrize("indicator", SCORED, ids=lambda i: i.id)
def test_every_goal_label_follows_its_indicators_direction(indicator: Indicator) -> None:
    """Checked for every scored indicator of the catalogue, the higher-is-worse ones above all:
    the figure is named as the catalogue names it, the movement is the figures' own and the
    better way is the indicator's."""
    unit = str(UNIT_LABELS.get(indicator.unit, ""))
    worse_high = indicator.direction == "higher_is_worse"
    improving = plain.indicator_goal(
        name=indicator.name_nl, unit=unit, baseline_year=2020, baseline=50.0,
        target_year=2030, target=40.0 if worse_high else 60.0,
        higher_is_better=not worse_high,
    )  # fmt: skip
    assert improving.startswith(f"{indicator.name_nl} {'omlaag' if worse_high else 'omhoog'} ")
    assert ("Lager is beter." if worse_high else "Hoger is beter.") in improving
    assert ("Hoger is beter." if worse_high else "Lager is beter.") not in improving
    assert "verslechtering" not in improving
    assert not improving.startswith(("Meer ", "Minder "))
    declining = plain.indicator_goal(
        name=indicator.name_nl, unit=unit, baseline_year=2020, baseline=50.0,
        target_year=2030, target=60.0 if worse_high else 40.0,
        higher_is_better=not worse_high,
    )  # fmt: skip
    assert "Let op: dit doel is een verslechtering." in declining


def test_a_score_goal_reads_as_classes_and_the_national_midpoint() -> None:
    text = plain.score_goal(
        name="Sociale samenhang", scale=COHESION, baseline_year=2020, baseline=-0.59,
        target_year=2030, target=-0.29,
    )  # fmt: skip
    assert text == (
        "Sociale samenhang omhoog van klasse 3 (onvoldoende) in 2020 naar klasse 4 (zwak) in "
        "2030: van 0,6 onder het landelijk midden naar 0,3 eronder. Hoger is beter."
    )
    assert "-0,3" not in text and "−" not in text


@pytest.mark.parametrize(
    ("baseline", "target", "scale", "expected"),
    [
        (
            -1.3,
            -1.0,
            None,
            "Overlast en veiligheid omhoog van 1,3 onder het landelijk midden in 2020 naar "
            "1,0 eronder in 2030. Hoger is beter.",
        ),
        (
            -0.45,
            -0.1,
            COHESION,
            "Overlast en veiligheid omhoog binnen klasse 4 (zwak): van 0,5 onder het landelijk "
            "midden in 2020 naar 0,1 eronder in 2030. Hoger is beter.",
        ),
        (
            -0.3,
            0.4,
            None,
            "Overlast en veiligheid omhoog van 0,3 onder het landelijk midden in 2020 naar 0,4 "
            "boven het landelijk midden in 2030. Hoger is beter.",
        ),
        (
            0.02,
            -0.5,
            None,
            "Overlast en veiligheid omlaag van op het landelijk midden in 2020 naar 0,5 onder "
            "het landelijk midden in 2030. Hoger is beter. Let op: dit doel is een "
            "verslechtering.",
        ),
    ],
)
def test_score_goals_in_every_position(
    baseline: float, target: float, scale: ScoreScale | None, expected: str
) -> None:
    text = plain.score_goal(
        name="Overlast en veiligheid", scale=scale, baseline_year=2020, baseline=baseline,
        target_year=2030, target=target,
    )  # fmt: skip
    assert text == expected


def test_the_plain_words_are_translated() -> None:
    with translation.override("en"):
        score = plain.score_goal(
            name="Social cohesion", scale=COHESION, baseline_year=2020, baseline=-0.59,
            target_year=2030, target=-0.29,
        )  # fmt: skip
        share = plain.indicator_goal(
            name="Share with low education", unit="%", baseline_year=2020, baseline=32.5,
            target_year=2030, target=28.5, higher_is_better=False,
        )  # fmt: skip
    assert score == (
        "Social cohesion up from class 3 (insufficient) in 2020 to class 4 (weak) in 2030: "
        "from 0.6 below the national midpoint to 0.3 below it. Higher is better."
    )
    assert share == (
        "Share with low education down from 32.5 % in 2020 to 28.5 % in 2030. Lower is better."
    )


def test_the_score_classes_are_the_index_classes() -> None:
    cuts = cut_points(COHESION.mean, COHESION.sd)
    for value in (-3.0, -1.0, -0.59, -0.29, 0.0, 0.3, 0.9, 2.5):
        expected = int(classify(np.array([value]), cuts)[0])
        assert COHESION.class_of(value) == expected
    assert plain.class_text(3) == f"klasse 3 ({CLASS_LABELS_NL[3]})"


def test_an_index_run_gives_the_scale_of_its_own_reference(demo_store: Path) -> None:
    store = AnalyticStore(demo_store)
    with store.reader() as reader:
        source = IndexRuns(reader, load_catalogue(), store).source()
        scale = source.scale(GoalMeasure("social_quality", "social_cohesion"))
        mean, sd = source.reference().score_scale("social_cohesion")
        assert scale == ScoreScale(mean, sd)
        series = source.series(
            GoalMeasure("social_quality", "social_cohesion"), PlanArea.of([AREA])
        )
    assert 1 <= scale.class_of(series[2020]) <= 9


# The pages


@pytest.mark.django_db
def test_the_public_page_shows_a_score_goal_in_plain_language(world: World, client) -> None:
    with open_monitor() as monitor:
        goal = services.add_goal(
            user=world.users[roles.COORDINATOR], plan=world.plan, monitor=monitor,
            kind="social_quality", title="Meer samenhang", social_quality="social_cohesion",
            target_year=2030, target_value=-0.3,
        )  # fmt: skip
        progress = goal_progress(goal, world.plan, monitor)
    assert progress.scale is not None
    page = _text(client.get(f"/plannen/{world.plan.pk}/verantwoording/").content.decode())
    assert f"Meer samenhang Doel: {progress.goal_text}" in page
    assert "Sociale samenhang omhoog van klasse" in progress.goal_text
    assert "onder het landelijk midden" in progress.goal_text
    assert "(doel: -0,3" not in page and "doel: -0,3" not in page
    assert "Laatste cijfer (2024): klasse" in page
    for _year, value in progress.rows:
        assert value.startswith("klasse ") and "landelijk midden" in value
    assert "0 is het landelijk midden" in page


@pytest.mark.django_db
def test_an_indicator_goal_names_its_figure_not_only_its_title(world: World, client) -> None:
    """A title that reads the other way ("Meer … met een diploma") no longer gets the
    low-education share attached to it as if it were its figure."""
    with open_monitor() as monitor:
        services.add_goal(
            user=world.users[roles.COORDINATOR], plan=world.plan, monitor=monitor,
            kind="indicator", title="Meer jongeren en volwassenen met een diploma",
            indicator_id="low_education_share", target_year=2030, target_value=28.5,
        )  # fmt: skip
    page = _text(client.get(f"/plannen/{world.plan.pk}/verantwoording/").content.decode())
    assert "diploma (doel: 28,5" not in page
    assert re.search(
        r"Meer jongeren en volwassenen met een diploma Doel: Aandeel laag opgeleiden omlaag van "
        r"\d+,\d % in 2020 naar 28,5 % in 2030\. Lager is beter\.",
        page,
    )
    assert "Cijfers voor het gebied: Aandeel laag opgeleiden" in page


@pytest.mark.django_db
def test_the_demo_goal_titles_say_which_way_their_figure_goes(client) -> None:
    from wijkkompas.web.apps.plans.demo import create_demo_plan

    plan = create_demo_plan()
    assert plan is not None
    page = _text(client.get(f"/plannen/{plan.pk}/verantwoording/").content.decode())
    assert "diploma" not in page
    assert "Minder inwoners met een laag onderwijsniveau Doel: Aandeel laag opgeleiden omlaag" in (
        page
    )
    catalogue = load_catalogue()
    for goal in plan.goals.exclude(indicator_id=""):
        indicator = catalogue.by_id(goal.indicator_id)
        assert goal.baseline_value is not None and goal.target_value is not None
        down = goal.target_value < goal.baseline_value
        assert goal.title.startswith("Minder " if down else "Meer "), goal.title
        better_down = indicator.direction == "higher_is_worse"
        assert down == better_down, f"{goal.title} is a goal for the worse"


@pytest.mark.django_db
def test_an_existing_demo_plan_gets_the_corrected_title_in_its_history() -> None:
    from wijkkompas.web.apps.plans.demo import create_demo_plan

    plan = create_demo_plan()
    assert plan is not None
    goal = plan.goals.get(indicator_id="low_education_share")
    type(goal).objects.filter(pk=goal.pk).update(
        title="Meer jongeren en volwassenen met een diploma"
    )
    again = create_demo_plan()
    assert again is not None and again.pk == plan.pk
    goal.refresh_from_db()
    assert goal.title == "Minder inwoners met een laag onderwijsniveau"
    entry = plan.history.first()
    assert entry is not None and entry.action == "goal.edit"
    assert entry.changes["title"] == [
        "Meer jongeren en volwassenen met een diploma",
        "Minder inwoners met een laag onderwijsniveau",
    ]
