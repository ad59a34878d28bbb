"""The plan as a tagged PDF (PDF/UA-1) and its budgets as CSV and Excel.

All three are public, like the accountability page they mirror: they hold no personal data
(history is not exported) and anyone should be able to check what was promised and spent.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from wijkkompas.web.apps.accounts.permissions import permission
from wijkkompas.web.apps.plans.labels import STATUS_LABELS
from wijkkompas.web.apps.plans.models import Plan
from wijkkompas.web.apps.plans.selectors.budget import BudgetRow, budget_rows
from wijkkompas.web.apps.plans.selectors.monitor import open_monitor
from wijkkompas.web.apps.plans.selectors.overview import overview
from wijkkompas.web.apps.plans.views.common import get_plan
from wijkkompas.web.render_slots import answers_busy, render_slot
from wijkkompas.web.spreadsheet import Sheet, csv_download, xlsx_download

PDF_VARIANT = "pdf/ua-1"
"""WeasyPrint ≥ 61 writes tagged PDF/UA-1 (structure tree, language, title): screen readers can
read the report, as the Besluit digitale toegankelijkheid overheid asks of published PDFs."""


def _filename(plan: Plan, suffix: str) -> str:
    return f"{slugify(plan.title) or 'plan'}-{suffix}"


def render_pdf(request: HttpRequest, plan: Plan) -> bytes:
    from weasyprint import CSS, HTML

    with open_monitor() as monitor:
        view = overview(plan, monitor)
    html = render_to_string(
        "plans/pdf.html",
        {"plan": plan, "view": view, "status_labels": STATUS_LABELS, "is_demo": plan.is_demo},
        request=request,
    )
    stylesheet = finders.find("plans/pdf.css")
    document = HTML(string=html, base_url=request.build_absolute_uri("/"))
    return document.write_pdf(
        stylesheets=[CSS(filename=stylesheet)] if stylesheet else None, pdf_variant=PDF_VARIANT
    )


@permission("plan.export")
@require_safe
@answers_busy
def export_pdf(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Public and costly to render, so it needs a render slot (``web.render_slots``)."""
    plan = get_plan(plan_id)
    with render_slot():
        pdf = render_pdf(request, plan)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(plan, "plan.pdf")}"'
    return response


def _header() -> list[str]:
    return [
        _("interventie"),
        _("pijler"),
        _("trekker"),
        _("partner"),
        _("jaar"),
        _("begroot (euro)"),
        _("uitgegeven (euro)"),
    ]


def _cells(row: BudgetRow) -> list[object]:
    intervention = row.intervention
    return [
        intervention.title,
        str(intervention.get_pillar_display()),
        intervention.lead.name,
        row.organisation,
        row.year,
        row.budget,
        row.spent,
    ]


CENTS = Decimal("0.01")
MONEY_COLUMNS = {5: "#,##0.00", 6: "#,##0.00"}


def _rows(plan: Plan) -> list[list[object]]:
    return [
        [c.quantize(CENTS) if isinstance(c, Decimal) else c for c in _cells(row)]
        for row in budget_rows(plan)
    ]


@permission("plan.export")
@require_safe
def export_csv(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Comma-separated, decimal point, UTF-8, amounts in cents; text that a spreadsheet would run
    as a formula is made inert (:mod:`wijkkompas.web.spreadsheet`)."""
    plan = get_plan(plan_id)
    return csv_download(_header(), _rows(plan), _filename(plan, "begroting.csv"))


@permission("plan.export")
@require_safe
def export_xlsx(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan(plan_id)
    sheet = Sheet(
        title=_("Begroting"),
        header=_header(),
        rows=_rows(plan),
        number_formats=MONEY_COLUMNS,
        widths=(40, 20, 30, 30, 8, 16, 16),
    )
    return xlsx_download([sheet], _filename(plan, "begroting.xlsx"))
