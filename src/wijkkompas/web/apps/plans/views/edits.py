"""Adding to a plan: partners, agreements, goals, interventions, budgets, spending, timeline.

Each view checks its action twice: the decorator (does the user hold a role that may do this at
all) and :func:`authorize` on the object (for this plan, this organisation, this area).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from wijkkompas.web.apps.accounts import services as accounts
from wijkkompas.web.apps.accounts.permissions import acting_organisations, authorize, permission
from wijkkompas.web.apps.plans import forms, services
from wijkkompas.web.apps.plans.models import Agreement, Goal, Intervention
from wijkkompas.web.apps.plans.selectors.monitor import open_monitor
from wijkkompas.web.apps.plans.views.common import form_page, get_plan
from wijkkompas.web.common.forms import posted

GET_POST = require_http_methods(["GET", "POST"])


def _plan_url(plan_id: int, anchor: str) -> str:
    return reverse("plans:detail", args=[plan_id]) + f"#{anchor}"


@permission("plan.add_partner")
@GET_POST
def partner_add(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan(plan_id)
    authorize(request, "plan.add_partner", plan)
    form = forms.PartnerForm(posted(request))

    @transaction.atomic
    def save(data: dict[str, Any]) -> object:
        # A new organisation and its partnership are saved together or not at all.
        organisation = data["organisation"] or accounts.create_organisation(
            name=data["new_name"], kind=data["new_kind"]
        )
        return services.add_partner(
            user=request.user,
            plan=plan,
            organisation=organisation,
            contribution=data["contribution"],
        )

    return form_page(
        request,
        form=form,
        title=_("Partner toevoegen"),
        plan=plan,
        save=save,
        done=_plan_url(plan.pk, "partners"),
        success=_("De partner is toegevoegd."),
        submit=_("Partner toevoegen"),
    )


@permission("agreement.add")
@GET_POST
def agreement_add(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan(plan_id)
    authorize(request, "agreement.add", plan)
    acting = acting_organisations(request.user, "agreement.add")
    form = forms.AgreementForm(posted(request), plan=plan, acting=acting)
    return form_page(
        request,
        form=form,
        title=_("Afspraak toevoegen"),
        intro=_(
            "Een prestatieafspraak is wederkerig: wie belooft wat, en wat staat daar tegenover?"
        ),
        plan=plan,
        save=lambda data: services.add_agreement(user=request.user, plan=plan, **data),
        done=_plan_url(plan.pk, "afspraken"),
        success=_("De afspraak is toegevoegd."),
        submit=_("Afspraak toevoegen"),
    )


@permission("agreement.record_status")
@GET_POST
def agreement_status(request: HttpRequest, plan_id: int, agreement_id: int) -> HttpResponse:
    agreement = get_object_or_404(Agreement, pk=agreement_id, plan_id=plan_id)
    authorize(request, "agreement.record_status", agreement)
    form = forms.AgreementStatusForm(posted(request), agreement=agreement)
    return form_page(
        request,
        form=form,
        title=_("Stand van een afspraak bijhouden"),
        intro=agreement.commitment,
        plan=agreement.plan,
        save=lambda data: services.record_agreement_status(
            user=request.user, agreement=agreement, **data
        ),
        done=_plan_url(plan_id, "afspraken"),
        success=_("De stand is vastgelegd."),
        submit=_("Vastleggen"),
    )


@permission("goal.add")
@GET_POST
def goal_add(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan(plan_id)
    authorize(request, "goal.add", plan)
    with open_monitor() as monitor:
        runs = monitor.index.choices() if monitor.index else []
        form = forms.GoalForm(posted(request), catalogue=monitor.catalogue, runs=runs)
        return form_page(
            request,
            form=form,
            title=_("Doel toevoegen"),
            intro=_(
                "Een doel op een indicator krijgt zijn beginwaarde uit de monitor, voor het "
                "gebied van het plan. Een doel op een dimensie of conditie krijgt zijn "
                "beginwaarde uit een opgeslagen indexrun. U kiest de streefwaarde en het doeljaar."
            ),
            plan=plan,
            save=lambda data: services.add_goal(
                user=request.user, plan=plan, monitor=monitor, **data
            ),
            done=_plan_url(plan.pk, "doelen"),
            success=_("Het doel is toegevoegd."),
            submit=_("Doel toevoegen"),
        )


@permission("goal.edit")
@GET_POST
def goal_edit(request: HttpRequest, plan_id: int, goal_id: int) -> HttpResponse:
    goal = get_object_or_404(Goal, pk=goal_id, plan_id=plan_id)
    authorize(request, "goal.edit", goal)
    initial = {
        f: getattr(goal, f) for f in ("title", "target_value", "target_year", "resident_measure")
    }
    form = forms.GoalEditForm(posted(request), initial=initial)
    return form_page(
        request,
        form=form,
        title=_("Doel bijstellen"),
        intro=_(
            "De beginwaarde blijft wat de monitor zei. Het oude doel blijft zichtbaar in de geschiedenis."
        ),
        plan=goal.plan,
        save=lambda data: services.update_goal(user=request.user, goal=goal, **data),
        done=_plan_url(plan_id, "doelen"),
        success=_("Het doel is bijgesteld."),
        submit=_("Opslaan"),
    )


@permission("goal.delete")
@GET_POST
def goal_delete(request: HttpRequest, plan_id: int, goal_id: int) -> HttpResponse:
    """Remove a goal, after a confirmation page that says what goes with it."""
    goal = get_object_or_404(Goal, pk=goal_id, plan_id=plan_id)
    authorize(request, "goal.delete", goal)
    interventions = [i.title for i in goal.interventions.order_by("pk")]
    initiatives = [i.title for i in goal.initiatives.order_by("pk")]
    consequences = [
        _("Het doel verdwijnt uit de werkruimte, de openbare verantwoording, de PDF en de API."),
        _("De geschiedenis van het plan bewaart wat het doel was en wie het verwijderde."),
    ]
    if interventions:
        consequences.append(
            _("Deze interventies blijven, maar werken niet langer aan dit doel: %(names)s.")
            % {"names": "; ".join(interventions)}
        )
    if initiatives:
        consequences.append(
            _("Deze bewonersinitiatieven horen dan niet meer bij een doel: %(names)s.")
            % {"names": "; ".join(initiatives)}
        )
    return form_page(
        request,
        form=forms.ConfirmForm(posted(request)),
        title=_("Doel verwijderen"),
        intro=_("Weet u zeker dat u dit doel wilt verwijderen: %(title)s?") % {"title": goal.title},
        plan=goal.plan,
        save=lambda data: services.delete_goal(user=request.user, goal=goal),
        done=_plan_url(plan_id, "doelen"),
        success=_("Het doel is verwijderd; de geschiedenis bewaart wat het was."),
        submit=_("Doel verwijderen"),
        extra={"consequences": consequences},
    )


@permission("goal.rebase")
@GET_POST
def goal_rebase(request: HttpRequest, plan_id: int, goal_id: int) -> HttpResponse:
    """Move a score goal onto a newer index run: old and new values shown side by side first."""
    goal = get_object_or_404(Goal, pk=goal_id, plan_id=plan_id)
    authorize(request, "goal.rebase", goal)
    with open_monitor() as monitor:
        runs = monitor.index.choices() if monitor.index is not None else []
        form = forms.GoalRebaseForm(
            posted(request), runs=runs, initial={"index_run": runs[0][0] if runs else ""}
        )
        chosen = form.data.get("index_run") if form.is_bound else (runs[0][0] if runs else None)
        try:
            preview = services.rebase_preview(goal=goal, monitor=monitor, run_id=chosen or None)
        except services.InvalidInput:
            preview = None
        return form_page(
            request,
            form=form,
            title=_("Doel op de nieuwe referentie zetten"),
            intro=_rebase_intro(preview),
            plan=goal.plan,
            save=lambda data: services.rebase_goal(
                user=request.user, goal=goal, monitor=monitor, run_id=data["index_run"]
            ),
            done=_plan_url(plan_id, "doelen"),
            success=_(
                "Het doel staat op de nieuwe referentie; de oude waarden staan in de geschiedenis."
            ),
            submit=_("Overzetten"),
        )


def _rebase_intro(preview: services.Rebase | None) -> str:
    """Old and new baseline and target side by side, before anything is written."""
    if preview is None:
        return _(
            "Scores van verschillende referenties zijn niet vergelijkbaar. Een doel blijft op de "
            "indexrun van zijn beginwaarde tot u het bewust overzet."
        )
    target = ""
    if preview.old_target is not None and preview.new_target is not None:
        target = _(" Streefwaarde: nu %(old)s, straks %(new)s (dezelfde verbetering).") % {
            "old": f"{preview.old_target:+.2f}",
            "new": f"{preview.new_target:+.2f}",
        }
    return _(
        "Beginwaarde %(year)s: nu %(old)s, op %(run)s %(new)s.%(target)s De oude waarden "
        "blijven in de geschiedenis van het plan."
    ) % {
        "year": preview.baseline_year,
        "old": f"{preview.old_baseline:+.2f}",
        "run": preview.new_label,
        "new": f"{preview.new_baseline:+.2f}",
        "target": target,
    }


@permission("intervention.add")
@GET_POST
def intervention_add(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan(plan_id)
    authorize(request, "intervention.add", plan)
    acting = acting_organisations(request.user, "intervention.add")
    form = forms.InterventionForm(posted(request), plan=plan, acting=acting)

    def save(data: dict[str, Any]) -> object:
        year, amount = data.pop("budget_year"), data.pop("budget_amount")
        budget = [(data["lead"], year, amount)] if year is not None else []
        return services.add_intervention(user=request.user, plan=plan, budget=budget, **data)

    return form_page(
        request,
        form=form,
        title=_("Interventie toevoegen"),
        intro=_("Ook een klein bewonersinitiatief is een interventie."),
        plan=plan,
        save=save,
        done=_plan_url(plan.pk, "interventies"),
        success=_("De interventie is toegevoegd."),
        submit=_("Interventie toevoegen"),
    )


def _intervention(
    request: HttpRequest, plan_id: int, intervention_id: int, action: str
) -> Intervention:
    intervention = get_object_or_404(Intervention, pk=intervention_id, plan_id=plan_id)
    authorize(request, action, intervention)
    return intervention


@permission("intervention.edit")
@GET_POST
def intervention_edit(request: HttpRequest, plan_id: int, intervention_id: int) -> HttpResponse:
    intervention = _intervention(request, plan_id, intervention_id, "intervention.edit")
    fields = ("title", "description", "pillar", "start_date", "end_date", "resident_initiative")
    initial = {
        **{f: getattr(intervention, f) for f in fields},
        "lead": intervention.lead_id,
        "partners": [p.pk for p in intervention.partners.all()],
        "goals": [g.pk for g in intervention.goals.all()],
        "area_codes": ", ".join(intervention.area_codes),
    }
    form = forms.InterventionEditForm(
        posted(request),
        initial=initial,
        plan=intervention.plan,
        acting=acting_organisations(request.user, "intervention.edit"),
        lead=intervention.lead_id,
    )

    def save(data: dict[str, Any]) -> object:
        data = {**data, "partners": list(data["partners"]), "goals": list(data["goals"])}
        return services.update_intervention(user=request.user, intervention=intervention, **data)

    return form_page(
        request,
        form=form,
        title=_("Interventie bewerken"),
        intro=_(
            "Geld legt u vast bij de begroting en de uitgaven; de oude waarden blijven in de "
            "geschiedenis."
        ),
        plan=intervention.plan,
        save=save,
        done=_plan_url(plan_id, f"interventie-{intervention.pk}"),
        success=_("De wijzigingen zijn opgeslagen."),
        submit=_("Opslaan"),
    )


@permission("intervention.set_budget")
@GET_POST
def budget_set(request: HttpRequest, plan_id: int, intervention_id: int) -> HttpResponse:
    intervention = _intervention(request, plan_id, intervention_id, "intervention.set_budget")
    acting = acting_organisations(request.user, "intervention.set_budget")
    form = forms.MoneyForm(posted(request), plan=intervention.plan, acting=acting)
    return form_page(
        request,
        form=form,
        title=_("Begroting vastleggen"),
        intro=_(
            "Het bedrag van één partner voor één jaar. Een eerder bedrag blijft zichtbaar in de geschiedenis."
        ),
        plan=intervention.plan,
        save=lambda data: services.set_budget(user=request.user, intervention=intervention, **data),
        done=_plan_url(plan_id, f"interventie-{intervention.pk}"),
        success=_("De begroting is vastgelegd."),
        submit=_("Vastleggen"),
    )


@permission("intervention.record_spending")
@GET_POST
def spending_add(request: HttpRequest, plan_id: int, intervention_id: int) -> HttpResponse:
    intervention = _intervention(request, plan_id, intervention_id, "intervention.record_spending")
    acting = acting_organisations(request.user, "intervention.record_spending")
    form = forms.SpendingForm(posted(request), plan=intervention.plan, acting=acting)
    return form_page(
        request,
        form=form,
        title=_("Uitgaven vastleggen"),
        plan=intervention.plan,
        save=lambda data: services.record_spending(
            user=request.user, intervention=intervention, **data
        ),
        done=_plan_url(plan_id, f"interventie-{intervention.pk}"),
        success=_("De uitgave is vastgelegd."),
        submit=_("Vastleggen"),
    )


@permission("intervention.add_timeline")
@GET_POST
def timeline_add(request: HttpRequest, plan_id: int, intervention_id: int) -> HttpResponse:
    intervention = _intervention(request, plan_id, intervention_id, "intervention.add_timeline")
    form = forms.TimelineForm(posted(request))
    return form_page(
        request,
        form=form,
        title=_("Voortgang melden"),
        intro=intervention.title,
        plan=intervention.plan,
        save=lambda data: services.add_timeline_entry(
            user=request.user, intervention=intervention, **data
        ),
        done=_plan_url(plan_id, f"interventie-{intervention.pk}"),
        success=_("De voortgang is vastgelegd."),
        submit=_("Vastleggen"),
    )
