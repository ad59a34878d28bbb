"""Template context every page needs for its header: whether to show the admin and data links.

It queries nothing for anonymous visitors, so the monitor's public pages stay free of the app
database.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from wijkkompas.web.apps.accounts.permissions import can


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "wk_can_manage": user is not None and can(user, "account.manage"),
        "wk_can_manage_data": user is not None and can(user, "data.manage"),
    }
