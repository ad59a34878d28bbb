from django.urls import path

from wijkkompas.web.apps.datamanagement import views

app_name = "datamanagement"
urlpatterns = [
    path("gegevens/", views.gegevens, name="gegevens"),
    path("gegevens/importeren/", views.upload, name="upload"),
    path("gegevens/index/", views.index_run, name="index"),
    path("gegevens/validatie/", views.validatie, name="validatie"),
    path("gegevens/taken/<int:job_id>/", views.job, name="job"),
    path("gegevens/taken/<int:job_id>/status/", views.job_status, name="job_status"),
    path("gegevens/taken/<int:job_id>/koppeling/", views.remap, name="remap"),
]
