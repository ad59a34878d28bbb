"""Region profiles, signals and PDF reports built from the newest saved index run.

One module builds the data a profile shows (:mod:`.profile`), so the web page, the PDF and the
``wijkkompas report`` command cannot drift apart; charts are SVG made here in Python, so a PDF
needs no JavaScript and a page without JavaScript still shows them.

Importing a module here imports no Django; what needs it imports it when called
(:mod:`.deferred`), and ``MEASURES`` (whose names are Django's lazy translations) is made on
first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wijkkompas.reports.measures import PALETTE, Measure, class_label
from wijkkompas.reports.profile import Profile, RegionNotFound, build_profile

if TYPE_CHECKING:
    from wijkkompas.reports.measures import MEASURES


def __getattr__(name: str) -> Any:
    """``MEASURES``, from :mod:`.measures` on first use (PEP 562)."""
    if name == "MEASURES":
        from wijkkompas.reports import measures

        return measures.MEASURES
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "MEASURES",
    "PALETTE",
    "Measure",
    "Profile",
    "RegionNotFound",
    "build_profile",
    "class_label",
]
