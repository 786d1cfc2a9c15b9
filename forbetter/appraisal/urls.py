from django.urls import path

from forbetter.appraisal import views

app_name = "appraisal"

VERSION = "<int:pk>/business-case/versions/<int:version_pk>/"
OPTION = VERSION + "options/<int:option_pk>/"
BASELINE = "<int:pk>/business-case/baselines/<int:baseline_pk>/"

urlpatterns = [
    path("<int:pk>/business-case/", views.cases, name="cases"),
    path("<int:pk>/business-case/new/", views.case_create, name="case-create"),
    path("<int:pk>/business-case/<int:case_pk>/compare/", views.compare, name="compare"),
    path(VERSION, views.version, name="version"),
    path(VERSION + "settings/", views.version_settings, name="version-settings"),
    path(VERSION + "risk-adjustment/", views.version_risk, name="version-risk"),
    path(VERSION + "freeze/", views.version_freeze, name="version-freeze"),
    path(VERSION + "new-version/", views.version_copy, name="version-copy"),
    path(VERSION + "results/", views.version_results, name="version-results"),
    path(VERSION + "options/new/", views.option_create, name="option-create"),
    path(OPTION, views.option, name="option"),
    path(OPTION + "delete/", views.option_delete, name="option-delete"),
    path(OPTION + "from-baselines/", views.option_from_baselines, name="option-from-baselines"),
    path(OPTION + "lines/new/", views.line_create, name="line-create"),
    path(OPTION + "lines/<int:line_pk>/", views.line_edit, name="line-edit"),
    path(OPTION + "lines/<int:line_pk>/delete/", views.line_delete, name="line-delete"),
    path(OPTION + "mitigation/new/", views.contribution_add, name="contribution-add"),
    path(OPTION + "risks/new/", views.option_risk_share_add, name="option-risk-share-add"),
    path(
        OPTION + "risks/<int:share_pk>/delete/",
        views.option_risk_share_delete,
        name="option-risk-share-delete",
    ),
    path(
        OPTION + "mitigation/<int:contribution_pk>/delete/",
        views.contribution_delete,
        name="contribution-delete",
    ),
    path("<int:pk>/business-case/baselines/", views.baselines, name="baselines"),
    path("<int:pk>/business-case/baselines/new/", views.baseline_create, name="baseline-create"),
    path(BASELINE, views.baseline, name="baseline"),
    path(BASELINE + "measures/new/", views.measure_create, name="measure-create"),
    path(BASELINE + "measures/<int:measure_pk>/delete/", views.measure_delete, name="measure-delete"),
]
