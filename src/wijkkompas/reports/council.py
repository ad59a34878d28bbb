"""What a council reads first: where the area stands, what changed, what cumulates, its buurten
on a map and in a list, and how it was measured.

Built from the newest saved index run and the store alone (no app database), so the web's PDF,
its HTML version and ``wijkkompas report`` say the same. What the plans do about it comes from
the app database and is added by the caller (:mod:`wijkkompas.web.apps.plans.selectors.coverage`).

Domain names and the reasons for a missing score are the method page's and the wijk page's
(:mod:`wijkkompas.web.apps.monitor.selectors.method`, :mod:`~wijkkompas.web.apps.monitor.selectors.navigation`), so
the report and the site use the same words.

Missing data is never read as good news: a domain without figures is "onbekend", not "geen
probleem", and a change is only reported like for like, as the engine computed it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from wijkkompas.errors import WijkkompasError
from wijkkompas.index.spec import DOMAINS
from wijkkompas.reports.context import level_label, run_date, source_names
from wijkkompas.reports.deferred import get_language, mark_safe, number_format
from wijkkompas.reports.deferred import gettext as _
from wijkkompas.reports.figures import as_number
from wijkkompas.reports.maps import NO_CLASS, MapShape, class_map_svg
from wijkkompas.reports.measures import (
    PALETTE,
    caveats,
    class_label,
    class_labels,
    domain_labels,
    unknown_reason,
)
from wijkkompas.reports.profile import Profile
from wijkkompas.services.scoring import latest_run_scores, scored_gemeente
from wijkkompas.store import AnalyticStore
from wijkkompas.store.identity import Lru, store_identity

if TYPE_CHECKING:
    from django.utils.safestring import SafeString


def class_meaning(klass: int | None) -> str:
    """What a class says in words, in the active language: its band around the middle of the
    yardstick (methodology §9); empty without a class."""
    meanings = {
        1: _("ver onder het midden van de maatlat"),
        2: _("ruim onder het midden van de maatlat"),
        3: _("duidelijk onder het midden van de maatlat"),
        4: _("iets onder het midden van de maatlat"),
        5: _("rond het midden van de maatlat"),
        6: _("iets boven het midden van de maatlat"),
        7: _("duidelijk boven het midden van de maatlat"),
        8: _("ruim boven het midden van de maatlat"),
        9: _("ver boven het midden van de maatlat"),
    }
    return meanings.get(klass or 0, "")


Z = 1.96


@dataclass(frozen=True)
class AreaClass:
    """An area the region is compared with, and its class (None without a total)."""

    code: str
    name: str
    level: str
    """Translated: ``wijk``, ``gemeente``."""
    klass: int | None
    label: str


@dataclass(frozen=True)
class Change:
    """The like-for-like change of the total since ``since`` (the engine's default trend)."""

    trend: str | None
    """``climbing``, ``sliding``, ``stable``; None when there is no like-for-like change."""
    since: int | None = None
    change: str = ""
    """Signed, as a person reads it (``+0,03``)."""
    amount: str = ""
    """Without its sign (``0,03``), for "gestegen met"."""
    low: str = ""
    high: str = ""


@dataclass(frozen=True)
class DomainState:
    name: str
    state: str
    """``problem`` (among the worst fifth), ``fine``, or ``unknown`` (no figures)."""
    years: int = 0
    """Consecutive years among the worst fifth, this year included."""


@dataclass(frozen=True)
class BuurtRow:
    code: str
    name: str
    total: str
    """The total as a person reads it (decimal comma), or empty without one."""
    klass: int | None
    label: str
    reason: str
    """Why there is no score (empty when there is one)."""
    pressure: str
    """``yes``, ``no`` or ``unknown``: structurally under pressure?"""
    is_self: bool = False
    caveats: str = ""
    """What to know before comparing it (few inhabitants, mainly no housing, rural)."""


@dataclass(frozen=True)
class SourcePeriod:
    name: str
    periods: str


@dataclass
class Council:
    """Everything of the report's opening pages that comes from the store."""

    compared: list[AreaClass]
    """The wijk (for a buurt) and the gemeente the region lies in, with their classes."""
    national: str
    """``above``, ``below``, ``level`` (within the uncertainty) or ``unknown``."""
    total_text: str
    class_meaning: str
    change: Change
    domains: list[DomainState]
    domains_known: int
    domains_problem: int
    under_pressure: str
    """``yes``, ``no`` or ``unknown``."""
    buurten: list[BuurtRow]
    buurten_of: str
    """The name of the wijk or gemeente whose buurten are listed and mapped."""
    pressure_buurten: list[str] = field(default_factory=list)
    pressure_unknown: int = 0
    map_svg: SafeString = field(default_factory=lambda: mark_safe(""))
    map_year: int | None = None
    sources: list[SourcePeriod] = field(default_factory=list)
    run_date: date | None = None
    reference: str = ""
    relative_method: bool = False
    names: dict[str, str] = field(default_factory=dict)
    """Code → newest name of every region of the gemeente (for the plans' areas)."""

    @property
    def pressure_judged(self) -> int:
        """Buurten for which "structurally under pressure" could be decided."""
        return sum(1 for b in self.buurten if b.pressure != "unknown")

    @property
    def legend(self) -> list[tuple[int, str]]:
        return [(k, str(label)) for k, label in sorted(class_labels().items())]


def decimal(value: float, places: int = 2, signed: bool = False) -> str:
    """A number with the active language's decimal mark; a plus sign on request."""
    text = number_format(round(value, places), decimal_pos=places, use_l10n=True)
    return f"+{text}" if signed and value > 0 else text.replace("-", "−")


_councils = Lru(64)


def build_council(store: AnalyticStore, profile: Profile) -> Council:
    """The store's part of the report, kept per store file, region and language."""
    key = (store_identity(store), profile.code, get_language() or "nl")
    return _councils.get_or_make(key, lambda: _build(store, profile))


def _build(store: AnalyticStore, profile: Profile) -> Council:
    gemeente = "GM" + profile.code[2:6]
    scores = latest_run_scores(store)
    assert scores is not None  # a profile exists, so a run does
    with store.reader() as reader:
        every = reader.all_regions()
        regions = every[every["gemeente_code"] == gemeente]
        runs = reader.index_runs()
        manifest = _manifest(runs, profile.run_id)
        shapes, map_year = _shapes(reader, regions, gemeente, profile.year)
    newest = regions.sort_values("year").drop_duplicates("code", keep="last")
    names = dict(zip(newest["code"], newest["name"], strict=True))
    year_rows = scores[(scores["year"] == profile.year) & (scores["code"].str[2:6] == gemeente[2:])]
    wijk_of = _wijken(regions, year_rows, profile.year)
    scope = _scope(profile, wijk_of)
    row = profile.row
    buurten = _buurten(year_rows, shapes, scope, wijk_of, profile)
    domains = _domains(store, gemeente, profile)
    known = _count(row.get("cumulation_known"))
    problems = _count(row.get("cumulation_count"))
    domain_list = domains if _agrees(domains, known, problems) else []
    options = manifest.get("options") or {}
    return Council(
        compared=_compared(profile),
        national=_national(row, options),
        total_text=decimal(profile.total.score) if profile.total.score is not None else "",
        class_meaning=class_meaning(profile.total.klass),
        change=_change(row),
        domains=domain_list,
        domains_known=known or 0,
        domains_problem=problems or 0,
        under_pressure=_pressure(row),
        buurten=buurten,
        buurten_of=names.get(scope, scope),
        pressure_buurten=[b.name for b in buurten if b.pressure == "yes"],
        pressure_unknown=sum(1 for b in buurten if b.pressure == "unknown"),
        map_svg=_map(shapes, year_rows, scope, wijk_of, profile, names.get(scope, scope)),
        map_year=map_year,
        sources=_sources(profile.observations),
        run_date=run_date(profile.run_id),
        reference=_reference_name(manifest.get("reference") or {}),
        relative_method=options.get("normalisation", "reference") != "reference",
        names=names,
    )


def _manifest(runs: pd.DataFrame, run_id: str) -> dict[str, Any]:
    mine = runs[runs["run_id"] == run_id]
    if mine.empty:
        return {}
    try:
        found = json.loads(str(mine["manifest"].iloc[-1]))
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _reference_name(reference: dict[str, Any]) -> str:
    """The yardstick in plain words; never its file or run label."""
    name = str(reference.get("name") or "")
    version = str(reference.get("catalogue_version") or "")
    if not name:
        return _("onbekend")
    if name == "catalogue" or name.startswith("nl-"):
        return _("de landelijke maatlat van wijkkompas (versie %(versie)s)") % {
            "versie": version or name.removeprefix("nl-")
        }
    return _("een eigen maatlat, ‘%(naam)s’") % {"naam": name}


def _count(value: object) -> int | None:
    number = as_number(value)
    return None if number is None else int(number)


_BUURT_CODE = re.compile(r"BU[0-9]{4}[0-9A-Z]{4}")


def _wijken(regions: pd.DataFrame, year_rows: pd.DataFrame, year: int) -> dict[str, str]:
    """Buurt code → the wijk it lay in in ``year``: by the boundaries of that year; for a score
    a crosswalk moved onto today's code, by the wijk of the older code it came from (so the old
    wijk, scored on that year's boundaries, lists its buurten); otherwise by the newest
    boundaries."""

    def wijk_map(frame: pd.DataFrame) -> dict[str, str]:
        return {
            str(c): str(w)
            for c, w in zip(frame["code"], frame["wijk_code"], strict=True)
            if isinstance(w, str) and w
        }

    newest = regions.sort_values("year").drop_duplicates("code", keep="last")
    in_year = wijk_map(regions[regions["year"] == year])
    out = {**wijk_map(newest), **in_year}
    if "converted_from" in year_rows:
        for code, origin in zip(year_rows["code"], year_rows["converted_from"], strict=True):
            if str(code) in in_year or not isinstance(origin, str):
                continue
            found = [in_year[old] for old in _BUURT_CODE.findall(origin) if old in in_year]
            if found:
                out[str(code)] = found[0]
    return out


def _scope(profile: Profile, wijk_of: dict[str, str]) -> str:
    """Whose buurten the map and list show: the gemeente's, the wijk's, or a buurt's wijk's."""
    if profile.level in ("gemeente", "wijk"):
        return profile.code
    return wijk_of.get(profile.code) or "WK" + profile.code[2:8]


def _in_scope(code: str, scope: str, wijk_of: dict[str, str]) -> bool:
    if scope.startswith("GM"):
        return code[2:6] == scope[2:6]
    return (wijk_of.get(code) or "WK" + code[2:8]) == scope


def _compared(profile: Profile) -> list[AreaClass]:
    order = {"wijk": 0, "gemeente": 1}
    return [
        AreaClass(c.code, c.name, level_label(c.level), c.klass, c.label)
        for c in sorted(profile.comparisons, key=lambda c: order.get(c.role, 9))
        if c.role in order
    ]


def _national(row: dict[str, Any], options: dict[str, Any]) -> str:
    """The total against 0, the Dutch average of every indicator on the yardstick; only with
    the yardstick's own normalisation (a relative method has no national zero)."""
    total = as_number(row.get("total"))
    if total is None or options.get("normalisation", "reference") != "reference":
        return "unknown"
    se = as_number(row.get("total_se")) or 0.0
    if total - Z * se > 0:
        return "above"
    if total + Z * se < 0:
        return "below"
    return "level"


def _change(row: dict[str, Any]) -> Change:
    trend = row.get("trend")
    change = as_number(row.get("change"))
    since = as_number(row.get("trend_from"))
    if trend not in ("climbing", "sliding", "stable") or change is None or since is None:
        return Change(None)
    se = as_number(row.get("change_se"))
    low = high = ""
    if se is not None:
        low, high = decimal(change - Z * se, signed=True), decimal(change + Z * se, signed=True)
    return Change(
        str(trend), int(since), decimal(change, signed=True), decimal(abs(change)), low, high
    )


def _pressure(row: Mapping[str, Any] | pd.Series) -> str:
    """``yes``, ``no`` or ``unknown``: structurally under pressure? Runs saved before the
    ``_known`` column existed decide by the number of domains with figures."""
    flag = as_number(row.get("structureel_onder_druk"))
    if flag:
        return "yes"
    known = as_number(row.get("structureel_onder_druk_known"))
    if known is None:
        return "no" if (_count(row.get("cumulation_known")) or 0) >= 3 else "unknown"
    return "no" if known else "unknown"


def _domains(store: AnalyticStore, gemeente: str, profile: Profile) -> list[DomainState]:
    """Per cumulation domain: among the worst fifth, not, or unknown (no figures)."""
    try:
        table = scored_gemeente(store, gemeente).result.cumulation
    except WijkkompasError:
        return []
    mine = table[(table["region_code"] == profile.code) & (table["year"] == profile.year)]
    if mine.empty:
        return []
    row = mine.iloc[0]
    out = []
    for domain in DOMAINS:
        label = str(domain_labels().get(domain, domain))
        if as_number(row.get(domain)) is None:
            out.append(DomainState(label, "unknown"))
        elif bool(row.get(f"{domain}_worst")):
            out.append(DomainState(label, "problem", _count(row.get(f"{domain}_years")) or 1))
        else:
            out.append(DomainState(label, "fine"))
    return out


def _agrees(domains: list[DomainState], known: int | None, problems: int | None) -> bool:
    """The fresh scoring's domains tell the same as the saved run's counts (else only the
    counts are shown: a store changed since the run must not put two stories side by side)."""
    if not domains:
        return False
    return sum(d.state != "unknown" for d in domains) == known and (
        sum(d.state == "problem" for d in domains) == problems
    )


def _buurten(
    year_rows: pd.DataFrame,
    shapes: pd.DataFrame,
    scope: str,
    wijk_of: dict[str, str],
    profile: Profile,
) -> list[BuurtRow]:
    """The scope's buurten, weakest first; those without a total last, with the reason."""
    rows = year_rows[year_rows["level"] == "buurt"]
    rows = rows[[_in_scope(str(c), scope, wijk_of) for c in rows["code"]]]
    out = []
    for _i, r in rows.iterrows():
        total = as_number(r.get("total"))
        klass = _count(r.get("class")) if total is not None else None
        out.append(
            BuurtRow(
                code=str(r["code"]),
                name=str(r["name"]),
                total=decimal(total) if total is not None else "",
                klass=klass,
                label=class_label(klass),
                reason="" if klass is not None else unknown_reason(r.get("reason")),
                pressure=_pressure(r),
                is_self=str(r["code"]) == profile.code,
                caveats=caveats(r.to_dict()),
            )
        )
    listed = {b.code for b in out}
    for _i, s in shapes.iterrows():  # on the map but not in the run's year: unknown too
        code = str(s["code"])
        if code not in listed and _in_scope(code, scope, wijk_of):
            out.append(
                BuurtRow(code, str(s["name"]), "", None, "", unknown_reason(None), "unknown")
            )
    totals = {str(r["code"]): as_number(r.get("total")) for _i, r in rows.iterrows()}

    def weakest_first(b: BuurtRow) -> tuple[int, float, str]:
        total = totals.get(b.code)
        return (total is None, total if total is not None else 0.0, b.name)

    return sorted(out, key=weakest_first)


def _shapes(
    reader: Any, regions: pd.DataFrame, gemeente: str, year: int
) -> tuple[pd.DataFrame, int | None]:
    """The gemeente's buurt boundaries: of the scores' year when the store has them, else of
    the newest boundary year that has any."""
    years = sorted({int(y) for y in regions["year"]}, reverse=True)
    for candidate in [year, *[y for y in years if y != year]]:
        frame = reader.geometries("buurt", gemeente=gemeente, year=candidate, simplified=True)
        if not frame.empty:
            return frame, candidate
    return pd.DataFrame(columns=["code", "name", "wijk_code", "wkb"]), None


def _map(
    shapes: pd.DataFrame,
    year_rows: pd.DataFrame,
    scope: str,
    wijk_of: dict[str, str],
    profile: Profile,
    scope_name: str,
) -> SafeString:
    classes = {
        str(c): _count(k)
        for c, k, t in zip(year_rows["code"], year_rows["class"], year_rows["total"], strict=True)
        if as_number(t) is not None
    }
    drawn = []
    counts: dict[int | None, int] = {}
    for _i, s in shapes.iterrows():
        code = str(s["code"])
        if not _in_scope(code, scope, wijk_of):
            continue
        klass = classes.get(code)
        counts[klass] = counts.get(klass, 0) + 1
        drawn.append(
            MapShape(
                code,
                bytes(s["wkb"]),
                PALETTE.get(klass or 0, NO_CLASS),
                highlighted=code == profile.code,
            )
        )
    if not drawn:
        return mark_safe("")
    title = _("Kaart: de buurten van %(naam)s naar klasse in %(jaar)s") % {
        "naam": scope_name,
        "jaar": profile.year,
    }
    parts = [
        _("klasse %(klasse)s (%(label)s): %(aantal)s")
        % {"klasse": k, "label": class_labels()[k], "aantal": n}
        for k, n in sorted((k, n) for k, n in counts.items() if k is not None)
    ]
    if counts.get(None):
        parts.append(_("geen score: %(aantal)s") % {"aantal": counts[None]})
    description = _("%(aantal)s buurten, per klasse: %(delen)s.") % {
        "aantal": len(drawn),
        "delen": "; ".join(parts),
    }
    if profile.level == "buurt":
        description += " " + _("%(naam)s is dik zwart omlijnd.") % {"naam": profile.name}
    description += " " + _("De tabel hieronder noemt elke buurt met haar klasse.")
    return class_map_svg(drawn, title, description)


_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def _sources(observations: pd.DataFrame) -> list[SourcePeriod]:
    """Each source of the region's figures with the years its figures cover."""
    if observations.empty or "source" not in observations:
        return []
    names = source_names()
    years: dict[str, set[int]] = {}
    for source, period in zip(observations["source"], observations["period"], strict=True):
        name = names.get(str(source), str(source))
        found = {int(y) for y in _YEAR.findall(str(period))}
        years.setdefault(name, set()).update(found)
    out = []
    for name in sorted(years):
        span = sorted(years[name])
        if not span:
            periods = _("periode onbekend")
        elif span[0] == span[-1]:
            periods = str(span[0])
        else:
            periods = _("%(van)s tot en met %(tot)s") % {"van": span[0], "tot": span[-1]}
        out.append(SourcePeriod(name, periods))
    return out
