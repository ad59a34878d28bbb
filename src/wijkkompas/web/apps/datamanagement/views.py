"""The analyst's data page: what the store holds, uploads, index runs, their validation.

Every view is for the ``data.manage`` action (analyst, beheerder). Uploads are refused by
size before a byte is read, written privately under generated names (:mod:`.uploads`) and
imported in the background exactly as ``wijkkompas import`` does (:mod:`.jobs`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe

from wijkkompas.reports.measures import BY_KEY
from wijkkompas.store import AnalyticStore
from wijkkompas.web.apps.accounts.permissions import permission
from wijkkompas.web.apps.accounts.services import pseudonym_of
from wijkkompas.web.apps.datamanagement.forms import MappingForm, UploadForm
from wijkkompas.web.apps.datamanagement.models import Job
from wijkkompas.web.apps.datamanagement.selectors.jobs import (
    latest_index_job,
    recent_jobs,
    upload_taken,
)
from wijkkompas.web.apps.datamanagement.selectors.overview import (
    StoreOverview,
    indicator_names,
    overview,
)
from wijkkompas.web.apps.datamanagement.selectors.status import failure_text, status_text
from wijkkompas.web.apps.datamanagement.services import jobs, uploads
from wijkkompas.web.common.store import site_store


def _max_mb() -> int:
    return max(1, int(settings.WIJKKOMPAS_UPLOAD_MAX_BYTES) // (1024 * 1024))


def _page(
    request: HttpRequest,
    form: UploadForm | None = None,
    *,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    store = site_store()
    recent = recent_jobs(store)
    return render(
        request,
        "datamanagement/gegevens.html",
        {
            "overview": overview(store),
            "form": form or UploadForm(max_mb=_max_mb()),
            "active": jobs.active_job(store),
            "recent": [(job, status_text(job)) for job in recent],
            "refusal": refusal,
            "max_mb": _max_mb(),
            "max_bytes": int(settings.WIJKKOMPAS_UPLOAD_MAX_BYTES),
            "too_large": _too_large_message(),
        },
        status=status,
    )


@permission("data.manage")
@require_safe
def gegevens(request: HttpRequest) -> HttpResponse:
    jobs.tidy_uploads()
    return _page(request)


def _busy_message() -> str:
    return _(
        "Er loopt al een import of indexberekening op deze gegevens. Wacht tot die klaar is "
        "(de taak staat hieronder) en probeer het dan opnieuw."
    )


def _too_large_message() -> str:
    return _(
        "De bestanden zijn samen groter dan %(mb)s MB en zijn niet ontvangen. Importeer zo'n "
        "groot bestand op de opdrachtregel (wijkkompas import), of vraag de beheerder de "
        "grens (WIJKKOMPAS_UPLOAD_MAX_MB) te verhogen."
    ) % {"mb": _max_mb()}


def _content_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


@permission("data.manage")
@csrf_exempt  # checked in _receive, once the private upload handler is in place
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    """Refuse by size and by a running job before reading the body; then receive privately."""
    limit = int(settings.WIJKKOMPAS_UPLOAD_MAX_BYTES)
    if _content_length(request) > limit:
        return _page(request, refusal=_too_large_message(), status=413)
    store = site_store()
    if jobs.active_job(store) is not None:
        return _page(request, refusal=_busy_message(), status=409)
    folder = uploads.new_folder()
    handler = uploads.PrivateUploadHandler(request, folder, limit)
    request.upload_handlers = [handler]
    try:
        return _receive(request, store, folder, handler)
    finally:
        # Whatever went wrong (a bad form, a failed CSRF check, an error), files no job took
        # are deleted now.
        if not upload_taken(folder):
            uploads.remove(folder)


@csrf_protect
def _receive(
    request: HttpRequest,
    store: AnalyticStore,
    folder: Path,
    handler: uploads.PrivateUploadHandler,
) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES, max_mb=_max_mb())
    if handler.exceeded:
        return _page(request, refusal=_too_large_message(), status=413)
    if not form.is_valid():
        return _page(request, form, status=400)
    files = [
        {"name": f.name, "size": f.size, "stored": f.path.name} for f in form.cleaned_data["files"]
    ]
    mapping = form.cleaned_data.get("mapping")
    if isinstance(mapping, uploads.StoredUpload):
        mapping.path.unlink(missing_ok=True)  # read already: nothing of it needs keeping
    metadata = form.cleaned_data.get("metadata")
    options: dict[str, Any] = {
        "source": form.cleaned_data["source"],
        "year": form.cleaned_data.get("year"),
        "release": form.cleaned_data.get("release") or None,
        "mapping": form.mapping_rows,
        "units": form.mapping_units,
        "mapping_file": mapping.name if mapping else "",
        "metadata": metadata.path.name if isinstance(metadata, uploads.StoredUpload) else None,
        "metadata_file": metadata.name if metadata else "",
    }
    try:
        job = jobs.start(
            store=store,
            kind=Job.Kind.IMPORT,
            started_by=pseudonym_of(request.user),
            files=files,
            options=options,
            upload_dir=str(folder),
        )
    except jobs.Busy:
        return _page(request, refusal=_busy_message(), status=409)
    return redirect("datamanagement:job", job_id=job.pk)


def _job(job_id: int) -> Job:
    job = get_object_or_404(Job, pk=job_id, store=jobs.store_key(site_store()))
    return jobs.check_alive(job)


def _job_page(
    request: HttpRequest,
    job: Job,
    mapping_form: MappingForm | None = None,
    *,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    columns = job.unmatched_columns
    if mapping_form is None and columns and job.state == Job.State.DONE:
        initial = {}
        earlier = job.options.get("mapping", {})
        for number, column in enumerate(columns):
            if column in earlier:
                initial[f"indicator_{number}"] = earlier[column]
        mapping_form = MappingForm(columns=columns, initial=initial)
    english = request.LANGUAGE_CODE == "en"
    names = {id_: (en if english else nl) for id_, (nl, en, _u) in indicator_names().items()}
    reports = [
        {
            **report,
            "regions_text": _regions_text(report.get("regions_per_level", {})),
            "indicator_names": [names.get(i, i) for i in report.get("indicators", [])],
            "missing_percent": 100 * float(report.get("missing_share") or 0),
        }
        for report in job.reports
    ]
    scored = {
        "regions": _regions_text(job.result.get("regions", {})),
        "with_total": _regions_text(job.result.get("with_total", {})),
    }
    store_overview: StoreOverview | None = None
    if job.kind == Job.Kind.INDEX and job.state == Job.State.DONE:
        store_overview = overview(site_store())
    return render(
        request,
        "datamanagement/taak.html",
        {
            "job": job,
            "status": status_text(job),
            "failure": failure_text(job),
            "reports": reports,
            "scored": scored,
            "mapping_form": mapping_form,
            "refusal": refusal,
            "overview": store_overview,
        },
        status=status,
    )


LEVEL_ORDER = ("gemeente", "wijk", "buurt")


def _regions_text(counts: dict[str, int]) -> list[str]:
    """``{"buurt": 92, "wijk": 22}`` as "22 wijken", "92 buurten", in the page's language."""
    words = {
        "gemeente": lambda n: ngettext("%(n)s gemeente", "%(n)s gemeenten", n),
        "wijk": lambda n: ngettext("%(n)s wijk", "%(n)s wijken", n),
        "buurt": lambda n: ngettext("%(n)s buurt", "%(n)s buurten", n),
    }
    return [
        words[level](int(counts[level])) % {"n": int(counts[level])}
        for level in LEVEL_ORDER
        if level in counts
    ]


