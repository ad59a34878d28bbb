"""Resident codes: stored only as keyed hashes; wrong guesses limited across processes."""

from __future__ import annotations

import pytest
from django.test import Client

from wijkkompas.web.apps.participation.models import CodeAttempt, ResidentCode
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


def test_wrong_codes_are_limited_per_client_in_the_database() -> None:
    client = Client(REMOTE_ADDR="192.0.2.7")
    for _ in range(codes.MAX_FAILURES):
        assert client.post("/meedoen/code/", {"code": "WRONG-CODE-0000"}).status_code == 400
    [good] = codes.generate_codes(area_code="BU99990101", count=1, batch="b")
    blocked = client.post("/meedoen/code/", {"code": good})
    assert blocked.status_code == 429
    assert "over 15 minuten" in blocked.content.decode()
    other = Client(REMOTE_ADDR="192.0.2.8")
    assert other.post("/meedoen/code/", {"code": good}).status_code == 302
    assert not CodeAttempt.objects.filter(client__contains="192.0.2").exists()  # no raw address


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
