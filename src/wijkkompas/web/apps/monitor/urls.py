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
    path("", maps.map_page, name="home"),
    path("kaart/", maps.map_page, name="kaart"),
    path(
        "kaart/<gemeente:gemeente_code>/buurten.geojson",
        maps.buurten_geojson,
        name="buurten_geojson",
    ),
    path("regio/<regio:code>/", region.profile_page, name="profiel"),
    path("regio/<regio:code>/waarnemingen.csv", region.observations_csv, name="waarnemingen_csv"),
    path("regio/<regio:code>/scores.csv", region.scores_csv, name="scores_csv"),
    path("regio/<regio:code>/gegevens.xlsx", region.figures_xlsx, name="gegevens_xlsx"),
    path("regio/<regio:code>/kaart.gpkg", region.geopackage_download, name="geopackage"),
    path("regio/<regio:code>/rapport.pdf", region.report_pdf, name="rapport_pdf"),
    path("regio/<regio:code>/rapport/", region.report_page, name="rapport"),
    path("zoek/", search.search_page, name="zoek"),
    path("signalen/", pages.signals_page, name="signalen"),
    path("vergelijk/", pages.compare_page, name="vergelijk"),
    path("methode/", method.method_latest_page, name="methode_latest"),
    path("methode/<versie:version>/", method.method_page, name="methode"),
    path("toegankelijkheid/", pages.accessibility_page, name="toegankelijkheid"),
]
