"""Accounts tests: compiled translations, a hasher that costs nothing, a site in development."""

from __future__ import annotations

import pytest

from wijkkompas.web.i18n import compile_messages


@pytest.fixture(scope="session", autouse=True)
def _compiled_translations() -> None:
    compile_messages()


@pytest.fixture(autouse=True)
def _accounts_settings(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.WIJKKOMPAS_ENV = "development"
