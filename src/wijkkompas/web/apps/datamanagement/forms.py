"""The upload form (the command line's ``import`` options) and the mapping form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from wijkkompas.sources.base import SourceError
from wijkkompas.sources.mapping import UNIT_FACTORS, parse_mapping, parse_mapping_units
from wijkkompas.web.apps.datamanagement.selectors.overview import indicator_names
from wijkkompas.web.apps.datamanagement.services.uploads import StoredUpload
from wijkkompas.web.common.forms import AccessibleFormMixin

MAX_FILES = 20
MAX_MAPPING_BYTES = 1024 * 1024
MIN_YEAR, MAX_YEAR = 1990, 2100

SOURCES = [
    ("auto", _("Automatisch herkennen")),
    ("kwb", _("CBS Kerncijfers wijken en buurten (KWB)")),
    ("statline", _("CBS StatLine-tabel")),
    ("kwb-series", _("KWB-reeks van meer jaren")),
    ("statline-names", _("StatLine-tabel met alleen namen")),
    ("boundaries", _("Grenzen (GeoJSON, GeoPackage)")),
    ("crosswalk", _("Code-omzetting (oude naar nieuwe codes)")),
    ("nabijheid", _("CBS Nabijheid voorzieningen")),
    ("rivm", _("RIVM Gezondheidsmonitor")),
    ("crime", _("Politie: geregistreerde misdrijven")),
    ("leefbaarometer", _("Leefbaarometer")),
    ("ses-woa", _("CBS SES-WOA")),
    ("survey", _("Uitkomsten van een bewonersenquête")),
]
"""What ``--source`` accepts, in the words of the page."""

RELEASES = [
    ("", _("Zoals het bestand zegt (anders definitief)")),
    ("voorlopig", _("Voorlopig")),
    ("definitief", _("Definitief")),
]

UNITS = [
    ("", _("De eenheid van de catalogus")),
    ("euro", _("euro")),
    ("euro_x1000", _("duizend euro")),
    ("fraction", _("fractie (0 tot 1)")),
    ("per_100", _("per 100")),
    ("per_10000", _("per 10.000")),
    ("per_100000", _("per 100.000")),
    ("m", _("meter")),
    ("per_ha", _("per hectare")),
]
"""The units a mapping may declare (``sources.mapping.UNIT_FACTORS``)."""


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = data if isinstance(data, list | tuple) else [data] if data else []
        if not items:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class UploadForm(AccessibleFormMixin, forms.Form):
    files = MultipleFileField(
        label=_("Bestanden"),
        help_text=_(
            "Een of meer bestanden, samen hoogstens %(mb)s MB: KWB (csv, xlsx, json), grenzen "
            "(GeoJSON, GeoPackage), een code-omzetting (csv), Nabijheid, RIVM, Leefbaarometer, "
            "SES-WOA of politiecijfers. Alle bestanden worden samen geïmporteerd: allemaal of "
            "geen enkel."
        ),
        error_messages={"required": _("Kies minstens één bestand.")},
    )
    year = forms.IntegerField(
        label=_("Jaar"),
        required=False,
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        help_text=_(
            "Het jaar van de tabel of de buurtindeling, als het bestand dat zelf niet zegt."
        ),
    )
    mapping = forms.FileField(
        label=_("Koppelingsbestand"),
        required=False,
        help_text=_(
            "Een CSV met de kolommen column,indicator (en eventueel unit) als de kolommen "
            "andere namen hebben, zoals bij wijkkompas import --mapping."
        ),
    )
    source = forms.ChoiceField(
        label=_("Soort bestand"), choices=SOURCES, initial="auto", required=False
    )
    release = forms.ChoiceField(label=_("Publicatiestatus"), choices=RELEASES, required=False)
    metadata = forms.FileField(
        label=_("StatLine-metadata"),
        required=False,
        help_text=_("DataProperties.json van de StatLine-tabel: namen, eenheden en onderwerpen."),
    )

    def __init__(self, *args: Any, max_mb: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = str(self.fields["files"].help_text) % {"mb": max_mb}
        self.mapping_rows: dict[str, str] = {}
        self.mapping_units: dict[str, str] = {}

    def clean_files(self) -> list[Any]:
        files: list[Any] = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(
                _("Kies hoogstens %(n)s bestanden tegelijk.") % {"n": MAX_FILES}
            )
        return files

    def clean_source(self) -> str:
        return str(self.cleaned_data.get("source") or "auto")

    def clean_mapping(self) -> Any:
        upload = self.cleaned_data.get("mapping")
        if not upload:
            return None
        if upload.size > MAX_MAPPING_BYTES:
            raise forms.ValidationError(_("Het koppelingsbestand is te groot (hoogstens 1 MB)."))
        data = upload.read_bytes() if isinstance(upload, StoredUpload) else upload.read()
        try:
            self.mapping_rows = parse_mapping(data, upload.name)
            self.mapping_units = parse_mapping_units(data, upload.name)
        except UnicodeDecodeError:
            raise forms.ValidationError(
                _("Het koppelingsbestand is geen tekst in UTF-8. Sla het op als CSV (UTF-8).")
            ) from None
        except SourceError as exc:
            raise forms.ValidationError(
                _(
                    "Het koppelingsbestand kon niet worden gelezen. Het heeft de kopregel "
                    "column,indicator nodig (en eventueel unit). (%(detail)s)"
                )
                % {"detail": exc}
            ) from None
        if not self.mapping_rows:
            raise forms.ValidationError(_("Het koppelingsbestand koppelt geen enkele kolom."))
        return upload


def indicator_choices() -> list[tuple[str, str]]:
    """Every catalogue indicator, by its name in the page's language."""
    english = (get_language() or "nl").startswith("en")
    names = [
        (id_, f"{en if english else nl} ({id_})") for id_, (nl, en, _u) in indicator_names().items()
    ]
    return sorted(names, key=lambda pair: pair[1].lower())


