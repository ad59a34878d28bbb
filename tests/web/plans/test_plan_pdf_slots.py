"""The plan's PDF takes a render slot like the region reports (see tests/web/test_pdf_load.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from slot_holder import slots_held_by_another_process
from wijkkompas.web.render_slots import slot_files

from .world import World

pytestmark = pytest.mark.django_db


def test_the_plan_pdf_waits_for_a_free_slot(world: World) -> None:
    url = f"/plannen/{world.plan.pk}/plan.pdf"
    with slots_held_by_another_process(slot_files()):
        busy = Client().get(url)
        assert busy.status_code == 503 and int(busy["Retry-After"]) > 0
    done = Client().get(url)
    assert done.status_code == 200 and done.content.startswith(b"%PDF")
