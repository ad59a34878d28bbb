from django.urls import path

from wijkkompas.web.apps.participation.views import (
    budgets,
    figures,
    initiatives,
    organise,
    residents,
    surveys,
)

app_name = "participation"
urlpatterns = [
    path("", residents.home, name="home"),
    path("code/", residents.enter_code, name="code"),
    path("mijn-gegevens/", residents.my_data, name="my_data"),
    path("initiatieven/", initiatives.initiative_list, name="initiatives"),
    path("initiatieven/nieuw/", initiatives.initiative_create, name="initiative_create"),
    path("initiatieven/<int:initiative_id>/", initiatives.initiative_detail, name="initiative"),
    path(
        "initiatieven/<int:initiative_id>/steunen/",
        initiatives.initiative_support,
        name="initiative_support",
    ),
    path(
        "initiatieven/<int:initiative_id>/reageren/",
        initiatives.initiative_comment,
        name="initiative_comment",
    ),
    path(
        "initiatieven/<int:initiative_id>/beheer/",
        initiatives.initiative_manage,
        name="initiative_manage",
    ),
    path(
        "initiatieven/<int:initiative_id>/foto.jpg",
        initiatives.initiative_photo,
        name="initiative_photo",
    ),
    path("begrotingen/", budgets.budget_list, name="budgets"),
    path("begrotingen/nieuw/", budgets.budget_create, name="budget_create"),
    path("begrotingen/<int:budget_id>/", budgets.budget_detail, name="budget"),
    path("begrotingen/<int:budget_id>/indienen/", budgets.budget_propose, name="budget_propose"),
    path("begrotingen/<int:budget_id>/stemmen/", budgets.budget_vote, name="budget_vote"),
    path("begrotingen/<int:budget_id>/uitslag/", budgets.budget_result, name="budget_result"),
    path("begrotingen/<int:budget_id>/stemmen.pb", budgets.budget_pabulib, name="budget_pabulib"),
    path("begrotingen/<int:budget_id>/beheer/", organise.budget_manage, name="budget_manage"),
    path("begrotingen/<int:budget_id>/papier/", organise.budget_paper, name="budget_paper"),
    path("codes/", organise.codes_manage, name="codes"),
    path("enquetes/", surveys.survey_list, name="surveys"),
    path("enquetes/nieuw/", surveys.survey_create, name="survey_create"),
    path("enquetes/<int:survey_id>/", surveys.survey_answer, name="survey"),
    path("enquetes/<int:survey_id>/beheer/", surveys.survey_manage, name="survey_manage"),
    path(
        "enquetes/<int:survey_id>/open/<str:token>/", surveys.survey_answer_open, name="survey_open"
    ),
    path("enquetes/<int:survey_id>/resultaten/", surveys.survey_results, name="survey_results"),
    path(
        "enquetes/<int:survey_id>/resultaten.csv",
        surveys.survey_results_csv,
        name="survey_results_csv",
    ),
    path("enquetes/<int:survey_id>/naar-monitor/", surveys.survey_publish, name="survey_publish"),
    path("deelname/", figures.participation_figures, name="figures"),
    path("deelname/naar-monitor/", figures.participation_publish, name="figures_publish"),
    path("gevoeld-en-gemeten/", figures.felt_measured, name="felt_measured"),
]
