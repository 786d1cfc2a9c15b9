"""Reload the framework fixture on databases that hold it already, so the procurement stage's actions P-TR-1
(continuity from bid team to delivery team: the key people named in a bid) and P-FLX-2 (formal review
points: bidders' positions on them) ask for the evidence kinds they now name. The loader updates the actions
in place, matched on their codes, so reloading changes nothing else."""

from django.db import migrations


def reload(apps, schema_editor):
    from forbetter.framework.loader import load_framework

    load_framework(apps)


class Migration(migrations.Migration):
    dependencies = [("framework", "0002_load_framework")]
    operations = [migrations.RunPython(reload, migrations.RunPython.noop)]
