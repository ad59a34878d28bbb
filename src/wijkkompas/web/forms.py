"""Form rendering that meets WCAG 2.1 AA with the NL Design System classes, for every app.

Each widget gets its Utrecht class; after validation a field with errors gets
``aria-invalid`` and ``aria-describedby`` pointing at its error text (and its help text), so a
screen reader announces what is wrong where the focus lands. The templates ``wk/_fields.html``
and ``wk/_error_summary.html`` render the fields and the linked error summary.
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, QueryDict

_CLASSES: dict[type[forms.Widget], str] = {
    forms.Textarea: "utrecht-textarea utrecht-textarea--html-textarea",
    forms.Select: "utrecht-select utrecht-select--html-select",
    forms.SelectMultiple: "utrecht-select utrecht-select--html-select",
    forms.CheckboxInput: "utrecht-checkbox utrecht-checkbox--html-input",
    forms.CheckboxSelectMultiple: "wk-checkboxes",
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
