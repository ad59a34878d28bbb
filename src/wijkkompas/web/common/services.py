"""What every app's write services share: changing a record's fields and saying what changed.

After HackSoft's Django-Styleguide ``common/services.py`` (``model_update``): a service decides
which fields a change may touch and checks the values; this sets them, saves only what changed,
and returns the change in the form a history keeps.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import models


def jsonable(value: Any) -> Any:
    """A field's value as JSON can hold it (amounts as text, dates in ISO, records by name)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value


def model_update(
    *, instance: models.Model, fields: Sequence[str], data: Mapping[str, Any]
) -> dict[str, list[Any]]:
    """Set ``fields`` of ``instance`` from ``data`` (a field ``data`` lacks keeps its value),
    save the fields whose value changed and only those, and return them as
    ``{field: [old, new]}`` in JSON form. Nothing is written when nothing changed."""
    before = {name: jsonable(getattr(instance, name)) for name in fields}
    for name in fields:
        if name in data:
            setattr(instance, name, data[name])
    changed = {
        name: [before[name], after]
        for name in fields
        if (after := jsonable(getattr(instance, name))) != before[name]
    }
    if changed:
        instance.save(update_fields=list(changed))
    return changed
