from django.urls import path, register_converter

from wijkkompas.web.apps.monitor import views


class GemeenteCodeConverter:
    """A CBS gemeente code in a URL; anything else is not a page here (404)."""

    regex = r"GM[0-9]{4}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(GemeenteCodeConverter, "gemeente")

app_name = "monitor"
urlpatterns = [
    path("", views.kaart, name="home"),
    path("kaart/", views.kaart, name="kaart"),
    path(
        "kaart/<gemeente:gemeente_code>/buurten.geojson",
        views.buurten_geojson,
        name="buurten_geojson",
    ),
]
