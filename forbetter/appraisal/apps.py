from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    """Value for money: business cases, options appraisal, comparator, affordability, versions."""

    name = "forbetter.appraisal"
    label = "appraisal"

    def ready(self) -> None:
        from forbetter.accounts.permissions import can_see_confidential
        from forbetter.appraisal import evidence_providers  # noqa: F401  (registers providers)
        from forbetter.partnerships.sections import Section, register

        register(Section("business-case", "Business case", "appraisal:cases", 40, can_see_confidential))
