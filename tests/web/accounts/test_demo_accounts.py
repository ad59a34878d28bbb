"""Demo accounts (published password) work on the demo data only: never with
WIJKKOMPAS_ENV=production, never on a store that is not the demo.

The demo's ``var/`` folder may be copied to a server and started with production settings, or
its app database pointed at real data: the accounts and their password are then still in the
database, so the refusal must be at login and for sessions that already exist, not only when
the accounts are made.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from django.test import Client

from wijkkompas.web.apps.accounts import services
from wijkkompas.web.apps.accounts.demo import (
    DEMO_PASSWORD,
    DEMO_USERS,
    create_demo_users,
    demo_accounts_warning,
)
from wijkkompas.web.apps.accounts.models import Organisation

pytestmark = pytest.mark.django_db

REFUSED = "demo-account met een openbaar wachtwoord"


@pytest.fixture
def demo_accounts(settings, demo_store: Path) -> list[str]:
    settings.WIJKKOMPAS_STORE = demo_store
    corporation = Organisation.objects.create(name="Demo Wonen", kind="woningcorporatie")
    create_demo_users("WK999901", {"woningcorporatie": corporation})
    return [demo.username for demo in DEMO_USERS]


def test_on_the_demo_the_demo_accounts_log_in(demo_accounts: list[str]) -> None:
    answer = Client().post("/account/inloggen/", {"username": "admin", "password": DEMO_PASSWORD})
    assert answer.status_code == 302


@pytest.mark.parametrize("username", [demo.username for demo in DEMO_USERS])
def test_in_production_no_demo_account_logs_in(
    settings, demo_accounts: list[str], username: str
) -> None:
    settings.WIJKKOMPAS_ENV = "production"
    client = Client()
    answer = client.post("/account/inloggen/", {"username": username, "password": DEMO_PASSWORD})
    assert answer.status_code == 403
    assert REFUSED in answer.content.decode()
    assert client.get("/account/").status_code == 302  # to the login page: not signed in
    assert client.get("/account/personen/").status_code == 302


def test_in_production_an_existing_demo_session_ends(settings, demo_accounts: list[str]) -> None:
    client = Client()
    assert (
        client.post(
            "/account/inloggen/", {"username": "admin", "password": DEMO_PASSWORD}
        ).status_code
        == 302
    )
    assert client.get("/account/personen/").status_code == 200
    settings.WIJKKOMPAS_ENV = "production"  # the same database, now served in production
    answer = client.get("/account/personen/", follow=True)
    assert answer.redirect_chain[0][0].startswith("/account/inloggen/")
    assert REFUSED in answer.content.decode()
    assert client.get("/account/").status_code == 302


def test_in_production_the_api_answers_a_demo_session_as_anyone(
    settings, demo_accounts: list[str]
) -> None:
    client = Client()
    client.post("/account/inloggen/", {"username": "admin", "password": DEMO_PASSWORD})
    history = "/api/v1/plannen/999999/geschiedenis"
    assert client.get(history).status_code == 404  # signed in: there is no such plan
    settings.WIJKKOMPAS_ENV = "production"
    assert client.get(history).status_code == 401


def test_in_production_real_accounts_still_log_in(settings, demo_accounts: list[str]) -> None:
    services.create_person(username="echte-beheerder", password="een-lang-echt-wachtwoord")
    settings.WIJKKOMPAS_ENV = "production"
    answer = Client().post(
        "/account/inloggen/",
        {"username": "echte-beheerder", "password": "een-lang-echt-wachtwoord"},
    )
    assert answer.status_code == 302


def test_production_start_up_says_that_demo_accounts_exist(
    settings, demo_accounts: list[str]
) -> None:
    settings.WIJKKOMPAS_ENV = "production"
    warning = demo_accounts_warning()
    assert warning is not None
    assert f"{len(DEMO_USERS)} demo accounts" in warning
    assert "cannot log in" in warning
    settings.WIJKKOMPAS_ENV = "development"
    assert demo_accounts_warning() is None


@pytest.fixture
def real_store(tmp_path: Path) -> Path:
    """A store with one real gemeente and no demo data."""
    from wijkkompas.store import AnalyticStore, ImportBatch

    path = tmp_path / "utrecht.duckdb"
    regions = pd.DataFrame(
        [("GM0344", "Utrecht", "gemeente", 2023, "GM0344", None)],
        columns=["code", "name", "level", "year", "gemeente_code", "wijk_code"],
    )
    batch = ImportBatch(source="test-utrecht", description="real data", regions=regions)
    AnalyticStore(path).import_batch(batch)
    return path


def test_on_a_real_data_store_the_demo_accounts_are_refused(
    settings, demo_accounts: list[str], real_store: Path
) -> None:
    client = Client()
    assert (
        client.post(
            "/account/inloggen/", {"username": "coordinator", "password": DEMO_PASSWORD}
        ).status_code
        == 302
    )
    settings.WIJKKOMPAS_STORE = real_store  # the same app database, now beside real data
    answer = client.get("/account/personen/", follow=True)
    assert REFUSED in answer.content.decode()
    answer = Client().post(
        "/account/inloggen/", {"username": "coordinator", "password": DEMO_PASSWORD}
    )
    assert answer.status_code == 403
    assert REFUSED in answer.content.decode()
    warning = demo_accounts_warning()
    assert warning is not None and "a store without the demo data" in warning


def test_a_missing_store_is_no_demo(settings, demo_accounts: list[str], tmp_path: Path) -> None:
    settings.WIJKKOMPAS_STORE = tmp_path / "absent.duckdb"
    answer = Client().post("/account/inloggen/", {"username": "admin", "password": DEMO_PASSWORD})
    assert answer.status_code == 403


def test_without_demo_accounts_production_start_up_says_nothing(settings) -> None:
    settings.WIJKKOMPAS_ENV = "production"
    assert demo_accounts_warning() is None
