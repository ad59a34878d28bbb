"""Find a region by name, CBS code or postcode: the map's search box and ``/api/v1/regios/zoeken``.

The postcode is the KWB's most common postcode (PC4) per region, so "1012" finds the buurten
whose most common postcode it is, not every buurt that has an address in it; a full address
lookup needs a BAG import. The index of every region is built once per store file (a few
thousand rows for a whole country's newest year) and searched in memory.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

from wijkkompas.store import AnalyticStore
from wijkkompas.store.identity import Lru, store_identity

MAX_QUERY = 100
"""Longer input is no name, code or postcode anyone types: refused (400) rather than scanned."""
LIMIT = 50
LEVEL_ORDER = {"gemeente": 0, "wijk": 1, "buurt": 2}
CODE = re.compile(r"^(GM|WK|BU)[0-9A-Z]{2,8}$")
POSTCODE = re.compile(r"^([1-9][0-9]{3})\s?([A-Z]{2})?$")
PC4 = re.compile(r"^[1-9][0-9]{3}$")
CLOSE_ENOUGH = 0.8
"""How alike a misspelt name must be (difflib's ratio): "oosterprk" is 0.95 like "oosterpark";
one wrong letter in five is 0.8."""
MIN_FUZZY = 4
"""Shorter queries are not guessed at: three letters are alike to too many names."""


class BadQuery(ValueError):
    """Search input that cannot be a name, a code or a postcode (answered with 400)."""


@dataclass(frozen=True)
class Entry:
    code: str
    name: str
    level: str
    year: int
    gemeente_code: str
    gemeente_name: str
    wijk_code: str | None
    wijk_name: str | None
    postcode: str | None
    folded: str


@dataclass(frozen=True)
class Hit:
    entry: Entry
    match: str
    """``code``, ``postcode``, ``naam`` or ``ongeveer`` (a name like the query, for a typo):
    why this region was found."""


def fold(text: str) -> str:
    """Lower case without accents or extra spaces: 'Zuidas ' finds 'Zuidás'."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def clean_query(raw: str) -> str:
    """The query stripped; BadQuery when too long or carrying control characters."""
    query = raw.strip()
    if len(query) > MAX_QUERY:
        raise BadQuery(_("hoogstens %(aantal)s tekens") % {"aantal": MAX_QUERY})
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn") for c in query):
        raise BadQuery(_("stuurtekens en onzichtbare tekens kunnen niet"))
    return query


def _postcode(raw: object) -> str | None:
    text = str(raw or "").strip().upper().replace(" ", "")
    return text if re.fullmatch(r"[1-9][0-9]{3}([A-Z]{2})?", text) else None


_indexes = Lru(4)


def region_index(store: AnalyticStore) -> list[Entry]:
    """Every code in its newest boundary year, with its newest known postcode."""
    return _indexes.get_or_make(store_identity(store), lambda: _build(store))


def _build(store: AnalyticStore) -> list[Entry]:
    with store.reader() as reader:
        regions = reader.all_regions()  # sorted by code, then year
        postcodes = reader.postcodes()  # sorted by code, then year
    newest = regions.drop_duplicates("code", keep="last")
    names = dict(zip(newest["code"], newest["name"], strict=True))
    known: dict[str, str] = {}
    for code, postcode in zip(postcodes["region_code"], postcodes["postcode"], strict=True):
        cleaned = _postcode(postcode)
        if cleaned:
            known[str(code)] = cleaned  # newest year last, so it wins
    return [
        Entry(
            code=str(row.code),
            name=str(row.name),
            level=str(row.level),
            year=int(str(row.year)),
            gemeente_code=str(row.gemeente_code),
            gemeente_name=names.get(str(row.gemeente_code), str(row.gemeente_code)),
            wijk_code=row.wijk_code if isinstance(row.wijk_code, str) else None,
            wijk_name=names.get(row.wijk_code) if isinstance(row.wijk_code, str) else None,
            postcode=known.get(str(row.code)),
            folded=fold(str(row.name)),
        )
        for row in newest.itertuples(index=False)
    ]


def search(store: AnalyticStore, raw: str, limit: int = LIMIT) -> list[Hit]:
    """Regions matching ``raw``, best first; empty input finds nothing."""
    query = clean_query(raw)
    if not query:
        return []
    entries = region_index(store)
    compact = query.upper().replace(" ", "")
    if CODE.match(compact):
        exact = [Hit(e, "code") for e in entries if e.code == compact]
        if exact:
            return exact
        prefixed = [e for e in entries if e.code.startswith(compact)]
        return [Hit(e, "code") for e in _ordered(prefixed)][:limit]
    postcode = POSTCODE.match(query.upper())
    if postcode:
        return _by_postcode(entries, postcode.group(1), postcode.group(2), limit)
    folded = fold(query)
    return _by_name(entries, folded, limit) or _by_likeness(entries, folded, limit)


def _ordered(entries: list[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: (LEVEL_ORDER.get(e.level, 3), e.name, e.code))


def _by_postcode(entries: list[Entry], pc4: str, letters: str | None, limit: int) -> list[Hit]:
    """Buurten first (the KWB's postcode is most telling there), then their wijk and gemeente.

    A PC6 query matches a PC6 postcode exactly, and a PC4 postcode on its digits."""
    found = [
        e
        for e in entries
        if e.postcode
        and e.postcode[:4] == pc4
        and (letters is None or len(e.postcode) == 4 or e.postcode[4:] == letters)
    ]
    found.sort(key=lambda e: (-LEVEL_ORDER.get(e.level, 0), e.name, e.code))
    return [Hit(e, "postcode") for e in found[:limit]]


def _by_name(entries: list[Entry], folded: str, limit: int) -> list[Hit]:
    """Exact names first, then names starting with the query, then a word, then anywhere."""

    def rank(entry: Entry) -> int | None:
        name = entry.folded
        if name == folded:
            return 0
        if name.startswith(folded):
            return 1
        if f" {folded}" in f" {name}" or f"-{folded}" in name:
            return 2
        return 3 if folded in name else None

    ranked = [(r, e) for e in entries if (r := rank(e)) is not None]
    ranked.sort(key=lambda pair: (pair[0], LEVEL_ORDER.get(pair[1].level, 3), pair[1].name))
    return [Hit(e, "naam") for _r, e in ranked[:limit]]


def _by_likeness(entries: list[Entry], folded: str, limit: int) -> list[Hit]:
    """Names (or words of names) that look like the query, most alike first: only asked when
    no name contains the query, so an exact match always comes first."""
    if len(folded) < MIN_FUZZY:
        return []
    scored: list[tuple[float, Entry]] = []
    for entry in entries:
        words = [entry.folded, *entry.folded.replace("-", " ").split()]
        best = max(_likeness(folded, word) for word in words)
        if best >= CLOSE_ENOUGH:
            scored.append((best, entry))
    scored.sort(key=lambda pair: (-pair[0], LEVEL_ORDER.get(pair[1].level, 3), pair[1].name))
    return [Hit(e, "ongeveer") for _score, e in scored[:limit]]


def _likeness(query: str, name: str) -> float:
    """difflib's ratio, after its two cheap upper bounds have ruled out most names."""
    matcher = difflib.SequenceMatcher(None, query, name, autojunk=False)
    if matcher.real_quick_ratio() < CLOSE_ENOUGH or matcher.quick_ratio() < CLOSE_ENOUGH:
        return 0.0
    return matcher.ratio()
