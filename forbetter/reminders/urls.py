from django.urls import path

from forbetter.reminders import views

app_name = "reminders"

urlpatterns = [
    path("", views.reminder_list, name="list"),
    path("email/", views.preferences, name="preferences"),
]
