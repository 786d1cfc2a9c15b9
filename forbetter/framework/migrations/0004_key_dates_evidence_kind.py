"""Reload the framework fixture on databases that hold it already, so the initiation stage's action I-FLX-2
(plan how the partnership will adapt to change: break points, change mechanisms, review points) asks for the
evidence kind it now names, ``key_dates``. The loader updates the action in place, matched on its code, so
reloading changes nothing else (decision record 0022)."""

from django.db import migrations


def reload(apps, schema_editor):
    from forbetter.framework.loader import load_framework

    load_framework(apps)


class Migration(migrations.Migration):
    dependencies = [("framework", "0003_procurement_evidence_kinds")]
    operations = [migrations.RunPython(reload, migrations.RunPython.noop)]
