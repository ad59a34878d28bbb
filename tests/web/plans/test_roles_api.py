"""Every API operation, for every role: 401 without a session, 403 without the role, the
operation's own status with it. The table is checked against the API's operations."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from wijkkompas.web.api import api

from .world import (
    ANONYMOUS,
    COORDINATOR_ELSEWHERE,
    EDITORS,
    EVERYONE,
    ROLE_HOLDERS,
    ROLES,
    TIMELINE,
    WITH_PARTNERS,
    World,
)

pytestmark = pytest.mark.django_db
Payload = Callable[[World], dict[str, Any]]


@dataclass(frozen=True)
class Op:
    operation_id: str
    method: str
    path: Callable[[World], str]
    allowed: frozenset[str]
    payload: Payload | None = None
    ok: int = 200


def P(w: World) -> str:
    return f"/api/v1/plannen/{w.plan.pk}"


def IV(w: World) -> str:
    assert w.intervention is not None
    return f"{P(w)}/interventies/{w.intervention.pk}"


def corporation(w: World) -> int:
    """The partner's own organisation: a payload every allowed role may send."""
    return w.orgs["corporatie"].pk


OPS = [
    Op("list_organisations", "get", lambda w: "/api/v1/organisaties", EVERYONE),
    Op(
        "create_organisation",
        "post",
        lambda w: "/api/v1/organisaties",
        EDITORS | {COORDINATOR_ELSEWHERE},
        lambda w: {"naam": "Nieuwe stichting", "soort": "welzijn"},
        201,
    ),
    Op("list_plans", "get", lambda w: "/api/v1/plannen", EVERYONE),
    Op(
        "create_plan",
        "post",
        lambda w: "/api/v1/plannen",
        EDITORS,
        lambda w: {
            "titel": "Nog een aanpak",
            "gebied": ["WK999902"],
            "startjaar": 2025,
            "eindjaar": 2034,
            "visie": "Samen.",
        },
        201,
    ),
    Op("get_plan", "get", P, EVERYONE),
    Op("update_plan", "patch", P, EDITORS, lambda w: {"visie": "Een nieuwe visie."}),
    Op("list_partners", "get", lambda w: f"{P(w)}/partners", EVERYONE),
    Op(
        "add_partner",
        "post",
        lambda w: f"{P(w)}/partners",
        EDITORS,
        lambda w: {"organisatieId": w.orgs["buiten"].pk, "inbreng": "Advies"},
        201,
    ),
    Op("list_agreements", "get", lambda w: f"{P(w)}/afspraken", EVERYONE),
    Op(
        "add_agreement",
        "post",
        lambda w: f"{P(w)}/afspraken",
        WITH_PARTNERS,
        lambda w: {
            "geverId": corporation(w),
            "soort": "diensten",
            "belofte": "Een huismeester",
            "ontvangerId": w.orgs["gemeente"].pk,
            "tegenprestatie": "Schone straten",
            "startjaar": 2023,
            "eindjaar": 2026,
        },
        201,
    ),
    Op(
        "record_agreement_status",
        "post",
        lambda w: f"{P(w)}/afspraken/{w.agreement.pk}/standen",  # type: ignore[union-attr]
        WITH_PARTNERS,
        lambda w: {"jaar": 2023, "stand": "nagekomen"},
        201,
    ),
    Op("get_budget", "get", lambda w: f"{P(w)}/begroting", EVERYONE),
    Op("list_history", "get", lambda w: f"{P(w)}/geschiedenis", ROLE_HOLDERS),
    Op("list_goals", "get", lambda w: f"{P(w)}/doelen", EVERYONE),
    Op(
        "add_goal",
        "post",
        lambda w: f"{P(w)}/doelen",
        EDITORS,
        lambda w: {
            "titel": "Meer mensen aan het werk",
            "indicator": "labour_participation",
            "doeljaar": 2030,
            "streefwaarde": 66.0,
        },
        201,
    ),
    Op("get_goal", "get", lambda w: f"{P(w)}/doelen/{w.goal.pk}", EVERYONE),  # type: ignore[union-attr]
    Op(
        "update_goal",
        "patch",
        lambda w: f"{P(w)}/doelen/{w.goal.pk}",  # type: ignore[union-attr]
        EDITORS,
        lambda w: {"streefwaarde": 11.0},
    ),
    Op(
        "delete_goal",
        "delete",
        lambda w: f"{P(w)}/doelen/{w.goal.pk}",  # type: ignore[union-attr]
        EDITORS,
        ok=204,
    ),
    Op(
        "get_goal_progress",
        "get",
        lambda w: f"{P(w)}/doelen/{w.goal.pk}/voortgang",  # type: ignore[union-attr]
        EVERYONE,
    ),
    Op("get_plan_progress", "get", lambda w: f"{P(w)}/voortgang", EVERYONE),
    Op("list_interventions", "get", lambda w: f"{P(w)}/interventies", EVERYONE),
    Op(
        "add_intervention",
        "post",
        lambda w: f"{P(w)}/interventies",
        WITH_PARTNERS,
        lambda w: {
            "titel": "Wijkconciërge",
            "omschrijving": "Iemand die de buurt kent",
            "pijler": "sociale_basis",
            "trekkerId": corporation(w),
            "start": "2023-01-01",
            "begroting": [{"organisatieId": corporation(w), "jaar": 2023, "bedrag": "40000"}],
        },
        201,
    ),
    Op("get_intervention", "get", IV, EVERYONE),
    Op("update_intervention", "patch", IV, WITH_PARTNERS, lambda w: {"titel": "Grote renovatie"}),
    Op(
        "set_budget",
        "post",
        lambda w: f"{IV(w)}/begrotingen",
        WITH_PARTNERS,
        lambda w: {"organisatieId": corporation(w), "jaar": 2024, "bedrag": "120000"},
        201,
    ),
    Op(
        "record_spending",
        "post",
        lambda w: f"{IV(w)}/uitgaven",
        WITH_PARTNERS,
        lambda w: {"organisatieId": corporation(w), "jaar": 2022, "bedrag": "90000"},
        201,
    ),
    Op(
        "add_timeline_entry",
        "post",
        lambda w: f"{IV(w)}/tijdlijn",
        TIMELINE,
        lambda w: {"datum": "2023-05-01", "status": "loopt", "toelichting": "Eerste flat klaar"},
        201,
    ),
    # The monitor's open API: public and read-only, on the demo store.
    Op("list_regions", "get", lambda w: "/api/v1/regios?niveau=wijk", EVERYONE),
    Op("get_region", "get", lambda w: "/api/v1/regios/WK999900", EVERYONE),
    Op("search_regions", "get", lambda w: "/api/v1/regios/zoeken?q=7901", EVERYONE),
    Op("list_indicators", "get", lambda w: "/api/v1/indicatoren", EVERYONE),
    Op("get_indicator", "get", lambda w: "/api/v1/indicatoren/woz_value", EVERYONE),
    Op("list_observations", "get", lambda w: "/api/v1/regios/BU99990000/waarnemingen", EVERYONE),
    Op("list_national_observations", "get", lambda w: "/api/v1/landen/NL00/waarnemingen", EVERYONE),
    Op("get_scores", "get", lambda w: "/api/v1/regios/BU99990000/scores", EVERYONE),
    Op("get_explanation", "get", lambda w: "/api/v1/regios/BU99990000/verklaring", EVERYONE),
    Op("get_geojson", "get", lambda w: "/api/v1/gemeenten/GM9999/geojson", EVERYONE),
]


