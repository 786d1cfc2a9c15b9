"""Login throttling: the "Sign-in paused" page says how the pause ends, and it ends that way.

Waiting is simulated by moving the recorded failures back in time (axes compares their times with now).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from forbetter.accounts.throttling import client_ip_address, duration_in_words
from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

USERNAME = "viewer@a.test"


def sign_in(client: Client, password: str) -> Any:
    return client.post(reverse("accounts:sign-in"), {"username": USERNAME, "password": password})


def lock_out(client: Client, limit: int) -> Any:
    response = None
    for _ in range(limit):
        response = sign_in(client, "wrong")
    return response


def wait(duration: timedelta) -> None:
    """As if ``duration`` had passed since every recorded failure."""
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= duration
        attempt.save(update_fields=["attempt_time"])


def page_text(response: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_pause_names_the_configured_cool_off_and_the_time_it_ends(world: World, settings: Any) -> None:
    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)
    before = timezone.now()
    response = lock_out(Client(), settings.AXES_FAILURE_LIMIT)
    assert response.status_code == 429
    text = page_text(response)
    assert "Sign-in paused" in text
    assert f"There have been {settings.AXES_FAILURE_LIMIT} wrong passwords" in text
    assert "in 30 minutes" in text
    assert "The pause ends 30 minutes after the last wrong password" in text
    ends = timezone.localtime(before + timedelta(minutes=30))
    assert f"You can try again from {ends:%H:%M}" in text or (
        f"You can try again from {ends + timedelta(minutes=1):%H:%M}" in text
    )
    assert "reset your password" not in text


def test_the_default_pause_is_fifteen_minutes(world: World, settings: Any) -> None:
    text = page_text(lock_out(Client(), settings.AXES_FAILURE_LIMIT))
    assert "in 15 minutes" in text


def test_sign_in_works_again_once_the_cool_off_has_passed(world: World, settings: Any) -> None:
    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)
    client = Client()
    lock_out(client, settings.AXES_FAILURE_LIMIT)
    wait(timedelta(minutes=29))
    still_paused = sign_in(client, PASSWORD)
    assert still_paused.status_code == 429
    assert "in 1 minute." in page_text(still_paused)
    wait(timedelta(minutes=1, seconds=1))
    response = sign_in(client, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("partnerships:portfolio")


def test_trying_again_while_paused_does_not_lengthen_the_pause(world: World, settings: Any) -> None:
    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)
    client = Client()
    lock_out(client, settings.AXES_FAILURE_LIMIT)
    wait(timedelta(minutes=20))
    assert "in 10 minutes" in page_text(sign_in(client, "wrong again"))
    assert "in 10 minutes" in page_text(sign_in(client, PASSWORD))
    wait(timedelta(minutes=10, seconds=1))
    assert sign_in(client, PASSWORD).status_code == 302


def test_without_a_cool_off_the_page_says_an_administrator_lifts_the_pause(
    world: World, settings: Any
) -> None:
    settings.AXES_COOLOFF_TIME = None
    client = Client()
    text = page_text(lock_out(client, settings.AXES_FAILURE_LIMIT))
    assert "The pause does not end by itself. Ask your administrator to lift it." in text
    assert "try again from" not in text
    wait(timedelta(days=400))
    assert sign_in(client, PASSWORD).status_code == 429
    call_command("axes_reset_username", USERNAME, verbosity=0)
    assert sign_in(client, PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("duration", "words"),
    [
        (timedelta(seconds=1), "1 minute"),
        (timedelta(minutes=15), "15 minutes"),
        (timedelta(minutes=14, seconds=1), "15 minutes"),
        (timedelta(hours=1), "1 hour"),
        (timedelta(hours=1, minutes=30), "1 hour and 30 minutes"),
        (timedelta(days=1, hours=2, minutes=1), "1 day, 2 hours and 1 minute"),
    ],
)
def test_duration_in_words(duration: timedelta, words: str) -> None:
    assert duration_in_words(duration) == words


def test_behind_trusted_proxies_the_client_address_comes_from_x_forwarded_for(settings: Any) -> None:
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7, 10.0.0.1"
    )
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip_address(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip_address(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip_address(request) == "203.0.113.7"
    settings.TRUSTED_PROXY_COUNT = 5
    assert client_ip_address(request) == "10.0.0.2"
