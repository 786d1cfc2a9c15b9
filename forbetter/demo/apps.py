from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Fictional demo data: `manage.py seed_demo`."""

    name = "forbetter.demo"
    label = "demo"
