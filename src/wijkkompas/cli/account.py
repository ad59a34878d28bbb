"""`wijkkompas account add`: the first people of a real-data site, from the command line.

A real-data store has an app database of its own and no demo accounts (they are refused there),
so somebody has to be able to sign in before anyone can be invited in the browser. This makes
that first beheerder or analyst. The password is asked twice without echo, or read from
standard input for scripts; it never appears on the command line, where other users of the
machine and the shell history would see it.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from wijkkompas.cli.common import err
from wijkkompas.errors import WijkkompasError

account_app = typer.Typer(
    help="People who can sign in to the web app on this store.", no_args_is_help=True
)

ROLES = ("admin", "analyst", "coordinator", "frontline_worker", "resident")
"""Roles that need no organisation (a partner is added by a beheerder in the browser)."""


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = typer.prompt("Password", hide_input=True)
    second = typer.prompt("Password again", hide_input=True)
    if first != second:
        raise WijkkompasError("The two passwords differ; nothing was changed.")
    return str(first)


@account_app.command("add")
def add_command(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The login name.")],
    role: Annotated[
        str, typer.Option(help=f"The role: {', '.join(ROLES)}.", show_default=True)
    ] = "admin",
    area: Annotated[
        str, typer.Option(help="Limit the role to an area (GM0363, WK036301); default: all.")
    ] = "",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Add a person with a role to the app database that belongs to this store."""
    if role not in ROLES:
        raise WijkkompasError(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.")
    if area:
        from wijkkompas.regions import parse_region_code

        area = parse_region_code(area).code
    password = _password(password_stdin)
    os.environ["WIJKKOMPAS_STORE"] = str(ctx.obj["store"].resolve())
    from wijkkompas.web.serve import setup_app_database

    setup_app_database()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from wijkkompas.web.apps.accounts import services

    if get_user_model().objects.filter(username=username).exists():
        raise WijkkompasError(f"There is already an account {username!r}; nothing was changed.")
    try:
        validate_password(password)
    except ValidationError as exc:
        raise WijkkompasError(" ".join(str(m) for m in exc.messages)) from None
    with transaction.atomic():
        person = services.create_person(username=username, password=password)
        services.grant_role(user=person.user, role=role, area_code=area)
    from django.conf import settings

    where = settings.DATABASES["default"]["NAME"]
    err.print(f"Added {username} ({role}{' for ' + area if area else ''}) to {where}.")


def register(app: typer.Typer) -> None:
    app.add_typer(account_app, name="account")
