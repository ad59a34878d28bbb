"""Resident codes: stored only as keyed hashes; wrong guesses limited across processes.

Failures count per client and per client and code prefix (the first group of four), so wrong
codes from a shared address never keep another resident's valid code out, while guessing around
one code, or many codes from one client, is stopped.
"""

from __future__ import annotations

import ipaddress
import itertools

import pytest
from django.db.models import F
from django.http import HttpResponse
from django.test import Client

from wijkkompas.web.apps.accounts.models import FailureCount
from wijkkompas.web.apps.accounts.throttle import WINDOW
from wijkkompas.web.apps.participation.models import ResidentCode
from wijkkompas.web.apps.participation.selectors.codes import find
from wijkkompas.web.apps.participation.services import codes

pytestmark = pytest.mark.django_db


def test_codes_are_made_once_and_stored_only_as_hashes() -> None:
    made = codes.generate_codes(area_code="bu99990101", count=25, batch="brief")
    assert len(set(made)) == 25
    stored = ResidentCode.objects.all()
    assert {c.area_code for c in stored} == {"BU99990101"}
    hashes = {c.code_hash for c in stored}
    assert not any(codes.normalise(code) in h or code in h for code in made for h in hashes)
    assert hashes == {codes.code_hash(code) for code in made}


def test_case_spaces_and_dashes_do_not_matter() -> None:
    [code] = codes.generate_codes(area_code="BU99990101", count=1, batch="b")
    typed = code.lower().replace("-", " ")
    first = codes.redeem(typed)
    again = codes.redeem(code)
    assert first is not None and first.first_time
    assert again is not None and not again.first_time and again.user == first.user


def test_a_revoked_code_no_longer_opens_a_session() -> None:
    [code] = codes.generate_codes(area_code="BU99990101", count=1, batch="b")
    codes.revoke(ResidentCode.objects.get())
    assert codes.redeem(code) is None


def _enter(client: Client, code: str) -> HttpResponse:
    return client.post("/meedoen/code/", {"code": code})


def _wrong(prefix: str, n: int) -> str:
    """A code that starts with ``prefix`` and exists nowhere (no generated code has an O)."""
    return f"{prefix}-OOOO-{n:04d}"


def _distinct_prefixes(count: int) -> list[str]:
    return [a + b + "OO" for a, b in itertools.product(codes.ALPHABET, repeat=2)][:count]


def test_wrong_codes_from_a_shared_address_do_not_block_a_valid_code() -> None:
    """A community centre, a library or a proxy: many residents behind one address."""
    [good] = codes.generate_codes(area_code="BU99990101", count=1, batch="b")
    neighbours = Client(REMOTE_ADDR="192.0.2.7")
    for n in range(codes.CODE_PER_PREFIX.allowed + 3):
        assert _enter(neighbours, _wrong("WRON", n)).status_code in (400, 429)
    assert _enter(Client(REMOTE_ADDR="192.0.2.7"), good).status_code == 302


def test_guessing_around_one_code_waits_a_quarter_of_an_hour() -> None:
    [good] = codes.generate_codes(area_code="BU99990101", count=1, batch="b")
    prefix = good[:4]
    guesser = Client(REMOTE_ADDR="192.0.2.7")
    for n in range(codes.CODE_PER_PREFIX.allowed):
        assert _enter(guesser, _wrong(prefix, n)).status_code == 400
    blocked = _enter(guesser, good)
    assert blocked.status_code == 429
    assert "over 15 minuten" in blocked.content.decode()
    assert _enter(guesser, _wrong("WRON", 0)).status_code == 400  # other codes are looked at
    assert _enter(Client(REMOTE_ADDR="192.0.2.8"), good).status_code == 302  # the owner, elsewhere
    FailureCount.objects.update(window_start=F("window_start") - WINDOW)
    assert _enter(guesser, good).status_code == 302


