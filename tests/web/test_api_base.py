"""The API's ground rules (NL API Design Rules), for every router that will plug in:
version in the path and in ``API-Version``, ``openapi.json`` open to all, problem documents for
every error, 400 (not 422) for invalid input, 404 for unknown ids, 401/403 for auth."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from wijkkompas.web.api import api

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("site_on_demo")]

PROBLEM = "application/problem+json"


def problem(response) -> dict:
    assert response["Content-Type"] == PROBLEM, response.content[:300]
    body = json.loads(response.content)
    assert body["status"] == response.status_code
    assert body["title"] and isinstance(body["detail"], str)
    return body


@pytest.fixture
def coordinator(client: Client, settings) -> Client:
    from wijkkompas.web.apps.accounts import services

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    person = services.create_person(username="coord", password="pw-12345678")
    services.grant_role(user=person.user, role="coordinator")
    client.force_login(person.user)
    return client


def test_openapi_json_is_public_with_open_cors_and_the_version(client: Client) -> None:
    response = client.get("/api/v1/openapi.json", HTTP_ORIGIN="https://elders.example")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["API-Version"] == "1.0.0"
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert document["info"]["version"] == "1.0.0"
    assert document["servers"][0]["url"] == "/api/v1"
    assert "/plannen" in document["paths"]  # relative to the server URL
    operation_ids = [
        op["operationId"] for path in document["paths"].values() for op in path.values()
    ]
    assert len(operation_ids) == len(set(operation_ids))
    assert "listPlans" not in operation_ids and "list_plans" in operation_ids


def test_paths_have_no_trailing_slash_and_dutch_plural_names() -> None:
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    for path in document["paths"]:
        assert not path.endswith("/"), path
    first_segments = {path.split("/")[3] for path in document["paths"]}
    assert first_segments == {
        "plannen",
        "organisaties",
        "regios",
        "indicatoren",
        "gemeenten",
        "landen",
    }


def test_every_api_response_carries_the_version(client: Client) -> None:
    for url in ("/api/v1/plannen", "/api/v1/plannen/999", "/api/v1/bestaat-niet", "/api/v1/"):
        assert client.get(url)["API-Version"] == "1.0.0"
    assert "API-Version" not in client.get("/plannen/")


def test_an_unknown_id_or_path_is_a_404_problem(client: Client) -> None:
    assert problem(client.get("/api/v1/plannen/999"))["status"] == 404
    assert problem(client.get("/api/v1/plannen/999/doelen"))["status"] == 404
    assert problem(client.get("/api/v1/bestaat-niet"))["status"] == 404


def test_a_wrong_method_is_a_405_problem(client: Client) -> None:
    response = client.delete("/api/v1/plannen")
    assert problem(response)["status"] == 405
    assert "GET" in response["Allow"]


def test_invalid_input_is_400_not_422_with_the_fields(coordinator: Client) -> None:
    response = coordinator.post(
        "/api/v1/plannen", data=json.dumps({"titel": ""}), content_type="application/json"
    )
    body = problem(response)
    assert response.status_code == 400
    names = {p["name"] for p in body["invalidParams"]}
    assert {"titel", "gebied", "startjaar", "eindjaar", "visie"} <= names
    malformed = coordinator.post(
        "/api/v1/plannen", data="{not json", content_type="application/json"
    )
    assert problem(malformed)["status"] == 400
    wrong_type = coordinator.get("/api/v1/plannen/abc")
    assert wrong_type.status_code in (400, 404)
    problem(wrong_type)


def test_domain_checks_are_400_with_the_api_field_names(coordinator: Client) -> None:
    payload = {
        "titel": "Aanpak",
        "gebied": ["WK999901", "BU99999999"],
        "startjaar": 2025,
        "eindjaar": 2020,
        "visie": "Samen.",
    }
    response = coordinator.post(
        "/api/v1/plannen", data=json.dumps(payload), content_type="application/json"
    )
    body = problem(response)
    assert response.status_code == 400
    reasons = {p["name"]: p["reason"] for p in body["invalidParams"]}
    assert "BU99999999" in reasons["gebied"]
    assert "Het laatste jaar (2020) ligt vóór het eerste jaar (2025)" in reasons["eindjaar"]


def test_auth_errors_are_problems(client: Client) -> None:
    body = {"naam": "X", "soort": "welzijn"}
    anonymous = client.post(
        "/api/v1/organisaties", data=json.dumps(body), content_type="application/json"
    )
    assert problem(anonymous)["status"] == 401
    user = get_user_model().objects.create_user("zonder-rol")
    client.force_login(user)
    forbidden = client.post(
        "/api/v1/organisaties", data=json.dumps(body), content_type="application/json"
    )
    assert problem(forbidden)["status"] == 403


def test_a_created_resource_is_201_and_readable(coordinator: Client) -> None:
    response = coordinator.post(
        "/api/v1/organisaties",
        data=json.dumps({"naam": "Buurtsport", "soort": "welzijn"}),
        content_type="application/json",
    )
    assert response.status_code == 201
    created = json.loads(response.content)
    listed = json.loads(coordinator.get("/api/v1/organisaties").content)
    assert created in listed
    wrong_kind = coordinator.post(
        "/api/v1/organisaties",
        data=json.dumps({"naam": "Y", "soort": "bank"}),
        content_type="application/json",
    )
    assert problem(wrong_kind)["invalidParams"][0]["name"] == "soort"


def test_the_api_root_points_at_the_contract(client: Client) -> None:
    body = json.loads(client.get("/api/v1/").content)
    assert body["openapi"].endswith("/api/v1/openapi.json")
