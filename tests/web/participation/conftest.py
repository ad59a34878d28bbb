"""Participation tests run on the demo store with fast password hashing, like the plans tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _participation_settings(settings, demo_store: Path, tmp_path: Path) -> None:
    settings.WIJKKOMPAS_STORE = demo_store
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
