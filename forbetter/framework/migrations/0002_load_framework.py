"""Load the framework fixture so every database holds the stages, themes, actions and references."""

from django.db import migrations


def load(apps, schema_editor):
    from forbetter.framework.loader import load_framework

    load_framework(apps)


class Migration(migrations.Migration):
    dependencies = [("framework", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
