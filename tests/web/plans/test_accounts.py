"""Logging in (with and without a TOTP code), personal data apart and erasable, no names in
logs."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from wijkkompas.web.apps.accounts import roles
from wijkkompas.web.apps.accounts.models import Person

from .world import PASSWORD, World

pytestmark = pytest.mark.django_db


def code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def test_password_login_goes_where_it_was_asked(world: World, client: Client) -> None:
    response = client.post(
        "/account/inloggen/",
        {"username": "coordinator", "password": PASSWORD, "next": f"/plannen/{world.plan.pk}/"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/plannen/{world.plan.pk}/"
    assert client.get(f"/plannen/{world.plan.pk}/").status_code == 200


def test_a_wrong_password_says_so_without_saying_which(world: World, client: Client) -> None:
    response = client.post("/account/inloggen/", {"username": "coordinator", "password": "x"})
    page = response.content.decode()
    assert "De gebruikersnaam of het wachtwoord klopt niet" in page
    assert client.get(f"/plannen/{world.plan.pk}/").status_code == 302


def test_an_offsite_next_is_ignored(world: World, client: Client) -> None:
    response = client.post(
        "/account/inloggen/",
        {"username": "coordinator", "password": PASSWORD, "next": "https://example.org/"},
    )
    assert response["Location"] == "/plannen/"


def test_with_totp_the_password_alone_does_not_log_in(world: World, client: Client) -> None:
    user = world.users[roles.COORDINATOR]
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    response = client.post("/account/inloggen/", {"username": "coordinator", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/account/inloggen/code/")
    assert client.get(f"/plannen/{world.plan.pk}/").status_code == 302  # not logged in yet
    wrong = client.post("/account/inloggen/code/", {"token": "000000"})
    assert "Deze code klopt niet of is verlopen" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.save()
    right = client.post("/account/inloggen/code/", {"token": code(device)})
    assert right.status_code == 302
    assert client.get(f"/plannen/{world.plan.pk}/").status_code == 200


def test_switching_totp_on_needs_a_valid_code(world: World, as_role) -> None:
    client = as_role(roles.RESIDENT)
    page = client.get("/account/tweestaps/").content.decode()
    assert 'src="data:image/svg+xml;base64,' in page
    device = TOTPDevice.objects.get(user=world.users[roles.RESIDENT], confirmed=False)
    assert client.post("/account/tweestaps/", {"token": "12345x"}).status_code == 200
    assert client.post("/account/tweestaps/", {"token": code(device)}).status_code == 302
    assert TOTPDevice.objects.filter(user=world.users[roles.RESIDENT], confirmed=True).count() == 1
    client.post("/account/tweestaps/", {"action": "off"})
    assert not TOTPDevice.objects.filter(user=world.users[roles.RESIDENT]).exists()


def test_erasure_wipes_personal_data_and_keeps_the_history(world: World, as_role) -> None:
    coordinator = world.users[roles.COORDINATOR]
    pseudonym = coordinator.person.pseudonym
    entries = world.plan.history.count()
    admin = as_role(roles.ADMIN)
    listing = admin.get("/account/personen/").content.decode()
    assert "Naam van coordinator" in listing
    refused = admin.post(f"/account/personen/{pseudonym}/wissen/", {})
    assert "Vink aan dat u de gegevens echt wilt wissen" in refused.content.decode()
    response = admin.post(f"/account/personen/{pseudonym}/wissen/", {"confirm": "on"})
    assert response.status_code == 302
    person = Person.objects.get(pseudonym=pseudonym)
    user = get_user_model().objects.get(pk=coordinator.pk)
    assert (person.name, person.email, person.erased_at is not None) == ("", "", True)
    assert user.username == f"gewist-{pseudonym}" and not user.is_active
    assert not user.has_usable_password() and not user.role_assignments.exists()
    assert world.plan.history.count() == entries
    assert world.plan.history.filter(actor=pseudonym).count() == entries
    assert "Naam van coordinator<" not in admin.get("/account/personen/").content.decode()
    assert not Client().login(username="coordinator", password=PASSWORD)


def test_personal_data_never_reaches_the_logs(world: World, as_role, client, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    client.post("/account/inloggen/", {"username": "bewoner", "password": "wrong"})
    client.post("/account/inloggen/", {"username": "bewoner", "password": PASSWORD})
    client.post("/account/", {"name": "Jan Jansen", "email": "jan@example.org"})
    pseudonym = world.users[roles.RESIDENT].person.pseudonym
    as_role(roles.ADMIN).post(f"/account/personen/{pseudonym}/wissen/", {"confirm": "on"})
    logged = caplog.text
    assert pseudonym in logged
    for personal in ("Jan Jansen", "jan@example.org", "Naam van bewoner", "bewoner@example.org"):
        assert personal not in logged
    assert "bewoner" not in logged.replace(pseudonym, "")


def test_my_account_shows_roles_and_pseudonym_and_saves_personal_data(
    world: World, as_role
) -> None:
    client = as_role(roles.PARTNER)
    page = client.get("/account/").content.decode()
    assert "Partner, Corporatie Test" in page
    assert world.users[roles.PARTNER].person.pseudonym in page
    bad = client.post("/account/", {"name": "X", "email": "niet-een-adres"})
    assert "Vul een e-mailadres in zoals naam@voorbeeld.nl" in bad.content.decode()
    client.post("/account/", {"name": "Nieuwe Naam", "email": "nieuw@example.org"})
    assert Person.objects.get(user=world.users[roles.PARTNER]).email == "nieuw@example.org"
