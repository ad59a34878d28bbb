"""The plan's forms. They check form-level things; the services check the rest (the monitor)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from wijkkompas.catalogue import SOCIAL_QUALITY, Catalogue
from wijkkompas.web.apps.accounts.models import Organisation
from wijkkompas.web.apps.plans.labels import DIMENSION_LABELS, SOCIAL_QUALITY_LABELS
from wijkkompas.web.apps.plans.models import (
    Agreement,
    AgreementStatus,
    Goal,
    Intervention,
    Plan,
    TimelineEntry,
)
from wijkkompas.web.common.forms import AccessibleFormMixin, AmountField

YEAR_ERRORS = {"invalid": _("Vul een jaartal in, zoals 2030.")}
AMOUNT_ERRORS = {"invalid": _("Vul een bedrag in euro's in, zoals 25.000 of 12.500,50.")}
DATE_ERRORS = {"invalid": _("Vul een datum in, zoals 1-3-2025.")}


def _year(label: Any, **kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, error_messages=YEAR_ERRORS, **kwargs)


def _date(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        error_messages=DATE_ERRORS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


def _amount(label: Any, **kwargs: Any) -> forms.DecimalField:
    return AmountField(
        label=label,
        max_digits=14,
        decimal_places=2,
        localize=True,
        error_messages=AMOUNT_ERRORS,
        **kwargs,
    )


class PlanForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(label=_("Naam van de aanpak"), max_length=200)
    area_codes = forms.CharField(
        label=_("Gebied (CBS-codes)"),
        help_text=_(
            "Een of meer wijk- of buurtcodes, gescheiden door komma's, bijvoorbeeld WK999901."
        ),
    )
    start_year = _year(_("Eerste jaar"))
    end_year = _year(
        _("Laatste jaar"), help_text=_("Een wijkaanpak werkt pas na tien jaar of langer.")
    )
    vision = forms.CharField(
        label=_("Gezamenlijke visie"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("In gewone woorden: hoe ziet de wijk eruit als het lukt?"),
    )
    residents_goals = forms.CharField(
        label=_("Doelen van bewoners, in hun eigen woorden"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )


class PartnerForm(AccessibleFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Bestaande organisatie"), queryset=Organisation.objects.all(), required=False
    )
    new_name = forms.CharField(
        label=_("Of: naam van een nieuwe organisatie"), max_length=200, required=False
    )
    new_kind = forms.ChoiceField(
        label=_("Soort nieuwe organisatie"),
        choices=[("", "—"), *Organisation.Kind.choices],
        required=False,
    )
    contribution = forms.CharField(
        label=_("Wat deze partner inbrengt"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("organisation") and data.get("new_name"):
            self.add_error(
                "new_name",
                _("Kies een bestaande organisatie óf vul een nieuwe naam in, niet allebei."),
            )
        elif not data.get("organisation") and not data.get("new_name"):
            self.add_error(
                "organisation", _("Kies een organisatie, of vul de naam van een nieuwe in.")
            )
        elif data.get("new_name") and not data.get("new_kind"):
            self.add_error("new_kind", _("Kies wat voor organisatie het is."))
        return data


def partner_organisations(
    plan: Plan, only: set[int] | None = None, keep: int | None = None
) -> QuerySet[Organisation]:
    """The plan's partners (those in ``only`` when given), and ``keep`` whatever it is: a
    partner editing an intervention led by another partner must see its current lead."""
    ids = set(plan.partners.values_list("organisation_id", flat=True))
    if only is not None:
        ids &= only
    if keep is not None:
        ids.add(keep)
    return Organisation.objects.filter(pk__in=ids)


class AgreementForm(AccessibleFormMixin, forms.Form):
    giver = forms.ModelChoiceField(
        label=_("Wie belooft iets?"), queryset=Organisation.objects.none()
    )
    kind = forms.ChoiceField(label=_("Wat voor inzet?"), choices=Agreement.Kind.choices)
    commitment = forms.CharField(
        label=_("Wat belooft deze partner?"), widget=forms.Textarea(attrs={"rows": 3})
    )
    quantity = _amount(
        _("Hoeveel per jaar?"),
        required=False,
        help_text=_("Euro's bij geld, fte bij mensen, aantal woningen bij woningen."),
    )
    receiver = forms.ModelChoiceField(
        label=_("Van wie komt iets terug?"), queryset=Organisation.objects.none()
    )
    in_return = forms.CharField(
        label=_("Wat staat daar tegenover?"), widget=forms.Textarea(attrs={"rows": 3})
    )
    start_year = _year(_("Eerste jaar"))
    end_year = _year(_("Laatste jaar"))

    def __init__(self, *args: Any, plan: Plan, acting: set[int] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["giver"].queryset = partner_organisations(plan, acting)
        self.fields["receiver"].queryset = partner_organisations(plan)


class AgreementStatusForm(AccessibleFormMixin, forms.Form):
    year = forms.TypedChoiceField(label=_("Jaar"), coerce=int, choices=())
    status = forms.ChoiceField(label=_("Stand van zaken"), choices=AgreementStatus.Status.choices)
    note = forms.CharField(
        label=_("Toelichting"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in agreement.years]


def indicator_choices(catalogue: Catalogue) -> list[Any]:
    """Scored indicators grouped by social-quality condition or physical dimension."""
    english = (get_language() or "nl").startswith("en")
    groups: dict[str, list[tuple[str, str]]] = {}
    for indicator in catalogue.scored():
        tag = indicator.social_quality or indicator.dimension or ""
        label = SOCIAL_QUALITY_LABELS.get(tag) or DIMENSION_LABELS.get(tag) or _("Overig")
        name = indicator.name_en if english else indicator.name_nl
        groups.setdefault(str(label), []).append((indicator.id, name))
    return [("", "—"), *groups.items()]


class GoalForm(AccessibleFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Soort doel"), choices=Goal.Kind.choices, initial=Goal.Kind.INDICATOR
    )
    title = forms.CharField(label=_("Het doel in gewone woorden"), max_length=300)
    indicator_id = forms.ChoiceField(
        label=_("Indicator"),
        required=False,
        help_text=_("Bij een doel op een indicator. De beginwaarde komt uit de monitor."),
        error_messages={
            "invalid_choice": _(
                "De monitor kent deze indicator niet. Kies een indicator uit de lijst."
            )
        },
    )
    dimension = forms.ChoiceField(label=_("Dimensie"), required=False, choices=())
    social_quality = forms.ChoiceField(
        label=_("Conditie van sociale kwaliteit"), required=False, choices=()
    )
    index_run = forms.ChoiceField(
        label=_("Indexrun voor de beginwaarde"),
        required=False,
        choices=(),
        help_text=_(
            "Bij een doel op een dimensie of conditie: de opgeslagen indexrun van de monitor waar de beginwaarde uit komt."
        ),
        error_messages={
            "invalid_choice": _(
                "De monitor heeft deze indexrun niet. Kies een indexrun uit de lijst."
            )
        },
    )
    baseline_year = _year(
        _("Basisjaar"),
        required=False,
        help_text=_("Leeg: het laatste jaar vóór de start van het plan."),
    )
    target_value = forms.FloatField(
        label=_("Streefwaarde"),
        required=False,
        localize=True,
        error_messages={"invalid": _("Vul een getal in, zoals 12,5.")},
    )
    target_year = _year(_("Doeljaar"))
    resident_measure = forms.CharField(
        label=_("Hoe beoordelen bewoners het?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Bij een kwalitatief doel, bijvoorbeeld: het bewonerspanel geeft elk jaar een rapportcijfer."
        ),
    )

    def __init__(
        self,
        *args: Any,
        catalogue: Catalogue,
        runs: Sequence[tuple[str, str]] = (),
        **kwargs: Any,
    ) -> None:
        """``runs``: the saved index runs as (run id, label), newest first (the default)."""
        super().__init__(*args, **kwargs)
        self.fields["index_run"].choices = list(runs) or [("", "—")]
        if runs:
            self.fields["index_run"].initial = runs[0][0]
        self.fields["indicator_id"].choices = indicator_choices(catalogue)
        self.fields["dimension"].choices = [("", "—"), *DIMENSION_LABELS.items()]
        self.fields["social_quality"].choices = [("", "—")] + [
            (k, SOCIAL_QUALITY_LABELS[k]) for k in SOCIAL_QUALITY
        ]


class GoalEditForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(label=_("Het doel in gewone woorden"), max_length=300)
    target_value = forms.FloatField(label=_("Streefwaarde"), required=False, localize=True)
    target_year = _year(_("Doeljaar"))
    resident_measure = forms.CharField(
        label=_("Hoe beoordelen bewoners het?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ConfirmForm(AccessibleFormMixin, forms.Form):
    """A confirmation step: nothing to fill in, only the button that does it."""


class GoalRebaseForm(AccessibleFormMixin, forms.Form):
    index_run = forms.ChoiceField(
        label=_("Indexrun met de nieuwe referentie"),
        help_text=_("Meestal de nieuwste: die is berekend met de referentie die nu geldt."),
    )

    def __init__(self, *args: Any, runs: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["index_run"].choices = runs


class InterventionForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(label=_("Naam"), max_length=200)
    description = forms.CharField(
        label=_("Wat er gebeurt"), widget=forms.Textarea(attrs={"rows": 4})
    )
    pillar = forms.ChoiceField(label=_("Pijler"), choices=Intervention.Pillar.choices)
    lead = forms.ModelChoiceField(label=_("Trekker"), queryset=Organisation.objects.none())
    partners = forms.ModelMultipleChoiceField(
        label=_("Andere partners"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    goals = forms.ModelMultipleChoiceField(
        label=_("Draagt bij aan de doelen"),
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    area_codes = forms.CharField(
        label=_("Gebied"),
        required=False,
        help_text=_("Leeg: het hele gebied van het plan. Anders: buurtcodes binnen dat gebied."),
    )
    start_date = _date(_("Start"))
    end_date = _date(_("Einde"), required=False)
    resident_initiative = forms.BooleanField(
        label=_("Dit is een bewonersinitiatief"), required=False
    )
    budget_year = _year(_("Begroting: jaar"), required=False)
    budget_amount = _amount(
        _("Begroting: bedrag van de trekker in euro's"),
        required=False,
        help_text=_("Meer jaren of partners voegt u daarna toe."),
    )

    def __init__(self, *args: Any, plan: Plan, acting: set[int] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = partner_organisations(plan, acting)
        self.fields["partners"].queryset = partner_organisations(plan)
        self.fields["goals"].queryset = plan.goals.all()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (data.get("budget_year") is None) != (data.get("budget_amount") is None):
            field = "budget_amount" if data.get("budget_amount") is None else "budget_year"
            if field not in self.errors:  # a value that could not be read has said so already
                self.add_error(field, _("Vul bij een begroting zowel het jaar als het bedrag in."))
        return data


class InterventionEditForm(InterventionForm):
    """Everything of an intervention except its money, which has its own forms (budget lines
    per partner and year, spending)."""

    def __init__(
        self,
        *args: Any,
        plan: Plan,
        acting: set[int] | None,
        lead: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, plan=plan, acting=acting, **kwargs)
        del self.fields["budget_year"], self.fields["budget_amount"]
        self.fields["lead"].queryset = partner_organisations(plan, acting, keep=lead)


class MoneyForm(AccessibleFormMixin, forms.Form):
    """A budget line or a spending record of one partner in one year."""

    organisation = forms.ModelChoiceField(label=_("Partner"), queryset=Organisation.objects.none())
    year = _year(_("Jaar"))
    amount = _amount(_("Bedrag in euro's"))

    def __init__(self, *args: Any, plan: Plan, acting: set[int] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = partner_organisations(plan, acting)


class SpendingForm(MoneyForm):
    note = forms.CharField(
        label=_("Toelichting"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Een correctie is een negatief bedrag met een toelichting."),
    )


class TimelineForm(AccessibleFormMixin, forms.Form):
    date = _date(_("Datum"))
    status = forms.ChoiceField(
        label=_("Status vanaf die datum"), choices=TimelineEntry.Status.choices
    )
    note = forms.CharField(
        label=_("Wat er gebeurde"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
