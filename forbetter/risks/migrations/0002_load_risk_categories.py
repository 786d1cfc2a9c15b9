"""Load the risk categories (OCDS for PPPs codelist and the SSP categories) as versioned reference data."""

from django.db import migrations


def load(apps, schema_editor):
    from forbetter.risks.reference import load_risk_categories

    load_risk_categories(apps)


class Migration(migrations.Migration):
    dependencies = [("risks", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
