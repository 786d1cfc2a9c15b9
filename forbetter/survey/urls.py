from django.urls import path

from forbetter.survey import views

app_name = "survey"

urlpatterns = [
    path("<int:pk>/survey/", views.rounds, name="rounds"),
    path("<int:pk>/survey/new/", views.round_create, name="round-create"),
    path("<int:pk>/survey/results/", views.results, name="results"),
    path("<int:pk>/survey/<int:round_pk>/", views.round_detail, name="round"),
    path("<int:pk>/survey/<int:round_pk>/edit/", views.round_edit, name="round-edit"),
    path("<int:pk>/survey/<int:round_pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/survey/<int:round_pk>/paper/", views.paper_entry, name="paper-entry"),
]
