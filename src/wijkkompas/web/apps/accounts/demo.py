"""Demo accounts, one per role, with a published password: only ever on the fictional demo data.

The password is in the README and on the login page, so these accounts are safe only where
nothing real is stored; ``prepare_demo`` creates them only when the store holds the demo
municipality and never with ``WIJKKOMPAS_ENV=production``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from wijkkompas.web.apps.accounts import roles, services
from wijkkompas.web.apps.accounts.models import Organisation, Person

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
    if settings.WIJKKOMPAS_ENV == "production":
        return False
    return Person.objects.filter(is_demo=True, erased_at__isnull=True).exists()


def demo_context(is_demo: bool) -> dict[str, bool]:
    """For a page on the demo data: the banner, and whether it points at the demo accounts."""
    return {"is_demo": is_demo, "demo_accounts": is_demo and demo_accounts_exist()}


def demo_users_for_login() -> list[tuple[str, str]]:
    return [(d.username, str(d.label)) for d in DEMO_USERS]
