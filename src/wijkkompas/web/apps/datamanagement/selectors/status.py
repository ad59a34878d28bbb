"""A job's state in the reader's language: "bezig…", "klaar", "mislukt: reden"."""

from __future__ import annotations

from django.utils.translation import gettext as _

from wijkkompas.web.apps.datamanagement.models import Job


def status_text(job: Job) -> str:
    if job.state == Job.State.QUEUED:
        return _("In de wachtrij…")
    if job.state == Job.State.RUNNING:
        if job.stage == "reading":
            return _("Bezig… %(bestand)s lezen") % {"bestand": job.stage_detail}
        if job.stage == "writing":
            return _("Bezig… de gegevens opslaan")
        if job.stage == "scoring":
            return _("Bezig… de index berekenen")
        if job.stage == "validating":
            return _("Bezig… vergelijken met de Leefbaarometer en SES-WOA")
        return _("Bezig…")
    if job.state == Job.State.DONE:
        return _("Klaar")
    return _("Mislukt: %(reden)s") % {"reden": failure_text(job)}


def failure_text(job: Job) -> str:
    """Why a job failed and what to do, without the technical detail (shown apart)."""
    if job.state != Job.State.FAILED:
        return ""
    unchanged = _("Er is niets veranderd aan de gegevens.")
    reasons = {
        "import": _(
            "de bestanden konden niet worden geïmporteerd. %(ongewijzigd)s Controleer of het "
            "de goede bestanden zijn en of het jaar klopt; kies anders bij ‘Soort bestand’ wat "
            "het is, of voeg een koppelingsbestand toe als de kolommen andere namen hebben."
        ),
        "index": _(
            "de index kon niet worden berekend. %(ongewijzigd)s Importeer eerst cijfers van "
            "het CBS voor de buurten die u wilt zien."
        ),
        "store": _(
            "de opslag kon niet worden bijgewerkt, misschien omdat er tegelijk een import op de "
            "opdrachtregel liep. %(ongewijzigd)s Probeer het over een paar minuten opnieuw."
        ),
        "interrupted": _(
            "de taak is onderbroken, doordat de server stopte of opnieuw startte. "
            "%(ongewijzigd)s Start de taak opnieuw."
        ),
    }
    text = reasons.get(
        job.failure,
        _(
            "er ging iets mis in wijkkompas zelf. %(ongewijzigd)s De beheerder vindt de "
            "details in het logboek van de server."
        ),
    )
    return text % {"ongewijzigd": unchanged}
