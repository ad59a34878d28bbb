"""``{% can "plan.edit" plan as may_edit %}``: templates ask the permission module, never roles."""

from __future__ import annotations

from typing import Any

from django import template

from wijkkompas.web.apps.accounts.permissions import can as _can

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context: template.Context, action: str, obj: Any = None) -> bool:
    request = context.get("request")
    return request is not None and _can(request.user, action, obj)
