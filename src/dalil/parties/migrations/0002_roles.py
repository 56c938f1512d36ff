"""Give the entity permissions to investigators and analysts (view and manage), crime-scene
officers and commanders (view); roles.sync adds what is missing."""

from django.db import migrations


def load(apps, schema_editor):
    from dalil.access.roles import sync

    sync(apps)


class Migration(migrations.Migration):
    dependencies = [("parties", "0001_initial"), ("access", "0002_roles")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
