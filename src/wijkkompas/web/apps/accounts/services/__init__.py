"""Every change to people, their roles and organisations (:mod:`.people`) and to two-factor
login (:mod:`.two_factor`), one function per action. The views, the plans app and the command
line call these; nothing else writes accounts. What the account pages read is in
:mod:`..selectors`."""

from wijkkompas.web.apps.accounts.services.people import (
    create_organisation,
    create_person,
    erase_person,
    grant_role,
    person_of,
    pseudonym_of,
    update_personal_data,
)
from wijkkompas.web.apps.accounts.services.two_factor import (
    confirm_device,
    device_for_token,
    pending_device,
    switch_off,
)

__all__ = [
    "confirm_device",
    "create_organisation",
    "create_person",
    "device_for_token",
    "erase_person",
    "grant_role",
    "pending_device",
    "person_of",
    "pseudonym_of",
    "switch_off",
    "update_personal_data",
]