@permission("data.manage")
@require_safe
def job(request: HttpRequest, job_id: int) -> HttpResponse:
    return _job_page(request, _job(job_id))


@permission("data.manage")
@require_safe
def job_status(request: HttpRequest, job_id: int) -> HttpResponse:
    """How far a job is, for the status page's script (it reloads the page when it ends)."""
    job = _job(job_id)
    response = JsonResponse({"state": job.state, "active": job.active, "text": status_text(job)})
    response["Cache-Control"] = "no-store"
    return response


@permission("data.manage")
@require_POST
def remap(request: HttpRequest, job_id: int) -> HttpResponse:
    """Import the same files again with the analyst's mapping of the unmatched columns."""
    parent = _job(job_id)
    columns = parent.unmatched_columns
    if parent.kind != Job.Kind.IMPORT or parent.state != Job.State.DONE or not columns:
        return _job_page(
            request,
            parent,
            refusal=_(
                "Alleen een geslaagde import met niet herkende kolommen kan opnieuw worden "
                "gedaan met een koppeling."
            ),
            status=409,
        )
    form = MappingForm(request.POST, columns=columns)
    if not form.is_valid():
        return _job_page(request, parent, form, status=400)
    if not parent.files_kept:
        return _job_page(
            request,
            parent,
            form,
            refusal=_(
                "De bestanden van deze import zijn niet meer bewaard (ze blijven een dag, tot "
                "een volgende import). Upload ze opnieuw op de pagina Gegevens, met een "
                "koppelingsbestand."
            ),
            status=410,
        )
    rows, units = form.mapping()
    options = dict(parent.options)
    options["mapping"] = {**parent.options.get("mapping", {}), **rows}
    options["units"] = {**parent.options.get("units", {}), **units}
    try:
        job = jobs.start(
            store=site_store(),
            kind=Job.Kind.IMPORT,
            started_by=pseudonym_of(request.user),
            files=parent.files,
            options=options,
            upload_dir=parent.upload_dir,
            parent=parent,
        )
    except jobs.Busy:
        return _job_page(request, parent, form, refusal=_busy_message(), status=409)
    except jobs.FilesGone:
        return _job_page(
            request,
            parent,
            form,
            refusal=_("De bestanden van deze import zijn intussen verwijderd. Upload ze opnieuw."),
            status=410,
        )
    return redirect("datamanagement:job", job_id=job.pk)


