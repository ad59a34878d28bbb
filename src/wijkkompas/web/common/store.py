"""The analytic store this site serves: the one place that reads it from the settings."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from wijkkompas.store import AnalyticStore


def site_store(path: Path | str | None = None) -> AnalyticStore:
    """The store at ``settings.WIJKKOMPAS_STORE`` (or at ``path``, when a caller is told one).

    A handle is cheap and opens nothing: make one per request, so a store swapped in by an
    import is seen by the next request."""
    return AnalyticStore(Path(path or settings.WIJKKOMPAS_STORE))
