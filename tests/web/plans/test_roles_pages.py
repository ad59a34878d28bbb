"""Every page, for every role: allowed where the rules say, denied (login or 403) elsewhere.

The table below is checked against the URL map, so a new page without a row here fails.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import get_resolver

from wijkkompas.catalogue import load_catalogue
from wijkkompas.web.apps.accounts import roles
from wijkkompas.web.apps.participation.services import participation_figures, surveys
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
    ok_for: tuple[tuple[str, int], ...] = ()
    """Roles for which another status is the right answer (e.g. a form instead of a redirect)."""


def _plan(w: World) -> int:
    return w.plan.pk


def _ini(w: World) -> int:
    return w.participation["initiative"].pk


def _srv(w: World) -> int:
    return w.participation["survey"].pk


def _bud(w: World, which: str) -> int:
    return w.participation[which].pk


RESIDENTS = frozenset({roles.RESIDENT})
ORGANISERS = EDITORS | {COORDINATOR_ELSEWHERE}
"""Organising pages whose form is open to every coordinator; the area is checked on saving."""
SUBMITTERS = RESIDENTS | ORGANISERS
PUBLISHERS = frozenset({roles.COORDINATOR, roles.ANALYST, roles.ADMIN})
DATA_MANAGERS = frozenset({roles.ANALYST, roles.ADMIN})
COMMENTERS = SUBMITTERS | {roles.FRONTLINE_WORKER}


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
    Page("monitor:rapport", lambda w: "/regio/BU99990000/rapport/", EVERYONE),
    Page("monitor:geopackage", lambda w: "/regio/BU99990000/kaart.gpkg", EVERYONE),
    Page("monitor:zoek", lambda w: "/zoek/?q=7901", EVERYONE),
    Page("monitor:signalen", lambda w: "/signalen/", EVERYONE),
    Page(
        "monitor:vergelijk",
        lambda w: "/vergelijk/?codes=BU99990000&codes=BU99990001",
        EVERYONE,
    ),
    Page("monitor:toegankelijkheid", lambda w: "/toegankelijkheid/", EVERYONE),
    Page("monitor:methode_latest", lambda w: "/methode/", EVERYONE, ok=302),
    Page("monitor:methode", lambda w: f"/methode/{load_catalogue().version}/", EVERYONE),
    Page("set_language", lambda w: "/taal/", EVERYONE, method="post", ok=302),
    # The data page. Its forms only take POST (405 to a GET once the role is allowed), and a
    # job that does not exist is a 404: the role is checked without starting any work.
    Page("datamanagement:gegevens", lambda w: "/beheer/gegevens/", DATA_MANAGERS),
    Page("datamanagement:validatie", lambda w: "/beheer/gegevens/validatie/", DATA_MANAGERS),
    Page("datamanagement:upload", lambda w: "/beheer/gegevens/importeren/", DATA_MANAGERS, ok=405),
    Page("datamanagement:index", lambda w: "/beheer/gegevens/index/", DATA_MANAGERS, ok=405),
    Page("datamanagement:job", lambda w: "/beheer/gegevens/taken/999999/", DATA_MANAGERS, ok=404),
    Page(
        "datamanagement:job_status",
        lambda w: "/beheer/gegevens/taken/999999/status/",
        DATA_MANAGERS,
        ok=404,
    ),
    Page(
        "datamanagement:remap",
        lambda w: "/beheer/gegevens/taken/999999/koppeling/",
        DATA_MANAGERS,
        ok=405,
    ),
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
        "plans:goal_delete",
        lambda w: f"/plannen/{_plan(w)}/doelen/{w.goal.pk}/verwijderen/",  # type: ignore[union-attr]
        EDITORS,
    ),
    Page(
        "plans:goal_rebase",
        lambda w: f"/plannen/{_plan(w)}/doelen/{w.goal.pk}/nieuwe-referentie/",  # type: ignore[union-attr]
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
    # Residents decide: reading is public, taking part needs a resident code.
    Page("participation:home", lambda w: "/meedoen/", EVERYONE),
    Page("participation:code", lambda w: "/meedoen/code/", EVERYONE),
    Page("participation:my_data", lambda w: "/meedoen/mijn-gegevens/", RESIDENTS),
    Page("participation:initiatives", lambda w: "/meedoen/initiatieven/", EVERYONE),
    Page("participation:initiative_create", lambda w: "/meedoen/initiatieven/nieuw/", SUBMITTERS),
    Page("participation:initiative", lambda w: f"/meedoen/initiatieven/{_ini(w)}/", EVERYONE),
    Page(
        "participation:initiative_support",
        lambda w: f"/meedoen/initiatieven/{_ini(w)}/steunen/",
        RESIDENTS,
        method="post",
        ok=302,
    ),
    Page(
        "participation:initiative_comment",
        lambda w: f"/meedoen/initiatieven/{_ini(w)}/reageren/",
        COMMENTERS,
        method="post",
        ok=302,
    ),
    Page(
        "participation:initiative_manage",
        lambda w: f"/meedoen/initiatieven/{_ini(w)}/beheer/",
        EDITORS,
    ),
    # No photo in the world: the rule lets everyone through to a 404.
    Page(
        "participation:initiative_photo",
        lambda w: f"/meedoen/initiatieven/{_ini(w)}/foto.jpg",
        EVERYONE,
        ok=404,
    ),
    Page("participation:budgets", lambda w: "/meedoen/begrotingen/", EVERYONE),
    Page("participation:budget_create", lambda w: "/meedoen/begrotingen/nieuw/", ORGANISERS),
    Page("participation:budget", lambda w: f"/meedoen/begrotingen/{_bud(w, 'vote')}/", EVERYONE),
    Page(
        "participation:budget_propose",
        lambda w: f"/meedoen/begrotingen/{_bud(w, 'vote')}/indienen/",
        RESIDENTS,
    ),
    Page(
        "participation:budget_vote",
        lambda w: f"/meedoen/begrotingen/{_bud(w, 'vote')}/stemmen/",
        RESIDENTS,
    ),
    Page(
        "participation:budget_result",
        lambda w: f"/meedoen/begrotingen/{_bud(w, 'result')}/uitslag/",
        EVERYONE,
    ),
    Page(
        "participation:budget_pabulib",
        lambda w: f"/meedoen/begrotingen/{_bud(w, 'result')}/stemmen.pb",
        EVERYONE,
    ),
    Page(
        "participation:budget_manage",
        lambda w: f"/meedoen/begrotingen/{_bud(w, 'vote')}/beheer/",
        EDITORS,
    ),
    Page(
        "participation:budget_paper",
        lambda w: f"/meedoen/begrotingen/{_bud(w, 'vote')}/papier/",
        EDITORS,
    ),
    Page("participation:codes", lambda w: "/meedoen/codes/", ORGANISERS),
    Page("participation:surveys", lambda w: "/meedoen/enquetes/", EVERYONE),
    Page("participation:survey_create", lambda w: "/meedoen/enquetes/nieuw/", ORGANISERS),
    # The survey is for residents with a code: others are sent to enter one (a redirect).
    Page(
        "participation:survey",
        lambda w: f"/meedoen/enquetes/{_srv(w)}/",
        EVERYONE,
        ok=302,
        ok_for=((roles.RESIDENT, 200),),
    ),
    Page(
        "participation:survey_open",
        lambda w: f"/meedoen/enquetes/{_srv(w)}/open/{w.participation['survey'].link_token}/",
        EVERYONE,
    ),
    Page("participation:survey_manage", lambda w: f"/meedoen/enquetes/{_srv(w)}/beheer/", EDITORS),
    Page(
        "participation:survey_results",
        lambda w: f"/meedoen/enquetes/{_srv(w)}/resultaten/",
        EVERYONE,
    ),
    Page(
        "participation:survey_results_csv",
        lambda w: f"/meedoen/enquetes/{_srv(w)}/resultaten.csv",
        PUBLISHERS,
    ),
    Page(
        "participation:survey_publish",
        lambda w: f"/meedoen/enquetes/{_srv(w)}/naar-monitor/",
        PUBLISHERS,
        method="post",
        ok=302,
    ),
    Page("participation:figures", lambda w: "/meedoen/deelname/?jaar=2026", EVERYONE),
    Page(
        "participation:figures_publish",
        lambda w: "/meedoen/deelname/naar-monitor/",
        DATA_MANAGERS,
        method="post",
        ok=302,
    ),
    Page(
        "participation:felt_measured",
        lambda w: "/meedoen/gevoeld-en-gemeten/?gemeente=GM9999",
        EVERYONE,
    ),
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
    # Likewise publishing to the monitor: the shared demo store must not change under other tests.
    monkeypatch.setattr(surveys, "publish_to_monitor", lambda survey, actor: 0)
    monkeypatch.setattr(participation_figures, "publish_to_monitor", lambda year: 0)
    client = as_role(role)
    response = getattr(client, page.method)(page.url(world))
    if role in page.allowed:
        expected = dict(page.ok_for).get(role, page.ok)
        assert response.status_code == expected, response.content[:300]
    elif role == ANONYMOUS:
        assert response.status_code == 302
        assert response["Location"].startswith("/account/inloggen/?next=")
    else:
        assert response.status_code == 403
