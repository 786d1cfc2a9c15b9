from django.urls import path

from forbetter.keydates import views

app_name = "keydates"

urlpatterns = [
    path("key-dates/", views.portfolio, name="portfolio"),
    path("<int:pk>/key-dates/", views.timeline, name="timeline"),
    path("<int:pk>/key-dates/new/", views.key_date_form, name="create"),
    path("<int:pk>/key-dates/<int:key_date_pk>/", views.key_date_detail, name="key-date"),
    path("<int:pk>/key-dates/<int:key_date_pk>/edit/", views.key_date_form, name="edit"),
    path("<int:pk>/key-dates/<int:key_date_pk>/state/", views.status_form, name="status"),
]
