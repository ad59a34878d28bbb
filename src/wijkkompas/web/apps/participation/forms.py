"""Forms for residents (short, B1 language) and for organisers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from wijkkompas.web.apps.participation.models import Initiative, NeighbourhoodBudget
from wijkkompas.web.apps.plans.models import Goal
from wijkkompas.web.common.forms import AccessibleFormMixin


class CodeForm(AccessibleFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Uw persoonlijke code"),
        max_length=40,
        help_text=_("Deze code staat in de brief die u kreeg. Bijvoorbeeld: K7QM-3XWD-P9TA."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class EmailForm(AccessibleFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mailadres"),
        required=False,
        help_text=_(
            "Niet verplicht. Alleen om u te laten weten wat er met uw idee gebeurt. Laat leeg om het te wissen."
        ),
    )


class InitiativeForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(label=_("Wat is uw idee? (korte titel)"), max_length=140)
    text = forms.CharField(
        label=_("Vertel meer"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Wat wilt u doen, voor wie, en wie helpt er mee?"),
    )
    area_code = forms.ChoiceField(label=_("Voor welke buurt of wijk?"))
    estimated_cost = forms.IntegerField(
        label=_("Wat kost het ongeveer? (in euro)"),
        min_value=0,
        max_value=10_000_000,
        required=False,
    )
    photo = forms.ImageField(label=_("Foto"), required=False)

    def __init__(self, *args: object, areas: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area_code"].choices = areas


class CommentForm(AccessibleFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Uw reactie"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class StatusForm(AccessibleFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Nieuwe status"), choices=Initiative.Status.choices)
    reason = forms.CharField(label=_("Uitleg voor de buurt"), max_length=500)
    goal = forms.ModelChoiceField(
        label=_("Hoort bij doel in de wijkaanpak"),
        queryset=Goal.objects.none(),
        required=False,
        help_text=_("Zo telt het initiatief mee in de voortgang van het plan voor dit gebied."),
    )

    def __init__(self, *args: object, goals: list[int] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["goal"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Goal.objects.filter(pk__in=goals or []).select_related("plan")


class ModerationForm(AccessibleFormMixin, forms.Form):
    hide = forms.BooleanField(label=_("Verbergen"), required=False)
    reason = forms.CharField(label=_("Reden (wordt getoond)"), max_length=500, required=False)


class ProjectForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(label=_("Naam van het project"), max_length=140)
    description = forms.CharField(
        label=_("Wat gaat er gebeuren?"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    cost = forms.IntegerField(label=_("Wat kost het? (in euro)"), min_value=1)
    category = forms.CharField(label=_("Thema"), max_length=60, required=False)


class FeasibilityForm(AccessibleFormMixin, forms.Form):
    feasible = forms.TypedChoiceField(
        label=_("Kan het project doorgaan?"),
        choices=[("1", _("Ja, het kan op de stembrief")), ("0", _("Nee, het kan niet"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Uitleg"), max_length=500, required=False)


class BudgetForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = NeighbourhoodBudget
        fields = [
            "name",
            "description",
            "area_code",
            "year",
            "amount",
            "vote_type",
            "rule",
            "min_length",
            "max_length",
            "max_sum_cost",
            "max_points",
            "max_sum_points",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class PhaseForm(AccessibleFormMixin, forms.Form):
    """The phases a budget can still move to, the next one first: phases only move forward,
    so offering the current or an earlier one would offer a refusal."""

    phase = forms.ChoiceField(label=_("Volgende fase"), choices=NeighbourhoodBudget.Phase.choices)

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        values = list(NeighbourhoodBudget.Phase.values)
        later = values[values.index(current) + 1 :] if current in values else values
        field = self.fields["phase"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(v, label) for v, label in NeighbourhoodBudget.Phase.choices if v in later]
        if later:
            field.initial = later[0]


class CodesForm(AccessibleFormMixin, forms.Form):
    area_code = forms.CharField(label=_("Gebied (buurt- of wijkcode)"), max_length=10)
    count = forms.IntegerField(label=_("Aantal codes"), min_value=1, max_value=50_000)
    batch = forms.CharField(
        label=_("Naam van de reeks"),
        max_length=120,
        help_text=_("Bijvoorbeeld: Brief begroting Oosterpark 2026."),
    )


class PaperBallotForm(AccessibleFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Code op het stembiljet"),
        max_length=40,
        help_text=_("De code van de bewoner; zo telt ook een papieren stem maar één keer."),
    )


class SurveyForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        from wijkkompas.web.apps.participation.models import Survey

        model = Survey
        fields = ["title", "area_code", "year", "is_open", "open_link", "results_while_open"]
