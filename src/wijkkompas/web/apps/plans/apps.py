from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "wijkkompas.web.apps.plans"
    label = "plans"
    verbose_name = _("Wijkaanpak")
