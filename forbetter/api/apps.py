from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The REST API (Django REST framework): partnerships, framework tasks, risks, KPIs and returns, payment
    statements and business cases as JSON, with the same permissions as the pages, personal access tokens
    and an OpenAPI 3 schema with its documentation page (decision record 0037, docs/api.md)."""

    name = "forbetter.api"
    label = "api"

    def ready(self) -> None:
        from forbetter.api import schema  # noqa: F401 - registers the token scheme with drf-spectacular
