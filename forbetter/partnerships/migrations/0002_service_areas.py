"""Reference data: the services councils commonly put into strategic partnerships."""

from django.db import migrations

SERVICE_AREAS = [
    "Customer services",
    "Facilities management",
    "Finance and accountancy",
    "Highways",
    "Human resources and payroll",
    "Information technology",
    "Procurement",
    "Property and estates",
    "Revenues and benefits",
    "Planning and building control",
]


def add(apps, schema_editor):
    service_area = apps.get_model("partnerships", "ServiceArea")
    for name in SERVICE_AREAS:
        service_area.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