def api_operation_ids() -> set[str]:
    ids = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                ids.add(api.get_openapi_operation_id(operation))
    return ids


def test_every_operation_is_in_the_role_table() -> None:
    assert api_operation_ids() == {op.operation_id for op in OPS}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("op", OPS, ids=lambda op: op.operation_id)
def test_operation_for_role(op: Op, role: str, world: World, as_role) -> None:
    client = as_role(role)
    kwargs: dict[str, Any] = {}
    if op.payload is not None:
        kwargs = {"data": json.dumps(op.payload(world)), "content_type": "application/json"}
    response = getattr(client, op.method)(op.path(world), **kwargs)
    assert response["API-Version"] == "1.0.0"
    if role in op.allowed:
        assert response.status_code == op.ok, response.content[:500]
    else:
        assert response["Content-Type"] == "application/problem+json"
        assert response.status_code == (401 if role == ANONYMOUS else 403), response.content
        assert json.loads(response.content)["status"] == response.status_code


@pytest.mark.parametrize(
    "op", [op for op in OPS if op.method != "get"], ids=lambda op: op.operation_id
)
def test_writes_need_the_csrf_token(op: Op, world: World, as_role) -> None:
    client = as_role("admin", enforce_csrf_checks=True)
    payload = op.payload(world) if op.payload else {}
    response = getattr(client, op.method)(
        op.path(world), data=json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in json.loads(response.content)["detail"]
