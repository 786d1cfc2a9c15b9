"""With DEBUG off (as in production and the demo) each error is a styled GOV.UK page giving nothing away."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.template import loader
from django.test import Client
from django.urls import reverse

from forbetter.core.context_processors import SERVICE_NAME
from tests.web.error_urls import SECRET_DETAIL

LEAKS = ("Traceback", "INSTALLED_APPS", "SECRET_KEY", "Using the URLconf", "technical", SECRET_DETAIL)


@pytest.fixture(autouse=True)
def debug_off(settings: Any) -> None:
    settings.DEBUG = False


def assert_styled_and_sealed(response: Any, status: int, heading: str) -> None:
    content = response.content.decode()
    assert response.status_code == status
    assert 'class="govuk-header' in content
    assert "govuk/govuk-frontend.min.css" in content
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in content
    assert f"<title>{heading} - {SERVICE_NAME}</title>" in content
    for leak in (*LEAKS, settings.SECRET_KEY):
        assert leak not in content


@pytest.mark.urls("tests.web.error_urls")
def test_a_server_error_shows_the_styled_500_page_without_touching_the_database() -> None:
    # No django_db mark: any query on the way to the page would fail the test.
    response = Client(raise_request_exception=False).get("/test-errors/500/")
    assert_styled_and_sealed(response, 500, "Sorry, there is a problem with the service")


def test_the_500_template_renders_with_no_request_and_no_context_processors() -> None:
    content = loader.render_to_string("core/500.html", {"service_name": SERVICE_NAME})
    assert "Sorry, there is a problem with the service" in content
    assert "Signed in as" not in content


@pytest.mark.urls("tests.web.error_urls")
def test_a_bad_request_shows_the_styled_400_page() -> None:
    response = Client().get("/test-errors/400/")
    assert_styled_and_sealed(response, 400, "Sorry, there is a problem with the request")


def test_an_unknown_host_gets_the_styled_400_page() -> None:
    response = Client(HTTP_HOST="attacker.example").get("/accounts/sign-in/")
    assert_styled_and_sealed(response, 400, "Sorry, there is a problem with the request")


@pytest.mark.urls("tests.web.error_urls")
def test_a_refusal_shows_the_styled_403_page() -> None:
    response = Client().get("/test-errors/403/")
    assert_styled_and_sealed(response, 403, "You cannot do that")


@pytest.mark.django_db
def test_an_unknown_address_shows_the_styled_404_page_not_the_url_patterns() -> None:
    response = Client().get("/no-such-page/")
    assert_styled_and_sealed(response, 404, "Page not found")


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_shows_the_styled_csrf_page() -> None:
    response = Client(enforce_csrf_checks=True).post(
        reverse("accounts:sign-in"), {"username": "someone@a.test", "password": "anything"}
    )
    assert_styled_and_sealed(response, 403, "Your form was not sent")
    assert "CSRF" not in response.content.decode()
