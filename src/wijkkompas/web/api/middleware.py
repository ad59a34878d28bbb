"""Rules for every response under ``/api/``: the version header, problem documents, CORS on the
OpenAPI document, no caching of authenticated answers."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from wijkkompas.web.common.problems import PROBLEM_JSON, problem

API_PREFIX = "/api/"
API_VERSION = "1.0.0"
OPENAPI_PATH = "/api/v1/openapi.json"


class ApiConventionsMiddleware:
    """``API-Version`` on every API response (``/core/version-header``); errors that did not come
    from the API itself (an unknown path, a wrong method) turned into problem documents too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX):
            return response
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
            PROBLEM_JSON
        ):
            response = self._as_problem(request, response)
        response.headers["API-Version"] = API_VERSION
        if request.path == OPENAPI_PATH:
            # /core/publish-openapi: anyone (any origin) may read the contract.
            response.headers["Access-Control-Allow-Origin"] = "*"
        else:
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @staticmethod
    def _as_problem(request: HttpRequest, response: HttpResponse) -> HttpResponse:
        detail = ""
        if response.get("Content-Type", "").startswith("application/json"):
            try:
                detail = str(json.loads(response.content).get("detail", ""))
            except (ValueError, AttributeError):
                detail = ""
        converted = problem(response.status_code, detail or request.path, instance=request.path)
        if response.has_header("Allow"):
            converted.headers["Allow"] = response.headers["Allow"]
        return converted
