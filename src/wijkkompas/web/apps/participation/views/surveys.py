"""The resident survey: answer it (with a code or the open link), read the results."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from wijkkompas.errors import WijkkompasError
from wijkkompas.regions import within
from wijkkompas.survey.questionnaire import AGE_GROUPS, SEXES, STANDARD
from wijkkompas.web.apps.accounts.demo import demo_context
from wijkkompas.web.apps.accounts.permissions import authorize, can, permission
from wijkkompas.web.apps.participation.models import Survey
from wijkkompas.web.apps.participation.selectors import surveys as selectors
from wijkkompas.web.apps.participation.selectors.areas import area_names, buurten_within
from wijkkompas.web.apps.participation.services import surveys as service
from wijkkompas.web.apps.participation.views.common import resident_code
from wijkkompas.web.spreadsheet import machine_csv_download


@permission("participation.view")
@require_safe
def survey_list(request: HttpRequest) -> HttpResponse:
    items = selectors.all_surveys()
    return render(
        request,
        "participation/survey_list.html",
        {"surveys": items, "names": area_names(), **demo_context(any(s.is_demo for s in items))},
    )


def _answer_page(request: HttpRequest, survey: Survey, *, open_link: bool) -> HttpResponse:
    code = None if open_link else resident_code(request)
    if not survey.is_open:
        return render(request, "participation/survey_closed.html", {"survey": survey}, status=410)
    if not open_link and code is None:
        return redirect(f"/meedoen/code/?next={request.path}")
    if code is not None and not within(code.area_code, survey.area_code):
        return render(
            request,
            "participation/survey_closed.html",
            {"survey": survey, "elsewhere": True},
            status=403,
        )
    buurten = buurten_within(survey.area_code)
    fixed_area = code.area_code if code is not None and code.area_code.startswith("BU") else None
    errors: list[str] = []
    status = 200
    if selectors.has_answered(survey, code):
        return render(
            request, "participation/survey_closed.html", {"survey": survey, "answered": True}
        )
    if request.method == "POST":
        post = request.POST
        area = fixed_area or post.get("area_code", "")
        if area not in {c for c, _n in buurten}:
            errors.append(_("Kies uw buurt."))
        answers: dict[str, int | None] = {}
        for q in STANDARD:
            raw = post.get(q.id, "")
            answers[q.id] = int(raw) if raw.lstrip("-").isdigit() else None
        try:
            if not errors:
                service.answer(
                    survey=survey, code=code, area_code=area,
                    age_group=post.get("age_group") or None, sex=post.get("sex") or None,
                    answers=answers,
                )  # fmt: skip
                messages.success(
                    request, _("Dank u wel! Uw antwoorden zijn opgeslagen, zonder uw naam of code.")
                )
                return redirect("participation:survey_results", survey_id=survey.pk)
        except service.AlreadyAnswered:
            errors.append(_("Met deze code is de enquête al ingevuld."))
        except WijkkompasError:
            errors.append(
                _("Een antwoord past niet bij de vraag. Kies bij elke vraag één van de antwoorden.")
            )
        status = 400
    return render(
        request,
        "participation/survey_answer.html",
        {
            "survey": survey,
            "questions": selectors.questionnaire(),
            "buurten": buurten,
            "fixed_area": fixed_area,
            "names": area_names(),
            "age_groups": AGE_GROUPS,
            "sexes": SEXES,
            "errors": errors,
            "posted": request.POST,
            **demo_context(survey.is_demo),
        },
        status=status,
    )


@permission("survey.answer")
@require_http_methods(["GET", "POST"])
def survey_answer(request: HttpRequest, survey_id: int) -> HttpResponse:
    return _answer_page(request, get_object_or_404(Survey, pk=survey_id), open_link=False)


@permission("survey.answer")
@require_http_methods(["GET", "POST"])
def survey_answer_open(request: HttpRequest, survey_id: int, token: str) -> HttpResponse:
    survey = get_object_or_404(Survey, pk=survey_id)
    if not survey.open_link or token != survey.link_token:
        raise Http404
    return _answer_page(request, survey, open_link=True)


@permission("participation.view")
@require_safe
def survey_results(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = get_object_or_404(Survey, pk=survey_id)
    # Until it closes only its organiser sees the results, unless they chose to show them.
    shown = survey.results_public or can(request.user, "survey.manage", survey)
    names = area_names()
    return render(
        request,
        "participation/survey_results.html",
        {
            "survey": survey,
            "rows": selectors.result_rows(survey, names) if shown else [],
            "respondents": selectors.respondents(survey),
            "shown": shown,
            "may_publish": survey.results_public and can(request.user, "survey.publish", survey),
            "names": names,
            **demo_context(survey.is_demo),
        },
    )


@permission("survey.publish")
@require_safe
def survey_results_csv(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = get_object_or_404(Survey, pk=survey_id)
    authorize(request, "survey.publish", survey)
    # The documented results file that `wijkkompas import` reads back: served byte for byte.
    return machine_csv_download(
        selectors.results_csv(survey), f"enquete-{survey.area_code}-{survey.year}.csv"
    )


@permission("survey.publish")
@require_POST
def survey_publish(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = get_object_or_404(Survey, pk=survey_id)
    authorize(request, "survey.publish", survey)
    try:
        n = service.publish_to_monitor(survey, request.user)
    except WijkkompasError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(n)s cijfers staan nu in de monitor.") % {"n": n})
    return redirect("participation:survey_results", survey_id=survey.pk)


@permission("survey.manage")
@require_http_methods(["GET", "POST"])
def survey_create(request: HttpRequest) -> HttpResponse:
    """A new round of the standard questionnaire for a wijk (or a whole gemeente)."""
    from wijkkompas.web.apps.participation.forms import SurveyForm

    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        survey = form.save(commit=False)  # not saved: the service saves it
        survey.area_code = survey.area_code.strip().upper()
        if survey.area_code not in area_names():
            form.add_error("area_code", _("Deze buurt- of wijkcode kent de monitor niet."))
        else:
            service.create_survey(survey=survey, actor=request.user)
            messages.success(request, _("De enquête is aangemaakt."))
            return redirect("participation:survey_manage", survey_id=survey.pk)
    return render(
        request,
        "participation/form.html",
        {
            "form": form,
            "title": _("Nieuwe enquête"),
            "submit": _("Aanmaken"),
            "back": "/meedoen/enquetes/",
        },
        status=400 if request.method == "POST" else 200,
    )


@permission("survey.manage")
@require_http_methods(["GET", "POST"])
def survey_manage(request: HttpRequest, survey_id: int) -> HttpResponse:
    """Open or close the survey, show the results before it closes or not; the open link is
    shown here, for posters and flyers."""
    survey = get_object_or_404(Survey, pk=survey_id)
    authorize(request, "survey.manage", survey)
    if request.method == "POST" and "results_while_open" in request.POST:
        service.set_results_while_open(
            survey=survey, shown=request.POST["results_while_open"] == "1", actor=request.user
        )
        messages.success(
            request,
            _("Iedereen ziet de uitkomsten nu al.")
            if survey.results_while_open
            else _("De uitkomsten zijn te zien als de enquête gesloten is."),
        )
        return redirect("participation:survey_manage", survey_id=survey.pk)
    if request.method == "POST":
        service.set_open(
            survey=survey, is_open=request.POST.get("is_open") == "1", actor=request.user
        )
        messages.success(
            request, _("De enquête is open.") if survey.is_open else _("De enquête is gesloten.")
        )
        return redirect("participation:survey_manage", survey_id=survey.pk)
    link = request.build_absolute_uri(f"/meedoen/enquetes/{survey.pk}/open/{survey.link_token}/")
    return render(
        request,
        "participation/survey_manage.html",
        {
            "survey": survey,
            "link": link if survey.open_link else None,
            "respondents": selectors.respondents(survey),
        },
    )
