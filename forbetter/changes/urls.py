from django.urls import path

from forbetter.changes import views

app_name = "changes"

urlpatterns = [
    path("<int:pk>/changes/", views.register, name="register"),
    path("<int:pk>/changes/new/", views.change_form, name="change-create"),
    path("<int:pk>/changes/terms/", views.terms, name="terms"),
    path("<int:pk>/changes/groups/new/", views.group_create, name="group-create"),
    path("<int:pk>/changes/<int:change_pk>/", views.change_detail, name="change"),
    path("<int:pk>/changes/<int:change_pk>/edit/", views.change_form, name="change-edit"),
    path("<int:pk>/changes/<int:change_pk>/assessment/", views.assessment, name="assessment"),
    path("<int:pk>/changes/<int:change_pk>/kpis/new/", views.kpi_effect_add, name="kpi-effect-add"),
    path("<int:pk>/changes/<int:change_pk>/decision/", views.decision, name="decision"),
    path("<int:pk>/changes/<int:change_pk>/notice/", views.notice, name="notice"),
    path("<int:pk>/changes/<int:change_pk>/apply/", views.change_apply, name="change-apply"),
]
