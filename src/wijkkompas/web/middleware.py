"""Request/response rules that hold for every page."""

from __future__ import annotations

import ipaddress
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


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


class TrustedProxyMiddleware:
    """The client's address and scheme as the proxy in front saw them, and only from that proxy.

    ``X-Forwarded-For`` and ``X-Forwarded-Proto`` are believed only on a request whose
    ``REMOTE_ADDR`` is in ``WIJKKOMPAS_TRUSTED_PROXIES``; from anyone else they are removed, so
    a client cannot pretend to be another address (and escape the limits on failed logins) or to
    use HTTPS. The client is the right-most address in ``X-Forwarded-For`` that is not a trusted
    proxy: that one was appended by our own proxy, anything left of it the client may have sent.
    The proxy's own address stays in ``META["WIJKKOMPAS_PROXY_ADDR"]``.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        proxies = settings.WIJKKOMPAS_TRUSTED_PROXIES
        remote = _address(request.META.get("REMOTE_ADDR", ""))
        if remote is None or not any(remote in network for network in proxies):
            request.META.pop("HTTP_X_FORWARDED_FOR", None)
            request.META.pop("HTTP_X_FORWARDED_PROTO", None)
            return self.get_response(request)
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        for entry in reversed([part for part in forwarded.split(",") if part.strip()]):
            address = _address(entry)
            if address is None:
                break  # not what our proxy writes: keep the proxy's own address
            if not any(address in network for network in proxies):
                request.META["WIJKKOMPAS_PROXY_ADDR"] = request.META["REMOTE_ADDR"]
                request.META["REMOTE_ADDR"] = str(address)
                break
        return self.get_response(request)


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
        from wijkkompas.web.apps.monitor.views.maps import no_data_page

        if request.path.startswith("/api/"):
            return None
        if isinstance(exception, STORE_READ_ERRORS):
            return no_data_page(request, exception)
        return None
