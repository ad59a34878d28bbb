"""Money as people type it: Dutch thousands and decimals (issue 16: "85.000" was refused with
a false second error, "12.500,50" refused while "12500,50" passed)."""

from __future__ import annotations

import html
from decimal import Decimal

import pytest
from django.utils import translation

from wijkkompas.web.apps.accounts import roles
from wijkkompas.web.apps.plans.forms import SpendingForm
from wijkkompas.web.apps.plans.models import Intervention
from wijkkompas.web.common.forms import parse_amount

from .test_changes import errors_on
from .world import World


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("85000", "85000"),
        ("85.000", "85000"),
        ("€ 85.000", "85000"),
        ("1.250.000", "1250000"),
        ("12.500,50", "12500.50"),
        ("12500,50", "12500.50"),
        ("12500.50", "12500.50"),
        ("-1.000", "-1000"),
        ("12 500", "12500"),
        ("0,5", "0.5"),
    ],
)
def test_dutch_amounts_are_read_as_a_dutch_reader_means_them(typed: str, amount: str) -> None:
    assert parse_amount(typed, ",") == Decimal(amount)


@pytest.mark.parametrize("typed", ["", "twaalf", "12.50.0", "1.2345", "12,500.50", "1,2,3", "€"])
def test_what_is_not_an_amount_is_refused(typed: str) -> None:
    assert parse_amount(typed, ",") is None


def test_in_english_the_marks_swap() -> None:
    assert parse_amount("12,500.50", ".") == Decimal("12500.50")
    assert parse_amount("85,000", ".") == Decimal("85000")
    assert parse_amount("12.500,50", ".") is None


@pytest.mark.django_db
def test_an_intervention_budget_of_85_000_is_saved_as_eighty_five_thousand(
    world: World, as_role
) -> None:
    response = as_role(roles.PARTNER).post(
        f"/plannen/{world.plan.pk}/interventies/nieuw/",
        {
            "title": "Buurtconciërge",
            "description": "Een vast gezicht in de flat",
            "pillar": "sociale_basis",
            "lead": world.orgs["corporatie"].pk,
            "start_date": "2023-03-01",
            "budget_year": "2023",
            "budget_amount": "85.000",
        },
    )
    assert response.status_code == 302
    intervention = Intervention.objects.get(title="Buurtconciërge")
    assert [(b.year, b.amount) for b in intervention.budget_lines.all()] == [(2023, Decimal(85000))]


@pytest.mark.django_db
def test_an_unreadable_amount_gets_one_error_not_two(world: World, as_role) -> None:
    response = as_role(roles.PARTNER).post(
        f"/plannen/{world.plan.pk}/interventies/nieuw/",
        {
            "title": "Buurtconciërge",
            "description": "Een vast gezicht in de flat",
            "pillar": "sociale_basis",
            "lead": world.orgs["corporatie"].pk,
            "start_date": "2023-03-01",
            "budget_year": "2023",
            "budget_amount": "vijfduizend",
        },
    )
    summary = html.unescape(errors_on(response))
    assert "Vul een bedrag in euro's in" in summary
    assert "zowel het jaar als het bedrag" not in summary


@pytest.mark.django_db
def test_spending_of_12_500_50_is_accepted_in_dutch_and_in_english(world: World) -> None:
    for language, typed in (("nl", "12.500,50"), ("en", "12,500.50")):
        with translation.override(language):
            form = SpendingForm(
                {"organisation": world.orgs["corporatie"].pk, "year": "2023", "amount": typed},
                plan=world.plan,
                acting=None,
            )
            assert form.is_valid(), form.errors
            assert form.cleaned_data["amount"] == Decimal("12500.50")
