"""Made-up Dutch-sounding place names, so the demo reads like a real town without being one."""

from __future__ import annotations

import numpy as np

GEMEENTE_NAME = "Voorbeeldstad (fictief)"

WIJK_NAMES = (
    "Oosterpark",
    "Westerhout",
    "Noorderveld",
    "Zuiderhage",
    "De Horst",
    "Molenwijk",
    "Beekdal",
    "Hooglanden",
    "Rietvelden",
    "Vaartzicht",
    "De Akkers",
    "Kasteelhoeve",
    "Sluisoever",
)

_STEMS = (
    "Linden", "Eiken", "Beuken", "Wilgen", "Essen", "Berken", "Iepen", "Populieren", "Kastanje",
    "Meidoorn", "Vlier", "Hazelaar", "Rozen", "Tulpen", "Lelie", "Krokus", "Seringen", "Klaver",
    "Molen", "Sluis", "Haven", "Brug", "Dijk", "Akker", "Weide", "Beek", "Vijver", "Schans",
    "Poort", "Toren", "Vaart", "Kade", "Markt", "Gilde", "Vinken", "Merel", "Zwanen", "Reiger",
    "Kievit", "Leeuwerik", "Hoeve", "Schutters", "Smeden", "Vissers", "Bakkers", "Wevers",
    "Zilver", "Koper", "Parel", "Robijn", "Saffier", "Amber", "Zomer", "Lente",
)  # fmt: skip
_ENDINGS = (
    "hof", "park", "laan", "buurt", "rijk", "kwartier", "hoek", "veld", "dreef", "zoom",
    "erf", "gaarde", "kamp",
)  # fmt: skip
_TINY_KINDS = ("Bedrijventerrein", "Buitengebied", "Haventerrein", "Sportpark")


def buurt_names(rng: np.random.Generator, n: int) -> list[str]:
    """n distinct compound names (Lindenhof, Molenkwartier, ...), seeded."""
    combos = [stem + ending for stem in _STEMS for ending in _ENDINGS]
    return [combos[int(i)] for i in rng.choice(len(combos), size=n, replace=False)]


def tiny_name(kind_index: int, base: str) -> str:
    """Places with hardly any residents are usually business parks or the countryside."""
    return f"{_TINY_KINDS[kind_index % len(_TINY_KINDS)]} {base}"


def wijk_names(n: int) -> list[str]:
    """The most central wijk is Centrum, as in most Dutch towns."""
    return ["Centrum", *WIJK_NAMES[: n - 1]]
