"""Fixtures shared by the loader tests."""

from __future__ import annotations

import pytest
from real_data import shared_catalogue

from wijkkompas.catalogue import Catalogue


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return shared_catalogue()
