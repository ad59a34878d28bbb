"""From StatLine column labels and keys to the base names the catalogue knows.

A StatLine CSV carries labels ("Bevolking/Aantal inwoners (aantal)"), R mangles them into
``Bevolking.Aantal.inwoners..aantal.``, a database export joins the label path with underscores
(``Bevolking_Leeftijdsgroepen_0_tot_15_jaar``, ``%`` written ``proc``), OData carries keys
(``AantalInwoners_5``). CBS derives a
key from its title by CamelCasing the words, so the title alone usually gives the base name; the
topic path (the parent titles) decides where a title repeats (``Appartement`` under electricity
and under gas). Three sources of that knowledge, in order of trust:

1. a ``DataProperties.json`` the user supplies with the data (exact, any table and year);
2. ``statline_labels.json`` beside this module: Key/Title/parent path of every topic of KWB 2024
   (85984NED), derived with :func:`topics_from_data_properties` from the real metadata file —
   our own derived table, so it is safe to ship;
3. the CamelCase rule itself, for titles the table does not know (older KWB years).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from wijkkompas.sources.base import SourceError, statline_base_name

BUILTIN_FILE = "statline_labels.json"
NON_ALNUM = re.compile(r"[^0-9a-z]+")
WORDS = re.compile(r"[0-9A-Za-z]+")
TRAILING_UNIT = re.compile(r"\s*\(([^()]*)\)\s*$")
R_TRAILING_UNIT = re.compile(r"\.\.([^.]*(?:\.[^.]+)*)\.$")
SEGMENT_SPLIT = re.compile(r"[|/]")
ODATA_KEY = re.compile(r"^(?:k_)?[A-Za-z0-9]+(?:_\d+)?$")
"""An OData key: CamelCase words run together, StatLine's ``k_`` before a leading digit and the
numeric suffix (``AantalInwoners_5``, ``k_0Tot15Jaar_8``); no other underscore."""
UNDERSCORE_PATH = re.compile(r"^\w+$")
PERCENT_WORD = re.compile(r"(?<=\d)proc\b")
"""``40proc_personen_met_laagste_inkomen``: a '%' that a column-name rule spelled out."""
KNOWN_UNITS = (
    "aantal inwoners per km2", "aantal inwoners per km", "per 1 000 inwoners", "x 1 000 euro",
    "per huishouden", "per km2", "per km", "aantal", "kwh", "m3", "km", "m", "ha", "code", "naam",
    "omschrijving", "euro", "getal", "procent",
)  # fmt: skip
"""Units as they appear at the end of a label once normalised (``m³`` → ``m3``; R turns ``³``
and ``%`` into dots, so a bare trailing ``m``/``km``/nothing occurs too)."""


def normalise(text: str) -> str:
    """Lower case ASCII words separated by single spaces: 'Wmo-cliënten (aantal)' → 'wmo clienten aantal'."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return NON_ALNUM.sub(" ", ascii_text).strip()


def squash(text: str) -> str:
    """Words run together; the form in which a title and its CamelCase key agree."""
    return normalise(text).replace(" ", "")


def base_of_title(title: str) -> str:
    """The key base CBS would derive from a title: 'Aantal inwoners' → 'AantalInwoners'."""
    decomposed = unicodedata.normalize("NFKD", title)
    ascii_title = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = WORDS.findall(ascii_title)
    base = "".join(w[0].upper() + w[1:] for w in words)
    return f"k_{base}" if base[:1].isdigit() else base


def squashed_base(base: str) -> str:
    return statline_base_name(base).removeprefix("k_").lower()


@dataclass(frozen=True)
class Topic:
    """One StatLine topic: its key (with suffix), title, ancestor titles (outermost first), unit."""

    key: str
    title: str
    path: tuple[str, ...]
    unit: str

    @property
    def base(self) -> str:
        return statline_base_name(self.key)

    def label_forms(self) -> list[str]:
        """Normalised labels under which a CSV may show this topic, most specific first."""
        path = " ".join(self.path)
        forms = [
            f"{path} {self.title} {self.unit}",
            f"{path} {self.title}",
            f"{self.title} {self.unit}",
            self.title,
        ]
        return [normalise(f) for f in forms]


def topics_from_data_properties(data: bytes, name: str) -> tuple[list[Topic], int | None]:
    """Topics and the map year of a StatLine ``DataProperties.json`` (OData v3 metadata)."""
    try:
        raw = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(f"{name}: not a StatLine DataProperties.json ({exc}).") from exc
    entries = raw.get("value", raw) if isinstance(raw, dict) else raw
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise SourceError(
            f"{name}: not a StatLine DataProperties.json: expected a list of properties with "
            "ID, ParentID, Type, Key and Title (as served at .../ODataApi/odata/<table>/"
            "DataProperties)."
        )
    by_id = {e.get("ID"): e for e in entries}
    map_year = next(
        (e.get("MapYear") for e in entries if e.get("Type") == "GeoDetail" and e.get("MapYear")),
        None,
    )
    topics = []
    for entry in entries:
        if entry.get("Type") != "Topic" or not entry.get("Key"):
            continue
        path: list[str] = []
        parent, seen = entry.get("ParentID"), set()
        while parent is not None and parent in by_id and parent not in seen:
            seen.add(parent)
            path.insert(0, str(by_id[parent].get("Title") or "").strip())
            parent = by_id[parent].get("ParentID")
        topics.append(
            Topic(
                key=str(entry["Key"]),
                title=str(entry.get("Title") or "").strip(),
                path=tuple(p for p in path if p),
                unit=str(entry.get("Unit") or "").strip(),
            )
        )
    try:
        year = int(map_year) if map_year is not None else None
    except (TypeError, ValueError):
        year = None
    return topics, year


