"""The organiser's side of a neighbourhood budget: phases, feasibility, paper ballots, codes."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from wijkkompas.web.apps.accounts.permissions import authorize, permission
from wijkkompas.web.apps.participation.forms import FeasibilityForm, PaperBallotForm, PhaseForm
from wijkkompas.web.apps.participation.models import (
    BudgetProject,
    NeighbourhoodBudget,
)
from wijkkompas.web.apps.participation.selectors import budgets as selectors
from wijkkompas.web.apps.participation.selectors.areas import area_names
from wijkkompas.web.apps.participation.selectors.codes import find as find_code
from wijkkompas.web.apps.participation.services import budgets as service
from wijkkompas.web.apps.participation.services import codes
from wijkkompas.web.apps.participation.views.budgets import (
    ballot_problems,
    budget_context,
    previous,
)
from wijkkompas.web.apps.participation.views.common import whole_number
from wijkkompas.web.common.errors import InvalidInput
from wijkkompas.web.spreadsheet import csv_download


@permission("budget.manage")
@require_http_methods(["GET", "POST"])
def budget_manage(request: HttpRequest, budget_id: int) -> HttpResponse:
    budget = get_object_or_404(NeighbourhoodBudget, pk=budget_id)
    authorize(request, "budget.manage", budget)
    phase_form = PhaseForm(request.POST if "phase" in request.POST else None, current=budget.phase)
    feasibility_form = FeasibilityForm(request.POST if "project" in request.POST else None)
    if request.method == "POST":
        try:
            if "phase" in request.POST and phase_form.is_valid():
                service.set_phase(
                    budget=budget, phase=phase_form.cleaned_data["phase"], actor=request.user
                )
                messages.success(request, _("De fase is veranderd."))
                return redirect("participation:budget_manage", budget_id=budget.pk)
            if "project" in request.POST and feasibility_form.is_valid():
                project = get_object_or_404(
                    BudgetProject, budget=budget, number=whole_number(request.POST.get("project"))
                )
                service.set_feasibility(
                    project=project,
                    feasible=feasibility_form.cleaned_data["feasible"],
                    reason=feasibility_form.cleaned_data["reason"],
                    actor=request.user,
                )
                messages.success(request, _("Het oordeel over het project is opgeslagen."))
                return redirect("participation:budget_manage", budget_id=budget.pk)
        except InvalidInput as exc:
            target = phase_form if "phase" in request.POST else feasibility_form
            target.add_service_errors(exc.errors)
    ballots, paper_ballots = selectors.ballot_counts(budget)
    return render(
        request,
        "participation/budget_manage.html",
        budget_context(
            request,
            budget,
            projects=selectors.projects(budget),
            phase_form=phase_form,
            feasibility_form=feasibility_form,
            ballots=ballots,
            paper_ballots=paper_ballots,
        ),
        status=400 if request.method == "POST" else 200,
    )


@permission("budget.paper_ballot")
@require_http_methods(["GET", "POST"])
def budget_paper(request: HttpRequest, budget_id: int) -> HttpResponse:
    """A coordinator enters a paper ballot: the same rules, the code counted once, as paper."""
    budget = get_object_or_404(NeighbourhoodBudget, pk=budget_id)
    authorize(request, "budget.paper_ballot", budget)
    form = PaperBallotForm(request.POST or None)
    problems: list[str] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        code = find_code(form.cleaned_data["code"])
        if code is None:
            problems = [_("Deze code kennen we niet.")]
        else:
            problems = ballot_problems(budget, code, request.POST, "paper")
        if not problems:
            messages.success(request, _("De papieren stem is geteld."))
            return redirect("participation:budget_paper", budget_id=budget.pk)
        status = 400
    return render(
        request,
        "participation/paper.html",
        budget_context(
            request,
            budget,
            form=form,
            projects=selectors.ballot_paper(budget),
            problems=problems,
            previous=previous(request.POST, budget),
            rules=budget.ballot_rules(),
            ranks=selectors.rank_places(budget),
        ),
        status=status,
    )


@permission("codes.manage")
@require_http_methods(["GET", "POST"])
def codes_manage(request: HttpRequest) -> HttpResponse:
    """Make codes for letters: the CSV is the only place the plain codes ever appear."""
    from wijkkompas.web.apps.participation.forms import CodesForm

    form = CodesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        area = form.cleaned_data["area_code"].strip().upper()
        if area not in area_names():
            form.add_error("area_code", _("Deze buurt- of wijkcode kent de monitor niet."))
        else:
            from wijkkompas.web.apps.accounts.permissions import Scope

            authorize(request, "codes.manage", Scope(area=(area,)))
            made = codes.generate_codes(
                area_code=area, count=form.cleaned_data["count"], batch=form.cleaned_data["batch"]
            )
            batch = form.cleaned_data["batch"]
            return csv_download(
                ["code", "gebied", "reeks"], [[c, area, batch] for c in made], f"codes-{area}.csv"
            )
    return render(
        request,
        "participation/form.html",
        {
            "form": form,
            "title": _("Codes maken voor brieven"),
            "intro": _(
                "Eén code per bewoner die mag meedoen (bijvoorbeeld iedereen van 16 jaar en ouder). "
                "U krijgt een CSV-bestand met de codes voor de brieven. Wij bewaren de codes niet leesbaar: "
                "bewaar het bestand zorgvuldig en gooi het weg na het versturen."
            ),
            "submit": _("Codes maken"),
            "back": "/meedoen/",
        },
        status=400 if request.method == "POST" else 200,
    )
