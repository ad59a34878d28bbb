"""The demo plan (fully worked, idempotent, only on the demo data) and the exports."""

from __future__ import annotations

import csv
import io
import re
import zlib
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import transaction
from openpyxl import load_workbook

from wijkkompas.web.apps.accounts.demo import DEMO_PASSWORD, DEMO_USERS
from wijkkompas.web.apps.accounts.models import Person
from wijkkompas.web.apps.plans.demo import create_demo_plan, prepare_demo
from wijkkompas.web.apps.plans.models import Plan

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_plan(django_db_setup, django_db_blocker, demo_store: Path) -> Iterator[Plan]:
    from django.conf import settings

    from .conftest import FAST_HASHERS

    old = settings.WIJKKOMPAS_STORE, settings.PASSWORD_HASHERS
    settings.WIJKKOMPAS_STORE, settings.PASSWORD_HASHERS = demo_store, FAST_HASHERS
    with django_db_blocker.unblock(), transaction.atomic():
        plan = create_demo_plan()
        assert plan is not None
        yield plan
        transaction.set_rollback(True)
    settings.WIJKKOMPAS_STORE, settings.PASSWORD_HASHERS = old


def test_the_demo_plan_is_for_the_wijk_where_problems_cumulate(demo_plan: Plan) -> None:
    from wijkkompas.demo import build_demo

    narrative = build_demo(2024).narrative
    assert demo_plan.area_codes == [narrative.focus_wijk]
    assert (demo_plan.start_year, demo_plan.end_year) == (2021, 2030)
    assert demo_plan.is_demo


def test_the_demo_plan_is_fully_worked(demo_plan: Plan) -> None:
    kinds = {p.organisation.kind for p in demo_plan.partners.select_related("organisation")}
    assert {"gemeente", "woningcorporatie", "welzijn", "politie", "bewonersorganisatie"} <= kinds
    assert demo_plan.agreements.count() >= 4
    conditions = {g.social_quality for g in demo_plan.goals.all() if g.social_quality}
    assert len(conditions) >= 3
    pillars = {i.pillar for i in demo_plan.interventions.all()}
    assert pillars == {"sociale_basis", "sociale_stijging", "sociale_herovering", "fysiek"}
    assert demo_plan.interventions.filter(resident_initiative=True).exists()
    years = {line.year for i in demo_plan.interventions.all() for line in i.budget_lines.all()}
    assert years == set(range(2021, 2031))
    assert all(i.spending.exists() and i.timeline.exists() for i in demo_plan.interventions.all())
    assert demo_plan.history.count() > 50


def test_the_demo_plan_has_a_goal_on_a_condition_score_from_its_index_run(
    demo_plan: Plan, demo_store: Path
) -> None:
    from wijkkompas.store import AnalyticStore
    from wijkkompas.web.apps.plans.selectors.monitor import open_monitor
    from wijkkompas.web.apps.plans.selectors.progress import goal_progress

    goal = demo_plan.goals.get(kind="social_quality")
    with AnalyticStore(demo_store).reader() as reader:
        runs = reader.index_runs()
    assert goal.social_quality == "social_cohesion"
    assert goal.index_run_id == str(runs["run_id"].iloc[-1])
    assert goal.baseline_year == 2020 and goal.baseline_value is not None
    assert goal.target_value == pytest.approx(goal.baseline_value + 0.3, abs=0.01)
    assert goal.interventions.exists()
    with open_monitor() as monitor:
        progress = goal_progress(goal, demo_plan, monitor)
    assert progress.assessment is not None and progress.did is not None
    assert progress.did.verdict not in ("too_few_years", "too_few_comparisons")


def test_the_demo_is_idempotent_and_has_one_account_per_role(demo_plan: Plan) -> None:
    assert create_demo_plan() == demo_plan
    assert Plan.objects.filter(demo_key__isnull=False).count() == 1
    people = Person.objects.filter(is_demo=True).select_related("user")
    assert sorted(p.user.username for p in people) == sorted(d.username for d in DEMO_USERS)
    assert all(p.user.check_password(DEMO_PASSWORD) for p in people)


def test_no_demo_plan_or_accounts_without_the_demo_data(settings, tmp_path: Path) -> None:
    before = Person.objects.count(), Plan.objects.count()
    settings.WIJKKOMPAS_STORE = tmp_path / "none.duckdb"
    assert prepare_demo() is None
    assert (Person.objects.count(), Plan.objects.count()) == before


def test_the_demo_pages_show_progress_from_the_monitor(demo_plan: Plan, client) -> None:
    page = client.get(f"/plannen/{demo_plan.pk}/verantwoording/").content.decode()
    for heading in (
        "Wat hebben we beloofd?",
        "Wat is er gedaan?",
        "Wat heeft het gekost?",
        "Wat is er veranderd?",
    ):
        assert heading in page
    assert "vergelijkbare buurten zonder het plan" in page
    assert "Fictieve demogegevens" in page
    assert "De demo-accounts met hun openbare wachtwoord staan op de inlogpagina" in page
    login = client.get("/account/inloggen/").content.decode()
    assert DEMO_PASSWORD in login and "<code>coordinator</code>" in login


def test_no_published_demo_password_in_production(demo_plan: Plan, client, settings) -> None:
    settings.WIJKKOMPAS_ENV = "production"
    assert DEMO_PASSWORD not in client.get("/account/inloggen/").content.decode()
    page = client.get(f"/plannen/{demo_plan.pk}/verantwoording/").content.decode()
    assert "Fictieve demogegevens" in page and "demo-accounts" not in page


def test_the_budget_exports_agree_with_each_other(demo_plan: Plan, client) -> None:
    response = client.get(f"/plannen/{demo_plan.pk}/begroting.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    total_csv = sum(Decimal(r["begroot (euro)"]) for r in rows)
    workbook = load_workbook(
        io.BytesIO(client.get(f"/plannen/{demo_plan.pk}/begroting.xlsx").content)
    )
    sheet = workbook.active
    header = [c.value for c in sheet[1]]
    column = header.index("begroot (euro)")
    total_xlsx = sum(Decimal(str(r[column])) for r in sheet.iter_rows(min_row=2, values_only=True))
    expected = sum(
        (line.amount for i in demo_plan.interventions.all() for line in i.budget_lines.all()),
        Decimal(0),
    )
    assert total_csv == total_xlsx == expected
    assert len(rows) == sheet.max_row - 1


@pytest.mark.slow
def test_the_plan_pdf_is_tagged_pdf_ua(demo_plan: Plan, client) -> None:
    response = client.get(f"/plannen/{demo_plan.pk}/plan.pdf")
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF-1.7")
    content = inflated(pdf)
    assert b"/StructTreeRoot" in content and b"/MarkInfo" in content
    assert b"pdfuaid:part" in content  # the PDF/UA identification in the XMP metadata
    assert b"/Lang" in content
    assert b"Wijkaanpak Oosterpark" in content or b"/Title" in content


def inflated(pdf: bytes) -> bytes:
    """The PDF with its compressed streams unpacked, to look for structure and metadata."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def test_the_readme_documents_the_demo_accounts() -> None:
    from wijkkompas.paths import project_root

    root = project_root()
    if root is None:
        pytest.skip("not running from a checkout")
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert f"`{DEMO_PASSWORD}`" in readme
    for user in DEMO_USERS:
        assert f"`{user.username}`" in readme