def test_guessing_many_codes_from_one_client_is_stopped() -> None:
    [good] = codes.generate_codes(area_code="BU99990101", count=1, batch="b")
    guesser = Client(REMOTE_ADDR="192.0.2.7")
    for prefix in _distinct_prefixes(codes.CODE_PER_CLIENT.allowed):
        assert _enter(guesser, _wrong(prefix, 0)).status_code == 400
    assert _enter(guesser, _wrong("WRON", 0)).status_code == 429
    assert _enter(guesser, good).status_code == 429
    assert _enter(Client(REMOTE_ADDR="192.0.2.8"), good).status_code == 302


def test_behind_a_trusted_proxy_each_resident_is_counted_apart(settings) -> None:
    settings.WIJKKOMPAS_TRUSTED_PROXIES = (ipaddress.ip_network("10.0.0.1"),)
    [good] = codes.generate_codes(area_code="BU99990101", count=1, batch="b")

    def resident(address: str) -> Client:
        return Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=address)

    for prefix in _distinct_prefixes(codes.CODE_PER_CLIENT.allowed):
        _enter(resident("198.51.100.66"), _wrong(prefix, 0))
    assert _enter(resident("198.51.100.66"), good).status_code == 429
    assert _enter(resident("198.51.100.67"), good).status_code == 302


def test_the_counts_hold_no_address_and_no_code() -> None:
    _enter(Client(REMOTE_ADDR="192.0.2.7"), "WRON-GCOD-E000")
    keys = list(FailureCount.objects.values_list("scope", "key"))
    assert {scope for scope, _key in keys} == {"code-client", "code-prefix"}
    assert not [key for _scope, key in keys if "192.0.2" in key or "WRON" in key.upper()]


def test_code_entry_and_ballots_need_the_csrf_token() -> None:
    [good] = codes.generate_codes(area_code="BU99990101", count=1, batch="b")
    client = Client(enforce_csrf_checks=True)
    assert client.post("/meedoen/code/", {"code": good}).status_code == 403
    page = client.get("/meedoen/code/").content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    answer = client.post("/meedoen/code/", {"code": good, "csrfmiddlewaretoken": token})
    assert answer.status_code == 302
    assert client.post("/meedoen/mijn-gegevens/", {"erase": "ja"}).status_code == 403


def test_in_production_the_public_demo_codes_open_nothing(settings) -> None:
    codes.add_known_code(
        code="DEMO-2026-0001", area_code="BU99990101", batch="Demo (openbaar)", is_demo=True
    )
    settings.WIJKKOMPAS_ENV = "production"
    answer = Client().post("/meedoen/code/", {"code": "DEMO-2026-0001"})
    assert answer.status_code == 403
    assert "openbare democode" in answer.content.decode()
    assert ResidentCode.objects.get().user_id is None  # no resident account was made
    settings.WIJKKOMPAS_ENV = "development"
    assert Client().post("/meedoen/code/", {"code": "DEMO-2026-0001"}).status_code == 302


def test_rotating_the_secret_key_keeps_printed_codes_valid(settings) -> None:
    """Sessions are signed with the secret key; codes have their own (WIJKKOMPAS_CODE_KEY)."""
    [code] = codes.generate_codes(area_code="BU99990101", count=1, batch="brief")
    settings.SECRET_KEY = "een-nieuwe-geheime-sleutel-na-een-lek-" + "x7Kq9" * 6
    assert Client().post("/meedoen/code/", {"code": code}).status_code == 302


def test_a_retired_code_key_keeps_its_letters_valid_until_it_is_dropped(settings) -> None:
    settings.WIJKKOMPAS_CODE_KEYS = ("oude-codesleutel",)
    used, unused = codes.generate_codes(area_code="BU99990101", count=2, batch="brief 2026")
    settings.WIJKKOMPAS_CODE_KEYS = ("nieuwe-codesleutel", "oude-codesleutel")
    assert find(used) is not None and find(unused) is not None
    assert codes.redeem(used) is not None
    # Used once, a code is stored under the current key; the others wait for their first use.
    stored = ResidentCode.objects.get(user__isnull=False)
    assert stored.code_hash == codes.code_hash(used)
    settings.WIJKKOMPAS_CODE_KEYS = ("nieuwe-codesleutel",)
    assert codes.redeem(used) is not None
    assert find(unused) is None
    [fresh] = codes.generate_codes(area_code="BU99990101", count=1, batch="brief 2027")
    assert find(fresh) is not None
