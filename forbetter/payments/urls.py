from django.urls import path

from forbetter.payments import views_mechanism, views_statements

app_name = "payments"

urlpatterns = [
    path("<int:pk>/payments/", views_statements.statements, name="statements"),
    path(
        "<int:pk>/payments/statements/<int:statement_pk>/",
        views_statements.statement_detail,
        name="statement",
    ),
    path(
        "<int:pk>/payments/statements/<int:statement_pk>/approve/",
        views_statements.statement_approve,
        name="statement-approve",
    ),
    path("<int:pk>/payments/mechanism/", views_mechanism.mechanism, name="mechanism"),
    path("<int:pk>/payments/mechanism/edit/", views_mechanism.mechanism_edit, name="mechanism-edit"),
    path("<int:pk>/payments/mechanism/index/", views_mechanism.index_values, name="index"),
    path("<int:pk>/payments/mechanism/gainshare/", views_mechanism.gainshare_year, name="gainshare-year"),
    path("<int:pk>/payments/mechanism/charge/", views_mechanism.charge_change, name="charge-change"),
    path("<int:pk>/payments/relief/", views_mechanism.reliefs, name="reliefs"),
    path("<int:pk>/payments/relief/<int:relief_pk>/", views_mechanism.relief_detail, name="relief"),
    path("<int:pk>/payments/responsibilities/", views_mechanism.responsibilities, name="responsibilities"),
    path(
        "<int:pk>/payments/responsibilities/new/",
        views_mechanism.responsibility_form,
        name="responsibility-create",
    ),
    path(
        "<int:pk>/payments/responsibilities/<int:responsibility_pk>/edit/",
        views_mechanism.responsibility_form,
        name="responsibility-edit",
    ),
]
