"""Logging in (password, then an optional TOTP code), one's own account, and erasure.

A user with a confirmed TOTP device is not logged in after the password: the session only
remembers who passed the first step, and the login completes after a valid code. An OIDC or SAML
login can be added later as another way to reach :func:`_complete_login`.
"""

from __future__ import annotations

import base64
import io
from typing import TYPE_CHECKING

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp import login as otp_login

from wijkkompas.web.apps.accounts import services
from wijkkompas.web.apps.accounts.demo import (
    DEMO_PASSWORD,
    demo_accounts_exist,
    demo_context,
    demo_users_for_login,
)
from wijkkompas.web.apps.accounts.forms import EraseForm, LoginForm, PersonalDataForm, TokenForm
from wijkkompas.web.apps.accounts.models import Person
from wijkkompas.web.apps.accounts.permissions import permission
from wijkkompas.web.apps.accounts.roles import Role
from wijkkompas.web.apps.accounts.selectors.people import people, role_assignments
from wijkkompas.web.apps.accounts.selectors.two_factor import confirmed_device, has_two_factor
from wijkkompas.web.apps.accounts.throttle import login_attempt
from wijkkompas.web.common.forms import posted

if TYPE_CHECKING:
    from django_otp.plugins.otp_totp.models import TOTPDevice

PENDING = "wk_login_pending"
"""Session key: the user id that passed the password step and still owes a TOTP code."""


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/plannen/"


def _complete_login(request: HttpRequest, user: object, device: TOTPDevice | None) -> HttpResponse:
    next_url = _next_url(request)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if device is not None:
        otp_login(request, device)
    return redirect(next_url)


@permission("account.login")
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Every posted password counts as a failure until it proves right (``accounts.throttle``)."""
    attempt = None
    if request.method == "POST":
        attempt = login_attempt(request, request.POST.get("username", ""))
    throttled = attempt is not None and not attempt.allowed
    form = LoginForm(request, data=posted(request), throttled=throttled)
    status = 429 if throttled else 200
    if attempt is not None:
        if form.is_valid():
            attempt.succeeded()
            user = form.get_user()
            device = confirmed_device(user)
            if device is None:
                return _complete_login(request, user, None)
            request.session[PENDING] = user.pk
            query = urlencode({"next": _next_url(request)})
            return redirect(f"{reverse('accounts:login_code')}?{query}")
        if form.refused_as_demo:
            status = 403
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "next": _next_url(request),
            "demo_users": demo_users_for_login(),
            "demo_password": DEMO_PASSWORD,
            **demo_context(demo_accounts_exist()),
        },
        status=status,
    )


@permission("account.login")
@require_http_methods(["GET", "POST"])
def login_code_view(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING)
    if pending is None:
        return redirect("accounts:login")
    user = get_object_or_404(get_user_model(), pk=pending, is_active=True)
    form = TokenForm(posted(request))
    if request.method == "POST" and form.is_valid():
        device = services.device_for_token(user, form.cleaned_data["token"])
        if device is not None:
            del request.session[PENDING]
            return _complete_login(request, user, device)
        form.add_service_errors({"token": [_("Deze code klopt niet of is verlopen.")]})
    return render(request, "accounts/login_code.html", {"form": form, "next": _next_url(request)})


@permission("account.self")
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("/")


@permission("account.self")
@require_http_methods(["GET", "POST"])
def account_view(request: HttpRequest) -> HttpResponse:
    person = services.person_of(request.user)
    form = PersonalDataForm(posted(request), initial={"name": person.name, "email": person.email})
    if request.method == "POST" and form.is_valid():
        services.update_personal_data(person=person, **form.cleaned_data)
        messages.success(request, _("Uw gegevens zijn opgeslagen."))
        return redirect("accounts:account")
    return render(
        request,
        "accounts/account.html",
        {
            "person": person,
            "form": form,
            "assignments": role_assignments(request.user),
            "has_totp": has_two_factor(request.user),
        },
    )


def _qr_data_uri(url: str) -> str:
    """The provisioning URL as an SVG data URI: an <img>, so no inline style or script."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@permission("account.self")
@require_http_methods(["GET", "POST"])
def totp_view(request: HttpRequest) -> HttpResponse:
    """Switch two-factor login on (scan, then confirm with a code) or off."""
    if request.method == "POST" and request.POST.get("action") == "off":
        services.switch_off(request.user)
        messages.success(request, _("Inloggen met een code staat nu uit."))
        return redirect("accounts:account")
    device = services.pending_device(request.user)
    form = TokenForm(posted(request))
    if request.method == "POST" and form.is_valid():
        if services.confirm_device(
            user=request.user, device=device, token=form.cleaned_data["token"]
        ):
            otp_login(request, device)
            messages.success(request, _("Inloggen met een code staat nu aan."))
            return redirect("accounts:account")
        form.add_service_errors({"token": [_("Deze code klopt niet of is verlopen.")]})
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "accounts/totp.html",
        {"form": form, "qr": _qr_data_uri(device.config_url), "secret": secret},
    )


@permission("account.manage")
@require_safe
def people_view(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/people.html", {"people": people(), "roles": Role.choices})


@permission("account.manage")
@require_http_methods(["GET", "POST"])
def erase_view(request: HttpRequest, pseudonym: str) -> HttpResponse:
    person = get_object_or_404(Person, pseudonym=pseudonym, erased_at__isnull=True)
    form = EraseForm(posted(request))
    if request.method == "POST" and form.is_valid():
        services.erase_person(person=person, actor=request.user)
        messages.success(request, _("De persoonsgegevens zijn gewist."))
        return redirect("accounts:people")
    return render(request, "accounts/erase.html", {"form": form, "person": person})
