"""One published survey or participation figure, and the suppression rules all of them obey.

Privacy first: a figure about fewer than ``min_respondents`` people is never published (value
``None``, ``suppressed`` True). Publishing a wijk next to all but one of its buurten would let
anyone subtract the published buurten from the wijk and find the hidden one, so a parent with
exactly one hidden child also hides its published child with the fewest respondents
("complementary suppression"). See docs/methodology.md, "Resident survey", for the residual
risk this does not remove.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from wijkkompas.regions import parse_region_code

MIN_RESPONDENTS = 10
"""The project-wide floor: no figure from fewer people is published, and the importer refuses
one that is."""

PRIMARY = "fewer than {n} respondents"
COMPLEMENTARY = "hidden as well, so a hidden neighbouring figure cannot be worked out"


@dataclass(frozen=True)
class SurveyEstimate:
    """A survey or participation indicator for one region and period."""

    region_code: str
    indicator_id: str
    period: str
    value: float | None
    """Percent for shares, the mean for the 1–10 mark, a count or a rate; ``None`` when
    suppressed."""
    margin_of_error: float | None
    """Half-width of the 95% confidence interval, in the unit of ``value`` (percentage points
    for shares); ``None`` for counts and for suppressed figures."""
    respondents: int
    """People behind the figure: respondents who answered the question, or distinct
    participants."""
    effective_n: float | None
    """Kish effective sample size of the weights (``None`` for counts)."""
    suppressed: bool
    reason: str = ""
    """Why a figure is suppressed, in plain words (empty when published)."""
    weighted: bool = False
    """True when the respondents were weighted to the area's age and sex structure."""


def parent_of(code: str) -> str | None:
    """The wijk of a buurt, the gemeente of a wijk, None for a gemeente (from the code)."""
    region = parse_region_code(code)
    if region.level == "buurt":
        return region.wijk_code
    if region.level == "wijk":
        return region.gemeente_code
    return None


def ancestors(code: str) -> list[str]:
    """The code itself and every region above it: BU → [BU, WK, GM]."""
    chain = [parse_region_code(code).code]
    while (parent := parent_of(chain[-1])) is not None:
        chain.append(parent)
    return chain


def suppress_small(estimate: SurveyEstimate, min_respondents: int) -> SurveyEstimate:
    """Hide a figure about fewer than ``min_respondents`` people."""
    if estimate.respondents >= min_respondents:
        return estimate
    return replace(
        estimate,
        value=None,
        margin_of_error=None,
        suppressed=True,
        reason=PRIMARY.format(n=min_respondents),
    )


def complementary_suppression(estimates: Sequence[SurveyEstimate]) -> list[SurveyEstimate]:
    """Hide one more child wherever a published parent has exactly one hidden child.

    Works per indicator and period, for buurten within their wijk and wijken within their
    gemeente. The extra child is the published sibling with the fewest respondents (ties: the
    lowest code), so the figure lost is the least reliable one.
    """
    out = list(estimates)
    position = {(e.region_code, e.indicator_id, e.period): k for k, e in enumerate(out)}
    for level in ("buurt", "wijk"):
        children: dict[tuple[str, str, str], list[int]] = defaultdict(list)
        for k, e in enumerate(out):
            if parse_region_code(e.region_code).level == level:
                parent = parent_of(e.region_code)
                assert parent is not None
                children[(parent, e.indicator_id, e.period)].append(k)
        for (parent, indicator_id, period), members in sorted(children.items()):
            parent_at = position.get((parent, indicator_id, period))
            if parent_at is None or out[parent_at].suppressed:
                continue
            hidden = [k for k in members if out[k].suppressed and out[k].respondents > 0]
            shown = [k for k in members if not out[k].suppressed]
            if len(hidden) != 1 or not shown:
                continue
            pick = min(shown, key=lambda k: (out[k].respondents, out[k].region_code))
            out[pick] = replace(
                out[pick], value=None, margin_of_error=None, suppressed=True, reason=COMPLEMENTARY
            )
    return out
