"""Accounts tests: a hasher that costs nothing, a site in development (translations are
compiled by ``tests/web/conftest.py``)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _accounts_settings(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.WIJKKOMPAS_ENV = "development"
