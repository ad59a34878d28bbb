"""Bewonersinitiatieven: submit, support, comment, moderate, move along from idea to done."""

from __future__ import annotations

import io
import logging
import warnings
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from wijkkompas.regions import within
from wijkkompas.web.apps.accounts.permissions import Scope, can, require
from wijkkompas.web.apps.accounts.services import pseudonym_of
from wijkkompas.web.apps.participation.models import (
    Comment,
    Initiative,
    InitiativeEvent,
    ResidentCode,
    Support,
)
from wijkkompas.web.common.errors import InvalidInput

log = logging.getLogger(__name__)

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTO_SIDE = 1600
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP")
"""The only image formats a resident's upload is opened as."""


def _wijk_of(code: str) -> str:
    return "WK" + code[2:8] if code[:2] in ("BU", "WK") and len(code) >= 8 else code


def may_act_in(code: ResidentCode, area_code: str) -> bool:
    """A resident acts anywhere in their own wijk: an initiative two streets away concerns them."""
    home = _wijk_of(code.area_code.upper())
    return within(area_code, home) or within(code.area_code, area_code)


def reaches(user: Any, code: ResidentCode | None, action: str, area_code: str) -> bool:
    """Whether ``user`` may do ``action`` in ``area_code``: through the resident code they
    signed in with (its whole wijk), or through the area of their role (staff, who act for
    residents, e.g. entering a paper form, and residents without a code)."""
    if code is not None and may_act_in(code, area_code) and can(user, action):
        return True
    return can(user, action, Scope(area=(area_code,)))


def require_reach(
    user: Any,
    code: ResidentCode | None,
    action: str,
    area_code: str,
    *,
    field: str | None = None,
    message: str | None = None,
) -> None:
    """The scope rule for every initiative write (:func:`reaches`), refused as ``OutOfScope``."""
    if code is not None and may_act_in(code, area_code) and can(user, action):
        return
    require(user, action, Scope(area=(area_code,)), field=field, message=message)


def clean_photo(upload: UploadedFile) -> ContentFile:
    """The photo re-encoded as JPEG, at most 1600 px: EXIF (GPS position!) never stored.

    Re-encoding also means a file that only pretends to be an image is refused. Only JPEG, PNG
    and WebP are opened (no decoder for exotic formats runs on a resident's file), and the
    number of pixels is read from the header and checked against ``PHOTO_MAX_PIXELS`` before
    anything is decoded: a 0.7 MB PNG can declare 177 megapixels and take 1.7 GB to decode.
    """
    if upload.size and upload.size > MAX_PHOTO_BYTES:
        raise InvalidInput({"photo": [_("De foto is te groot: kies een foto van hoogstens 5 MB.")]})
    not_a_photo = InvalidInput(
        {"photo": [_("Dit bestand is geen foto (kies een JPEG, PNG of WebP).")]}
    )
    limit = int(settings.PHOTO_MAX_PIXELS)
    try:
        with warnings.catch_warnings():
            # Pillow warns from 89 megapixels (and refuses from 179); the check below is
            # stricter and says the size, so its warning would only be noise in the log.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload, formats=PHOTO_FORMATS) as image:
                width, height = image.size  # from the header: nothing is decoded yet
                if width * height > limit:
                    raise _too_many_pixels(width, height, limit)
                # JPEG can decode straight at a fraction of its size: no full-size copy.
                image.draft("RGB", (MAX_PHOTO_SIDE, MAX_PHOTO_SIDE))
                image.load()
                picture = image.convert("RGB")
    except Image.DecompressionBombError:
        raise _too_many_pixels(None, None, limit) from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise not_a_photo from None
    picture.thumbnail((MAX_PHOTO_SIDE, MAX_PHOTO_SIDE))
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=85)
    return ContentFile(out.getvalue(), name="foto.jpg")


def _too_many_pixels(width: int | None, height: int | None, limit: int) -> InvalidInput:
    megapixels = f"{limit / 1_000_000:g}"
    if width is None or height is None:
        message = _(
            "Deze foto heeft te veel pixels. Kies een foto van hoogstens %(mp)s megapixel, of "
            "maak hem eerst kleiner."
        ) % {"mp": megapixels}
    else:
        message = _(
            "Deze foto heeft te veel pixels (%(w)s × %(h)s). Kies een foto van hoogstens "
            "%(mp)s megapixel, of maak hem eerst kleiner."
        ) % {"w": width, "h": height, "mp": megapixels}
    return InvalidInput({"photo": [message]})


