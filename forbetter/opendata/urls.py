from django.urls import path

from forbetter.opendata import views

app_name = "opendata"

urlpatterns = [
    path("<int:pk>/open-contracting-data/", views.overview, name="overview"),
    path("<int:pk>/open-contracting-data/package.json", views.download, name="download"),
]
