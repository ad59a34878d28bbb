"""A region's report as a tagged PDF (PDF/UA-1), for the web download and the CLI alike.

Rendered from a Django template, so the CLI sets Django up first. The plans covering the area
come from the app database when one exists; without it (a CLI run on a machine without the web
app's database) the report says the plans are not known here, and no database file is made. WeasyPrint writes the structure tree and the document language, so screen readers
can read the report, as the Besluit digitale toegankelijkheid overheid asks of published PDFs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wijkkompas.store import AnalyticStore

if TYPE_CHECKING:
    from wijkkompas.web.apps.plans.selectors.coverage import PlanCoverage

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


def report_context(
    store: AnalyticStore, code: str, plans: PlanCoverage | None = None
) -> dict[str, Any]:
    """The template context of the report in the active language: the profile, the council's
    opening pages and the plans covering the area (looked up here unless given).

    RegionNotFound for unscored codes."""
    from wijkkompas.reports.context import profile_context
    from wijkkompas.reports.council import build_council
    from wijkkompas.reports.profile import build_profile

    profile = build_profile(store, code)
    council = build_council(store, profile)
    if plans is None:
        plans = covering_plans(code)
    return {**profile_context(profile), "council": council, "plans": plans.named(council.names)}


def covering_plans(code: str) -> PlanCoverage:
    """The plans covering ``code`` from the app database, or "unavailable" without one."""
    from wijkkompas.web.apps.plans.selectors.coverage import plans_covering

    return plans_covering(code)


def report_html(
    store: AnalyticStore,
    code: str,
    language: str = "nl",
    plans: PlanCoverage | None = None,
    for_web: bool = False,
) -> str:
    """The report as the HTML document WeasyPrint turns into the PDF; ``for_web`` serves the
    same document to a browser (its stylesheet linked, links back to the site)."""
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override(language):
        context = report_context(store, code, plans)
        return render_to_string(
            "monitor/rapport.html", {**context, "LANGUAGE_CODE": language, "for_web": for_web}
        )


def render_report(
    store: AnalyticStore, code: str, language: str = "nl", plans: PlanCoverage | None = None
) -> bytes:
    """The PDF of one region's report in ``language``; RegionNotFound for unscored codes."""
    from django.contrib.staticfiles import finders
    from weasyprint import CSS, HTML

    html = report_html(store, code, language, plans)
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
