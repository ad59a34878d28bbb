from django.urls import path, register_converter

from wijkkompas.web.apps.monitor.views import maps, method, pages, region, search


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
    path("", maps.kaart, name="home"),
    path("kaart/", maps.kaart, name="kaart"),
    path(
        "kaart/<gemeente:gemeente_code>/buurten.geojson",
        maps.buurten_geojson,
        name="buurten_geojson",
    ),
    path("regio/<regio:code>/", region.profiel, name="profiel"),
    path("regio/<regio:code>/waarnemingen.csv", region.waarnemingen_csv, name="waarnemingen_csv"),
    path("regio/<regio:code>/scores.csv", region.scores_csv, name="scores_csv"),
    path("regio/<regio:code>/gegevens.xlsx", region.gegevens_xlsx, name="gegevens_xlsx"),
    path("regio/<regio:code>/kaart.gpkg", region.geopackage, name="geopackage"),
    path("regio/<regio:code>/rapport.pdf", region.rapport_pdf, name="rapport_pdf"),
    path("regio/<regio:code>/rapport/", region.rapport, name="rapport"),
    path("zoek/", search.zoek, name="zoek"),
    path("signalen/", pages.signalen, name="signalen"),
    path("vergelijk/", pages.vergelijk, name="vergelijk"),
    path("methode/", method.methode_latest, name="methode_latest"),
    path("methode/<versie:version>/", method.methode, name="methode"),
    path("toegankelijkheid/", pages.toegankelijkheid, name="toegankelijkheid"),
]
