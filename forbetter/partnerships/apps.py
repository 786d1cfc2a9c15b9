from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    """Partnerships, their framework task lists, evidence and stage gates."""

    name = "forbetter.partnerships"
    label = "partnerships"

    def ready(self) -> None:
        from forbetter.partnerships import evidence_providers  # noqa: F401  (registers providers)
