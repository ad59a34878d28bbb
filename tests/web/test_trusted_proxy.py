"""Behind a reverse proxy: the client's address and scheme, only from proxies we were told of.

Without ``WIJKKOMPAS_TRUSTED_PROXIES`` the ``X-Forwarded-For`` and ``X-Forwarded-Proto``
headers are ignored, because anyone can send them. With it, a request that arrives from a listed
proxy is taken to come from the address that proxy saw (the right-most address in
``X-Forwarded-For`` that is not itself a trusted proxy), and to be HTTPS when the proxy says so.
"""

from __future__ import annotations

import ipaddress

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from wijkkompas.web.middleware import TrustedProxyMiddleware


def _seen(remote: str, forwarded: str | None = None, proto: str | None = None) -> tuple[str, bool]:
    """What a view behind the middleware sees: the client address and whether it is HTTPS."""
    seen: dict[str, object] = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen["address"], seen["secure"] = request.META["REMOTE_ADDR"], request.is_secure()
        return HttpResponse()

    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    if proto is not None:
        headers["HTTP_X_FORWARDED_PROTO"] = proto
    TrustedProxyMiddleware(view)(RequestFactory().get("/", **headers))
    return str(seen["address"]), bool(seen["secure"])


@pytest.fixture
def proxies(settings):
    settings.WIJKKOMPAS_TRUSTED_PROXIES = (
        ipaddress.ip_network("10.0.0.0/8"),
        ipaddress.ip_network("2001:db8:ffff::1/128"),
    )


def test_without_trusted_proxies_forwarded_headers_are_ignored(settings) -> None:
    settings.WIJKKOMPAS_TRUSTED_PROXIES = ()
    assert _seen("10.0.0.5", "198.51.100.9", "https") == ("10.0.0.5", False)


def test_from_a_trusted_proxy_the_address_it_saw_is_the_client(proxies) -> None:
    assert _seen("10.0.0.5", "198.51.100.9", "https") == ("198.51.100.9", True)
    # A client may send its own X-Forwarded-For; the proxy appends what it saw, right-most.
    assert _seen("10.0.0.5", "203.0.113.66, 198.51.100.9", "http") == ("198.51.100.9", False)
    # Two trusted proxies in a row.
    assert _seen("10.0.0.5", "198.51.100.9, 10.0.0.7") == ("198.51.100.9", False)
    assert _seen("2001:db8:ffff::1", "2001:db8:1:2::3") == ("2001:db8:1:2::3", False)


def test_a_request_that_did_not_come_through_the_proxy_is_taken_as_it_is(proxies) -> None:
    assert _seen("192.0.2.1", "198.51.100.9", "https") == ("192.0.2.1", False)


def test_a_forwarded_header_that_is_no_address_changes_nothing(proxies) -> None:
    assert _seen("10.0.0.5", "198.51.100.9, zomaar-iets") == ("10.0.0.5", False)
    assert _seen("10.0.0.5", "") == ("10.0.0.5", False)