@permission("data.manage")
@require_POST
def index_run(request: HttpRequest) -> HttpResponse:
    """Score the whole store and keep the run, as ``wijkkompas index`` does."""
    store = site_store()
    if not store.exists():
        return _page(
            request,
            refusal=_("Er zijn nog geen gegevens om te berekenen. Importeer eerst bestanden."),
            status=409,
        )
    try:
        job = jobs.start(store=store, kind=Job.Kind.INDEX, started_by=pseudonym_of(request.user))
    except jobs.Busy:
        return _page(request, refusal=_busy_message(), status=409)
    return redirect("datamanagement:job", job_id=job.pk)


def _labelled(found: dict[str, Any]) -> dict[str, Any]:
    """Agreements with each score's name in the page's language."""
    rows = [
        {**a, "score_label": str(BY_KEY[a["score"]].label) if a["score"] in BY_KEY else a["score"]}
        for a in found.get("agreements", [])
    ]
    return {**found, "agreements": rows}


@permission("data.manage")
@require_safe
def validatie(request: HttpRequest) -> HttpResponse:
    """The index against the Leefbaarometer and SES-WOA, as computed with the newest index
    run started here; or why there is nothing to compare."""
    store = site_store()
    store_overview = overview(store)
    latest = latest_index_job(store)
    changed = False
    if latest is not None and latest.finished_at is not None:
        changed = any(i.finished > latest.finished_at for i in store_overview.imports)
    validation = {
        key: _labelled(found)
        for key, found in (latest.result.get("validation", {}) if latest else {}).items()
    }
    sources = [
        (
            "leefbaarometer",
            _("Leefbaarometer"),
            "lbm_score" in store_overview.indicators,
            validation.get("leefbaarometer"),
        ),
        (
            "ses_woa",
            _("SES-WOA"),
            "ses_woa_score" in store_overview.indicators,
            validation.get("ses_woa"),
        ),
    ]
    return render(
        request,
        "datamanagement/validatie.html",
        {
            "overview": store_overview,
            "latest": latest,
            "changed": changed,
            "sources": sources,
            "active": jobs.active_job(store),
        },
    )
