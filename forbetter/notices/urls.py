from django.urls import path

from forbetter.notices import views

app_name = "notices"

urlpatterns = [
    path("<int:pk>/notices/", views.overview, name="overview"),
    path("<int:pk>/notices/invoices/", views.invoices, name="invoices"),
    path("<int:pk>/notices/invoices/new/", views.invoice_form, name="invoice-create"),
    path("<int:pk>/notices/invoices/<int:invoice_pk>/", views.invoice_form, name="invoice-edit"),
    path("<int:pk>/notices/<str:notice>/<str:key>/", views.notice_detail, name="notice"),
    path("<int:pk>/notices/<str:notice>/<str:key>/json/", views.notice_json, name="notice-json"),
    path("<int:pk>/notices/<str:notice>/<str:key>/publish/", views.publish, name="publish"),
]
