"""Neighbourhood budgets: the ballot, proposals, the result; and the organiser's pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from wijkkompas.budgeting import write_pabulib
from wijkkompas.errors import WijkkompasError
from wijkkompas.web.apps.accounts.demo import demo_context
from wijkkompas.web.apps.accounts.permissions import can, permission
from wijkkompas.web.apps.participation.forms import (
    BudgetForm,
    ProjectForm,
)
from wijkkompas.web.apps.participation.models import (
    NeighbourhoodBudget,
    ResidentCode,
)
from wijkkompas.web.apps.participation.outcome_text import project_lines, share_spending
from wijkkompas.web.apps.participation.selectors import budgets as selectors
from wijkkompas.web.apps.participation.selectors.areas import area_names
from wijkkompas.web.apps.participation.services import budgets as service
from wijkkompas.web.apps.participation.views.common import resident_code, violation_message
from wijkkompas.web.common.errors import InvalidInput
from wijkkompas.web.money import euro

Phase = NeighbourhoodBudget.Phase


def _budget(budget_id: int, request: HttpRequest) -> NeighbourhoodBudget:
    budget = get_object_or_404(NeighbourhoodBudget, pk=budget_id)
    if budget.phase == Phase.DRAFT and not can(request.user, "budget.manage", budget):
        raise Http404
    return budget


def budget_context(
    request: HttpRequest, budget: NeighbourhoodBudget, **extra: Any
) -> dict[str, Any]:
    return {
        "budget": budget,
        "names": area_names(),
        "code": resident_code(request),
        "may_manage": can(request.user, "budget.manage", budget),
        **demo_context(budget.is_demo),
        **extra,
    }


@permission("participation.view")
@require_safe
def budget_list(request: HttpRequest) -> HttpResponse:
    budgets = selectors.visible_budgets(request.user)
    return render(
        request,
        "participation/budget_list.html",
        {
            "budgets": budgets,
            "names": area_names(),
            "may_create": can(request.user, "budget.create"),
            **demo_context(any(b.is_demo for b in budgets)),
        },
    )


@permission("participation.view")
@require_safe
def budget_detail(request: HttpRequest, budget_id: int) -> HttpResponse:
    budget = _budget(budget_id, request)
    code = resident_code(request)
    detail = selectors.budget_detail(budget, code)
    return render(
        request,
        "participation/budget_detail.html",
        budget_context(
            request,
            budget,
            projects=detail.projects,
            refused=detail.refused,
            has_voted=detail.has_voted,
            may_vote=code is not None and service.may_vote_in(code, budget),
            amount=euro(budget.amount),
            ballots=detail.ballots,
        ),
    )


@permission("budget.create")
@require_http_methods(["GET", "POST"])
def budget_create(request: HttpRequest) -> HttpResponse:
    form = BudgetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        budget = form.save(commit=False)  # not saved: the service checks it and saves it
        budget.area_code = budget.area_code.strip().upper()
        try:
            service.create_budget(budget=budget, actor=request.user)
        except WijkkompasError as exc:  # the ballot rules' own consistency checks
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Het budget is aangemaakt. Het staat nog in voorbereiding.")
            )
            return redirect("participation:budget_manage", budget_id=budget.pk)
    return render(
        request,
        "participation/form.html",
        {
            "form": form,
            "title": _("Nieuw buurtbudget"),
            "submit": _("Aanmaken"),
            "back": "/meedoen/begrotingen/",
        },
    )


@permission("budget.propose")
@require_http_methods(["GET", "POST"])
def budget_propose(request: HttpRequest, budget_id: int) -> HttpResponse:
    budget = _budget(budget_id, request)
    code = resident_code(request)
    if code is None or not service.may_vote_in(code, budget):
        return _not_for_you(request, budget)
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service.propose_project(budget=budget, user=request.user, **form.cleaned_data)
        except InvalidInput as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(
                request, _("Dank u wel. Uw idee is ingediend. De gemeente bekijkt of het kan.")
            )
            return redirect("participation:budget", budget_id=budget.pk)
    return render(
        request,
        "participation/form.html",
        {
            "form": form,
            "title": _("Idee indienen voor %(naam)s") % {"naam": budget.name},
            "intro": _("Beschrijf uw project kort. Zeg wat het kost. Het hele budget is %(a)s.")
            % {"a": euro(budget.amount)},
            "submit": _("Idee indienen"),
            "back": f"/meedoen/begrotingen/{budget.pk}/",
            **demo_context(budget.is_demo),
        },
    )


def _not_for_you(request: HttpRequest, budget: NeighbourhoodBudget) -> HttpResponse:
    return render(
        request,
        "participation/not_for_you.html",
        budget_context(request, budget),
        status=403,
    )


def _choice_from(
    post: QueryDict, budget: NeighbourhoodBudget
) -> tuple[service.Choice | None, list[str]]:
    """Read the ballot form; anything that is not a whole number is an error, not a crash."""
    kind = budget.vote_type
    numbers = {str(p.number) for p in selectors.ballot_paper(budget)}
    try:
        if kind == "approval":
            chosen = tuple(int(v) for v in post.getlist("project"))
            return service.Choice(chosen), []
        if kind == "cumulative":
            pairs = [(int(n), int(post.get(f"points_{n}") or 0)) for n in sorted(numbers, key=int)]
            pairs = [(n, pts) for n, pts in pairs if pts != 0]
            return service.Choice(tuple(n for n, _p in pairs), tuple(p for _n, p in pairs)), []
        ranks = [(int(post.get(f"rank_{n}") or 0), int(n)) for n in sorted(numbers, key=int)]
        ranked = sorted((r, n) for r, n in ranks if r > 0)
        if len({r for r, _n in ranked}) != len(ranked):
            return None, [_("Geef elke plaats maar één keer.")]
        return service.Choice(tuple(n for _r, n in ranked)), []
    except ValueError:
        return None, [_("Vul alleen hele getallen in.")]


def previous(post: QueryDict, budget: NeighbourhoodBudget) -> dict[str, Any]:
    """What the voter filled in, to show again with the reasons it was refused."""
    prefix = "points_" if budget.vote_type == "cumulative" else "rank_"
    return {
        "projects": post.getlist("project"),
        "values": {k.removeprefix(prefix): v for k, v in post.items() if k.startswith(prefix)},
    }


def ballot_problems(
    budget: NeighbourhoodBudget, code: ResidentCode, post: QueryDict, channel: str
) -> list[str]:
    """Cast the ballot in ``post`` for ``code``; [] when counted, else the reasons why not."""
    choice, problems = _choice_from(post, budget)
    if choice is None:
        return problems
    try:
        service.cast_ballot(budget=budget, code=code, choice=choice, channel=channel)
    except service.BallotRefused as refused:
        if refused.violations:
            paper = selectors.projects_by_number(budget)
            return [violation_message(v, paper) for v in refused.violations]
        return [
            {
                "already_voted": _("Met deze code is al gestemd. Elke code telt één keer."),
                "closed": _("Stemmen kan nu niet: het stemmen is nog niet begonnen of al voorbij."),
                "not_eligible": _("Deze code hoort niet bij dit gebied."),
                "revoked": _("Deze code is ingetrokken."),
            }.get(refused.reason, _("Deze stem kon niet worden geteld."))
        ]
    return []


@permission("budget.vote")
@require_http_methods(["GET", "POST"])
def budget_vote(request: HttpRequest, budget_id: int) -> HttpResponse:
    budget = _budget(budget_id, request)
    code = resident_code(request)
    if code is None or not service.may_vote_in(code, budget):
        return _not_for_you(request, budget)
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        problems = ballot_problems(budget, code, request.POST, "online")
        if not problems:
            messages.success(request, _("Uw stem is geteld. Dank u wel voor het meedoen!"))
            return redirect("participation:budget", budget_id=budget.pk)
        status = 409 if selectors.has_voted(code, budget) else 400
    return render(
        request,
        "participation/vote.html",
        budget_context(
            request,
            budget,
            projects=selectors.ballot_paper(budget),
            problems=problems,
            has_voted=selectors.has_voted(code, budget),
            previous=previous(request.POST, budget),
            rules=budget.ballot_rules(),
            amount=euro(budget.amount),
            max_sum_cost=euro(budget.max_sum_cost) if budget.max_sum_cost else None,
            ranks=selectors.rank_places(budget),
        ),
        status=status,
    )


@permission("participation.view")
@require_safe
def budget_result(request: HttpRequest, budget_id: int) -> HttpResponse:
    budget = _budget(budget_id, request)
    if budget.phase != Phase.RESULT:
        raise Http404
    outcome = selectors.outcome(budget)
    return render(
        request,
        "participation/result.html",
        budget_context(
            request,
            budget,
            lines=project_lines(outcome),
            spending=share_spending(outcome),
            voters=len(outcome.instance.ballots),
            happy=outcome.voters_with_a_winner,
            total=euro(outcome.result.total_cost),
            amount=euro(budget.amount),
            rule=budget.rule,
        ),
    )


@permission("participation.view")
@require_safe
def budget_pabulib(request: HttpRequest, budget_id: int) -> HttpResponse:
    """All anonymous ballots in the Pabulib format, so anyone can recount (after the vote)."""
    budget = _budget(budget_id, request)
    if budget.phase != Phase.RESULT:
        raise Http404
    text = write_pabulib(selectors.instance_of(budget))
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="wijkkompas-begroting-{budget.pk}.pb"'
    return response