class MappingForm(AccessibleFormMixin, forms.Form):
    """Per unmatched column an indicator (or none) and optionally the unit it is in."""

    def __init__(self, *args: Any, columns: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.columns = columns
        choices = [("", _("Niet koppelen")), *indicator_choices()]
        select = {"class": "utrecht-select utrecht-select--html-select"}
        for number, column in enumerate(columns):
            self.fields[f"indicator_{number}"] = forms.ChoiceField(
                label=column,
                choices=choices,
                required=False,
                widget=forms.Select(attrs=dict(select)),
            )
            self.fields[f"unit_{number}"] = forms.ChoiceField(
                label=_("Eenheid van %(kolom)s") % {"kolom": column},
                choices=UNITS,
                required=False,
                widget=forms.Select(attrs=dict(select)),
            )

    def rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [
            (column, self[f"indicator_{n}"], self[f"unit_{n}"])
            for n, column in enumerate(self.columns)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        units = {id_: unit for id_, (_nl, _en, unit) in indicator_names().items()}
        chosen = 0
        for number in range(len(self.columns)):
            indicator = cleaned.get(f"indicator_{number}")
            unit = cleaned.get(f"unit_{number}")
            if indicator:
                chosen += 1
            if unit and not indicator:
                self.add_error(f"unit_{number}", _("Kies eerst een indicator voor deze kolom."))
            elif unit and indicator:
                wanted = units[indicator]
                if unit != wanted and (unit, wanted) not in UNIT_FACTORS:
                    self.add_error(
                        f"unit_{number}",
                        _(
                            "Deze eenheid is niet om te rekenen naar de eenheid van de "
                            "indicator (%(eenheid)s). Kies een andere, of laat de eenheid leeg."
                        )
                        % {"eenheid": wanted},
                    )
        if not chosen:
            raise forms.ValidationError(_("Kies voor minstens één kolom een indicator."))
        return cleaned

    def mapping(self) -> tuple[dict[str, str], dict[str, str]]:
        """The chosen ``column → indicator`` and ``column → unit``, as a mapping file says."""
        rows, units = {}, {}
        for number, column in enumerate(self.columns):
            indicator = self.cleaned_data.get(f"indicator_{number}")
            if indicator:
                rows[column] = indicator
                unit = self.cleaned_data.get(f"unit_{number}")
                if unit:
                    units[column] = unit
        return rows, units