class LabelIndex:
    """Looks up labels and keys among known topics (see the module docstring for the order)."""

    def __init__(self, topics: list[Topic], table_id: str | None = None) -> None:
        self.table_id = table_id
        self.by_key = {t.key: t for t in topics}
        self.by_form: dict[str, list[Topic]] = {}
        for topic in topics:
            for form in topic.label_forms():
                self.by_form.setdefault(form, []).append(topic)

    def paths_of_base(self, base: str) -> list[tuple[str, ...]]:
        """The topic paths under which a base name occurs (empty when it is not known)."""
        wanted = squashed_base(base)
        return [t.path for t in self.by_key.values() if squashed_base(t.key) == wanted]

    def topic_for_key(self, key: str) -> Topic | None:
        return self.by_key.get(key.strip())

    def topic_for_label(self, label: str) -> Topic | None:
        """The topic whose label forms include this label, when exactly one does."""
        for form in label_variants(label):
            found = {t.key: t for t in self.by_form.get(form, [])}
            if len(found) == 1:
                return next(iter(found.values()))
            if len(found) > 1:
                return None
        return None


def label_variants(label: str) -> list[str]:
    """A label normalised, with and without its unit (StatLine's '(unit)' or R's '..unit.')."""
    variants = [normalise(label)]
    for pattern in (TRAILING_UNIT, R_TRAILING_UNIT):
        stripped = pattern.sub("", label)
        if stripped != label:
            variants.append(normalise(stripped))
    full = variants[0]
    for unit in KNOWN_UNITS:
        if full.endswith(" " + unit):
            variants.append(full[: -len(unit) - 1].strip())
    return list(dict.fromkeys(v for v in variants if v))


def is_underscore_path(label: str) -> bool:
    """True for a label path whose words and topics are all joined by underscores
    (``Bevolking_Aantal_inwoners``), as a table stored in a database names its columns; an
    OData key (``AantalInwoners_5``, ``k_0Tot15Jaar_8``) is not one."""
    text = label.strip()
    return "_" in text and bool(UNDERSCORE_PATH.match(text)) and not ODATA_KEY.match(text)


def underscore_label(label: str) -> str:
    """The words of an underscore-joined label path, with ``proc`` after a number back as '%':
    ``Inkomen_40proc_personen`` → ``Inkomen 40% personen``. The topic boundaries are lost, so
    the result is matched as a whole (:meth:`LabelIndex.topic_for_label` compares the path and
    title run together) or by its last words (:func:`bases_by_suffix`)."""
    return PERCENT_WORD.sub("%", " ".join(part for part in label.strip().split("_") if part))


def path_words_present(label: str, paths: list[tuple[str, ...]]) -> bool:
    """True when ``label`` shares a word with the topic path of ``paths`` (or no path is known):
    a label whose last words name a known topic must also name something of that topic's
    parents, so 'Arbeid_…_Mannen' is not taken for 'Bevolking/Geslacht/Mannen'. One word is
    enough, because CBS renames topic groups over the years ('Wonen' → 'Wonen en vastgoed')."""
    words = set(normalise(label).split())
    for path in paths:
        meaningful = {w for w in normalise(" ".join(path)).split() if len(w) > 3}
        if not meaningful or meaningful & words:
            return True
    return not paths


def title_and_parents(label: str) -> tuple[str | None, list[str]]:
    """The last segment of a StatLine label ('A/B/Title (unit)') and the segments before it."""
    if R_TRAILING_UNIT.search(label) and " " not in label:
        return None, []
    body = TRAILING_UNIT.sub("", label).strip()
    segments = [s.strip() for s in SEGMENT_SPLIT.split(body) if s.strip()]
    if not segments:
        return None, []
    return segments[-1], segments[:-1]


def bases_by_suffix(label: str, bases: list[str]) -> list[str]:
    """Known base names that a label without segment marks (R-mangled) ends with, on word bounds.

    The longest match wins, so 'HuurwoningenTotaal' is not mistaken for a shorter base.
    """
    hits: set[str] = set()
    squashed = {squashed_base(b): b for b in bases}
    for variant in label_variants(label):
        tokens = variant.split(" ")
        for start in range(len(tokens)):
            candidate = "".join(tokens[start:])
            if candidate in squashed:
                hits.add(squashed[candidate])
                break
    longest = max((len(squashed_base(h)) for h in hits), default=0)
    return sorted(h for h in hits if len(squashed_base(h)) == longest)


@lru_cache(maxsize=1)
def builtin_index() -> LabelIndex:
    """The shipped KWB 2024 label table (read once per process)."""
    raw: dict[str, Any] = json.loads(
        resources.files("wijkkompas.sources").joinpath(BUILTIN_FILE).read_text(encoding="utf-8")
    )
    topics = [
        Topic(key=t["key"], title=t["title"], path=tuple(t["path"]), unit=t["unit"])
        for t in raw["topics"]
    ]
    return LabelIndex(topics, table_id=raw.get("table"))
