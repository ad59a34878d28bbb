"""URL map of the whole site; each app brings its own ``urls.py``."""

from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("taal/", set_language, name="set_language"),
    path("", include("wijkkompas.web.apps.monitor.urls")),
]
