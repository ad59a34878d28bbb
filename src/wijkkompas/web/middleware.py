"""Request/response rules that hold for every page."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

Handler = Callable[[HttpRequest], HttpResponse]

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
"""Everything comes from this server: no CDN, no third-party tracking, no inline script.

That is a promise to visitors (no IP addresses sent elsewhere) and it also makes the browser test
fail loudly if a template or a library ever starts loading something from outside.
"""


class ContentSecurityPolicyMiddleware:
    """Send :data:`CONTENT_SECURITY_POLICY` unless a view has set its own."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class DutchFirstLocaleMiddleware:
    """Dutch unless the visitor chose English with the language switch (a cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, so most visitors with an
    English-language browser would land on the translation. Dutch is the language of record for
    a gemeente's site (and the translation may lag behind), so the choice is left to the visitor.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = self._chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response

    @staticmethod
    def _chosen_language(request: HttpRequest) -> str:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen:
            try:
                return translation.get_supported_language_variant(chosen)
            except LookupError:
                pass
        return settings.LANGUAGE_CODE


class MissingStoreMiddleware:
    """A page that finds no usable analytic store shows the 'no data yet' page (503).

    The map and search catch this themselves; every other page (profiles, downloads, reports,
    comparisons, plans) would otherwise end in a server error before the first import, or when
    the store cannot be read half-way through a request (``STORE_READ_ERRORS``). The API answers
    the same errors with its own problem document (``api.problems.no_data_yet``).
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from wijkkompas.store import STORE_READ_ERRORS
        from wijkkompas.web.apps.monitor.views import no_data_page

        if request.path.startswith("/api/"):
            return None
        if isinstance(exception, STORE_READ_ERRORS):
            return no_data_page(request, exception)
        return None
