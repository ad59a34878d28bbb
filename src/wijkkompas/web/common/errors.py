"""What the site refuses, for every app: input that cannot be saved (:class:`InvalidInput`),
and a place or organisation outside a person's role (:class:`OutOfScope`). Services raise them,
views show them beside the field, the API answers them as problem documents."""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import PermissionDenied


class InvalidInput(Exception):
    """Input that cannot be saved; ``errors`` maps field names to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


class Problems:
    """Collects messages per field; ``raise_if_any`` ends the check before anything is saved."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = defaultdict(list)

    def add(self, field: str, message: str) -> None:
        self.errors[field].append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvalidInput(dict(self.errors))


class OutOfScope(PermissionDenied):
    """A refusal a person can act on: their role does not reach this place or organisation.

    ``field`` names the input that chose the place (a plan's area, an initiative's buurt): a
    form shows the message beside it, the API names it in ``invalidParams``. Without a field
    the object itself lies outside the role's reach: a 403 page or problem with the message.
    """

    def __init__(self, message: str, *, action: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.action = action
        self.field = field

    def __str__(self) -> str:
        return self.message
