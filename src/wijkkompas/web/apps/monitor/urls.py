from django.urls import path, register_converter

from wijkkompas.web.apps.monitor import views, views_method, views_pages, views_regio, views_zoek


class GemeenteCodeConverter:
    """A CBS gemeente code in a URL; anything else is not a page here (404)."""

    regex = r"GM[0-9]{4}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class RegionCodeConverter(GemeenteCodeConverter):
    """A CBS gemeente, wijk or buurt code; anything else is a 404 before any view runs."""

    regex = r"GM[0-9]{4}|WK[0-9]{4}[0-9A-Z]{2}|BU[0-9]{4}[0-9A-Z]{4}"


class VersionConverter(GemeenteCodeConverter):
    """A catalogue version (``2026.1``)."""

    regex = r"[0-9]{4}\.[0-9]+"


register_converter(GemeenteCodeConverter, "gemeente")
register_converter(VersionConverter, "versie")
register_converter(RegionCodeConverter, "regio")

app_name = "monitor"
urlpatterns = [
    path("", views.kaart, name="home"),
    path("kaart/", views.kaart, name="kaart"),
    path(
        "kaart/<gemeente:gemeente_code>/buurten.geojson",
        views.buurten_geojson,
        name="buurten_geojson",
    ),
    path("regio/<regio:code>/", views_regio.profiel, name="profiel"),
    path(
        "regio/<regio:code>/waarnemingen.csv", views_regio.waarnemingen_csv, name="waarnemingen_csv"
    ),
    path("regio/<regio:code>/scores.csv", views_regio.scores_csv, name="scores_csv"),
    path("regio/<regio:code>/gegevens.xlsx", views_regio.gegevens_xlsx, name="gegevens_xlsx"),
    path("regio/<regio:code>/kaart.gpkg", views_regio.geopackage, name="geopackage"),
    path("regio/<regio:code>/rapport.pdf", views_regio.rapport_pdf, name="rapport_pdf"),
    path("regio/<regio:code>/rapport/", views_regio.rapport, name="rapport"),
    path("zoek/", views_zoek.zoek, name="zoek"),
    path("signalen/", views_pages.signalen, name="signalen"),
    path("vergelijk/", views_pages.vergelijk, name="vergelijk"),
    path("methode/", views_method.methode_latest, name="methode_latest"),
    path("methode/<versie:version>/", views_method.methode, name="methode"),
    path("toegankelijkheid/", views_pages.toegankelijkheid, name="toegankelijkheid"),
]
