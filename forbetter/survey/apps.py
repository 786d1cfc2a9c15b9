from django.apps import AppConfig


class SurveyConfig(AppConfig):
    """The partnership survey: rounds, anonymous answers per side, and results per principle."""

    name = "forbetter.survey"
    label = "survey"
