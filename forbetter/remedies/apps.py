from django.apps import AppConfig


class RemediesConfig(AppConfig):
    """The remedies ladder of a live contract (warning notices, rectification plans, persistent breaches
    found from KPI returns, failures not improved, remedial advisers and step-in, disputes) and the exit
    plan kept current beside the exit-cost analysis."""

    name = "forbetter.remedies"
    label = "remedies"
