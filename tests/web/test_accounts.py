"""Sign-in, sign-out, password hashing, throttling and production settings."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from forbetter.accounts.models import Role, User
from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_sign_in_with_email_and_password_lands_on_the_portfolio(world: World) -> None:
    response = Client().post(reverse("accounts:sign-in"), {"username": "editor@a.test", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("partnerships:portfolio")


def test_wrong_password_gets_the_error_summary(world: World) -> None:
    response = Client().post(reverse("accounts:sign-in"), {"username": "editor@a.test", "password": "wrong"})
    content = response.content.decode()
    assert "There is a problem" in content
    assert "Enter a correct email address and password" in content


def test_empty_sign_in_names_each_missing_field(world: World) -> None:
    content = Client().post(reverse("accounts:sign-in"), {}).content.decode()
    assert "Enter your email address" in content
    assert "Enter your password" in content


def test_five_failures_pause_sign_in_even_with_the_right_password(world: World) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:sign-in"), {"username": "viewer@a.test", "password": "wrong"})
    response = client.post(reverse("accounts:sign-in"), {"username": "viewer@a.test", "password": PASSWORD})
    assert response.status_code == 429
    assert "Sign-in paused" in response.content.decode()


def test_sign_out_needs_a_post_and_ends_the_session(world: World) -> None:
    client = Client()
    client.force_login(world.users[Role.COUNCIL_VIEWER])
    response = client.post(reverse("accounts:sign-out"))
    assert response.status_code == 302
    assert client.get(reverse("partnerships:portfolio")).status_code == 302


def test_passwords_are_hashed_with_argon2_in_the_real_settings() -> None:
    from forbetter import settings as real_settings

    assert real_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_argon2_hash_round_trip(world: World, settings: object) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]  # type: ignore[attr-defined]
    user = User.objects.create_user("argon@a.test", "A-long-password-2026")
    assert user.password.startswith("argon2")
    assert user.check_password("A-long-password-2026")


def test_pages_carry_a_content_security_policy(world: World) -> None:
    response = Client().get(reverse("accounts:sign-in"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_production_refuses_to_start_without_secret_key_and_hosts() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS")}
    env["FORBETTER_ENV"] = "production"
    result = subprocess.run(
        [sys.executable, "-c", "import forbetter.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "needs SECRET_KEY, ALLOWED_HOSTS" in result.stderr
