"""Demo accounts, one per role, with a published password: only ever on the fictional demo data.

The password is in the README and on the login page, so these accounts are safe only where
nothing real is stored; ``prepare_demo`` creates them only when the store holds the demo
municipality. A demo database can still be served with ``WIJKKOMPAS_ENV=production`` (a copied
``var/`` folder), so there every demo account is refused at login and its sessions end
(:func:`demo_logins_refused`, ``LoginForm``, ``DemoSessionsEndMiddleware``), and start-up says
that such accounts are in the database (:func:`demo_accounts_warning`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from wijkkompas.web.apps.accounts import roles, services
from wijkkompas.web.apps.accounts.models import Organisation, Person
from wijkkompas.web.apps.monitor.selectors.data import DEMO_GEMEENTE_CODE, store_holds_gemeente
from wijkkompas.web.common.store import site_store

DEMO_PASSWORD = "wijkkompas-demo"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    label: object
    organisation_kind: str | None = None
    """For a partner: the kind of demo organisation it acts for."""


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("bewoner", roles.RESIDENT, _("bewoner")),
    DemoUser("wijkwerker", roles.FRONTLINE_WORKER, _("professional in de wijk")),
    DemoUser("partner", roles.PARTNER, _("partner namens de woningcorporatie"), "woningcorporatie"),
    DemoUser("coordinator", roles.COORDINATOR, _("coördinator van de wijkaanpak")),
    DemoUser("analist", roles.ANALYST, _("analist (data en index)")),
    DemoUser("admin", roles.ADMIN, _("beheerder")),
)


def create_demo_users(area_code: str, organisations: dict[str, Organisation]) -> list[Person]:
    """Idempotent: existing demo accounts are left as they are (a changed password stays)."""
    people = []
    User = get_user_model()
    for demo in DEMO_USERS:
        user = User.objects.filter(username=demo.username).first()
        if user is None:
            person = services.create_person(
                username=demo.username, password=DEMO_PASSWORD, is_demo=True
            )
            user = person.user
        else:
            person, _created = Person.objects.get_or_create(user=user)
        organisation = organisations.get(demo.organisation_kind or "")
        area = "" if demo.role in (roles.ADMIN, roles.ANALYST) else area_code
        services.grant_role(user=user, role=demo.role, organisation=organisation, area_code=area)
        people.append(person)
    return people


def demo_accounts_exist() -> bool:
    """Whether people can log in with the published demo password here."""
    if demo_logins_refused():
        return False
    return Person.objects.filter(is_demo=True, erased_at__isnull=True).exists()


def demo_context(is_demo: bool) -> dict[str, bool]:
    """For a page on the demo data: the banner, and whether it points at the demo accounts."""
    return {"is_demo": is_demo, "demo_accounts": is_demo and demo_accounts_exist()}


def demo_users_for_login() -> list[tuple[str, str]]:
    return [(d.username, str(d.label)) for d in DEMO_USERS]


def demo_logins_refused() -> bool:
    """Whether demo accounts and demo codes open nothing here: always in production, and
    wherever the store is not the demo (real data served with an app database that once
    served the demo, e.g. through ``WIJKKOMPAS_DATABASE_URL``)."""
    return bool(settings.WIJKKOMPAS_ENV == "production") or not store_is_demo()


def store_is_demo(store: Path | None = None) -> bool:
    """Whether the store holds the fictional demo municipality (a missing one is no demo)."""
    return store_holds_gemeente(site_store(store), DEMO_GEMEENTE_CODE)


def is_demo_account(user: Any) -> bool:
    """Whether ``user`` is a demo account (a role account or a resident from a demo code)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Person.objects.filter(user_id=user.pk, is_demo=True).exists()


def demo_accounts_warning() -> str | None:
    """For start-up: say that this database holds demo accounts that cannot log in here.

    They cannot log in (production, or a store that is not the demo), but their presence means
    the database was made for the demo, which an operator should know before putting real
    people's data in it.
    """
    if not demo_logins_refused():
        return None
    count = Person.objects.filter(is_demo=True, erased_at__isnull=True).count()
    if not count:
        return None
    why = (
        "WIJKKOMPAS_ENV=production"
        if settings.WIJKKOMPAS_ENV == "production"
        else "a store without the demo data"
    )
    return (
        f"the app database holds {count} demo accounts (their password is published); with "
        f"{why} they cannot log in and their sessions end. This database was made for the "
        f"demo: give real data a fresh one (WIJKKOMPAS_DATABASE_URL or WIJKKOMPAS_VAR_DIR, or "
        f"leave both unset for a database beside the store)."
    )
