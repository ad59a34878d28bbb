"""Form rendering that meets WCAG 2.1 AA with the NL Design System classes, for every app.

Each widget gets its Utrecht class; after validation a field with errors gets
``aria-invalid`` and ``aria-describedby`` pointing at its error text (and its help text), so a
screen reader announces what is wrong where the focus lands. The templates ``wk/_fields.html``
and ``wk/_error_summary.html`` render the fields and the linked error summary.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.http import HttpRequest, QueryDict
from django.utils.translation import get_language

_CLASSES: dict[type[forms.Widget], str] = {
    forms.Textarea: "utrecht-textarea utrecht-textarea--html-textarea",
    forms.Select: "utrecht-select utrecht-select--html-select",
    forms.SelectMultiple: "utrecht-select utrecht-select--html-select",
    forms.CheckboxInput: "utrecht-checkbox utrecht-checkbox--html-input",
    forms.CheckboxSelectMultiple: "utrecht-checkbox utrecht-checkbox--html-input",
    forms.RadioSelect: "utrecht-radio-button utrecht-radio-button--html-input",
}


class AccessibleFormMixin:
    """Mix into a ``forms.Form``: Utrecht classes, help and error texts linked to their fields."""

    fields: dict[str, forms.Field]
    errors: forms.utils.ErrorDict
    auto_id: str | bool

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            css = next(
                (css for kind, css in _CLASSES.items() if type(widget) is kind),
                "utrecht-textbox utrecht-textbox--html-input",
            )
            widget.attrs.setdefault("class", css)
            if field.help_text:
                widget.attrs["aria-describedby"] = f"{self._id(name)}-help"

    def _id(self, name: str) -> str:
        return f"id_{name}" if self.auto_id else name

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        self._mark_errors()

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        """Errors found by a service (which knows the store) shown on the form's own fields."""
        for name, messages in errors.items():
            for message in messages:
                target = name if name in self.fields else None
                self.add_error(target, message)  # type: ignore[attr-defined]
        self._mark_errors()

    def _mark_errors(self) -> None:
        for name in self.errors:
            if name not in self.fields:
                continue
            attrs = self.fields[name].widget.attrs
            attrs["aria-invalid"] = "true"
            described = [f"{self._id(name)}-error"]
            if self.fields[name].help_text:
                described.append(f"{self._id(name)}-help")
            attrs["aria-describedby"] = " ".join(described)


def posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data, or None for a GET: ``request.POST or None`` would treat an empty
    submission (nothing ticked) as no submission and skip validation."""
    return request.POST if request.method == "POST" else None


_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009€")
_GROUPED = {
    # decimal mark: (thousands in groups of three, an optional decimal part)
    ",": re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?|[+-]?\d+(?:,\d+)?"),
    ".": re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[+-]?\d+(?:\.\d+)?"),
}


def parse_amount(text: str, decimal_mark: str = ",") -> Decimal | None:
    """An amount as people type it, or None when it is not one.

    With the Dutch decimal comma, ``85.000`` is eighty-five thousand and ``12.500,50`` has
    cents; ``€``, spaces and a sign are allowed. A point followed by one or two digits only
    (``12500.50``) is read as a decimal point, as a Dutch reader of it would too. With the
    English decimal point it is the other way round.
    """
    value = text.strip().translate(_SPACES)
    grouping = "." if decimal_mark == "," else ","
    if not value:
        return None
    if decimal_mark == "," and "," not in value and re.fullmatch(r"[+-]?\d+\.\d{1,2}", value):
        return Decimal(value)
    if not _GROUPED[decimal_mark].fullmatch(value):
        return None
    return Decimal(value.replace(grouping, "").replace(decimal_mark, "."))


class AmountField(forms.DecimalField):
    """A money field that reads Dutch (or, in English, English) thousands and decimals."""

    def to_python(self, value: object) -> Decimal | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int | float | Decimal):
            return super().to_python(value)
        mark = "." if (get_language() or "nl").startswith("en") else ","
        parsed = parse_amount(str(value), mark)
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed
