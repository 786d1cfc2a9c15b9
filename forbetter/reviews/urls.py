from django.urls import path

from forbetter.reviews import views

app_name = "reviews"

urlpatterns = [
    path("<int:pk>/reviews/", views.review_list, name="list"),
    path("<int:pk>/reviews/new/", views.review_form, name="review-create"),
    path("<int:pk>/reviews/interval/", views.schedule_edit, name="schedule-edit"),
    path("<int:pk>/reviews/<int:review_pk>/", views.review_detail, name="review"),
    path("<int:pk>/reviews/<int:review_pk>/edit/", views.review_form, name="review-edit"),
    path("<int:pk>/reviews/<int:review_pk>/decisions/new/", views.decision_form, name="decision-create"),
    path(
        "<int:pk>/reviews/<int:review_pk>/decisions/<int:decision_pk>/edit/",
        views.decision_form,
        name="decision-edit",
    ),
    path(
        "<int:pk>/reviews/<int:review_pk>/decisions/<int:decision_pk>/remove/",
        views.decision_remove,
        name="decision-remove",
    ),
    path("<int:pk>/reviews/change-mechanisms/", views.mechanisms, name="mechanisms"),
    path("<int:pk>/reviews/change-mechanisms/new/", views.mechanism_form, name="mechanism-create"),
    path(
        "<int:pk>/reviews/change-mechanisms/<int:mechanism_pk>/edit/",
        views.mechanism_form,
        name="mechanism-edit",
    ),
    path("<int:pk>/reviews/change-mechanisms/terms/", views.terms_edit, name="terms-edit"),
    path("<int:pk>/reviews/scenarios/", views.scenario_list, name="scenarios"),
    path("<int:pk>/reviews/scenarios/new/", views.scenario_form, name="scenario-create"),
    path("<int:pk>/reviews/scenarios/<int:scenario_pk>/", views.scenario_detail, name="scenario"),
    path("<int:pk>/reviews/scenarios/<int:scenario_pk>/edit/", views.scenario_form, name="scenario-edit"),
]
