"""Reload the framework fixture on databases that hold it already, so the contract-management action C-VFM-4
(market test purchases the partner makes for the council) asks for the evidence kind it now names,
``market_test`` (decision record 0028, following 0022). The loader updates the actions in place, matched on
their codes, so reloading changes nothing else."""

from django.db import migrations


def reload(apps, schema_editor):
    from forbetter.framework.loader import load_framework

    load_framework(apps)


class Migration(migrations.Migration):
    dependencies = [("framework", "0004_key_dates_evidence_kind")]
    operations = [migrations.RunPython(reload, migrations.RunPython.noop)]
