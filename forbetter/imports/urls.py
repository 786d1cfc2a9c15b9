from django.urls import path

from forbetter.imports import views

app_name = "imports"

urlpatterns = [
    path("<int:pk>/imports/", views.history, name="history"),
    path("<int:pk>/imports/new/", views.upload, name="upload"),
    path("<int:pk>/imports/<int:batch_pk>/", views.batch, name="batch"),
    path("<int:pk>/imports/<int:batch_pk>/abandon/", views.abandon, name="abandon"),
    path("<int:pk>/imports/returns/", views.returns_upload, name="returns-upload"),
    path("<int:pk>/imports/returns/<int:batch_pk>/", views.returns_batch, name="returns-batch"),
    path("<int:pk>/imports/templates/<slug:kind>.<slug:fmt>", views.template, name="template"),
]
