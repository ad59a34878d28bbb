from django.urls import path

from wijkkompas.web.apps.accounts import views

app_name = "accounts"
urlpatterns = [
    path("inloggen/", views.login_view, name="login"),
    path("inloggen/code/", views.login_code_view, name="login_code"),
    path("uitloggen/", views.logout_view, name="logout"),
    path("", views.account_view, name="account"),
    path("tweestaps/", views.totp_view, name="totp"),
    path("personen/", views.people_view, name="people"),
    path("personen/<str:pseudonym>/wissen/", views.erase_view, name="erase"),
]
