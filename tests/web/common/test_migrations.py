"""The migrations are the models' history: they describe exactly the models in the code.

A model changed without its migration would deploy a database that lacks the change; this test
fails first (``makemigrations`` would have something to write). The migrations themselves are
what ``makemigrations`` wrote and are never tidied by hand.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_migrations_describe_exactly_the_models() -> None:
    written = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=written, stderr=written)
    except SystemExit as exit:  # --check exits 1 when a migration would be written
        pytest.fail(
            f"the models and the migrations differ (exit {exit.code}):\n{written.getvalue()}"
        )
    assert "No changes detected" in written.getvalue()


@pytest.mark.django_db(transaction=True)  # SQLite alters tables outside a transaction
def test_every_migration_applies_and_unapplies_on_an_empty_database() -> None:
    call_command("migrate", "participation", "zero", verbosity=0)
    call_command("migrate", "plans", "zero", verbosity=0)
    call_command("migrate", "datamanagement", "zero", verbosity=0)
    call_command("migrate", verbosity=0)
    written = io.StringIO()
    call_command("showmigrations", "--plan", stdout=written)
    assert "[ ]" not in written.getvalue()
