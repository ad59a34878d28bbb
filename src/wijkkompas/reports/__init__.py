"""Region profiles, signals and PDF reports built from the newest saved index run.

One module builds the data a profile shows (:mod:`.profile`), so the web page, the PDF and the
``wijkkompas report`` command cannot drift apart; charts are SVG made here in Python, so a PDF
needs no JavaScript and a page without JavaScript still shows them.
"""

from wijkkompas.reports.measures import MEASURES, PALETTE, Measure, class_label
from wijkkompas.reports.profile import Profile, RegionNotFound, build_profile

__all__ = [
    "MEASURES",
    "PALETTE",
    "Measure",
    "Profile",
    "RegionNotFound",
    "build_profile",
    "class_label",
]
