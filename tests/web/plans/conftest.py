"""Fixtures for the plans tests: the demo store, fast password hashing, the role world."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client

from .world import ANONYMOUS, PASSWORD, World, build_world

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plans_settings(settings, demo_store: Path) -> None:
    """Every plans test runs on the demo store, with a hasher that costs nothing."""
    settings.WIJKKOMPAS_STORE = demo_store
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, demo_store: Path) -> Iterator[World]:
    """Built once per module inside a transaction that is rolled back afterwards; each test's
    own changes are rolled back to this state by pytest-django's ``db`` fixture."""
    from django.conf import settings

    old_store, old_hashers = settings.WIJKKOMPAS_STORE, settings.PASSWORD_HASHERS
    settings.WIJKKOMPAS_STORE, settings.PASSWORD_HASHERS = demo_store, FAST_HASHERS
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)
    settings.WIJKKOMPAS_STORE, settings.PASSWORD_HASHERS = old_store, old_hashers


def client_for(role: str, world: World, **kwargs) -> Client:
    client = Client(**kwargs)
    if role != ANONYMOUS:
        assert client.login(username=world.users[role].username, password=PASSWORD)
    return client


@pytest.fixture
def as_role(world: World, db):
    """``as_role("partner")``: a logged-in test client."""
    return lambda role, **kwargs: client_for(role, world, **kwargs)
