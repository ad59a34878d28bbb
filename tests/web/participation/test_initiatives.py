"""Bewonersinitiatieven: submit, support once, comment, moderate with a reason, erase on request."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from wijkkompas.web.apps.accounts import roles
from wijkkompas.web.apps.accounts import services as accounts
from wijkkompas.web.apps.participation.models import Comment, Initiative, Support
from wijkkompas.web.apps.participation.selectors import budgets as budget_selectors
from wijkkompas.web.apps.participation.services import budgets, codes, initiatives
from wijkkompas.web.common.errors import InvalidInput, OutOfScope

pytestmark = pytest.mark.django_db


def _resident(n: int = 1, area: str = "BU99990101"):
    plain = f"INIT-TEST-{n:04d}"
    codes.add_known_code(code=plain, area_code=area, batch="t")
    redeemed = codes.redeem(plain)
    assert redeemed is not None
    return redeemed.code, redeemed.user


def _photo_with_gps() -> SimpleUploadedFile:
    image = Image.new("RGB", (2400, 1200), "green")
    exif = Image.Exif()
    exif[0x8825] = {2: (52, 22, 0)}  # GPSInfo: a home's latitude
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile("tuin.jpg", out.getvalue(), content_type="image/jpeg")


def test_a_resident_submits_with_a_photo_stripped_of_its_location() -> None:
    code, user = _resident()
    initiative = initiatives.submit(
        user=user, code=code, title="Tuin", text="Samen", area_code="BU99990102",
        photo=_photo_with_gps(),
    )  # fmt: skip
    with Image.open(initiative.photo.path) as stored:
        assert max(stored.size) == 1600
        assert not stored.getexif()
    response = Client().get(f"/meedoen/initiatieven/{initiative.pk}/foto.jpg")
    assert response.status_code == 200


def test_a_file_that_is_not_a_photo_is_refused() -> None:
    code, user = _resident()
    fake = SimpleUploadedFile("x.jpg", b"<?php echo 1;", content_type="image/jpeg")
    with pytest.raises(InvalidInput, match="geen foto"):
        initiatives.submit(
            user=user, code=code, title="T", text="T", area_code="BU99990101", photo=fake
        )
    assert not Initiative.objects.exists()


def test_residents_act_in_their_own_wijk_only() -> None:
    """Refused like any act outside one's area (issue 17): a 403, with the resident's reason."""
    code, user = _resident()
    with pytest.raises(OutOfScope, match="uw eigen buurt of wijk"):
        initiatives.submit(user=user, code=code, title="T", text="T", area_code="BU99990201")


def test_support_counts_once_per_resident() -> None:
    code, user = _resident()
    other_code, other = _resident(2, "BU99990105")
    initiative = initiatives.submit(
        user=user, code=code, title="T", text="T", area_code="BU99990101"
    )
    assert initiatives.support(initiative=initiative, user=other, code=other_code)
    assert not initiatives.support(initiative=initiative, user=other, code=other_code)
    assert Support.objects.filter(initiative=initiative).count() == 1


def test_moderation_hides_with_a_public_reason_and_deletes_nothing() -> None:
    code, user = _resident()
    initiative = initiatives.submit(
        user=user, code=code, title="Scheldwoorden", text="...", area_code="BU99990101"
    )
    coordinator = accounts.create_person(username="coord", password="x-Long-password-1").user
    accounts.grant_role(user=coordinator, role=roles.COORDINATOR, area_code="GM9999")
    with pytest.raises(InvalidInput):
        initiatives.moderate(initiative=initiative, hide=True, reason="", actor=coordinator)
    initiatives.moderate(
        initiative=initiative, hide=True, reason="Kwetsende taal", actor=coordinator
    )
    page = Client().get(f"/meedoen/initiatieven/{initiative.pk}/").content.decode()
    assert "Kwetsende taal" in page and "Scheldwoorden" not in page
    assert Initiative.objects.filter(pk=initiative.pk).exists()


def test_erasure_removes_a_residents_words_but_not_their_anonymous_ballot() -> None:
    code, user = _resident()
    initiative = initiatives.submit(
        user=user, code=code, title="T", text="T", area_code="BU99990101"
    )
    initiatives.comment(
        initiative=initiative, user=user, code=code, text="Mijn telefoonnummer is ..."
    )
    budget = budgets.NeighbourhoodBudget.objects.create(
        name="B", area_code="WK999901", year=2026, amount=1_000, phase="submit"
    )
    project = budgets.propose_project(
        budget=budget, user=user, title="P", description="P", cost=500
    )
    budgets.set_feasibility(project=project, feasible=True, reason="", actor=None)
    budgets.set_phase(budget=budget, phase="vote", actor=None)
    budgets.cast_ballot(budget=budget, code=code, choice=budgets.Choice((1,)), channel="online")

    client = Client()
    client.force_login(user)
    assert client.post("/meedoen/mijn-gegevens/", {"erase": "ja"}).status_code == 302

    comment = Comment.objects.get()
    assert comment.erased and comment.text == "" and comment.author is None
    assert Initiative.objects.get().author is None
    assert budget_selectors.ballot_counts(budget)[0] == 1  # the vote still counts
    user.refresh_from_db()
    assert not user.is_active
    with pytest.raises(budgets.BallotRefused, match="already_voted"):
        budgets.cast_ballot(budget=budget, code=code, choice=budgets.Choice((1,)), channel="online")


def test_the_organiser_moves_an_initiative_along_and_links_it_to_a_plan_goal(demo_store) -> None:
    from wijkkompas.web.apps.plans.demo import create_demo_plan

    plan = create_demo_plan()
    assert plan is not None
    code, user = _resident()
    initiative = initiatives.submit(
        user=user, code=code, title="T", text="T", area_code="BU99990101"
    )
    coordinator = accounts.create_person(username="coord", password="x-Long-password-1").user
    accounts.grant_role(user=coordinator, role=roles.COORDINATOR, area_code="GM9999")
    client = Client()
    client.force_login(coordinator)
    url = f"/meedoen/initiatieven/{initiative.pk}/beheer/"
    goal = plan.goals.first()
    assert f'value="{goal.pk}"' in client.get(url).content.decode()
    done = client.post(
        url,
        {"action": "status", "status": "in_progress", "reason": "Gemeente helpt", "goal": goal.pk},
    )
    assert done.status_code == 302
    initiative.refresh_from_db()
    assert initiative.status == "in_progress" and initiative.goal == goal
    page = Client().get(f"/meedoen/initiatieven/{initiative.pk}/").content.decode()
    assert "Gemeente helpt" in page and goal.title in page


def test_a_resident_may_leave_an_email_address_and_take_it_back() -> None:
    from wijkkompas.web.apps.accounts.models import Person

    _code, user = _resident()
    client = Client()
    client.force_login(user)
    assert client.post("/meedoen/mijn-gegevens/", {"email": "ik@example.org"}).status_code == 302
    assert Person.objects.get(user=user).email == "ik@example.org"
    assert client.post("/meedoen/mijn-gegevens/", {"email": ""}).status_code == 302
    assert Person.objects.get(user=user).email == ""
