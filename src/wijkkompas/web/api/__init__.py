"""The JSON API at ``/api/v1/``, per the NL API Design Rules (ADR 2.1, with 2.2's error rules).

One :class:`~ninja.NinjaAPI`; every app brings a router and is registered here, in one place,
so the monitor's API (regions, indicators, observations, scores, GeoJSON) plugs in the same way:
``api.add_router("/buurten", monitor_router)``. What holds for all of it:

- major version in the path, full version in the ``API-Version`` header (middleware);
- ``openapi.json`` readable without logging in, CORS open on it; no Swagger page (it would need
  inline script, which the Content-Security-Policy forbids, and a CDN);
- errors as ``application/problem+json`` (:mod:`.problems`), 400 for invalid input;
- every operation names its permission (``auth=ApiPermission(action)``); a test checks them all;
- Dutch resource and field names, stable operation ids (the function name).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import path
from ninja import NinjaAPI
from ninja.operation import Operation

from wijkkompas.web.api.middleware import API_VERSION
from wijkkompas.web.apps.accounts.permissions import permission
from wijkkompas.web.apps.monitor.api.figures import router as figures_router
from wijkkompas.web.apps.monitor.api.regions import router as monitor_router
from wijkkompas.web.apps.plans.api import organisations_router, plans_router
from wijkkompas.web.common.problems import install

BASE_PATH = "/api/v1/"


class WijkkompasAPI(NinjaAPI):
    _schema: Any = None

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        """Paths relative to the server URL ``/api/v1`` (NL API Design Rules: major version in
        the server URL); ninja's default would repeat the prefix in every path.

        The contract only changes with the code, yet building it walks every operation and
        pydantic model (about 40 ms): it is built once per process.
        """
        if path_prefix is None and not path_params:
            if self._schema is None:
                self._schema = super().get_openapi_schema(path_prefix="/")
            return self._schema
        return super().get_openapi_schema(
            path_prefix="/" if path_prefix is None else path_prefix, path_params=path_params
        )

    def get_openapi_operation_id(self, operation: Operation) -> str:
        """The function name: stable across refactors of modules, readable in generated clients."""
        return str(operation.view_func.__name__)


api = WijkkompasAPI(
    title="wijkkompas",
    version=API_VERSION,
    description=(
        "Wijkaanpakken (plannen), hun partners, afspraken, doelen, interventies, begroting en "
        "voortgang. Lezen is openbaar; schrijven kan met een sessie en de rol die het toestaat."
    ),
    openapi_url="/openapi.json",
    docs_url=None,
    docs_decorator=permission("api.schema"),
    servers=[{"url": BASE_PATH.rstrip("/"), "description": "wijkkompas API v1"}],
    urls_namespace="api-v1",
    openapi_extra={"info": {"contact": {"name": "wijkkompas"}}},
)
install(api)
api.add_router("/plannen", plans_router)
api.add_router("/organisaties", organisations_router)
api.add_router("", monitor_router)
api.add_router("", figures_router)


@permission("api.schema")
def api_root(request: HttpRequest) -> JsonResponse:
    """The API's entry point: where its contract is."""
    return JsonResponse({"openapi": request.build_absolute_uri(BASE_PATH + "openapi.json")})


def urls() -> tuple[list[Any], str, str]:
    """``api.urls`` with ninja's unguarded root view replaced by :func:`api_root`."""
    patterns, app_name, namespace = api.urls
    patterns = [p for p in patterns if getattr(p, "name", None) != "api-root"]
    patterns.append(path("", api_root, name="api-root"))
    return patterns, app_name, namespace
