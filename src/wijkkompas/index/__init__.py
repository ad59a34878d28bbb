"""The index engine: pure functions from a panel, a catalogue and a reference to scores.

Nothing here reads files, databases or the network (house rule 1): the store adapter builds the
panel, the CLI saves the reference and the results. Start with :func:`build_panel`, fit a
:class:`Reference` once with :func:`fit_reference`, then :func:`score` any panel against it.
"""

from wijkkompas.index.classify import CLASS_LABELS_EN, CLASS_LABELS_NL, CLASS_OFFSETS
from wijkkompas.index.custom import score_custom_areas
from wijkkompas.index.engine import score
from wijkkompas.index.explain import Explanation, explain
from wijkkompas.index.fit import fit_reference
from wijkkompas.index.hotspots import contiguity, hotspots
from wijkkompas.index.inequality import gini, inequality, s80_s20, theil, theil_decomposition
from wijkkompas.index.options import EngineOptions
from wijkkompas.index.panel import Panel, build_panel
from wijkkompas.index.reference import Reference, ReferenceMismatch
from wijkkompas.index.result import IndexResult
from wijkkompas.index.spec import DOMAINS, GROUPS, IndexSpec
from wijkkompas.index.trends import trends
from wijkkompas.index.uncertainty import UncertaintyResult, uncertainty

__all__ = [
    "CLASS_LABELS_EN",
    "CLASS_LABELS_NL",
    "CLASS_OFFSETS",
    "DOMAINS",
    "GROUPS",
    "EngineOptions",
    "Explanation",
    "IndexResult",
    "IndexSpec",
    "Panel",
    "Reference",
    "ReferenceMismatch",
    "UncertaintyResult",
    "build_panel",
    "contiguity",
    "explain",
    "fit_reference",
    "gini",
    "hotspots",
    "inequality",
    "s80_s20",
    "score",
    "score_custom_areas",
    "theil",
    "theil_decomposition",
    "trends",
    "uncertainty",
]
