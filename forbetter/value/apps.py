from django.apps import AppConfig


class ValueConfig(AppConfig):
    """Value for money: the business case against the actuals over the partnership's life, and market tests
    of what the partner buys on the council's behalf."""

    name = "forbetter.value"
    label = "value"
