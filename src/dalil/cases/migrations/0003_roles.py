"""Give the cases permissions to the roles that work on cases (roles.sync adds what is missing)."""

from django.db import migrations


def load(apps, schema_editor):
    from dalil.access.roles import sync

    sync(apps)


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_iccs"), ("access", "0002_roles")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
