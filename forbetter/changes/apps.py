from django.apps import AppConfig


class ChangesConfig(AppConfig):
    """Contract changes: change requests with their impact assessment and decision, the cumulative value of
    approved changes against the original contract value, the Procurement Act 2023's contract change notice,
    and approved changes applied to the monthly charge and KPI targets from a date."""

    name = "forbetter.changes"
    label = "changes"
    verbose_name = "Contract changes"
