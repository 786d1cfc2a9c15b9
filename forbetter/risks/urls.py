from django.urls import path

from forbetter.risks import analysis_views, views

app_name = "risks"

urlpatterns = [
    path("<int:pk>/risks/", views.register, name="register"),
    path("<int:pk>/risks/new/", views.risk_create, name="create"),
    path("<int:pk>/risks/<int:risk_pk>/", views.risk_detail, name="risk"),
    path("<int:pk>/risks/<int:risk_pk>/edit/", views.risk_edit, name="edit"),
    path("<int:pk>/risks/<int:risk_pk>/actions/new/", views.action_form, name="action-create"),
    path("<int:pk>/risks/<int:risk_pk>/actions/<int:action_pk>/edit/", views.action_form, name="action-edit"),
    path("<int:pk>/risks/heat-map/", views.heat_map, name="heat-map"),
    path("<int:pk>/risks/allocation/", views.allocation, name="allocation"),
    path("<int:pk>/risks/reviews-due/", views.reviews_due, name="reviews-due"),
    path("<int:pk>/risks/reviews/", views.reviews, name="reviews"),
    path("<int:pk>/risks/reviews/new/", views.review_create, name="review-create"),
    path("<int:pk>/risks/reviews/<int:review_pk>/", views.review_detail, name="review"),
    path("<int:pk>/risks/ownership-plan/", views.ownership_plan, name="ownership-plan"),
    path("<int:pk>/risks/ownership-plan/edit/", views.ownership_plan_edit, name="ownership-plan-edit"),
    path("<int:pk>/risks/ownership-plan/<slug:kind>/new/", views.plan_item_form, name="plan-item-create"),
    path(
        "<int:pk>/risks/ownership-plan/<slug:kind>/<int:item_pk>/edit/",
        views.plan_item_form,
        name="plan-item-edit",
    ),
    path(
        "<int:pk>/risks/ownership-plan/<slug:kind>/<int:item_pk>/remove/",
        views.plan_item_remove,
        name="plan-item-remove",
    ),
    path("<int:pk>/risks/simulations/", analysis_views.runs, name="runs"),
    path("<int:pk>/risks/simulations/new/", analysis_views.run_create, name="run-create"),
    path("<int:pk>/risks/simulations/<int:run_pk>/", analysis_views.run_detail, name="run"),
    path("<int:pk>/risks/simulations/<int:run_pk>/cancel/", analysis_views.run_cancel, name="run-cancel"),
    path("<int:pk>/risks/simulations/<int:run_pk>/retry/", analysis_views.run_retry, name="run-retry"),
    path(
        "<int:pk>/risks/simulations/<int:run_pk>/business-case/", analysis_views.run_apply, name="run-apply"
    ),
    path("<int:pk>/risks/exit/", analysis_views.exit_analysis, name="exit"),
    path("<int:pk>/risks/exit/edit/", analysis_views.exit_edit, name="exit-edit"),
    path("<int:pk>/risks/exit/routes/<slug:route>/", analysis_views.exit_schedule, name="exit-schedule"),
]
