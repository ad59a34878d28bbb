"""Every page, for every role: allowed where the rules say, denied (login or 403) elsewhere.

The table below is checked against the URL map, so a new page without a row here fails.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import get_resolver

from wijkkompas.web.apps.plans.views import exports

from .world import (
    ADMINS,
    ANONYMOUS,
    COORDINATOR_ELSEWHERE,
    EDITORS,
    EVERYONE,
    ROLE_HOLDERS,
    ROLES,
    SIGNED_IN,
    TIMELINE,
    WITH_PARTNERS,
    World,
)

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Page:
    name: str
    url: Callable[[World], str]
    allowed: frozenset[str]
    method: str = "get"
    ok: int = 200


def _plan(w: World) -> int:
    return w.plan.pk


def _iv(w: World, suffix: str) -> str:
    assert w.intervention is not None
    return f"/plannen/{w.plan.pk}/interventies/{w.intervention.pk}/{suffix}/"


PAGES = [
    Page("monitor:home", lambda w: "/", EVERYONE),
    Page("monitor:kaart", lambda w: "/kaart/", EVERYONE),
    Page("monitor:buurten_geojson", lambda w: "/kaart/GM9999/buurten.geojson", EVERYONE),
    Page("monitor:profiel", lambda w: "/regio/BU99990000/", EVERYONE),
    Page("monitor:waarnemingen_csv", lambda w: "/regio/BU99990000/waarnemingen.csv", EVERYONE),
    Page("monitor:scores_csv", lambda w: "/regio/BU99990000/scores.csv", EVERYONE),
    Page("monitor:gegevens_xlsx", lambda w: "/regio/BU99990000/gegevens.xlsx", EVERYONE),
    Page("monitor:rapport_pdf", lambda w: "/regio/BU99990000/rapport.pdf", EVERYONE),
    Page("monitor:geopackage", lambda w: "/regio/BU99990000/kaart.gpkg", EVERYONE),
    Page("monitor:zoek", lambda w: "/zoek/?q=7901", EVERYONE),
    Page("monitor:signalen", lambda w: "/signalen/", EVERYONE),
    Page(
        "monitor:vergelijk",
        lambda w: "/vergelijk/?codes=BU99990000&codes=BU99990001",
        EVERYONE,
    ),
    Page("monitor:toegankelijkheid", lambda w: "/toegankelijkheid/", EVERYONE),
    Page("set_language", lambda w: "/taal/", EVERYONE, method="post", ok=302),
    Page("accounts:login", lambda w: "/account/inloggen/", EVERYONE),
    Page("accounts:login_code", lambda w: "/account/inloggen/code/", EVERYONE, ok=302),
    Page("accounts:logout", lambda w: "/account/uitloggen/", SIGNED_IN, method="post", ok=302),
    Page("accounts:account", lambda w: "/account/", SIGNED_IN),
    Page("accounts:totp", lambda w: "/account/tweestaps/", SIGNED_IN),
    Page("accounts:people", lambda w: "/account/personen/", ADMINS),
    Page(
        "accounts:erase",
        lambda w: f"/account/personen/{w.users['no_role'].person.pseudonym}/wissen/",
        ADMINS,
    ),
    Page("plans:list", lambda w: "/plannen/", EVERYONE),
    Page("plans:create", lambda w: "/plannen/nieuw/", EDITORS | {COORDINATOR_ELSEWHERE}),
    Page("plans:detail", lambda w: f"/plannen/{_plan(w)}/", ROLE_HOLDERS),
    Page("plans:public", lambda w: f"/plannen/{_plan(w)}/verantwoording/", EVERYONE),
    Page("plans:edit", lambda w: f"/plannen/{_plan(w)}/bewerken/", EDITORS),
    Page("plans:partner_add", lambda w: f"/plannen/{_plan(w)}/partners/nieuw/", EDITORS),
    Page("plans:agreement_add", lambda w: f"/plannen/{_plan(w)}/afspraken/nieuw/", WITH_PARTNERS),
    Page(
        "plans:agreement_status",
        lambda w: f"/plannen/{_plan(w)}/afspraken/{w.agreement.pk}/stand/",  # type: ignore[union-attr]
        WITH_PARTNERS,
    ),
    Page("plans:goal_add", lambda w: f"/plannen/{_plan(w)}/doelen/nieuw/", EDITORS),
    Page(
        "plans:goal_edit",
        lambda w: f"/plannen/{_plan(w)}/doelen/{w.goal.pk}/bijstellen/",  # type: ignore[union-attr]
        EDITORS,
    ),
    Page(
        "plans:intervention_add",
        lambda w: f"/plannen/{_plan(w)}/interventies/nieuw/",
        WITH_PARTNERS,
    ),
    Page("plans:intervention_edit", lambda w: _iv(w, "bewerken"), WITH_PARTNERS),
    Page("plans:budget_set", lambda w: _iv(w, "begroting"), WITH_PARTNERS),
    Page("plans:spending_add", lambda w: _iv(w, "uitgaven"), WITH_PARTNERS),
    Page("plans:timeline_add", lambda w: _iv(w, "voortgang"), TIMELINE),
    Page("plans:export_pdf", lambda w: f"/plannen/{_plan(w)}/plan.pdf", EVERYONE),
    Page("plans:export_csv", lambda w: f"/plannen/{_plan(w)}/begroting.csv", EVERYONE),
    Page("plans:export_xlsx", lambda w: f"/plannen/{_plan(w)}/begroting.xlsx", EVERYONE),
]


def _named_urls() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace: str = "") -> None:
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, ns)
            elif pattern.name:
                names.add(namespace + pattern.name)

    walk(get_resolver().url_patterns)
    return {n for n in names if not n.startswith("api-v1:")}


def test_every_page_is_in_the_role_table() -> None:
    assert _named_urls() == {page.name for page in PAGES}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_page_for_role(page: Page, role: str, world: World, as_role, monkeypatch) -> None:
    # The PDF's permission is what is tested here; rendering it is tested once, elsewhere.
    monkeypatch.setattr(exports, "render_pdf", lambda request, plan: b"%PDF-1.7 test")
    client = as_role(role)
    response = getattr(client, page.method)(page.url(world))
    if role in page.allowed:
        assert response.status_code == page.ok, response.content[:300]
    elif role == ANONYMOUS:
        assert response.status_code == 302
        assert response["Location"].startswith("/account/inloggen/?next=")
    else:
        assert response.status_code == 403
