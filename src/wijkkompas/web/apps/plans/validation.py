"""Checks shared by the forms and the API, with messages that say what to fix.

Services call these before writing anything and raise :class:`InvalidInput` with every problem
at once, so a form shows all its errors together and an API client gets one 400 response.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext as _

from wijkkompas.errors import InvalidRegionCode
from wijkkompas.plans.areas import AreaIndex, PlanArea
from wijkkompas.regions import parse_region_code
from wijkkompas.web.common.errors import Problems

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_PLAN_YEARS = 30


def parse_codes(raw: str | Sequence[str]) -> list[str]:
    """Codes typed with commas, spaces or new lines, in any letter case."""
    parts = raw.replace(",", " ").split() if isinstance(raw, str) else list(raw)
    return list(dict.fromkeys(part.strip().upper() for part in parts if part.strip()))


def check_area(
    problems: Problems, field: str, codes: list[str], areas: AreaIndex | None
) -> str | None:
    """Check an area against the store; return its gemeente code when it is usable."""
    if not codes:
        problems.add(field, _("Vul minstens één wijk- of buurtcode in, zoals WK036301."))
        return None
    malformed = []
    for code in codes:
        try:
            parse_region_code(code)
        except InvalidRegionCode:
            malformed.append(code)
    if malformed:
        problems.add(
            field,
            _(
                "%(codes)s is geen CBS-code. Een wijkcode is WK met 6 tekens, een buurtcode BU met 8."
            )
            % {"codes": ", ".join(malformed)},
        )
        return None
    if areas is None:
        problems.add(
            field,
            _(
                "De monitor heeft nog geen gegevens, dus de codes zijn niet te controleren. Bouw eerst de gegevens (wijkkompas demo of een import)."
            ),
        )
        return None
    unknown = areas.unknown(codes)
    if unknown:
        problems.add(
            field,
            _(
                "De monitor kent %(codes)s niet. Controleer de code(s) in de lijst met wijken en buurten."
            )
            % {"codes": ", ".join(unknown)},
        )
        return None
    gemeenten = areas.gemeenten(codes)
    if len(gemeenten) != 1:
        problems.add(field, _("Alle codes moeten in één gemeente liggen."))
        return None
    return next(iter(gemeenten))


def check_within(problems: Problems, field: str, codes: list[str], plan_area: list[str]) -> None:
    area = PlanArea.of(plan_area)
    outside = [code for code in codes if not area.covers(code)]
    if outside:
        problems.add(
            field,
            _(
                "%(codes)s ligt buiten het gebied van het plan (%(area)s). Kies codes binnen dat gebied."
            )
            % {"codes": ", ".join(outside), "area": ", ".join(plan_area)},
        )


def check_years(
    problems: Problems, first: int | None, last: int | None, first_field: str, last_field: str
) -> None:
    for field, year in ((first_field, first), (last_field, last)):
        if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
            problems.add(
                field,
                _("Kies een jaar tussen %(min)s en %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
            )
            return
    if first is not None and last is not None:
        if last < first:
            problems.add(
                last_field,
                _(
                    "Het laatste jaar (%(last)s) ligt vóór het eerste jaar (%(first)s). Kies een later jaar."
                )
                % {"last": last, "first": first},
            )
        elif last - first + 1 > MAX_PLAN_YEARS:
            problems.add(
                last_field,
                _("Een aanpak duurt hoogstens %(max)s jaar. Kies een eerder laatste jaar.")
                % {"max": MAX_PLAN_YEARS},
            )


def check_in_plan_years(problems: Problems, field: str, year: int, first: int, last: int) -> None:
    if not first <= year <= last:
        problems.add(
            field,
            _("Kies een jaar binnen de looptijd van het plan (%(first)s–%(last)s).")
            % {"first": first, "last": last},
        )


def check_amount(
    problems: Problems, field: str, amount: Decimal | None, *, allow_negative: bool = False
) -> None:
    if amount is None:
        problems.add(field, _("Vul een bedrag in euro's in."))
    elif amount < 0 and not allow_negative:
        problems.add(
            field, _("Een bedrag kan niet negatief zijn. Vul 0 of meer in (bijvoorbeeld 25000).")
        )
    elif abs(amount) >= Decimal("1e12"):
        problems.add(field, _("Dit bedrag is te groot. Vul het bedrag in hele euro's in."))


def check_text(problems: Problems, field: str, text: str, message: str) -> None:
    if not text.strip():
        problems.add(field, message)
