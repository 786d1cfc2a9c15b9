from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    """Partnerships, their framework task lists, evidence and stage gates."""

    name = "forbetter.partnerships"
    label = "partnerships"

    def ready(self) -> None:
        from forbetter.partnerships import evidence_providers  # noqa: F401  (registers providers)
        from forbetter.partnerships.sections import Section, register

        register(Section("overview", "Overview", "partnerships:overview", 10))
        register(Section("matrix", "Framework matrix", "partnerships:matrix", 20))
        register(Section("tasks", "Task list", "partnerships:tasks", 30))
        register(Section("documents", "Documents", "partnerships:documents", 90))
        register(Section("history", "History", "partnerships:history", 100))
