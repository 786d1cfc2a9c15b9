from django.contrib.auth.decorators import login_not_required
from django.urls import path

from forbetter.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", login_not_required(views.SignInView.as_view()), name="sign-in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
]
