"""A plan keeps its numbers when the yardstick changes; moving it over is an explicit, logged act.

A goal's baseline cites its index run. When a newer run is scored against another reference, the
goal keeps reading its own run (the scales are not comparable) and says so; a coordinator can
move it onto the new run, seeing old and new baseline and target side by side first. The target
moves by the same amount as the baseline, so the agreed improvement stays what it was.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from wijkkompas.services.references import fit_store_reference
from wijkkompas.services.scoring import run_index
from wijkkompas.store import AnalyticStore
from wijkkompas.web.apps.accounts import roles
from wijkkompas.web.apps.plans import services
from wijkkompas.web.apps.plans.selectors.monitor import open_monitor
from wijkkompas.web.apps.plans.selectors.progress import goal_progress

from .world import World


@pytest.fixture
def two_references(tmp_path: Path, demo_store: Path, settings) -> tuple[str, str]:
    """A copy of the demo store with a run on a locally fitted reference, then a run on the
    catalogue's; returns (old run id, new run id)."""
    path = tmp_path / "two-references.duckdb"
    shutil.copy2(demo_store, path)
    store = AnalyticStore(path)
    fit_store_reference(store, name="voorbeeldstad-eigen", note="test", activate=True)
    old = run_index(store, draws=0, label="eigen referentie")
    store.activate_reference(None)
    new = run_index(store, draws=0, label="referentie van de catalogus")
    settings.WIJKKOMPAS_STORE = path
    return old.run_id, new.run_id


@pytest.mark.django_db
def test_a_goal_stays_on_its_own_run_until_it_is_moved(
    world: World, two_references: tuple[str, str], as_role
) -> None:
    old_run, new_run = two_references
    coordinator = world.users[roles.COORDINATOR]
    with open_monitor() as monitor:
        goal = services.add_goal(
            user=coordinator, plan=world.plan, monitor=monitor, kind="social_quality",
            title="Meer samenhang", social_quality="social_cohesion", target_year=2030,
            target_value=1.0, index_run=old_run,
        )  # fmt: skip
        before = goal_progress(goal, world.plan, monitor)
        assert before.older_reference
        assert before.source_label.startswith("eigen referentie")
        old_baseline, old_target = goal.baseline_value, goal.target_value
        preview = services.rebase_preview(goal=goal, monitor=monitor, run_id=new_run)
    assert preview.old_baseline == pytest.approx(old_baseline)
    assert preview.new_baseline != pytest.approx(old_baseline)
    assert preview.new_target == pytest.approx(old_target + preview.new_baseline - old_baseline)

    page = as_role(roles.COORDINATOR).get(
        f"/plannen/{world.plan.pk}/doelen/{goal.pk}/nieuwe-referentie/"
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert f"{old_baseline:+.2f}" in text and f"{preview.new_baseline:+.2f}" in text
    goal.refresh_from_db()
    assert goal.baseline_value == pytest.approx(old_baseline)  # looking writes nothing

    response = as_role(roles.COORDINATOR).post(
        f"/plannen/{world.plan.pk}/doelen/{goal.pk}/nieuwe-referentie/", {"index_run": new_run}
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.baseline_source == f"index-run:{new_run}"
    assert goal.baseline_value == pytest.approx(preview.new_baseline)
    assert goal.target_value == pytest.approx(preview.new_target)
    entry = world.plan.history.filter(action="goal.rebase").order_by("-pk").first()
    assert entry is not None
    assert entry.changes["baseline_value"] == [
        pytest.approx(old_baseline),
        pytest.approx(preview.new_baseline),
    ]
    with open_monitor() as monitor:
        after = goal_progress(goal, world.plan, monitor)
    assert not after.older_reference
    assert after.source_label.startswith("referentie van de catalogus")


@pytest.mark.django_db
def test_a_partner_cannot_move_a_goal(world: World, two_references, as_role) -> None:
    old_run, new_run = two_references
    with open_monitor() as monitor:
        goal = services.add_goal(
            user=world.users[roles.COORDINATOR], plan=world.plan, monitor=monitor,
            kind="social_quality", title="Samen", social_quality="social_cohesion",
            target_year=2030, target_value=1.0, index_run=old_run,
        )  # fmt: skip
    response = as_role(roles.PARTNER).post(
        f"/plannen/{world.plan.pk}/doelen/{goal.pk}/nieuwe-referentie/", {"index_run": new_run}
    )
    assert response.status_code == 403
    goal.refresh_from_db()
    assert goal.baseline_source == f"index-run:{old_run}"
