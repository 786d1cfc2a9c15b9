from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared page furniture: base template, GOV.UK form vocabulary, history rendering."""

    name = "forbetter.core"
    label = "core"
