"""URL map of the whole site; each app brings its own ``urls.py``, the API its routers.

Every view here names the action it performs (``accounts.permissions``); a test walks this map
and fails on a view without one.
"""

from django.urls import include, path
from django.views.i18n import set_language

from wijkkompas.web import api
from wijkkompas.web.apps.accounts.permissions import permission

handler403 = "wijkkompas.web.apps.accounts.permissions.forbidden"

urlpatterns = [
    path("taal/", permission("site.view")(set_language), name="set_language"),
    path("account/", include("wijkkompas.web.apps.accounts.urls")),
    path("plannen/", include("wijkkompas.web.apps.plans.urls")),
    path("meedoen/", include("wijkkompas.web.apps.participation.urls")),
    path("beheer/", include("wijkkompas.web.apps.datamanagement.urls")),
    path("api/v1/", api.urls()),
    path("", include("wijkkompas.web.apps.monitor.urls")),
]
