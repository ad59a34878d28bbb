"""Rules about who is signed in that hold for every request."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from wijkkompas.web.apps.accounts.demo import demo_logins_refused, is_demo_account
from wijkkompas.web.apps.accounts.forms import DEMO_ACCOUNT_REFUSED

Handler = Callable[[HttpRequest], HttpResponse]


class DemoSessionsEndMiddleware:
    """In production, a session of a demo account ends at its next request.

    Refusing demo accounts at login is not enough: a session made while the same database was
    served as the demo (or before an upgrade) would otherwise keep working. A page visitor is
    sent to the login page, which says why; the API answers as to anyone not signed in.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if demo_logins_refused() and is_demo_account(request.user):
            logout(request)
            if not request.path.startswith("/api/"):
                messages.error(request, DEMO_ACCOUNT_REFUSED)
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)
