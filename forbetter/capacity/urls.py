from django.urls import path

from forbetter.capacity import views

app_name = "capacity"

urlpatterns = [
    path("<int:pk>/capacity/", views.team, name="team"),
    path("<int:pk>/capacity/roles/new/", views.role_form, name="role-create"),
    path("<int:pk>/capacity/roles/<int:role_pk>/edit/", views.role_form, name="role-edit"),
    path("<int:pk>/capacity/roles/<int:role_pk>/remove/", views.role_remove, name="role-remove"),
    path("<int:pk>/capacity/actuals/", views.actuals, name="actuals"),
    path("<int:pk>/capacity/actuals/new/", views.actual_form, name="actual-create"),
    path("<int:pk>/capacity/actuals/<int:actual_pk>/edit/", views.actual_form, name="actual-edit"),
    path("<int:pk>/capacity/procurement/", views.procurement, name="procurement"),
    path("<int:pk>/capacity/procurement/new/", views.budget_form, name="budget-create"),
    path("<int:pk>/capacity/procurement/<int:line_pk>/edit/", views.budget_form, name="budget-edit"),
    path("<int:pk>/capacity/advisers/", views.advisers, name="advisers"),
    path("<int:pk>/capacity/advisers/new/", views.adviser_form, name="adviser-create"),
    path("<int:pk>/capacity/advisers/<int:adviser_pk>/edit/", views.adviser_form, name="adviser-edit"),
    path("<int:pk>/capacity/contract/", views.contract, name="contract"),
    path("<int:pk>/capacity/contract/target/", views.target_form, name="target-edit"),
]
