from django.urls import path

from wijkkompas.web.apps.plans.views import edits, exports, pages

app_name = "plans"
urlpatterns = [
    path("", pages.plan_list, name="list"),
    path("nieuw/", pages.plan_create, name="create"),
    path("<int:plan_id>/", pages.plan_detail, name="detail"),
    path("<int:plan_id>/verantwoording/", pages.plan_public, name="public"),
    path("<int:plan_id>/bewerken/", pages.plan_edit, name="edit"),
    path("<int:plan_id>/partners/nieuw/", edits.partner_add, name="partner_add"),
    path("<int:plan_id>/afspraken/nieuw/", edits.agreement_add, name="agreement_add"),
    path(
        "<int:plan_id>/afspraken/<int:agreement_id>/stand/",
        edits.agreement_status,
        name="agreement_status",
    ),
    path("<int:plan_id>/doelen/nieuw/", edits.goal_add, name="goal_add"),
    path("<int:plan_id>/doelen/<int:goal_id>/bijstellen/", edits.goal_edit, name="goal_edit"),
    path("<int:plan_id>/doelen/<int:goal_id>/verwijderen/", edits.goal_delete, name="goal_delete"),
    path(
        "<int:plan_id>/doelen/<int:goal_id>/nieuwe-referentie/",
        edits.goal_rebase,
        name="goal_rebase",
    ),
    path("<int:plan_id>/interventies/nieuw/", edits.intervention_add, name="intervention_add"),
    path(
        "<int:plan_id>/interventies/<int:intervention_id>/bewerken/",
        edits.intervention_edit,
        name="intervention_edit",
    ),
    path(
        "<int:plan_id>/interventies/<int:intervention_id>/begroting/",
        edits.budget_set,
        name="budget_set",
    ),
    path(
        "<int:plan_id>/interventies/<int:intervention_id>/uitgaven/",
        edits.spending_add,
        name="spending_add",
    ),
    path(
        "<int:plan_id>/interventies/<int:intervention_id>/voortgang/",
        edits.timeline_add,
        name="timeline_add",
    ),
    path("<int:plan_id>/plan.pdf", exports.export_pdf, name="export_pdf"),
    path("<int:plan_id>/begroting.csv", exports.export_csv, name="export_csv"),
    path("<int:plan_id>/begroting.xlsx", exports.export_xlsx, name="export_xlsx"),
]
