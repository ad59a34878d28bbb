"""A region's profile as a tagged PDF (PDF/UA-1), for the web download and the CLI alike.

Rendered from a Django template, so the CLI sets Django up first (settings only; no database
is touched). WeasyPrint writes the structure tree and the document language, so screen readers
can read the report, as the Besluit digitale toegankelijkheid overheid asks of published PDFs.
"""

from __future__ import annotations

import os
from pathlib import Path

from wijkkompas.store import AnalyticStore

PDF_VARIANT = "pdf/ua-1"
SETTINGS_MODULE = "wijkkompas.web.settings"


def ensure_django(store: Path | None = None) -> None:
    """Configure Django for rendering templates outside the web server (the CLI)."""
    if store is not None:
        os.environ.setdefault("WIJKKOMPAS_STORE", str(store))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    from django.apps import apps

    if not apps.ready:
        import django

        django.setup()


def render_report(store: AnalyticStore, code: str, language: str = "nl") -> bytes:
    """The PDF of one region's profile in ``language``; RegionNotFound for unscored codes."""
    from django.contrib.staticfiles import finders
    from django.template.loader import render_to_string
    from django.utils import translation
    from weasyprint import CSS, HTML

    from wijkkompas.reports.context import profile_context
    from wijkkompas.reports.profile import build_profile

    with translation.override(language):
        profile = build_profile(store, code)
        html = render_to_string(
            "monitor/rapport.html", {**profile_context(profile), "LANGUAGE_CODE": language}
        )
    stylesheet = finders.find("monitor/rapport.css")
    document = HTML(string=html, base_url=str(Path.cwd()))
    return document.write_pdf(
        stylesheets=[CSS(filename=stylesheet)] if stylesheet else None, pdf_variant=PDF_VARIANT
    )


def write_report(store: AnalyticStore, code: str, out: Path, language: str = "nl") -> Path:
    """Write the report to ``out`` (via a temporary file, so no half-written PDF is left)."""
    ensure_django(store.path)
    pdf = render_report(store, code, language)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_bytes(pdf)
    tmp.replace(out)
    return out
