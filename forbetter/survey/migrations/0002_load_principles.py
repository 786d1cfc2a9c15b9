from django.db import migrations


def load(apps, schema_editor):
    from forbetter.survey.reference import load_survey_principles

    load_survey_principles(apps)


class Migration(migrations.Migration):
    dependencies = [("survey", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
