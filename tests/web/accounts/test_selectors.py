"""What the account pages read (``accounts.selectors``) and the writes that moved out of the
views into the services: one's personal record, and two-factor login set up, used, switched off."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from wijkkompas.web.apps.accounts import roles, services
from wijkkompas.web.apps.accounts.models import Person
from wijkkompas.web.apps.accounts.selectors.people import people, role_assignments
from wijkkompas.web.apps.accounts.selectors.two_factor import confirmed_device, has_two_factor

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def _person(username: str = "iemand") -> Person:
    return services.create_person(username=username, password="een-lang-wachtwoord")


def test_roles_and_people_are_read_with_their_organisation_at_once() -> None:
    first, second = _person("een"), _person("twee")
    corporatie = services.create_organisation(name="Woonstad", kind="woningcorporatie")
    services.grant_role(user=first.user, role=roles.PARTNER, organisation=corporatie)
    services.grant_role(user=first.user, role=roles.COORDINATOR, area_code="wk999901")
    assigned = role_assignments(first.user)
    assert {(a.role, a.area_code) for a in assigned} == {
        (roles.PARTNER, ""),
        (roles.COORDINATOR, "WK999901"),
    }
    with CaptureQueriesContext(connection) as queries:
        listed = people()
        names = [
            a.organisation.name
            for p in listed
            for a in p.user.role_assignments.all()
            if a.organisation
        ]
    assert len(queries.captured_queries) == 3  # people with accounts, roles, organisations
    assert names == ["Woonstad"]
    assert [p.pseudonym for p in listed] == sorted([first.pseudonym, second.pseudonym])
    assert role_assignments(second.user) == []


def test_the_personal_record_is_made_once_and_changes_only_what_changed() -> None:
    person = _person()
    Person.objects.filter(pk=person.pk).delete()  # an account made without one
    user = person.user
    made = services.person_of(user)
    assert services.person_of(user) == made and Person.objects.filter(user=user).count() == 1
    services.update_personal_data(person=made, name=" Anna ", email="")
    with CaptureQueriesContext(connection) as queries:
        services.update_personal_data(person=made, name="Anna", email="anna@example.org")
    [update] = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert '"email"' in update and '"name"' not in update
    made.refresh_from_db()
    assert (made.name, made.email) == ("Anna", "anna@example.org")


def test_two_factor_is_on_only_once_a_code_confirms_the_device() -> None:
    user = _person().user
    device = services.pending_device(user)
    assert services.pending_device(user) == device  # a reload keeps the secret that was scanned
    assert not has_two_factor(user) and confirmed_device(user) is None
    assert not services.confirm_device(user=user, device=device, token="000000")
    assert not has_two_factor(user)
    device.refresh_from_db()
    device.throttling_failure_count = 0  # the wrong code made the device wait
    device.save()
    assert services.confirm_device(user=user, device=device, token=_code(device))
    assert has_two_factor(user) and confirmed_device(user) == device


def test_a_new_device_replaces_the_old_and_a_code_is_taken_once() -> None:
    user = _person().user
    old = TOTPDevice.objects.create(user=user, name="oud", confirmed=True)
    new = services.pending_device(user)
    assert new != old
    assert services.confirm_device(user=user, device=new, token=_code(new))
    assert list(TOTPDevice.objects.filter(user=user)) == [new]
    other = TOTPDevice.objects.create(user=user, name="ander", confirmed=True)
    token = _code(other)
    assert services.device_for_token(user, token) == other
    assert services.device_for_token(user, token) is None  # the same code does not work twice
    services.switch_off(user)
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert services.device_for_token(user, "123456") is None


def test_the_services_keep_their_one_import_for_callers() -> None:
    """The command line, the plans app and the demo call ``accounts.services.<name>``."""
    for name in ("create_person", "grant_role", "create_organisation", "pseudonym_of"):
        assert callable(getattr(services, name))
