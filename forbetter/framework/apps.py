from django.apps import AppConfig


class FrameworkConfig(AppConfig):
    """The Audit Commission framework as data: stages, themes, actions and references."""

    name = "forbetter.framework"
    label = "framework"
    verbose_name = "Framework"
