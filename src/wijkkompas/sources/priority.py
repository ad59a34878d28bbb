"""Which source wins when several give the same figure, and which sources are placed by period.

The engine (``index.inputs.select_figures``) applies these rules; they live here because they
name loaders. The order follows who compiles the figure: CBS's own Kerncijfers wijken en buurten
first (in any of its download forms, then the copy in the PDOK wijk- en buurtkaart), then the
specialised tables the KWB takes its figures from (Nabijheid voorzieningen, police crime,
SES-WOA), then model-based estimates and external references, then residents' own figures,
and the fictional demo last. A published figure always beats an empty one, whatever its source.
"""

from __future__ import annotations

from wijkkompas.index.inputs import SourceRules

SOURCE_RULES = SourceRules(
    priority=(
        "kwb",
        "statline",
        "kwb-series",
        "boundaries",
        "nabijheid",
        "crime",
        "ses-woa",
        "rivm",
        "leefbaarometer",
        "survey",
        "demo",
    ),
    period_keyed=frozenset({"rivm"}),
)
"""The rules wijkkompas scores with (documented in docs/methodology.md)."""
