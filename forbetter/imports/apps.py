from django.apps import AppConfig


class ImportsConfig(AppConfig):
    """Imports from spreadsheet templates: a file is read, checked row by row in a dry run and written only
    when the council editor confirms it, all or nothing."""

    name = "forbetter.imports"
    label = "imports"
    verbose_name = "Imports"
