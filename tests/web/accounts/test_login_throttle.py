"""Guessing passwords is throttled per account and per client, in the database.

The counts live in the app database, so the limit holds whichever worker process answers, and
they hold keyed hashes only: no user name or address is written down. An unknown user name is
counted and answered exactly like a known one, so the answers do not tell which accounts exist.
"""

from __future__ import annotations

import pytest
from django.db.models import F
from django.test import Client

from wijkkompas.web.apps.accounts import services
from wijkkompas.web.apps.accounts.models import FailureCount
from wijkkompas.web.apps.accounts.throttle import LOGIN_PER_ACCOUNT, LOGIN_PER_CLIENT, WINDOW

pytestmark = pytest.mark.django_db

PASSWORD = "een-lang-echt-wachtwoord"
THROTTLED = "Er is te vaak geprobeerd in te loggen"


@pytest.fixture
def admin() -> str:
    services.create_person(username="beheer", password=PASSWORD)
    return "beheer"


def _login(client: Client, username: str, password: str):
    return client.post("/account/inloggen/", {"username": username, "password": password})


def _client(n: int = 1) -> Client:
    return Client(REMOTE_ADDR=f"192.0.2.{n}")


def test_forty_wrong_passwords_then_the_right_one_does_not_get_in(admin: str) -> None:
    answers = [_login(_client(n), admin, f"fout-{n}") for n in range(1, 41)]
    allowed = LOGIN_PER_ACCOUNT.allowed
    assert [a.status_code for a in answers[:allowed]] == [200] * allowed
    assert {a.status_code for a in answers[allowed:]} == {429}
    assert THROTTLED in answers[-1].content.decode()
    right = _login(_client(99), admin, PASSWORD)
    assert right.status_code == 429  # the account waits, from every address
    assert THROTTLED in right.content.decode()


def test_after_the_quarter_hour_the_right_password_gets_in_again(admin: str) -> None:
    for n in range(LOGIN_PER_ACCOUNT.allowed + 5):
        _login(_client(n), admin, "fout")
    assert _login(_client(), admin, PASSWORD).status_code == 429
    FailureCount.objects.update(window_start=F("window_start") - WINDOW)
    assert _login(_client(), admin, PASSWORD).status_code == 302


def _error_summary(page: str) -> str:
    return page.split('id="foutmeldingen"', 1)[1].split("</div>", 1)[0]


def test_unknown_and_known_user_names_get_the_same_answers(admin: str) -> None:
    def answers(username: str) -> list[tuple[int, str]]:
        return [
            (answer.status_code, _error_summary(answer.content.decode()))
            for answer in (
                _login(_client(n), username, "fout") for n in range(LOGIN_PER_ACCOUNT.allowed + 2)
            )
        ]

    known, unknown = answers(admin), answers("bestaat-niet")
    assert known == unknown
    assert [status for status, _summary in known][-2:] == [429, 429]


def test_one_client_guessing_many_accounts_is_stopped(admin: str) -> None:
    guesser, neighbour = _client(7), _client(8)
    for n in range(LOGIN_PER_CLIENT.allowed):
        assert _login(guesser, f"naam-{n}", "fout").status_code == 200
    assert _login(guesser, admin, PASSWORD).status_code == 429
    assert _login(neighbour, admin, PASSWORD).status_code == 302


def test_logging_in_does_not_count_as_a_failure(admin: str) -> None:
    for _ in range(LOGIN_PER_ACCOUNT.allowed + 3):
        assert _login(_client(), admin, PASSWORD).status_code == 302
    assert _login(_client(), admin, "fout").status_code == 200


def test_the_counts_hold_no_names_and_no_addresses(admin: str) -> None:
    _login(Client(REMOTE_ADDR="198.51.100.23"), admin, "fout")
    rows = list(FailureCount.objects.values_list("scope", "key"))
    assert {scope for scope, _key in rows} == {"login-account", "login-client"}
    assert not [key for _scope, key in rows if admin in key or "198.51.100" in key]
