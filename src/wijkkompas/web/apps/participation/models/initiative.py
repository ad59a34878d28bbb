"""Bewonersinitiatieven: ideas of residents, their supporters and the conversation about them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wijkkompas.web.apps.accounts.permissions import Scope


class Initiative(models.Model):
    """An initiative from idea to done; ``hidden_reason`` is the moderator's public reason."""

    class Status(models.TextChoices):
        IDEA = "idea", _("Idee")
        CHECKED = "checked", _("Bekeken door de gemeente")
        IN_PROGRESS = "in_progress", _("Wordt uitgevoerd")
        DONE = "done", _("Klaar")
        NOT_POSSIBLE = "not_possible", _("Kan niet doorgaan")

    title = models.CharField(_("titel"), max_length=140)
    text = models.TextField(_("beschrijving"), max_length=4000)
    area_code = models.CharField(_("gebied"), max_length=10)
    estimated_cost = models.PositiveIntegerField(
        _("geschatte kosten (euro)"), null=True, blank=True
    )
    photo = models.ImageField(_("foto"), upload_to="initiatieven/", blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="initiatives",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.IDEA)
    goal = models.ForeignKey(
        "plans.Goal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="initiatives",
        verbose_name=_("doel in de wijkaanpak"),
    )
    hidden_reason = models.CharField(max_length=500, blank=True)
    """Set by moderation: the initiative is hidden and this reason is shown in its place."""
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["area_code"])]

    def __str__(self) -> str:
        return self.title

    def permission_scope(self) -> Scope:
        return Scope(area=(self.area_code,))

    @property
    def is_hidden(self) -> bool:
        return bool(self.hidden_reason)


class InitiativeEvent(models.Model):
    """A status change or moderation decision, with the reason shown to everyone."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=16, choices=Initiative.Status.choices, blank=True)
    action = models.CharField(max_length=16)
    """"status", "hide", "show" or "comment_hidden"."""
    reason = models.CharField(max_length=500)
    by_pseudonym = models.CharField(max_length=16)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action}: {self.reason}"


class Support(models.Model):
    """One resident supports one initiative, once."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supports"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["initiative", "user"], name="support_once")]

    def __str__(self) -> str:
        return f"steun voor {self.initiative_id}"


class Comment(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="comments"
    )
    text = models.TextField(_("reactie"), max_length=2000)
    hidden_reason = models.CharField(max_length=500, blank=True)
    erased = models.BooleanField(default=False)
    """The author asked to erase their data: the text is gone, the place in the thread stays."""
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"reactie op {self.initiative_id}"
