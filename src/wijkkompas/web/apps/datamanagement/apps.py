from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataManagementConfig(AppConfig):
    name = "wijkkompas.web.apps.datamanagement"
    label = "datamanagement"
    verbose_name = _("Gegevensbeheer")
