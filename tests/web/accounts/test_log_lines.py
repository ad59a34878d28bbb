"""A refused request is one line in the log, not a traceback.

Django logs a 403 with the whole traceback of the PermissionDenied behind it: hundreds of lines
per day for what is an ordinary answer, burying the errors that matter. Server errors (5xx) keep
their traceback.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.test import Client

from wijkkompas.web.apps.accounts import roles, services

pytestmark = pytest.mark.django_db


@contextmanager
def console_output() -> Iterator[io.StringIO]:
    """What the site's own console handler (settings.LOGGING) writes, while inside."""
    console = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    buffer = io.StringIO()
    previous = console.setStream(buffer)
    try:
        yield buffer
    finally:
        console.setStream(previous)  # type: ignore[arg-type]


def test_a_refused_page_is_one_line_in_the_log() -> None:
    person = services.create_person(username="buurtbewoner", password="een-lang-wachtwoord")
    services.grant_role(user=person.user, role=roles.RESIDENT, area_code="BU99990101")
    client = Client()
    client.force_login(person.user)
    with console_output() as log:
        answer = client.get("/account/personen/")
    assert answer.status_code == 403
    assert log.getvalue().splitlines() == ["Forbidden (Permission denied): /account/personen/"]


def test_a_server_error_keeps_its_traceback() -> None:
    with console_output() as log:
        try:
            raise RuntimeError("kapot")
        except RuntimeError:
            logging.getLogger("django.request").error(
                "Internal Server Error: %s", "/", exc_info=True, extra={"status_code": 500}
            )
    assert "Traceback (most recent call last)" in log.getvalue()
    assert "RuntimeError: kapot" in log.getvalue()
