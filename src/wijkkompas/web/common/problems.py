"""RFC 9457 problem documents for every API error (NL API Design Rules 2.2,
``/core/error-handling/problem-details``), and 400 rather than 422 for invalid input
(``/core/error-handling/invalid-input``).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from wijkkompas.store import STORE_READ_ERRORS
from wijkkompas.web.common.errors import OutOfScope

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


class InvalidParams(Exception):
    """Input the domain refused (a service's ``InvalidInput``), with the API's field names."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def titles() -> dict[int, str]:
    return {
        400: _("Ongeldige invoer"),
        401: _("Niet ingelogd"),
        403: _("Geen toegang"),
        404: _("Niet gevonden"),
        405: _("Methode niet toegestaan"),
        406: _("Niet aanvaardbaar"),
        409: _("Conflict"),
        415: _("Mediatype niet ondersteund"),
        429: _("Te veel verzoeken"),
        500: _("Interne fout"),
        503: _("Dienst niet beschikbaar"),
    }


def problem(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    instance: str | None = None,
    invalid_params: list[dict[str, str]] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or titles().get(status, _("Fout")),
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if invalid_params:
        body["invalidParams"] = invalid_params
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_JSON
    )


def _param_name(loc: list[Any]) -> str:
    # ninja locates errors as ("body", "payload", "field", ...) or ("path", "plan_id")
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path")]
    return ".".join(parts) or "body"


def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    params = [
        {"name": _param_name(list(e.get("loc", ()))), "reason": str(e.get("msg", ""))}
        for e in exc.errors
    ]
    return problem(
        400,
        _("De invoer klopt niet. Zie invalidParams voor wat er per veld mis is."),
        instance=request.path,
        invalid_params=params,
    )


def _invalid(request: HttpRequest, exc: InvalidParams) -> HttpResponse:
    params = [{"name": n, "reason": m} for n, msgs in exc.errors.items() for m in msgs]
    detail = " ".join(p["reason"] for p in params)
    return problem(400, detail, instance=request.path, invalid_params=params)


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(exc.status_code, str(exc), instance=request.path)


def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(404, _("Dit bestaat niet (meer)."), instance=request.path)


def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    """403; outside the caller's area, the reason, and the field that chose the place."""
    if isinstance(exc, OutOfScope):
        params = [{"name": exc.field, "reason": exc.message}] if exc.field else None
        return problem(403, exc.message, instance=request.path, invalid_params=params)
    return problem(403, _("Uw rol staat dit hier niet toe."), instance=request.path)


NO_DATA_RETRY_AFTER = 30
"""Seconds a client should wait after a 503 for an unreadable store: a store copied in place
is usually whole again, or replaced by an import, within that time."""


def no_data_yet(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Any store read error, wherever in an operation it happens, as the API's 503.

    A damaged store is the administrator's to repair, not the client's fault and not a defect
    that a 500 would report: the client is told to come back later, the details go to the log.
    """
    log.warning("API %s: the analytic store could not be read", request.path, exc_info=exc)
    response = problem(503, _("Er zijn nog geen gegevens om te tonen."), instance=request.path)
    response["Retry-After"] = str(NO_DATA_RETRY_AFTER)
    return response


def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.exception("API error on %s", request.path, exc_info=exc)
    return problem(500, _("Er ging iets mis in wijkkompas. Probeer het later opnieuw."))


HANDLERS: list[tuple[type[Exception], Any]] = [
    (ValidationError, _validation),
    (InvalidParams, _invalid),
    (HttpError, _http_error),
    (Http404, _not_found),
    (PermissionDenied, _forbidden),
    *((error, no_data_yet) for error in STORE_READ_ERRORS),
    (Exception, _server_error),
]


def install(api: NinjaAPI) -> None:
    for exception, handler in HANDLERS:
        api.add_exception_handler(exception, handler)
