from django.apps import AppConfig


class OpendataConfig(AppConfig):
    """Open contracting data: each partnership's contracting process as an OCDS 1.1.5 release package (with
    the OCDS for PPPs profile's risk allocation and metrics), validated offline, shown and downloaded."""

    name = "forbetter.opendata"
    label = "opendata"
    verbose_name = "Open contracting data"
