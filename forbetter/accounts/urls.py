from django.contrib.auth.decorators import login_not_required
from django.urls import path

from forbetter.accounts import admin_views, views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", login_not_required(views.SignInView.as_view()), name="sign-in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("organisations/", admin_views.organisations, name="organisations"),
    path("organisations/new/", admin_views.organisation_edit, name="organisation-create"),
    path("organisations/<int:pk>/", admin_views.organisation_edit, name="organisation-edit"),
    path("users/", admin_views.users, name="users"),
    path("users/new/", admin_views.user_edit, name="user-create"),
    path("users/<int:pk>/", admin_views.user_edit, name="user-edit"),
]
