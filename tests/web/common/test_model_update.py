"""``model_update``: the one way a write service changes a record's fields."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wijkkompas.web.apps.accounts.models import Organisation
from wijkkompas.web.common.services import jsonable, model_update

pytestmark = pytest.mark.django_db


def _organisation() -> Organisation:
    return Organisation.objects.create(name="Woonstad", kind=Organisation.Kind.WONINGCORPORATIE)


def test_only_the_fields_that_changed_are_saved_and_returned_as_old_and_new() -> None:
    org = _organisation()
    with CaptureQueriesContext(connection) as queries:
        changed = model_update(
            instance=org,
            fields=["name", "kind"],
            data={"name": "Woonstad Rotterdam", "kind": Organisation.Kind.WONINGCORPORATIE},
        )
    assert changed == {"name": ["Woonstad", "Woonstad Rotterdam"]}
    [update] = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert '"name"' in update and '"kind"' not in update
    assert Organisation.objects.get(pk=org.pk).name == "Woonstad Rotterdam"


def test_nothing_is_written_when_nothing_changed() -> None:
    org = _organisation()
    with CaptureQueriesContext(connection) as queries:
        changed = model_update(instance=org, fields=["name"], data={"name": "Woonstad"})
    assert changed == {}
    assert queries.captured_queries == []


def test_a_field_the_data_lacks_keeps_its_value() -> None:
    org = _organisation()
    assert model_update(instance=org, fields=["name", "kind"], data={"kind": "zorg"}) == {
        "kind": ["woningcorporatie", "zorg"]
    }
    assert Organisation.objects.get(pk=org.pk).name == "Woonstad"


def test_values_are_kept_in_the_form_a_history_can_hold() -> None:
    assert jsonable(Decimal("12.50")) == "12.50"
    assert jsonable([Decimal("1"), (2, 3)]) == ["1", [2, 3]]
