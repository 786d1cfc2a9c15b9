from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    """Value for money: business cases, options appraisal, comparator, affordability, versions."""

    name = "forbetter.appraisal"
    label = "appraisal"
