from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    """Partnerships, their framework task lists, evidence and stage gates."""

    name = "forbetter.partnerships"
    label = "partnerships"
