"""The resident survey: felt livability per area per year."""

from __future__ import annotations

import secrets
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from wijkkompas.web.apps.accounts.permissions import Scope


def new_link_token() -> str:
    return secrets.token_urlsafe(12)


class Survey(models.Model):
    """One round of the standard questionnaire for an area (a wijk or gemeente and its buurten).

    Residents answer with their code, or through an open link (``open_link`` on) that anyone
    with the link can use; answers through the link are marked as such in the results. The
    results are public once it closes, unless the organiser shows them earlier
    (``results_while_open``).
    """

    title = models.CharField(_("titel"), max_length=140)
    area_code = models.CharField(_("gebied"), max_length=10)
    year = models.PositiveIntegerField(_("jaar"))
    is_open = models.BooleanField(_("open voor antwoorden"), default=False)
    open_link = models.BooleanField(_("ook te beantwoorden via een open link"), default=False)
    link_token = models.CharField(max_length=32, default=new_link_token, editable=False)
    results_while_open = models.BooleanField(
        _("uitkomsten al tonen terwijl de enquête open is"),
        default=False,
        help_text=_(
            "Meestal niet: wie de uitkomsten ziet voordat hij invult, antwoordt anders. Zonder "
            "vinkje ziet iedereen de uitkomsten zodra de enquête gesloten is."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return self.title

    def permission_scope(self) -> Scope:
        return Scope(area=(self.area_code,))

    @property
    def results_public(self) -> bool:
        """Results are for everyone once the survey has closed (or earlier, if the organiser
        chose so): seen while answering, they steer the answers still to come."""
        return not self.is_open or self.results_while_open


class SurveyResponse(models.Model):
    """One anonymous set of answers: the buurt, optional age group and sex, the answers."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    area_code = models.CharField(max_length=10)
    age_group = models.CharField(max_length=8, blank=True)
    sex = models.CharField(max_length=8, blank=True)
    answers = models.JSONField()
    via_open_link = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"antwoorden {self.pk}"


class SurveyMark(models.Model):
    """That a code has answered a survey, so it answers once; not which answers."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="+")
    code = models.ForeignKey(
        "participation.ResidentCode", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "code"], name="answer_once")]

    def __str__(self) -> str:
        return f"beantwoord {self.survey_id}"