@transaction.atomic
def submit(
    *,
    user: Any,
    code: ResidentCode | None,
    title: str,
    text: str,
    area_code: str,
    estimated_cost: int | None = None,
    photo: UploadedFile | None = None,
    goal: Any = None,
    is_demo: bool = False,
) -> Initiative:
    require_reach(
        user,
        code,
        "initiative.submit",
        area_code.upper(),
        field="area_code",
        message=_("U kunt alleen een initiatief indienen voor uw eigen buurt of wijk.")
        if code is not None
        else None,
    )
    initiative = Initiative(
        title=title.strip(),
        text=text.strip(),
        area_code=area_code.upper(),
        estimated_cost=estimated_cost,
        author=user if getattr(user, "is_authenticated", False) else None,
        goal=goal,
        is_demo=is_demo,
    )
    if photo is not None:
        initiative.photo.save("foto.jpg", clean_photo(photo), save=False)
    initiative.save()
    log.info("initiative %s submitted by %s", initiative.pk, pseudonym_of(user))
    return initiative


def support(*, initiative: Initiative, user: Any, code: ResidentCode | None) -> bool:
    """Add the resident's support; False when they already supported it (no second count)."""
    require_reach(user, code, "initiative.support", initiative.area_code)
    if initiative.is_hidden:
        raise InvalidInput({"__all__": ["U kunt dit initiatief niet steunen."]})
    try:
        with transaction.atomic():
            Support.objects.create(initiative=initiative, user=user)
    except IntegrityError:
        return False
    return True


@transaction.atomic
def withdraw_support(*, initiative: Initiative, user: Any) -> None:
    Support.objects.filter(initiative=initiative, user=user).delete()


@transaction.atomic
def comment(*, initiative: Initiative, user: Any, code: ResidentCode | None, text: str) -> Comment:
    require_reach(user, code, "initiative.comment", initiative.area_code)
    if initiative.is_hidden:
        raise InvalidInput({"text": ["U kunt hier niet reageren."]})
    if not text.strip():
        raise InvalidInput({"text": ["Schrijf eerst een reactie."]})
    return Comment.objects.create(initiative=initiative, author=user, text=text.strip())


@transaction.atomic
def set_status(
    *, initiative: Initiative, status: str, reason: str, actor: Any, goal: Any = None
) -> None:
    """Move the initiative along (with a reason everyone reads) and link it to a plan goal."""
    require(actor, "initiative.moderate", initiative)
    if status not in Initiative.Status.values:
        raise InvalidInput({"status": ["Onbekende status."]})
    if not reason.strip():
        raise InvalidInput({"reason": ["Schrijf kort waarom: de indiener en de buurt lezen dit."]})
    initiative.status = status
    if goal is not None:
        initiative.goal = goal
    initiative.save(update_fields=["status", "goal"])
    InitiativeEvent.objects.create(
        initiative=initiative,
        status=status,
        action="status",
        reason=reason.strip(),
        by_pseudonym=pseudonym_of(actor),
    )


@transaction.atomic
def moderate(*, initiative: Initiative, hide: bool, reason: str, actor: Any) -> None:
    """Hide (with a reason everyone sees) or show again; nothing is deleted."""
    require(actor, "initiative.moderate", initiative)
    if hide and not reason.strip():
        raise InvalidInput(
            {"reason": ["Geef de reden: die wordt getoond in plaats van het initiatief."]}
        )
    initiative.hidden_reason = reason.strip() if hide else ""
    initiative.save(update_fields=["hidden_reason"])
    InitiativeEvent.objects.create(
        initiative=initiative,
        action="hide" if hide else "show",
        reason=reason.strip() or "-",
        by_pseudonym=pseudonym_of(actor),
    )


@transaction.atomic
def moderate_comment(*, comment: Comment, reason: str, actor: Any) -> None:
    require(actor, "initiative.moderate", comment.initiative)
    if not reason.strip():
        raise InvalidInput(
            {"reason": ["Geef de reden: die wordt getoond in plaats van de reactie."]}
        )
    comment.hidden_reason = reason.strip()
    comment.save(update_fields=["hidden_reason"])
    InitiativeEvent.objects.create(
        initiative=comment.initiative,
        action="comment_hidden",
        reason=reason.strip(),
        by_pseudonym=pseudonym_of(actor),
    )


@transaction.atomic
def erase_resident(*, user: Any) -> None:
    """A resident's erasure request: their words and supports go; anonymous ballots stay.

    Initiatives stay for the neighbourhood (others support and discuss them) but lose their
    author and photo; comments keep their place in the thread with the text removed.
    """
    from wijkkompas.web.apps.accounts.models import Person
    from wijkkompas.web.apps.accounts.services import erase_person

    Comment.objects.filter(author=user).update(text="", erased=True, author=None)
    Support.objects.filter(user=user).delete()
    for initiative in Initiative.objects.filter(author=user):
        if initiative.photo:
            initiative.photo.delete(save=False)
        initiative.author = None
        initiative.save(update_fields=["author", "photo"])
    person, _ = Person.objects.get_or_create(user=user)
    erase_person(person=person, actor=user)
    ResidentCode.objects.filter(user=user).update(user=None)
