from django.urls import path

from forbetter.remedies import views

app_name = "remedies"

urlpatterns = [
    path("<int:pk>/remedies/", views.overview, name="overview"),
    path("<int:pk>/remedies/persistent-breaches/", views.breaches, name="breaches"),
    path("<int:pk>/remedies/persistent-breaches/threshold/", views.settings_edit, name="settings-edit"),
    path("<int:pk>/remedies/warning-notices/", views.notices, name="notices"),
    path("<int:pk>/remedies/warning-notices/new/", views.notice_form, name="notice-create"),
    path("<int:pk>/remedies/warning-notices/<int:notice_pk>/edit/", views.notice_form, name="notice-edit"),
    path("<int:pk>/remedies/rectification-plans/", views.plans, name="plans"),
    path("<int:pk>/remedies/rectification-plans/new/", views.plan_form, name="plan-create"),
    path("<int:pk>/remedies/rectification-plans/<int:plan_pk>/", views.plan_detail, name="plan"),
    path("<int:pk>/remedies/rectification-plans/<int:plan_pk>/edit/", views.plan_form, name="plan-edit"),
    path(
        "<int:pk>/remedies/rectification-plans/<int:plan_pk>/actions/new/",
        views.action_form,
        name="action-create",
    ),
    path(
        "<int:pk>/remedies/rectification-plans/<int:plan_pk>/actions/<int:action_pk>/edit/",
        views.action_form,
        name="action-edit",
    ),
    path("<int:pk>/remedies/failures-not-improved/", views.failures, name="failures"),
    path("<int:pk>/remedies/failures-not-improved/new/", views.failure_form, name="failure-create"),
    path(
        "<int:pk>/remedies/failures-not-improved/<int:failure_pk>/edit/",
        views.failure_form,
        name="failure-edit",
    ),
    path("<int:pk>/remedies/advisers-and-step-in/", views.interventions, name="interventions"),
    path("<int:pk>/remedies/advisers-and-step-in/new/", views.intervention_form, name="intervention-create"),
    path(
        "<int:pk>/remedies/advisers-and-step-in/<int:intervention_pk>/edit/",
        views.intervention_form,
        name="intervention-edit",
    ),
    path("<int:pk>/remedies/disputes/", views.disputes, name="disputes"),
    path("<int:pk>/remedies/disputes/new/", views.dispute_form, name="dispute-create"),
    path("<int:pk>/remedies/disputes/<int:dispute_pk>/edit/", views.dispute_form, name="dispute-edit"),
    path("<int:pk>/remedies/exit-plan/", views.exit_plan, name="exit-plan"),
    path("<int:pk>/remedies/exit-plan/edit/", views.exit_plan_edit, name="exit-plan-edit"),
]
