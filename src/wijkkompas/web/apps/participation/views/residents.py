"""The front door: what residents can do here, entering a code, their own data."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from wijkkompas.web.apps.accounts.demo import demo_context, demo_logins_refused
from wijkkompas.web.apps.accounts.permissions import permission
from wijkkompas.web.apps.accounts.services import person_of, update_personal_data
from wijkkompas.web.apps.participation.forms import CodeForm, EmailForm
from wijkkompas.web.apps.participation.selectors.areas import area_names
from wijkkompas.web.apps.participation.selectors.residents import front_page, resident_data
from wijkkompas.web.apps.participation.services import codes, initiatives
from wijkkompas.web.apps.participation.views.common import resident_code


@permission("participation.view")
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    page = front_page()
    return render(
        request,
        "participation/home.html",
        {
            "budgets": page.budgets,
            "initiatives": page.initiatives,
            "surveys": page.surveys,
            "code": resident_code(request),
            "names": area_names(),
            "form": CodeForm(),
            **demo_context(page.is_demo),
        },
    )


@permission("resident.enter_code")
@require_http_methods(["GET", "POST"])
def enter_code(request: HttpRequest) -> HttpResponse:
    """Sign in with the code from the letter; failures are counted in the database.

    A code is counted before it is looked up and given back when it is valid
    (``codes.entry_attempt``), so parallel guesses cannot slip past the limit and other
    residents' typing errors never keep a valid code out.
    """
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        outcome = _check_code(request, form) if form.is_valid() else 400
        if isinstance(outcome, HttpResponse):
            return outcome
        status = outcome
    return render(
        request,
        "participation/code.html",
        {"form": form, "next": request.GET.get("next", request.POST.get("next", ""))},
        status=status,
    )


def _check_code(request: HttpRequest, form: CodeForm) -> HttpResponse | int:
    """The signed-in redirect, or the status of the page that shows what is wrong."""
    attempt = codes.entry_attempt(request, form.cleaned_data["code"])
    if not attempt.allowed:
        form.add_error(
            None,
            _("U heeft te vaak een verkeerde code ingevuld. Probeer het over 15 minuten opnieuw."),
        )
        return 429
    try:
        redeemed = codes.redeem(form.cleaned_data["code"], demo_allowed=not demo_logins_refused())
    except codes.DemoCodeRefused:
        form.add_error(
            "code",
            _(
                "Dit is een openbare democode. Op deze site kunt u daarmee niet meedoen. "
                "Gebruik de code uit uw brief."
            ),
        )
        return 403
    if redeemed is None:
        form.add_error(
            "code",
            _("Deze code kennen we niet. Kijk of u de code goed heeft overgenomen uit de brief."),
        )
        return 400
    attempt.succeeded()
    return _signed_in(request, redeemed.user)


def _signed_in(request: HttpRequest, user: Any) -> HttpResponse:
    if request.user.is_authenticated:
        logout(request)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, _("Gelukt. U doet nu mee als bewoner."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = ""
    return redirect(target or "participation:home")


@permission("resident.self")
@require_http_methods(["GET", "POST"])
def my_data(request: HttpRequest) -> HttpResponse:
    """What we keep about the resident, and erasing it (AVG art. 15 and 17)."""
    code = resident_code(request)
    person = person_of(request.user)
    form = EmailForm(
        request.POST if "email" in request.POST else None, initial={"email": person.email}
    )
    if form.is_bound and form.is_valid():
        update_personal_data(person=person, name=person.name, email=form.cleaned_data["email"])
        messages.success(
            request,
            _("Uw e-mailadres is opgeslagen.")
            if form.cleaned_data["email"]
            else _("Uw e-mailadres is gewist."),
        )
        return redirect("participation:my_data")
    if request.method == "POST" and request.POST.get("erase") == "ja":
        initiatives.erase_resident(user=request.user)
        logout(request)
        messages.success(
            request,
            _("Uw gegevens zijn gewist. Uw stem telt nog mee, maar is niet aan u te koppelen."),
        )
        return redirect("participation:home")
    names = area_names()
    kept = resident_data(request.user)
    return render(
        request,
        "participation/my_data.html",
        {
            "code": code,
            "person": person,
            "form": form,
            "names": names,
            "initiatives": kept.initiatives,
            "comments": kept.comments,
            "supports": kept.supports,
        },
    )
